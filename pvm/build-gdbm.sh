#!/bin/bash
# Builds libgdbm as a static, position-independent library in the prefix
# (only _gdbm uses it; GPL-3, see README.md). Runs inside the root.
# Usage: build-gdbm.sh SOURCE-DIR
set -euo pipefail
cd "$1"
./configure --prefix="$PVM_PREFIX" --disable-shared --enable-static --with-pic \
    --without-readline --disable-nls
make -j"$PVM_JOBS" -C src libgdbm.la
make -C src install-libLTLIBRARIES install-nodist_includeHEADERS

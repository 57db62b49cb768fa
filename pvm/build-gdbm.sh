#!/bin/bash
# Builds libgdbm and libgdbm_compat as static, position-independent libraries
# in the prefix (only _gdbm and _dbm use them; GPL-3, see README.md). Runs
# inside the root. Usage: build-gdbm.sh SOURCE-DIR
set -euo pipefail
cd "$1"
./configure --prefix="$PVM_PREFIX" --disable-shared --enable-static --with-pic \
    --enable-libgdbm-compat --without-readline --disable-nls
make -j"$PVM_JOBS" -C src libgdbm.la
make -j"$PVM_JOBS" -C compat libgdbm_compat.la
make -C src install-libLTLIBRARIES install-nodist_includeHEADERS
make -C compat install-libLTLIBRARIES install-compatincludeHEADERS

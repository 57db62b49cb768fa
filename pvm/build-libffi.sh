#!/bin/bash
# Builds libffi as a static, position-independent library in the prefix
# (only _ctypes uses it). Runs inside the root. Usage: build-libffi.sh SOURCE-DIR
set -euo pipefail
cd "$1"
./configure --prefix="$PVM_PREFIX" --disable-shared --enable-static --with-pic \
    --disable-docs --disable-multi-os-directory
make -j"$PVM_JOBS"
make install

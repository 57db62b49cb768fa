#!/bin/bash
# Builds liblzma (xz-utils) as a static, position-independent library in the
# prefix (only _lzma uses it). Runs inside the root. Usage: build-xz.sh SOURCE-DIR
set -euo pipefail
cd "$1"
./configure --prefix="$PVM_PREFIX" --disable-shared --enable-static --with-pic \
    --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links \
    --disable-scripts --disable-doc --disable-nls
make -j"$PVM_JOBS" -C src/liblzma
make -C src/liblzma install

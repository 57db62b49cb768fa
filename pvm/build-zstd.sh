#!/bin/bash
# Builds libzstd as a static, position-independent library in the prefix,
# for the stub's payload reader. Runs inside the root. Usage: build-zstd.sh SOURCE-DIR
set -euo pipefail
cd "$1"
make -j"$PVM_JOBS" -C lib libzstd.a CFLAGS="-O2 -fPIC"
make -C lib install-static install-includes install-pc PREFIX="$PVM_PREFIX"

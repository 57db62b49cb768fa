#!/bin/bash
# Builds libzstd as a static, position-independent library in the prefix,
# for the stub's payload reader. Runs inside the root. Usage: build-zstd.sh SOURCE-DIR
set -euo pipefail
cd "$1"
# Without the decoders of zstd's legacy formats (v0.1-v0.7, 88 KB of the
# stub): pyfreeze writes only the current format (lib/README.md's
# ZSTD_LEGACY_SUPPORT).
make -j"$PVM_JOBS" -C lib libzstd.a CFLAGS="-O2 -fPIC" ZSTD_LEGACY_SUPPORT=0
make -C lib install-static install-includes install-pc PREFIX="$PVM_PREFIX"

#!/bin/bash
# Builds libbz2 as a static, position-independent library in the prefix
# (only _bz2 uses it). Runs inside the root. Usage: build-bzip2.sh SOURCE-DIR
set -euo pipefail
cd "$1"
make -j"$PVM_JOBS" libbz2.a CFLAGS="-O2 -fPIC -D_FILE_OFFSET_BITS=64"
install -D -m 644 libbz2.a "$PVM_PREFIX/lib/libbz2.a"
install -D -m 644 bzlib.h "$PVM_PREFIX/include/bzlib.h"

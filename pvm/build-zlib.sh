#!/bin/bash
# Builds zlib as a static, position-independent library in the prefix (for
# the zlib and binascii modules and the stub). Runs inside the root.
# Usage: build-zlib.sh SOURCE-DIR
set -euo pipefail
cd "$1"
CFLAGS="-O2 -fPIC" ./configure --prefix="$PVM_PREFIX" --static
make -j"$PVM_JOBS" libz.a
make install

#!/bin/bash
# Builds libexpat as a static, position-independent library in the prefix
# (pyexpat and the stub). Debian's source is the git tree: autotools make its
# configure. Runs inside the root. Usage: build-expat.sh SOURCE-DIR
set -euo pipefail
cd "$1/expat"
./buildconf.sh
./configure --prefix="$PVM_PREFIX" --disable-shared --enable-static --with-pic \
    --without-docbook --without-xmlwf --without-examples --without-tests
make -j"$PVM_JOBS" -C lib
make -C lib install
make install-pkgconfigDATA

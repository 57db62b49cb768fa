#!/bin/bash
# Builds libedit (BSD licence) as a static, position-independent library in
# the prefix, for the readline module in place of GNU readline (GPL). It uses
# the prefix's ncursesw, which holds the terminfo functions libedit's
# configure looks for in a libtinfo. Runs inside the root.
# Usage: build-libedit.sh SOURCE-DIR
set -euo pipefail
cd "$1"
# Debian's patches change only libedit's build system (libbsd, SONAME, the
# order of terminal libraries) and need autoconf 2.71, newer than Debian
# 11's: upstream's generated files are used as released.
touch aclocal.m4 && touch configure config.h.in Makefile.in src/Makefile.in
mkdir -p build-libs
ln -sf "$PVM_PREFIX/lib/libncursesw.so" build-libs/libtinfo.so
CPPFLAGS="-I$PVM_PREFIX/include" LDFLAGS="-L$PWD/build-libs" \
./configure --prefix="$PVM_PREFIX" --disable-shared --enable-static --with-pic --disable-examples
make -j"$PVM_JOBS" -C src
make -C src install
make install-pkgconfigDATA

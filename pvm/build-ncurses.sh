#!/bin/bash
# Builds ncursesw and panelw as shared libraries (libncursesw.so.6 with the
# terminfo layer inside, libpanelw.so.6) in the prefix: _curses,
# _curses_panel and readline (through libedit) share one copy. They read the
# target system's terminfo database. Runs inside the root.
# Usage: build-ncurses.sh SOURCE-DIR
set -euo pipefail
cd "$1"
./configure --prefix="$PVM_PREFIX" --with-shared --without-normal --without-debug \
    --enable-widec --enable-overwrite --without-cxx --without-cxx-binding --without-ada \
    --without-tests --without-progs --without-manpages --disable-db-install \
    --with-terminfo-dirs=/etc/terminfo:/lib/terminfo:/usr/share/terminfo \
    --with-default-terminfo-dir=/usr/share/terminfo \
    --enable-pc-files --with-pkg-config-libdir="$PVM_PREFIX/lib/pkgconfig"
make -j"$PVM_JOBS" libs
make install.libs
# libpanelw finds libncursesw beside itself.
patchelf --set-rpath '$ORIGIN' "$PVM_PREFIX/lib/libpanelw.so.6"

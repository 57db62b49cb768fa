#!/bin/bash
# Builds CPython 3.11 (Debian's patched source) against the prefix's
# libraries. "static": the whole interpreter, installed in the prefix, with
# a libpython3.11.a that is not position-independent (the default stub is a
# fixed-address executable); the stdlib in lib/python3.11 and its extension
# modules in lib-dynload. "pic": only libpython3.11-pic.a, position-
# independent, for the `--pie` stub. Runs inside the root.
# Usage: build-cpython.sh SOURCE-DIR static|pic
set -euo pipefail
src=$1
kind=$2
build=$src/build-$kind
rm -rf "$build"
mkdir -p "$build"
cd "$build"
case $kind in
    static) cflags= ;;
    pic)    cflags=-fPIC ;;
    *) echo "build-cpython.sh: static or pic, not '$kind'" >&2; exit 1 ;;
esac
# No _gdbm (GNU dbm is GPL-3: nothing GPL is packed by default) and no _dbm
# (ndbm): dbm falls back to dbm.dumb. No _crypt and no nis either (both
# deprecated by PEP 594, gone in 3.13): they need libcrypt, libnsl and
# libtirpc, which the prefix does not build, so a frozen program would carry
# the build machine's (glibc 2.36). py_cv_module_NAME=n/a is configure's
# switch for leaving a module out (CPython 3.11's configure.ac).
# The test modules (_testcapi, _testbuffer, ...) and the test package are
# built and installed as Debian's python3.11 ships them (libpython3.11-stdlib
# has _testcapi): programs and CPython's own tests import them.
# configure runs sem_open and sem_getvalue to see whether POSIX semaphores
# work, which fails in the root (no /dev/shm there) and would leave
# _multiprocessing without SemLock: glibc 2.31 has working ones on Linux.
# The static libsqlite3 needs libm and libdl (glibc 2.31) after it: configure
# links its checks with LIBSQLITE3_LIBS first, so -lm goes in LIBS too.
"$src/configure" --prefix="$PVM_PREFIX" --disable-shared --with-ensurepip=no \
    --with-openssl="$PVM_PREFIX" --with-system-expat \
    --with-readline=editline --enable-loadable-sqlite-extensions \
    py_cv_module__gdbm=n/a py_cv_module__dbm=n/a py_cv_module__crypt=n/a py_cv_module_nis=n/a \
    ac_cv_posix_semaphores_enabled=yes ac_cv_broken_sem_getvalue=no \
    CFLAGS="$cflags" CPPFLAGS="-I$PVM_PREFIX/include -I$PVM_PREFIX/include/ncursesw" \
    LDFLAGS="-L$PVM_PREFIX/lib" PKG_CONFIG_PATH="$PVM_PREFIX/lib/pkgconfig" \
    LIBSQLITE3_LIBS="-lsqlite3 -lm -ldl" LIBS=-lm > configure.log
# The same modules built into libpython as in Debian's python3.11 (those its
# debian/ marks "extension", matched as name prefixes as Debian does), so
# the stub links zlib and expat as it does today; except unicodedata (1.1 MB
# of tables, a seventh of the stub), which stays an extension module in
# lib-dynload, packed only into programs that import it
# (docs/performance.md). The freezer treats a host built-in that the PVM
# has in lib-dynload as an extension module (freezer/resolve/module_graph.c).
builtins=$(awk -v ORS='|' '$2 == "extension" && $1 != "unicodedata" { print $1 }' \
    "$src/debian/PVER-minimal.README.Debian.in")
grep -E "^#(${builtins%|})" "$src/Modules/Setup" | sed -e 's/^#//' -e 's/-Wl,-B[a-z]*//g' \
    >> Modules/Setup.local

if [ "$kind" = pic ]; then
    make -j"$PVM_JOBS" libpython3.11.a
    install -m 644 libpython3.11.a "$PVM_PREFIX/lib/libpython3.11-pic.a"
    strip --strip-debug "$PVM_PREFIX/lib/libpython3.11-pic.a"
    exit 0
fi
# The build imports each module it made: those that need the prefix's
# shared libraries find them through LD_LIBRARY_PATH until they get their
# DT_RUNPATH below.
export LD_LIBRARY_PATH=$PVM_PREFIX/lib
make -j"$PVM_JOBS" 2>&1 | tee make.log
# A new install replaces the previous one (Debian's install links files
# that must not exist yet).
rm -rf "$PVM_PREFIX"/lib/python3.11 "$PVM_PREFIX"/include/python3.11 "$PVM_PREFIX"/bin/*python3* \
    "$PVM_PREFIX"/lib/libpython3.11.a "$PVM_PREFIX"/lib/pkgconfig/python*
# No compileall at install (three passes over the stdlib, -O and -OO too):
# the freezer compiles what it packs itself and caches it.
sed -i 's#-Wi \(-OO* \)\?$(DESTDIR)$(LIBDEST)/compileall\.py#-c pass#' Makefile
make install > install.log 2>&1 || { tail -n 30 install.log; exit 1; }
# No debugging information in what the stub links or the freezer packs
# (CPython compiles with -g): 4 times smaller, as Debian ships them.
strip --strip-debug "$PVM_PREFIX"/lib/python3.11/config-3.11-*/libpython3.11.a \
    "$PVM_PREFIX"/lib/python3.11/lib-dynload/*.so "$PVM_PREFIX"/bin/python3.11
find "$PVM_PREFIX/lib" -maxdepth 1 -type f -name 'lib*.so.*' -exec strip --strip-debug {} +
# The stub links libpython from lib/, beside the libraries it needs.
ln -f "$PVM_PREFIX"/lib/python3.11/config-3.11-*/libpython3.11.a "$PVM_PREFIX/lib/libpython3.11.a"
# Extension modules that need the prefix's shared libraries (libssl.so.3,
# libcrypto.so.3, libncursesw.so.6, libpanelw.so.6) find them in lib/.
for module in "$PVM_PREFIX"/lib/python3.11/lib-dynload/*.so; do
    if patchelf --print-needed "$module" | grep -qE '^lib(ssl|crypto|ncursesw|panelw)\.so'; then
        patchelf --set-rpath '$ORIGIN/../..' "$module"
    fi
done

#!/bin/bash
# Builds CPython 3.11 (Debian's patched source) against the prefix's
# libraries, optimised with the profile of a training run (PGO) and across
# files (LTO), and installs it in the prefix: the stdlib in lib/python3.11,
# its extension modules in lib-dynload, and libpython3.11.a, which both
# stubs link. Runs inside the root.
# Usage: build-cpython.sh SOURCE-DIR TRAINING-DIR
# TRAINING-DIR holds pgo-train.py and the programs it runs (pvm/README.md).
set -euo pipefail
src=$1
training=$2
build=$src/build
rm -rf "$build"
mkdir -p "$build"
cd "$build"
# One libpython for both stubs, and position-independent code throughout
# (-fPIC: the extension modules in lib-dynload are built from the same
# flags), without semantic interposition (a function defined in libpython
# is called and inlined directly, not through the PLT). libpython's own
# code is generated -fPIE at its LTO step (4. below). -ffunction-sections
# and -fdata-sections, for the stubs' --gc-sections.
cflags="-fPIC -fno-semantic-interposition -ffunction-sections -fdata-sections"
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
    CFLAGS="$cflags" AR=gcc-ar CPPFLAGS="-I$PVM_PREFIX/include -I$PVM_PREFIX/include/ncursesw" \
    LDFLAGS="-L$PVM_PREFIX/lib" PKG_CONFIG_PATH="$PVM_PREFIX/lib/pkgconfig" \
    LIBSQLITE3_LIBS="-lsqlite3 -lm -ldl" LIBS=-lm > configure.log
# The same modules built into libpython as in Debian's python3.11 (those its
# debian/ marks "extension", matched as name prefixes as Debian does), so
# the stub links zlib and expat as it does today; except unicodedata (1.1 MB
# of tables, a seventh of the stub), which stays an extension module in
# lib-dynload, packed only into programs that import it
# (docs/performance.md); and the XML parsers, pyexpat (with libexpat linked
# into it) and _elementtree, 0.26 MB that only programs parsing XML use.
# The freezer treats a host built-in that the PVM has in lib-dynload as an
# extension module (freezer/resolve/module_graph.c).
builtins=$(awk -v ORS='|' '$2 == "extension" && $1 !~ /^(unicodedata|pyexpat|_elementtree)$/ { print $1 }' \
    "$src/debian/PVER-minimal.README.Debian.in")
grep -E "^#(${builtins%|})" "$src/Modules/Setup" | sed -e 's/^#//' -e 's/-Wl,-B[a-z]*//g' \
    >> Modules/Setup.local
# 3.11's pyexpat.c includes CPython's internal headers (pycore_ceval.h),
# which need Py_BUILD_CORE: built in, makesetup passes
# -DPy_BUILD_CORE_BUILTIN; as an extension module (setup.py) nothing does
# and it does not compile. The three lines unicodedata.c and the other
# 3.11 modules that use internal headers start with.
grep -q '^#  *define Py_BUILD_CORE_MODULE' "$src/Modules/pyexpat.c" ||
    sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\n#  define Py_BUILD_CORE_MODULE 1\n#endif' "$src/Modules/pyexpat.c"

# The build imports each module it made: those that need the prefix's
# shared libraries find them through LD_LIBRARY_PATH until they get their
# DT_RUNPATH below.
export LD_LIBRARY_PATH=$PVM_PREFIX/lib
# PGO, by hand rather than configure's --enable-optimizations (whose
# profile task is the whole `-m test --pgo` list, and runs it twice):
# 1. an instrumented build (-fprofile-generate);
generate=-fprofile-generate
make -j"$PVM_JOBS" build_all CFLAGS_NODIST="$generate" LDFLAGS_NODIST="$generate" > make-generate.log 2>&1 ||
    { tail -n 30 make-generate.log; exit 1; }
# 2. the training run, which writes the profile (*.gcda beside each object);
./python -I "$training/pgo-train.py" "$training" 2>&1 | tee train.log
# 3. the build again from the same sources with that profile. Functions the
# training never ran are optimised for size, as in CPython's and Debian's
# own PGO builds (no -fprofile-partial-training, which kept them at -O3:
# a larger stub for code the benchmark does not run; docs/performance.md
# has both builds' sizes and instruction counts). Objects hold both
# GIMPLE for LTO and machine code (-ffat-lto-objects): every executable and
# extension module the build links uses the machine code (-fno-lto), and
# only libpython is optimised as a whole, below.
make clean-retain-profile > /dev/null
use="-fprofile-use -fprofile-correction -Wno-missing-profile -flto -ffat-lto-objects"
make -j"$PVM_JOBS" build_all CFLAGS_NODIST="$use" LDFLAGS_NODIST=-fno-lto 2>&1 | tee make.log
# A new install replaces the previous one (Debian's install links files
# that must not exist yet).
rm -rf "$PVM_PREFIX"/lib/python3.11 "$PVM_PREFIX"/include/python3.11 "$PVM_PREFIX"/bin/*python3* \
    "$PVM_PREFIX"/lib/libpython3.11.a "$PVM_PREFIX"/lib/libpython3.11-pic.a "$PVM_PREFIX"/lib/pkgconfig/python*
# No compileall at install (three passes over the stdlib, -O and -OO too):
# the freezer compiles what it packs itself and caches it. The same flags
# as the build, so that make finds everything up to date.
sed -i 's#-Wi \(-OO* \)\?$(DESTDIR)$(LIBDEST)/compileall\.py#-c pass#' Makefile
make install CFLAGS_NODIST="$use" LDFLAGS_NODIST=-fno-lto > install.log 2>&1 ||
    { tail -n 30 install.log; exit 1; }
# 4. LTO over the whole of libpython, done here with gcc 10: the host's gcc
# 12, which links the stubs, cannot read gcc 10's LTO bytecode, so the
# installed archive of fat objects becomes one plain relocatable object
# (-flinker-output=nolto-rel, GCC >= 10), archived under libpython's name.
# After the install, which archives the objects again. Its public symbols
# stay global for the stub and extension modules; --gc-sections drops what
# the stub does not reach. Code generated -fPIE: both stubs are
# executables, and -fPIC code would reach libpython's own global data
# (_PyRuntime, _Py_NoneStruct, ...) through the GOT, even with
# -fno-semantic-interposition (a shared library's data may be copied into
# the executable), an instruction more at each of ~17,000 places.
libpython=$(echo "$PVM_PREFIX"/lib/python3.11/config-3.11-*/libpython3.11.a)
gcc -r -nostdlib -flinker-output=nolto-rel -flto="$PVM_JOBS" -O3 -fwrapv -fPIE \
    -fno-semantic-interposition -ffunction-sections -fdata-sections \
    -o libpython3.11-lto.o -Wl,--whole-archive "$libpython" -Wl,--no-whole-archive
rm "$libpython"
ar rcs "$libpython" libpython3.11-lto.o
# No debugging information in what the stub links or the freezer packs
# (CPython compiles with -g): 4 times smaller, as Debian ships them. The
# shared objects the freezer packs (the extension modules, libssl,
# libcrypto, ncurses') lose their local symbols too (--strip-unneeded, as
# Debian's dh_strip does for shared objects): nothing binds to them (what
# dlopen and the dynamic linker use is .dynsym), and they were 0.6 MB of
# lib-dynload's 6.7 MB and 0.8 MB of libssl's and libcrypto's 6.2 MB
# (docs/performance.md, "Lazy deep-freeze"). libpython's archive keeps its
# symbol table: the stubs link it.
strip --strip-debug "$PVM_PREFIX"/lib/python3.11/config-3.11-*/libpython3.11.a "$PVM_PREFIX"/bin/python3.11
strip --strip-unneeded "$PVM_PREFIX"/lib/python3.11/lib-dynload/*.so
find "$PVM_PREFIX/lib" -maxdepth 1 -type f -name 'lib*.so.*' -exec strip --strip-unneeded {} +
# The stub links libpython from lib/, beside the libraries it needs.
ln -f "$PVM_PREFIX"/lib/python3.11/config-3.11-*/libpython3.11.a "$PVM_PREFIX/lib/libpython3.11.a"
# Extension modules that need the prefix's shared libraries (libssl.so.3,
# libcrypto.so.3, libncursesw.so.6, libpanelw.so.6) find them in lib/.
for module in "$PVM_PREFIX"/lib/python3.11/lib-dynload/*.so; do
    if patchelf --print-needed "$module" | grep -qE '^lib(ssl|crypto|ncursesw|panelw)\.so'; then
        patchelf --set-rpath '$ORIGIN/../..' "$module"
    fi
done

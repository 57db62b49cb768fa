#!/bin/bash
# Builds _tkinter as an extension module of the installed PVM, against
# Debian 11's Tcl/Tk 8.6 (fetch-tcltk.sh installed them in the root), and
# puts beside it what a frozen tkinter program needs from the root: the
# shared libraries libtcl8.6/libtk8.6 and those of their dependencies that
# the freezer bundles (not glibc's, not the manylinux policy's libX11,
# libXext, libXrender, libz, libexpat), in the prefix's lib/ with
# DT_RUNPATH $ORIGIN; and Tcl's and Tk's script libraries (init.tcl,
# encodings, message catalogues, tk.tcl, ttk/, the tcl8/ modules) in
# lib/tcl8.6, lib/tk8.6 and lib/tcl8, where the rules file has the freezer
# pack them (freezer/rules/packages.toml). Runs inside the root, after the
# CPython step: CPython itself is not rebuilt.
# Usage: build-tkinter.sh SOURCE-DIR  (CPython's source, for _tkinter.c)
set -euo pipefail
src=$1
prefix=$PVM_PREFIX
dynload=$prefix/lib/python3.11/lib-dynload
build=$src/build-tkinter
rm -rf "$build"
mkdir -p "$build"
cd "$build"
# The flags of the CPython step's extension modules (build-cpython.sh), with
# those configure gives _tkinter (CPython 3.11's configure.ac: TCLTK_CFLAGS).
cflags=(-O3 -fwrapv -DNDEBUG -fPIC -fno-semantic-interposition -Wno-strict-prototypes)
for file in _tkinter tkappinit; do
    gcc "${cflags[@]}" -DWITH_APPINIT=1 -I"$prefix/include/python3.11" -I/usr/include/tcl8.6 \
        -c "$src/Modules/$file.c" -o "$file.o"
done
suffix=$("$prefix/bin/python3.11" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
module=$dynload/_tkinter$suffix
gcc -shared -o "$module" _tkinter.o tkappinit.o -ltk8.6 -ltcl8.6
strip --strip-debug "$module"
# shellcheck disable=SC2016  # $ORIGIN is ld.so's, not the shell's
patchelf --set-rpath '$ORIGIN/../..' "$module"

# The libraries: libtcl8.6.so and libtk8.6.so, then what they need,
# transitively, but for glibc's and the manylinux policy's libraries
# (freezer/collect/lib_policy.c), which come from the target machine.
system='^(ld-linux-x86-64\.so\.2|lib(c|m|dl|pthread|rt|util)\.so\.[0-9]+|libX11\.so\.6|libXext\.so\.6|libXrender\.so\.1|libz\.so\.1|libexpat\.so\.1)$'
queue="libtcl8.6.so libtk8.6.so"
copied=" "
while [ -n "$queue" ]; do
    # shellcheck disable=SC2086  # a list of names, split on purpose
    set -- $queue
    name=$1
    shift
    queue="$*"
    case $copied in *" $name "*) continue ;; esac
    [[ $name =~ $system ]] && continue
    path=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ { print $NF; exit }')
    [ -n "$path" ] || { echo "build-tkinter: $name not found in the root" >&2; exit 1; }
    install -m 644 "$(readlink -f "$path")" "$prefix/lib/$name"
    strip --strip-debug "$prefix/lib/$name"
    # shellcheck disable=SC2016
    patchelf --set-rpath '$ORIGIN' "$prefix/lib/$name"
    copied="$copied$name "
    queue="$queue $(patchelf --print-needed "$prefix/lib/$name" | tr '\n' ' ')"
done
echo "libraries:$copied"

# The script libraries, from Debian's /usr/share/tcltk (Tcl's has the
# encodings and message catalogues; Debian's Tcl reads the system's
# zoneinfo, so there is no tzdata here), laid out as upstream installs them
# beside each other, so that Tcl finds all of it from [info library]: its
# modules (msgcat, http, platform, tcltest: Debian keeps them in
# tcl8.6/tcl8/, a path its tm.tcl names outright) go to tcl8/8.6/, one of
# the module directories tm.tcl derives from [info library]'s parent.
rm -rf "$prefix/lib/tcl8.6" "$prefix/lib/tk8.6" "$prefix/lib/tcl8"
cp -r /usr/share/tcltk/tcl8.6 /usr/share/tcltk/tk8.6 "$prefix/lib/"
mkdir -p "$prefix/lib/tcl8"
mv "$prefix/lib/tcl8.6/tcl8" "$prefix/lib/tcl8/8.6"
# Only the scripts: Debian's links to other packages' files (tclConfig.sh)
# and the C example go.
find "$prefix/lib/tcl8.6" "$prefix/lib/tk8.6" "$prefix/lib/tcl8" -type l -delete
rm -f "$prefix/lib/tcl8.6/tclAppInit.c"

TCL_LIBRARY=$prefix/lib/tcl8.6 LD_LIBRARY_PATH=$prefix/lib "$prefix/bin/python3.11" -I -c '
import _tkinter, tkinter
tcl = tkinter.Tcl()
print("tkinter: Tcl", tcl.eval("info patchlevel"), "Tk", _tkinter.TK_VERSION)
print(tcl.eval("package require msgcat"), tcl.eval("clock format 0 -format %Y -gmt 1"))'

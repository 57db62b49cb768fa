#!/bin/bash
# Builds the PVM, pyfreeze's own CPython 3.11 for glibc 2.31, step by step;
# each step is cached by a stamp keyed on its inputs and re-runs only when
# they change. Usage: build.sh BUILD-DIR  (the prefix is BUILD-DIR/root/opt/pvm)
set -euo pipefail
PVM_BUILD=$(realpath -m "$1")
PVM_JOBS=${PVM_JOBS:-2}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mkdir -p "$PVM_BUILD/stamps"
root=$PVM_BUILD/root

# The source packages, all from bookworm (libmpdec is CPython's own copy:
# bookworm has no mpdecimal source package).
SOURCES="python3.11 openssl sqlite3 expat xz-utils bzip2 zlib libffi util-linux ncurses gdbm libzstd libedit"

# 1. The Debian 11 root.
root_key=$(pvm_key "$here/make-root.sh")
pvm_step root "$root_key" "$here/make-root.sh" "$PVM_BUILD"

# 2. The source packages (downloaded once; the key holds the archive URIs).
fetch_key=$(pvm_key "$here/fetch-sources.sh" "$SOURCES" \
    "$(pvm_archive_uri bookworm || true)" "$(pvm_archive_uri bookworm-security || true)")
# shellcheck disable=SC2086
pvm_step sources "$fetch_key" "$here/fetch-sources.sh" "$PVM_BUILD" $SOURCES

# unpack_and_build NAME PACKAGE SCRIPT [ARGUMENT]: unpack the source package
# (Debian's patches applied) into the root and run SCRIPT on it there.
unpack_and_build() {
    local name=$1 package=$2 script=$3
    shift 3
    rm -rf "$root/pvm/src/$package"
    mkdir -p "$root/pvm/src" "$root/pvm/scripts"
    dpkg-source --no-check -x "$PVM_BUILD/downloads/$package"/*.dsc "$root/pvm/src/$package" > /dev/null
    install -m 755 "$here/$script" "$root/pvm/scripts/$script"
    pvm_in_root "/pvm/scripts/$script" "/pvm/src/$package" "$@" > "$PVM_BUILD/logs/$name.log" 2>&1 || {
        tail -n 20 "$PVM_BUILD/logs/$name.log" >&2
        pvm_die "$script failed, see $PVM_BUILD/logs/$name.log"
    }
}

# library NAME PACKAGE "SCRIPT [ARGUMENT]" [DEPENDENCY...]: step NAME builds
# PACKAGE with SCRIPT after the named steps; its key is set in key_NAME.
library() {
    local name=$1 package=$2 command=$3
    shift 3
    local deps="" dep
    for dep in "$@"; do
        deps="$deps $(eval echo "\$key_$dep")"
    done
    local script=${command%% *} key
    key=$(pvm_key "$here/$script" "$command" "$PVM_BUILD/downloads/$package"/*.dsc "$root_key" "$deps")
    eval "key_$name=$key"
    # shellcheck disable=SC2086
    pvm_step "$name" "$key" unpack_and_build "$name" "$package" $command
}
mkdir -p "$PVM_BUILD/logs"

# 3. The libraries, each into the root's prefix /opt/pvm.
library zlib zlib build-zlib.sh
library bzip2 bzip2 build-bzip2.sh
library xz xz-utils build-xz.sh
library libffi libffi build-libffi.sh
library expat expat build-expat.sh
library sqlite sqlite3 build-sqlite.sh
library libuuid util-linux build-libuuid.sh
library ncurses ncurses build-ncurses.sh
library libedit libedit build-libedit.sh ncurses
library gdbm gdbm build-gdbm.sh
library zstd libzstd build-zstd.sh
library openssl openssl build-openssl.sh

# 4. CPython, against all of them.
libraries="zlib bzip2 xz libffi expat sqlite libuuid ncurses libedit gdbm zstd openssl"
# shellcheck disable=SC2086
library cpython python3.11 "build-cpython.sh static" $libraries
# shellcheck disable=SC2086
library cpython-pic python3.11 "build-cpython.sh pic" $libraries cpython

# 5. What went in (for the SBOM), and the checks of what came out.
"$here/record-versions.sh" "$PVM_BUILD" $SOURCES
"$here/check-prefix.sh" "$PVM_BUILD"

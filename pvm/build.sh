#!/bin/bash
# Builds the PVM, pyfreeze's own CPython 3.11 for glibc 2.31, step by step;
# each step is cached by a stamp keyed on its inputs and re-runs only when
# they change. Usage: build.sh BUILD-DIR  (the prefix is BUILD-DIR/root/opt/pvm)
set -euo pipefail
# In a mount namespace of its own: the root's /proc (and what debootstrap
# mounts) is then private to this run, so two builds sharing one BUILD-DIR
# cannot unmount each other's /proc, and nothing stays mounted if the run is
# killed (the namespace goes with its last process; unshare(1), util-linux).
if [ -z "${PVM_MOUNT_NAMESPACE:-}" ] && command -v unshare > /dev/null &&
    unshare --mount --propagation private true 2> /dev/null; then
    PVM_MOUNT_NAMESPACE=1 exec unshare --mount --propagation private -- "$BASH" "$0" "$@"
fi
PVM_BUILD=$(realpath -m "$1")
PVM_JOBS=${PVM_JOBS:-2}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mkdir -p "$PVM_BUILD/stamps"
root=$PVM_BUILD/root

# The source packages, all from bookworm (libmpdec is CPython's own copy:
# bookworm has no mpdecimal source package). No gdbm (GPL-3): dbm falls
# back to dbm.dumb.
SOURCES="python3.11 openssl sqlite3 expat xz-utils bzip2 zlib libffi util-linux ncurses libzstd libedit"

# 1. The Debian 11 root.
root_key=$(pvm_key "$here/make-root.sh")
pvm_step root "$root_key" "$here/make-root.sh" "$PVM_BUILD"

# The root as the host compiler's --sysroot, for the stub's link (no
# library build depends on it).
sysroot_key=$(pvm_key "$here/make-sysroot.sh" "$root_key")
pvm_step sysroot "$sysroot_key" "$here/make-sysroot.sh" "$PVM_BUILD"

# 2. The source packages (downloaded once; the key holds the archive URIs).
fetch_key=$(pvm_key "$here/fetch-sources.sh" "$SOURCES" \
    "$(debian_archive_uri bookworm || true)" "$(debian_archive_uri bookworm-security || true)")
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
    local patch
    for patch in $(package_patches "$package"); do
        patch -p1 -s --no-backup-if-mismatch -d "$root/pvm/src/$package" < "$patch" ||
            pvm_die "$patch does not apply to $package"
    done
    install -m 755 "$here/$script" "$root/pvm/scripts/$script"
    pvm_in_root "/pvm/scripts/$script" "/pvm/src/$package" "$@" > "$PVM_BUILD/logs/$name.log" 2>&1 || {
        tail -n 20 "$PVM_BUILD/logs/$name.log" >&2
        pvm_die "$script failed, see $PVM_BUILD/logs/$name.log"
    }
}

# package_patches PACKAGE: our own patches to PACKAGE's source, applied
# after Debian's in name order (pvm/patches/PACKAGE/*.patch, each with a
# header saying why, as Debian's debian/patches); nothing when it has none.
package_patches() {
    local patch
    for patch in "$here/patches/$1"/*.patch; do
        [ -f "$patch" ] && printf '%s\n' "$patch"
    done
    return 0
}

# library NAME PACKAGE "SCRIPT [ARGUMENT]" [DEPENDENCY...]: declares step
# NAME, which builds PACKAGE with SCRIPT after the named steps; its key
# covers the script, the source package and our patches to it, the root
# and those steps' keys.
declare -A step_key step_package step_command
library() {
    local name=$1 package=$2 command=$3
    shift 3
    local deps="" dep
    for dep in "$@"; do
        deps="$deps ${step_key[$dep]}"
    done
    # shellcheck disable=SC2046
    step_key[$name]=$(pvm_key "$here/${command%% *}" "$command" \
        "$PVM_BUILD/downloads/$package"/*.dsc "$root_key" "$deps" $(package_patches "$package"))
    step_package[$name]=$package
    step_command[$name]=$command
}

# run NAME...: runs the named steps in order (each only if out of date).
run() {
    local name
    for name in "$@"; do
        # shellcheck disable=SC2086
        pvm_step "$name" "${step_key[$name]}" \
            unpack_and_build "$name" "${step_package[$name]}" ${step_command[$name]}
    done
}
mkdir -p "$PVM_BUILD/logs"

# 3. The libraries, each into the root's prefix /opt/pvm, then CPython
# against all of them.
library zlib zlib build-zlib.sh
library bzip2 bzip2 build-bzip2.sh
library xz xz-utils build-xz.sh
library libffi libffi build-libffi.sh
library expat expat build-expat.sh
library sqlite sqlite3 build-sqlite.sh
library libuuid util-linux build-libuuid.sh
library ncurses ncurses build-ncurses.sh
library libedit libedit build-libedit.sh ncurses
library zstd libzstd build-zstd.sh
library openssl openssl build-openssl.sh
libraries="zlib bzip2 xz libffi expat sqlite libuuid ncurses libedit zstd openssl"
# The PGO training (pvm/pgo-train.py): the benchmark's programs, every
# tests/bench/*.py and tests/bench/*/*.py but the benchmark's own tools, and
# a few of CPython's tests. Its inputs are a pseudo-step's key, so that a
# changed program re-runs the CPython build.
repo=$(cd "$here/.." && pwd)
training_programs=()
for program in "$repo"/tests/bench/*.py "$repo"/tests/bench/*/*.py; do
    case ${program##*/} in
        report.py | gen_allstdlib.py) ;;
        *) [ -f "$program" ] && training_programs+=("$program") ;;
    esac
done
step_key[training]=$(pvm_key "$here/pgo-train.py" "${training_programs[@]}")
# shellcheck disable=SC2086
library cpython python3.11 "build-cpython.sh /pvm/training" $libraries training
# _tkinter, compiled on its own against the installed CPython (no CPython
# rebuild) and Debian 11's Tcl/Tk 8.6 binary packages, which the tcltk step
# installs in the root (fetch-tcltk.sh; the key holds the archive URI).
step_key[tcltk]=$(pvm_key "$here/fetch-tcltk.sh" "$root_key" \
    "$(debian_archive_uri bookworm || debian_archive_uri bullseye || true)")
library tkinter python3.11 build-tkinter.sh cpython tcltk

# Two lanes at once: most library builds spend their time in configure
# scripts, one process at a time, so OpenSSL's compilation runs beside
# them. /proc stays mounted in the root for both, and is unmounted at exit.
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || umount -l "$root/proc"' EXIT
run openssl &
openssl_lane=$!
run zlib bzip2 xz libffi expat sqlite libuuid ncurses libedit zstd &
other_lane=$!
failed=0
wait "$openssl_lane" || failed=1
wait "$other_lane" || failed=1
[ "$failed" = 0 ] || pvm_die "a library build failed (see above)"
rm -rf "$root/pvm/training"
mkdir -p "$root/pvm/training/programs"
install -m 644 "$here/pgo-train.py" "$root/pvm/training/"
install -m 644 "${training_programs[@]}" "$root/pvm/training/programs/"
run cpython
pvm_step tcltk "${step_key[tcltk]}" "$here/fetch-tcltk.sh" "$PVM_BUILD"
run tkinter

# 4. What went in (for the SBOM), and the checks of what came out.
"$here/record-versions.sh" "$PVM_BUILD" $SOURCES
"$here/check-prefix.sh" "$PVM_BUILD"

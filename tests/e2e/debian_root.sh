#!/bin/bash
# debian_root.sh SUITE DIR: makes DIR/SUITE, a minimal Debian root without
# Python (debootstrap --variant=minbase SUITE, from the archive this machine's
# apt sources name), once: a root that is already there is kept and only
# checked. The e2e root tests (roots.sh) run frozen programs in it.
#
# Making: debootstrap writes DIR/SUITE.partial, renamed to DIR/SUITE when it
# succeeded, so DIR/SUITE is never a half-made root; an flock on
# DIR/.SUITE.lock lets two builds (the normal and the ASan one, which share
# PF_ROOTS_DIR) or two tests ask for the same root at once. Takes about 2-4
# minutes per root and some 250 MB of disk.
# Checking: the root must have no Python (no python3* program or library
# directory): the tests prove that frozen programs need none.
# Exit status: 0 with the root ready; 1 with one message on stderr naming what
# is missing (root privileges, debootstrap, an archive in the apt sources) or
# what failed (the debootstrap log's tail is shown).
set -uo pipefail

suite=${1:?usage: debian_root.sh SUITE DIR}
dir=${2:?usage: debian_root.sh SUITE DIR}
root=$dir/$suite
source "$(dirname "${BASH_SOURCE[0]}")/../../cmake/debian_archive.sh"

die() {
    echo "debian_root.sh: $*" >&2
    exit 1
}

# check_no_python ROOT: dies if ROOT has a Python.
check_no_python() {
    local found
    found=$(cd "$1" && ls -d usr/bin/python* usr/local/bin/python* usr/lib/python3* \
        usr/lib/*/libpython3* 2>/dev/null | head -3)
    [[ -z $found ]] || die "the $suite root $1 has a Python ($found): the root tests need a root without one"
}

make_root() {
    [[ $(id -u) == 0 ]] || die "making a Debian root needs root privileges (debootstrap)"
    command -v debootstrap >/dev/null ||
        die "debootstrap is not installed: apt-get install debootstrap"
    local uri
    uri=$(debian_archive_uri) ||
        die "no Debian archive found in this machine's apt sources (/etc/apt/sources.list*) for its release"
    local partial=$root.partial log=$dir/$suite.log
    rm -rf "$partial"
    echo "making the $suite root in $root (debootstrap --variant=minbase; log in $log)"
    local start=$SECONDS
    if ! debootstrap --variant=minbase "$suite" "$partial" "$uri" >"$log" 2>&1; then
        tail -5 "$log" >&2
        rm -rf "$partial"
        die "debootstrap of $suite failed (log: $log)"
    fi
    check_no_python "$partial"
    mv "$partial" "$root" || die "cannot rename $partial to $root"
    echo "made the $suite root in $((SECONDS - start)) s"
}

mkdir -p "$dir" || die "cannot create $dir"
exec 9>"$dir/.$suite.lock"
flock 9 || die "cannot lock $dir/.$suite.lock"
if [[ ! -d $root ]]; then
    make_root
fi
[[ -x $root/bin/sh && -e $root/etc/debian_version ]] || die "$root is not a Debian root"
check_no_python "$root"
echo "the $suite root is ready: $root (Debian $(cat "$root/etc/debian_version"))"

#!/bin/bash
# Makes the Debian 11 (bullseye, glibc 2.31) root the PVM is compiled in,
# with its gcc 10 and the few tools the library builds need.
# Usage: make-root.sh BUILD-DIR
set -euo pipefail
PVM_BUILD=$1
. "$(dirname "$0")/lib.sh"

# The root's build tools; keep in step with what the build-*.sh need.
TOOLS=gcc,libc6-dev,make,perl,pkg-config,patchelf,file,tcl,autoconf,automake,libtool

[ "$(id -u)" = 0 ] ||
    pvm_die "making the Debian 11 root needs root privileges (debootstrap, chroot): run the build as root"
command -v debootstrap >/dev/null ||
    pvm_die "debootstrap not found: apt-get install debootstrap"
archive=$(debian_archive_uri bookworm) || archive=$(debian_archive_uri bullseye) ||
    pvm_die "no Debian archive in the host's apt sources (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list): add one that serves bullseye"

root=$PVM_BUILD/root
# Nothing may stay mounted in an old root before it is removed (a build or
# a debootstrap that was killed leaves /proc or /sys mounted there).
awk -v root="$root" '{ if (index($2, root "/") == 1 || index($2, root ".tmp/") == 1) print $2 }' \
        /proc/mounts | sort -r | while read -r mount; do
    umount "$mount" || umount -l "$mount"
done
rm -rf "$root" "$root.tmp"
mkdir -p "$PVM_BUILD"
pvm_say "debootstrap bullseye from the host's archive ($archive), see $PVM_BUILD/debootstrap.log"
if ! debootstrap --variant=minbase --include="$TOOLS" bullseye "$root.tmp" "$archive" \
        > "$PVM_BUILD/debootstrap.log" 2>&1; then
    tail -n 5 "$PVM_BUILD/debootstrap.log" >&2
    pvm_die "debootstrap of bullseye from $archive failed (see $PVM_BUILD/debootstrap.log): the archive must serve bullseye and be reachable"
fi
# The root holds no downloaded packages; the prefix and sources go here.
rm -f "$root.tmp"/var/cache/apt/archives/*.deb
mkdir -p "$root.tmp/opt/pvm" "$root.tmp/pvm"
mv "$root.tmp" "$root"

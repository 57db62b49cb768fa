#!/bin/bash
# in_root.sh ROOT WD CMD [ARGS...]: runs CMD inside the Debian root ROOT (a
# directory made by debian_root.sh), in the directory WD (a path inside the
# root), as a machine with that root as its whole filesystem would: /proc of
# its own PID namespace, a tmpfs on /dev/shm (POSIX semaphores, which
# multiprocessing needs), HOME=WD. Other variables come from the caller.
#
# Must be started in new mount and PID namespaces, as root:
#     unshare --mount --pid --fork --kill-child bash in_root.sh ROOT WD CMD...
# The mounts are made in that private mount namespace (gone with it), so the
# root on disk stays untouched. This shell stays PID 1 of the namespace and
# runs CMD as its child, so CMD is an ordinary process (PID 1 ignores the
# signals it has no handler for, e.g. a SIGTERM a program sends itself); the
# shell exits with CMD's status, 128+N when signal N killed it, as a shell
# reports a command's status (but without its "Terminated" message). Exits 96 without running CMD if the set-up
# fails.
set -uo pipefail

root=${1:?usage: in_root.sh ROOT WD CMD...}
wd=${2:?usage: in_root.sh ROOT WD CMD...}
shift 2

setup_failed() {
    echo "in_root.sh: $*" >&2
    exit 96
}

(($$ == 1)) || setup_failed "not PID 1: start me with unshare --mount --pid --fork"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc" || setup_failed "cannot mount $root/proc"
mount -t tmpfs -o nosuid,nodev,mode=1777,size=64m shm "$root/dev/shm" ||
    setup_failed "cannot mount a tmpfs on $root/dev/shm"

# unshare --root only chroots and changes directory here (no new namespace).
# This shell's own stderr goes to /dev/null: bash reports a child killed by a
# signal ("Terminated"), which the program's stderr must not show.
exec 3>&2 2>/dev/null
HOME=$wd unshare --root="$root" --wd="$wd" -- "$@" 2>&3 3>&-
exit $?

#!/bin/bash
# hide_libs.sh LIST PROGRAM [ARGS...]: run PROGRAM with every shared library
# named in the file LIST (one path a line) hidden: /dev/null is bind-mounted
# over each (over the file a symlink leads to), so a program that still
# loaded one of them from the disk would fail ("file too short").
#
# Must run in a private mount namespace, as root, normally inside
# sandbox.sh (which hides Python):
#     unshare -m /bin/bash tests/e2e/sandbox.sh /bin/bash tests/e2e/hide_libs.sh libs.txt ./app
# This shell is already loaded, so hiding a library it uses (libtinfo) does no
# harm; PROGRAM then replaces it (exec), keeping its pid, stdio and status.
# Exits 97 without running PROGRAM if a listed library is still readable.
set -euo pipefail

list=$1
shift
libs=()
while IFS= read -r lib; do
    [[ -n $lib ]] && libs+=("$(readlink -f -- "$lib")")
done <"$list"
for real in "${libs[@]}"; do
    mount --bind /dev/null "$real"
done
for real in "${libs[@]}"; do
    if [[ -s $real ]]; then
        echo "hide_libs.sh: $real is still visible; not running $1" >&2
        exit 97
    fi
done
exec "$@"

#!/bin/bash
# sandbox.sh PROGRAM [ARGS...]: run PROGRAM where no Python can be found.
#
# Must run in a private mount namespace, as root:
#     unshare -m /bin/bash tests/e2e/sandbox.sh ./app arg...
# Inside it, an empty read-only tmpfs covers every Python library directory
# (/usr/lib/python3.11, /usr/lib/python3, /usr/local/lib/python3*, a pyenv
# tree, and the directories PF_SANDBOX_HIDE names) and /dev/null is bind-mounted over every python3* executable and
# libpython3.11.so*. Then PROGRAM replaces this shell (exec), so its pid,
# stdin, stdout, stderr and exit status are those of the caller's process.
# Exits 97 without running PROGRAM if Python is still visible.
set -euo pipefail
shopt -s nullglob

hide_dir() {
    mount -t tmpfs -o ro,mode=0755,size=4k pf-no-python "$1"
}

# PF_SANDBOX_HIDE: more directories to cover, space-separated (data a
# package keeps outside Python's directories: /usr/share/matplotlib).
# shellcheck disable=SC2086
for dir in /usr/lib/python3.11 /usr/lib/python3 /usr/local/lib/python3* /root/.pyenv \
           ${PF_SANDBOX_HIDE:-}; do
    if [[ -d $dir ]]; then
        hide_dir "$dir"
    fi
done

declare -A hidden=()
for file in /usr/bin/python3* /usr/local/bin/python3* \
            /usr/lib/x86_64-linux-gnu/libpython3.11.so* /usr/local/lib/libpython3*.so*; do
    real=$(readlink -f -- "$file") || continue
    # A symlink's target is hidden once; a bind mount over it covers the link.
    if [[ -f $real && -z ${hidden[$real]:-} ]]; then
        mount --bind /dev/null "$real"
        hidden[$real]=1
    fi
done

# Check the result rather than trust it: nothing of Python may be readable.
if [[ -e /usr/lib/python3.11/os.py || -s /usr/bin/python3.11 ||
      -s /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0 ]]; then
    echo "sandbox.sh: Python is still visible; not running $1" >&2
    exit 97
fi

exec "$@"

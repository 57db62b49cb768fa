#!/bin/bash
# Makes the Debian 11 root usable as the host compiler's --sysroot: its
# absolute symbolic links (libdl.so -> /lib/x86_64-linux-gnu/libdl.so.2,
# /lib64/ld-linux-x86-64.so.2, ...) become relative, so the host's linker
# follows them inside the root instead of into the host's own glibc. They
# resolve the same way inside the root. Usage: make-sysroot.sh BUILD-DIR
set -euo pipefail
PVM_BUILD=$1
. "$(dirname "$0")/lib.sh"
root=$(realpath "$PVM_BUILD/root")

count=0
while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    relative=$(realpath -m --relative-to="$(realpath -m "$(dirname "$link")")" "$root$target")
    ln -sfn "$relative" "$link"
    count=$((count + 1))
done < <(find "$root/usr/lib" "$root/usr/lib64" -type l -lname '/*' -print0)
pvm_say "$count absolute links in the root's libraries made relative"

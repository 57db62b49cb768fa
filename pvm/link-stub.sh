#!/bin/bash
# Prototype (not yet the build's): compiles the runtime and stub/main.c with
# the host's gcc against the Debian 11 root (--sysroot) and links them with
# the PVM's static libpython, zstd, zlib and expat, so that the stub needs
# glibc 2.31 at most. Prints the highest GLIBC_ version the stub needs.
# Usage: link-stub.sh BUILD-DIR OUT-DIR [nopie|pie|asan]
set -euo pipefail
PVM_BUILD=$(realpath "$1")
out=$(realpath -m "$2")
kind=${3:-nopie}
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
. "$here/lib.sh"
sysroot=$PVM_BUILD/root
prefix=$sysroot/opt/pvm

mkdir -p "$out/obj-$kind"
cmake -DIN="$src/runtime/import/support.py" -DOUT="$out/support_source.c" \
    -DNAME=pf_support_source -P "$src/cmake/embed_source.cmake"

cflags=(--sysroot="$sysroot" -std=c11 -D_GNU_SOURCE -DNDEBUG -O2 -g -Wall -Wextra -Werror
        -ffunction-sections -fdata-sections
        -I"$src/runtime/boot" -I"$src/runtime/import" -I"$src/payload" -I"$src/common"
        -I"$prefix/include/python3.11" -I"$prefix/include")
# The host gcc's driver finds crt1.o, crti.o and libc.so relative to its own
# install, not in the --sysroot: -B and -L send it to the root's
# (make-sysroot.sh made the root's library links relative for ld).
libdir=$sysroot/usr/lib/x86_64-linux-gnu
ldflags=(--sysroot="$sysroot" -B"$libdir/" -L"$libdir"
         "-Wl,--dynamic-list=$src/stub/exports.list" -Wl,--gc-sections)
libpython=$prefix/lib/libpython3.11.a
case $kind in
    nopie) cflags+=(-fno-pie); ldflags+=(-no-pie) ;;
    pie)   cflags+=(-fPIC); ldflags+=(-pie); libpython=$prefix/lib/libpython3.11-pic.a ;;
    asan)  cflags+=(-fPIC -fsanitize=address,undefined -fno-omit-frame-pointer)
           ldflags+=(-pie -fsanitize=address,undefined); libpython=$prefix/lib/libpython3.11-pic.a ;;
    *) pvm_die "kind is nopie, pie or asan, not '$kind'" ;;
esac

objects=()
# The stub's code: the runtime, the payload reader (not its writers) and
# the shared pieces, as stub/CMakeLists.txt links them.
sources=("$src"/runtime/boot/*.c "$src"/runtime/import/*.c "$src"/common/*.c)
for file in "$src"/payload/*.c; do
    [[ $file == *_writer.c ]] || sources+=("$file")
done
for file in "${sources[@]}" "$out/support_source.c" "$src/stub/main.c"; do
    object=$out/obj-$kind/$(basename "$file" .c).o
    gcc "${cflags[@]}" -c "$file" -o "$object"
    objects+=("$object")
done
# glibc 2.31 keeps dlopen in libdl, threads in libpthread and openpty in libutil.
gcc "${ldflags[@]}" -o "$out/pyfreeze-stub-$kind" "${objects[@]}" \
    "$libpython" "$prefix/lib/libzstd.a" "$prefix/lib/libz.a" "$prefix/lib/libexpat.a" \
    -lpthread -ldl -lutil -lm
echo "$out/pyfreeze-stub-$kind needs: $(objdump -T "$out/pyfreeze-stub-$kind" |
    grep -o 'GLIBC_[0-9.]*' | sort -u -V | tail -n 1)"

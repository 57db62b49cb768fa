#!/bin/bash
# Builds libuuid (from util-linux) as a static, position-independent library
# in the prefix (only _uuid uses it). util-linux's configure checks for the
# whole suite and takes minutes; libuuid is 14 files, compiled here directly
# with the few features they test, all present in glibc 2.31 on Linux.
# Runs inside the root. Usage: build-libuuid.sh SOURCE-DIR
set -euo pipefail
cd "$1"
version=$(sed -n 's/^PACKAGE_VERSION=.\([0-9.]*\).*/\1/p' configure | head -n 1)
mkdir -p build-uuid
for feature in ERR ERRX ERR_H FSYNC GETRANDOM JRAND48 LANGINFO_H LOCALE_H LOFF_T MEMPCPY \
        NANOSLEEP NETINET_IN_H NET_IF_H OPENAT PATHS_H PROGRAM_INVOCATION_SHORT_NAME SRANDOM \
        STDLIB_H STRNDUP STRNLEN SYS_FILE_H SYS_IOCTL_H SYS_SOCKET_H SYS_SYSCALL_H SYS_TIME_H \
        SYS_UN_H TLS UNISTD_H USLEEP WARN WARNX __PROGNAME DIRFD LANGINFO_ALTMON LANGINFO_NL_ABALTMON; do
    echo "#define HAVE_$feature 1"
done > build-uuid/config.h
objects=()
for file in libuuid/src/{clear,compare,copy,gen_uuid,isnull,pack,parse,unpack,unparse,uuid_time,predefined}.c \
        lib/{randutils,md5,sha1}.c; do
    object=build-uuid/$(basename "$file" .c).o
    gcc -O2 -fPIC -D_GNU_SOURCE -include build-uuid/config.h -Iinclude -Ilibuuid/src \
        -c "$file" -o "$object"
    objects+=("$object")
done
ar rcs build-uuid/libuuid.a "${objects[@]}"
install -D -m 644 build-uuid/libuuid.a "$PVM_PREFIX/lib/libuuid.a"
install -D -m 644 libuuid/src/uuid.h "$PVM_PREFIX/include/uuid/uuid.h"
cat > "$PVM_PREFIX/lib/pkgconfig/uuid.pc" <<PC
prefix=$PVM_PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: uuid
Description: Universally unique id library
Version: $version
Cflags: -I\${includedir}/uuid
Libs: -L\${libdir} -luuid
PC

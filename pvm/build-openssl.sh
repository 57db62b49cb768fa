#!/bin/bash
# Builds OpenSSL 3.0's libssl.so.3 and libcrypto.so.3 in the prefix: shared,
# so _ssl and _hashlib carry one libcrypto between them. Certificates and
# openssl.cnf are read from the target system's /etc/ssl. Runs inside the
# root. Usage: build-openssl.sh SOURCE-DIR
set -euo pipefail
cd "$1"
./Configure linux-x86_64 --prefix="$PVM_PREFIX" --libdir=lib --openssldir=/etc/ssl \
    shared no-tests no-legacy no-module no-engine -O2
make -j"$PVM_JOBS" build_libs
make install_dev
rm -f "$PVM_PREFIX"/lib/libssl.a "$PVM_PREFIX"/lib/libcrypto.a
# libssl finds libcrypto beside itself.
patchelf --set-rpath '$ORIGIN' "$PVM_PREFIX/lib/libssl.so.3"

#!/bin/bash
# Builds OpenSSL 3.0's libssl.so.3 and libcrypto.so.3 in the prefix: shared,
# so _ssl and _hashlib carry one libcrypto between them. Only the shared
# libraries are compiled (OpenSSL 3.0 compiles every file once more for the
# static ones). Certificates and openssl.cnf are read from the target
# system's /etc/ssl. Runs inside the root. Usage: build-openssl.sh SOURCE-DIR
set -euo pipefail
cd "$1"
./Configure linux-x86_64 --prefix="$PVM_PREFIX" --libdir=lib --openssldir=/etc/ssl \
    shared no-tests no-legacy no-module no-engine -O2
make -j"$PVM_JOBS" build_generated
# (Its .pc files would build the static libraries too; CPython is given
# --with-openssl=PREFIX instead.)
make -j"$PVM_JOBS" libcrypto.so libssl.so
install -d "$PVM_PREFIX/include/openssl"
install -m 644 include/openssl/*.h "$PVM_PREFIX/include/openssl/"
install -m 755 libcrypto.so.3 libssl.so.3 "$PVM_PREFIX/lib/"
ln -sf libcrypto.so.3 "$PVM_PREFIX/lib/libcrypto.so"
ln -sf libssl.so.3 "$PVM_PREFIX/lib/libssl.so"
# libssl finds libcrypto beside itself.
patchelf --set-rpath '$ORIGIN' "$PVM_PREFIX/lib/libssl.so.3"

#!/bin/bash
# Builds OpenSSL 3.0's libssl.so.3 and libcrypto.so.3 in the prefix: shared,
# so _ssl and _hashlib carry one libcrypto between them. Only the shared
# libraries are compiled (OpenSSL 3.0 compiles every file once more for the
# static ones). Certificates and openssl.cnf are read from the target
# system's /etc/ssl. Runs inside the root. Usage: build-openssl.sh SOURCE-DIR
#
# The libraries keep the SONAMEs Debian's libssl3 has, and a frozen program
# holds one libssl.so.3: third-party extension modules built against
# Debian's (cryptography's _openssl) load the PVM's. So the PVM's must export
# everything Debian's does: the ENGINE API (no `no-engine`) and the 64-bit
# NIST curve methods (enable-ec_nistp_64_gcc_128, as Debian configures).
# Only Debian's SSL_test_functions (enable-unit-test) is missing. And the
# legacy provider, which cryptography loads at start (RC2, Blowfish, ...):
# with no-module it is built into libcrypto (providers/build.info:
# STATIC_LEGACY), so no legacy.so has to be found on disk.
set -euo pipefail
cd "$1"
./Configure linux-x86_64 --prefix="$PVM_PREFIX" --libdir=lib --openssldir=/etc/ssl \
    shared no-tests no-module enable-ec_nistp_64_gcc_128 -O2
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

#!/bin/bash
# Checks the PVM prefix: no ELF file in it needs a glibc newer than 2.31
# (the highest GLIBC_ version found is written to BUILD-DIR/pvm-glibc.txt),
# and the interpreter imports the stdlib's native modules inside the Debian
# 11 root. Usage: check-prefix.sh BUILD-DIR
set -euo pipefail
PVM_BUILD=$1
. "$(dirname "$0")/lib.sh"
prefix=$PVM_BUILD/root/opt/pvm
floor=2.31

max=0
too_new=0
# The ELF files: shared objects and executables (static archives are
# linked into the stub, which is checked where it is linked).
while IFS= read -r -d '' file; do
    file_max=$( (objdump -T "$file" 2>/dev/null || true) | (grep -o 'GLIBC_[0-9.]*' || true) |
               sed 's/GLIBC_//' | sort -u -V | tail -n 1)
    [ -n "$file_max" ] || continue
    max=$(printf '%s\n%s\n' "$max" "$file_max" | sort -V | tail -n 1)
    if [ "$(printf '%s\n%s\n' "$floor" "$file_max" | sort -V | tail -n 1)" != "$floor" ]; then
        echo "pvm: ${file#"$prefix"/} needs GLIBC_$file_max" >&2
        too_new=1
    fi
done < <(find "$prefix" -type f \( -name '*.so' -o -name '*.so.*' -o -path "$prefix/bin/*" \) -print0)
echo "GLIBC_$max" > "$PVM_BUILD/pvm-glibc.txt"
pvm_say "highest glibc symbol version in the prefix: GLIBC_$max"
[ "$too_new" = 0 ] || pvm_die "files in the prefix need a glibc newer than $floor"

pvm_in_root /opt/pvm/bin/python3.11 -c '
import ssl, sqlite3, decimal, lzma, bz2, ctypes, curses, uuid, dbm, dbm.dumb
import readline, zlib, pyexpat, hashlib, _uuid
import _tkinter  # build-tkinter.sh: against the libtcl8.6/libtk8.6 in lib/
from _multiprocessing import SemLock  # POSIX semaphores (build-cpython.sh)
import importlib.util, sys
# left out on purpose (build-cpython.sh): GPL-3 gdbm, and modules that would
# carry libcrypt, libnsl and libtirpc from the build machine
for name in ("_gdbm", "_dbm", "_crypt", "nis"):
    assert importlib.util.find_spec(name) is None, name + " was built"
print(ssl.OPENSSL_VERSION, "| sqlite", sqlite3.sqlite_version, "| expat", pyexpat.EXPAT_VERSION,
      "| zlib", zlib.ZLIB_RUNTIME_VERSION, "|", readline._READLINE_LIBRARY_VERSION,
      "| magic", importlib.util.MAGIC_NUMBER)
print(hashlib.sha256(b"").hexdigest()[:8], ctypes.CDLL(None).getpid() > 0,
      uuid.uuid4().version, decimal.Decimal(1) / 7)'

# The bytecode and the built-in modules must be those of the host's Debian
# python3.11, whose compiler the freezer uses; but for unicodedata, pyexpat
# and _elementtree, which the PVM builds as extension modules
# (build-cpython.sh).
probe='import importlib.util, sys; print(importlib.util.MAGIC_NUMBER.hex(), *(n for n in sys.builtin_module_names if n not in ("unicodedata", "pyexpat", "_elementtree")))'
if [ -x /usr/bin/python3.11 ]; then
    [ "$(pvm_in_root /opt/pvm/bin/python3.11 -I -c "$probe")" = "$(/usr/bin/python3.11 -I -c "$probe")" ] ||
        pvm_die "the PVM's bytecode magic or built-in modules differ from /usr/bin/python3.11's"
    pvm_say "bytecode magic and built-in modules: the same as /usr/bin/python3.11"
fi

#!/bin/bash
# e2e/stub-modules: a module the PVM builds as an extension module rather
# than into the stub (unicodedata: 1.1 MB of tables, pvm/build-cpython.sh)
# is still found by the freezer, packed and imported by the frozen program
# as python3.11 -I imports its built-in one: the same names, normalisation,
# Unicode version and the idna codec (encodings.idna -> stringprep ->
# unicodedata.ucd_3_2_0), in the default stub and the --pie one. With the
# PVM, inspect must show unicodedata as a packed extension module (when the
# PVM's lib-dynload has it, the stub does not).
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

program uniprog <<'EOF_PROG' || finish
import sys
import unicodedata

for ch in "\u20ac", "\u00e9", "\U0001f40d", "\u4e2d":
    print(hex(ord(ch)), unicodedata.name(ch), unicodedata.category(ch), unicodedata.east_asian_width(ch))
print(unicodedata.lookup("EURO SIGN"), unicodedata.unidata_version)
print(ascii(unicodedata.normalize("NFKD", "\u00c5ngstr\u00f6m \ufb01")))
print(unicodedata.ucd_3_2_0.unidata_version, unicodedata.decimal("\u0663"), unicodedata.numeric("\u00bd"))
print("b\u00fccher.example".encode("idna"), b"xn--bcher-kva.example".decode("idna"))
if sys.argv[1:] == ["missing"]:
    unicodedata.lookup("NO SUCH CHARACTER NAME")  # KeyError from the C module
EOF_PROG
compare uniprog /dev/null
compare uniprog-missing /dev/null missing
expect_grep "the KeyError came from unicodedata" "$R/uniprog-missing.frz.err" \
    "^KeyError: \"undefined character name 'NO SUCH CHARACTER NAME'\""

if [[ -n ${PF_PVM_STDLIB_DIR:-} ]] && compgen -G "$PF_PVM_STDLIB_DIR/lib-dynload/unicodedata.*so" >/dev/null; then
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "inspect: unicodedata is a packed extension module" "$T/inspect.txt" \
        '^extension +[0-9]+ +[0-9]+ +unicodedata$'
else
    echo "note: the packed stdlib builds unicodedata in: not checking that it is packed"
fi

freeze "$T/pie/uniprog.py" --pie "$SRC/uniprog.py" || finish
EXE=$T/pie/uniprog.py
compare uniprog-pie /dev/null
finish

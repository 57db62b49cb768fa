#!/bin/bash
# e2e/stub-modules: a module the PVM builds as an extension module rather
# than into the stub (unicodedata: 1.1 MB of tables, pvm/build-cpython.sh)
# is still found by the freezer, packed and imported by the frozen program
# as python3.11 -I imports its built-in one: the same names, normalisation,
# Unicode version and the idna codec (encodings.idna -> stringprep ->
# unicodedata.ucd_3_2_0), in the default stub and the --pie one. With the
# PVM, inspect must show unicodedata as a packed extension module (when the
# PVM's lib-dynload has it, the stub does not). The same for the XML
# parsers, pyexpat (libexpat inside) and _elementtree: ElementTree with its
# C accelerator, expat's own parser and error, plistlib, xml.dom.minidom.
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

program xmlprog <<'EOF_PROG' || finish
import plistlib
import sys
import xml.dom.minidom
import xml.etree.ElementTree as ET
import xml.parsers.expat

root = ET.fromstring('<a x="1"><b>caf\u00e9</b><b/></a>')
print(ET.Element.__module__, root.get("x"), [b.text for b in root.iter("b")])
print(ET.tostring(root, encoding="unicode"))
seen = []
p = xml.parsers.expat.ParserCreate()
p.StartElementHandler = lambda name, attrs: seen.append((name, attrs))
p.Parse("<r><i n='2'/></r>", True)
print(seen, xml.parsers.expat.EXPAT_VERSION.split("_")[0])
print(plistlib.loads(plistlib.dumps({"k": [1, 2.5, "s"]})))
print(xml.dom.minidom.parseString("<d><e/></d>").documentElement.firstChild.tagName)
if sys.argv[1:] == ["bad"]:
    ET.fromstring("<a><b></a>")  # ParseError from expat, through _elementtree
EOF_PROG
compare xmlprog /dev/null
compare xmlprog-bad /dev/null bad
expect_grep "the ParseError came from expat" "$R/xmlprog-bad.frz.err" \
    "ParseError: mismatched tag: line 1, column 8"
if [[ -n ${PF_PVM_STDLIB_DIR:-} ]] && compgen -G "$PF_PVM_STDLIB_DIR/lib-dynload/pyexpat.*so" >/dev/null; then
    "$PYFREEZE" inspect "$EXE" >"$T/inspect-xml.txt"
    expect_grep "inspect: pyexpat is a packed extension module" "$T/inspect-xml.txt" \
        '^extension +[0-9]+ +[0-9]+ +pyexpat$'
    expect_grep "inspect: _elementtree is a packed extension module" "$T/inspect-xml.txt" \
        '^extension +[0-9]+ +[0-9]+ +_elementtree$'
else
    echo "note: the packed stdlib builds pyexpat in: not checking that it is packed"
fi
finish

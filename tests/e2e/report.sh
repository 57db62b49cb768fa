#!/bin/bash
# e2e/report: the build report and the SBOM (docs/report-format.md) of a
# program with native libraries: ssl and sqlite3 from the stdlib, and
# Debian's python3-cryptography (a third-party distribution with extension
# modules and a cffi backend imported from C).
#  - --report FILE.json lists every member of the payload as tar lists it,
#    with its tar size, compressed sizes that add up to the payload, what
#    pulled each module in (an import with its file and line, --hidden-import,
#    the entry point, an import from C), the distributions with version,
#    licence and Debian package, the bundled libraries with the Debian package
#    dpkg names, what was left out and why (a TYPE_CHECKING import,
#    --exclude-module, libraries not bundled) and the glibc floor inspect shows.
#  - --sbom FILE.cdx.json holds the fields CycloneDX 1.5 requires and
#    components for CPython 3.11.2, cryptography (pkg:pypi) and the Debian
#    libraries (pkg:deb), and is valid against CycloneDX 1.5's JSON schema
#    (tests/e2e/cyclonedx, python3-jsonschema, nothing fetched).
#  - --report FILE.html is one page that headless Chromium renders with no
#    console message, its script run, and a screenshot that is not blank.
#  - the frozen program still behaves as python3.11 runs it.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox
if ! "$PF_PYTHON" -c 'import cryptography.fernet' 2>/dev/null; then
    skip_test "python3-cryptography is not installed (apt-get install python3-cryptography)"
fi
CHECK=("$PF_PYTHON" -I "$E2E_DIR/report_check.py")

mkdir -p "$T/app"
cat >"$T/app/app.py" <<'PY'
import ssl
import sys
import sqlite3
from typing import TYPE_CHECKING
from cryptography.fernet import Fernet

if TYPE_CHECKING:
    import tomllib
f = Fernet(b"QkBWDU2W9cB2DvoVV4iV3pgfZTxRm7vJ3pG_9bZIqSM=")
db = sqlite3.connect(":memory:")
print(db.execute("select 6 * 7").fetchone()[0], f.decrypt(f.encrypt(b"ok")), ssl.HAS_TLSv1_3)
sys.exit(3)
PY
SRC=$T/app EXE=$T/app/frozen/app.py
freeze "$EXE" --report "$T/report.json" --sbom "$T/app.cdx.json" --hidden-import csv \
    --exclude-module tkinter "$SRC/app.py" || finish
compare run /dev/null

# -- The JSON report against the payload as tar shows it. -----------------------
objcopy --dump-section .pyfreeze="$T/payload.tar.zst" "$EXE" "$T/exe.copy"
tar --zstd -tvf "$T/payload.tar.zst" >"$T/listing.txt" || fail "tar cannot list the payload"
floor=$("$PYFREEZE" inspect "$EXE" | sed -n 's/^glibc: needs glibc >= //p')
"${CHECK[@]}" json "$T/report.json" "$T/listing.txt" "$floor" || fail "the JSON report's checks"

# -- The SBOM. -------------------------------------------------------------------
"${CHECK[@]}" sbom "$T/app.cdx.json" || fail "the SBOM's checks"
# ... and against CycloneDX 1.5's own JSON schema, offline (cyclonedx/README.md).
"${CHECK[@]}" schema "$T/app.cdx.json" "$E2E_DIR/cyclonedx" || fail "the SBOM's schema validation"

# -- The HTML page in headless Chromium. -----------------------------------------
freeze "$T/app/frozen2/app.py" --report "$T/report.html" "$SRC/app.py" || finish
CHROMIUM=$(command -v chromium || true)
if [[ -z $CHROMIUM ]]; then
    fail "chromium is not installed (apt-get install chromium): the page is not checked"
    finish
fi
expect_no_grep "the page loads nothing from the network" "$T/report.html" '(src|href)="(https?:)?//'
chrome=("$CHROMIUM" --headless --disable-gpu --no-sandbox --user-data-dir="$T/chrome"
        --enable-logging=stderr --v=0 --window-size=1000,800)
run_capture "$R/dom" /dev/null "${chrome[@]}" --dump-dom "file://$T/report.html"
expect_eq "chromium renders the page" "$(status_of "$R/dom")" 0
expect_grep "its script ran" "$R/dom.out" '<body data-ready="1">'
expect_grep "the size map is an SVG" "$R/dom.out" '<svg xmlns="http://www.w3.org/2000/svg"'
expect_grep "the libraries table is there" "$R/dom.out" '<h2>Shared libraries</h2>'
expect_no_grep "no console message" "$R/dom.err" 'CONSOLE'
run_capture "$R/shot" /dev/null "${chrome[@]}" --screenshot="$T/shot.png" "file://$T/report.html"
expect_no_grep "no console message in the screenshot run" "$R/shot.err" 'CONSOLE'
if [[ -s $T/shot.png ]]; then
    "${CHECK[@]}" png "$T/shot.png" || fail "the screenshot is blank"
else
    fail "chromium wrote no screenshot: $(tail -3 "$R/shot.err")"
fi

# -- A report path that cannot be written: one message, non-zero exit. ----------
mkdir -p "$T/app/frozen3"
"$PYFREEZE" --report "$T/no/such/dir/r.json" -o "$T/app/frozen3/app.py" "$SRC/app.py" \
    >"$T/bad.out" 2>"$T/bad.err"
rc=$?
expect_eq "an unwritable --report fails" "$rc" 1
expect_grep "the message names the option and file" "$T/bad.err" \
    "error: --report '$T/no/such/dir/r.json': cannot write it"
finish

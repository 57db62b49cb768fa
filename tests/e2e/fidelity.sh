#!/bin/bash
# e2e/fidelity: CPython's own tests (Debian's libpython3.11-testsuite) run
# by programs/regrtest_driver.py under python3.11 -I and frozen with Python
# hidden; every test whose outcome differs must be listed, with its reason,
# in docs/fidelity.md (programs/fidelity_compare.py checks it).
#
# `fidelity.sh MODULE...` runs only those test modules (of the driver's list),
# for a quick check after a fix: the rows of other modules are then reported
# as notes ("did not happen"), not errors.
#
# Both runs start child processes (tests that run sys.executable), so they
# run as nobody under a process limit and a timeout. The comparison and the
# whole driver output stay in $T (PF_E2E_KEEP=1 keeps them).
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

TESTSUITE=$STDLIB_DIR/test
if [[ ! -f $TESTSUITE/test_re.py || ! -d $STDLIB_DIR/unittest/test || ! -d $STDLIB_DIR/ctypes/test ]]; then
    skip_test "CPython's tests are not installed: apt-get install libpython3.11-testsuite"
fi

PROGRAMS=$E2E_DIR/programs
SRC=$T/driver
EXE=$SRC/frozen/regrtest_driver.py
mkdir -p "$SRC/frozen" "$T/runs"
cp "$PROGRAMS/regrtest_driver.py" "$SRC/"
# sysconfig's data module has a name no import statement (nor
# --hidden-import) can give; the driver falls back to this copy when the
# frozen program lacks it, and records that (docs/fidelity.md).
cp "$STDLIB_DIR/_sysconfigdata__x86_64-linux-gnu.py" "$SRC/_pf_sysconfigdata.py"

# Data files the selected tests open() beside their module (pyfreeze does
# not pack a package's data files unless told to).
data=()
for f in cmath_testcases.txt math_testcases.txt ieee754.txt floating_points.txt \
         formatfloat_testcases.txt cfgparser.1 cfgparser.2 cfgparser.3 \
         test_doctest.txt test_doctest2.txt test_doctest3.txt test_doctest4.txt \
         tokenize_tests.txt tokenize_tests-latin1-coding-cookie-and-utf8-bom-sig.txt \
         tokenize_tests-no-coding-cookie-and-utf8-bom-sig-only.txt \
         tokenize_tests-utf8-coding-cookie-and-no-utf8-bom-sig.txt \
         tokenize_tests-utf8-coding-cookie-and-utf8-bom-sig.txt; do
    data+=(--add-data "$TESTSUITE/$f:test")
done
data+=(--add-data "$TESTSUITE/test_zoneinfo/data/zoneinfo_data.json:test/test_zoneinfo/data")
freeze "$EXE" "$SRC/regrtest_driver.py" "${data[@]}" >"$T/freeze.out" || finish

# nobody must be able to write the results and run the program.
chmod 0777 "$T/runs"
chmod -R a+rX "$SRC"
AS_NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups prlimit --nproc=200 timeout 300)
CLEAN_ENV=(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/nonexistent TMPDIR=/tmp
           ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}")

(cd /tmp && "${CLEAN_ENV[@]}" "${AS_NOBODY[@]}" "$PF_PYTHON" -I "$SRC/regrtest_driver.py" \
    --results "$T/runs/ref.txt" "$@" >"$T/runs/ref.log" 2>&1)
echo "python3.11: exit $?"
(cd /tmp && "${CLEAN_ENV[@]}" "${SANDBOX[@]}" "${AS_NOBODY[@]}" "$EXE" \
    --results "$T/runs/frz.txt" "$@" >"$T/runs/frz.log" 2>&1)
echo "frozen: exit $?"

if "$PF_PYTHON" -I "$PROGRAMS/fidelity_compare.py" "$T/runs/ref.txt" "$T/runs/frz.txt" \
    "$PF_SOURCE_DIR/docs/fidelity.md" >"$T/runs/compare.txt"; then
    pass "every difference from python3.11 is listed in docs/fidelity.md ($(tail -n 1 "$T/runs/compare.txt"))"
    grep '^note:' "$T/runs/compare.txt" | head -20
    notes=$(grep -c '^note:' "$T/runs/compare.txt")
    if ((notes > 20)); then
        echo "note: ... and $((notes - 20)) more rows that did not happen (PF_E2E_KEEP=1 keeps runs/compare.txt)"
    fi
else
    fail "differences from python3.11 that docs/fidelity.md does not list:"
    grep -E '^(UNLISTED|a run did not)' "$T/runs/compare.txt" | head -100 | sed 's/^/    /' >&2
    tail -n 1 "$T/runs/compare.txt" | sed 's/^/    /' >&2
    # The tracebacks of the frozen side's unlisted failures.
    grep '^UNLISTED' "$T/runs/compare.txt" | head -10 | sed 's/^UNLISTED `\([^`]*\)`.*/\1/' |
        while read -r id; do
            awk -v id="==== $id" '$0 == id {on = 1; print; next} /^==== / {on = 0} on' \
                "$T/runs/frz.txt.details" | head -20 | sed 's/^/    /' >&2
        done
fi
finish

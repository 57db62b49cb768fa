#!/bin/bash
# e2e/fidelity: CPython's own tests (Debian's libpython3.11-testsuite) run
# by programs/regrtest_driver.py under python3.11 -I and frozen with Python
# hidden; every test whose outcome differs must be listed, with its reason,
# in docs/fidelity.md, and every test module must give the same numbers of
# passed, failed, skipped... tests on both sides unless docs/fidelity.md
# lists the module as differing by nature (programs/fidelity_compare.py
# checks both).
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

mkdir -p "$T/regrtest_driver"
# sysconfig's data module has a name no import statement (nor
# --hidden-import) can give; the driver falls back to this copy when the
# frozen program lacks it, and records that (docs/fidelity.md).
cp "$STDLIB_DIR/_sysconfigdata__x86_64-linux-gnu.py" "$T/regrtest_driver/_pf_sysconfigdata.py"

# No options: the data files the selected tests open() beside their
# module (cmath_testcases.txt, cfgparser.*, tokenize_tests*.txt,
# test_zoneinfo/data/zoneinfo_data.json ...) are the test package's data,
# packed with it (docs/third-party.md, "Package data").
copy_program regrtest_driver >"$T/freeze.out" || finish

# nobody must be able to write the results and run the program (program
# made it readable), for up to 300 s.
chmod 0777 "$R"
as_nobody 300
ENV=("${CLEAN_ENV[@]}" HOME=/nonexistent TMPDIR=/tmp)

(cd /tmp && "${ENV[@]}" "${AS_NOBODY[@]}" "$PF_PYTHON" -I "$SRC/regrtest_driver.py" \
    --results "$R/ref.txt" "$@" >"$R/ref.log" 2>&1)
echo "python3.11: exit $?"
(cd /tmp && "${ENV[@]}" "${SANDBOX[@]}" "${AS_NOBODY[@]}" "$EXE" \
    --results "$R/frz.txt" "$@" >"$R/frz.log" 2>&1)
echo "frozen: exit $?"

# The frozen driver packs the PVM's test package (pvm/README.md), which may
# be an older Debian revision than this machine's: tests only one side
# defines are notes.
if "$PF_PYTHON" -I "$PROGRAMS/fidelity_compare.py" "$R/ref.txt" "$R/frz.txt" \
    "$PF_SOURCE_DIR/docs/fidelity.md" ${PF_PVM_STDLIB_DIR:+"$STDLIB_DIR" "$PF_PVM_STDLIB_DIR"} \
    >"$R/compare.txt"; then
    pass "every test module's counts equal python3.11's but those docs/fidelity.md lists, and every differing test is listed ($(tail -n 1 "$R/compare.txt"))"
    grep '^note:' "$R/compare.txt" | head -20
    notes=$(grep -c '^note:' "$R/compare.txt")
    if ((notes > 20)); then
        echo "note: ... and $((notes - 20)) more rows that did not happen (PF_E2E_KEEP=1 keeps runs/compare.txt)"
    fi
else
    fail "differences from python3.11 that docs/fidelity.md does not list:"
    grep -E '^(UNLISTED|a run did not)' "$R/compare.txt" | head -100 | sed 's/^/    /' >&2
    tail -n 1 "$R/compare.txt" | sed 's/^/    /' >&2
    # The tracebacks of the frozen side's unlisted failures.
    grep '^UNLISTED `' "$R/compare.txt" | head -10 | sed 's/^UNLISTED `\([^`]*\)`.*/\1/' |
        while read -r id; do
            awk -v id="==== $id" '$0 == id {on = 1; print; next} /^==== / {on = 0} on' \
                "$R/frz.txt.details" | head -20 | sed 's/^/    /' >&2
        done
fi
finish

#!/bin/bash
# e2e/subinterp/MODE: sub-interpreters of a frozen program import from its
# payload as the main interpreter does (runtime/importer.c,
# "sub-interpreters"): programs/si_imports.py MODE, frozen and run with
# Python hidden, against python3.11 -I on the same source. MODE is one of
#   xxsubinterpreters  _xxsubinterpreters.create() and run_string()
#   run-in-subinterp   _testcapi.run_in_subinterp()
# (see the program). Each sub-interpreter imports json, math, _struct,
# decimal and os, and open()s a data file packed with --add-data.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

mode=${1:?usage: subinterp.sh xxsubinterpreters|run-in-subinterp}
SRC=$T/si_imports
EXE=$SRC/frozen/si_imports.py
mkdir -p "$SRC"
cp "$E2E_DIR/programs/si_imports.py" "$SRC/"
echo "read from the payload" >"$SRC/si_data.txt"
freeze "$EXE" "$SRC/si_imports.py" --add-data "$SRC/si_data.txt:." || finish

compare_runs "$mode" "$SRC" "$EXE" /dev/null -I "$SRC/si_imports.py" "$mode" -- "$mode"
R=$T/runs/$mode.frz
expect_eq "exit status 0" 0 "$(status_of "$R")"
expect_grep "a sub-interpreter imported json, math and _struct" "$R.out" \
    '^json: \{"sqrt": 4\.0, "packed": \[2, 1\]\}$'
expect_grep "a sub-interpreter read a data file from the payload" "$R.out" \
    '^data file: read from the payload$'
finish

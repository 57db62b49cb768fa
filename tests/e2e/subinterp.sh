#!/bin/bash
# e2e/subinterp/MODE: sub-interpreters of a frozen program import from its
# payload as the main interpreter does (runtime/import/importer.c,
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
mkdir -p "$T/si_imports"
echo "read from the payload" >"$T/si_imports/si_data.txt"
copy_program si_imports --add-data "$T/si_imports/si_data.txt:." || finish

compare "$mode" /dev/null "$mode"
F=$R/$mode.frz
expect_eq "exit status 0" 0 "$(status_of "$F")"
expect_grep "a sub-interpreter imported json, math and _struct" "$F.out" \
    '^json: \{"sqrt": 4\.0, "packed": \[2, 1\]\}$'
expect_grep "a sub-interpreter read a data file from the payload" "$F.out" \
    '^data file: read from the payload$'
finish

#!/bin/bash
# e2e/example/NAME: freeze examples/NAME, run it with several argument sets
# with Python hidden, and compare with python3.11 running the same source
# (see lib.sh for the comparison and its normalisation).
#
# Reference commands:
#   a single-file script:  python3.11 -I SRC/app.py ARGS
#   a script importing its own package (pkgapp):
#                          python3.11 -E -s SRC/app.py ARGS
#       -I would drop the script's directory from sys.path; -E -s keep what
#       else -I does for this purpose (no PYTHON* variables, no user site).
#   a package run with -m (modrun):
#                          cd SRC && python3.11 -E -s -m PKG ARGS
#       -m finds PKG through the current directory, which -I (it implies -P)
#       would not put on sys.path; this is the command a developer runs.
#       The frozen program (pyfreeze -m PKG -p SRC) runs from elsewhere.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

example=${1:?usage: examples.sh hello|cli|pkgapp|modrun}
FROZEN=$T/frozen

# script_case NAME STDIN ARGS...: one run of the frozen script against
# python3.11 (REF_FLAGS) running SRC/SCRIPT.
script_case() {
    local name=$1 stdin=$2
    shift 2
    compare_runs "$name" "$SRC" "$EXE" "$stdin" "${REF_FLAGS[@]}" "$SRC/$SCRIPT" "$@" -- "$@"
}

case $example in
hello)
    SRC=$EXAMPLES/hello SCRIPT=hello.py EXE=$FROZEN/hello.py REF_FLAGS=(-I)
    freeze "$EXE" "$SRC/$SCRIPT" || finish
    script_case hello /dev/null
    expect_eq "hello prints its greeting" "Hello, world!" "$(cat "$T/runs/hello.frz.out")"
    script_case hello-args /dev/null -c 'print(1)' --foo
    ;;

cli)
    SRC=$EXAMPLES/cli SCRIPT=logreport.py EXE=$FROZEN/logreport.py REF_FLAGS=(-I)
    LOG=$SRC/sample.log
    freeze "$EXE" "$SRC/$SCRIPT" || finish
    # Relative file names, as a user types them: run from the example's directory.
    RUN_CWD=$SRC
    script_case help /dev/null --help
    script_case summary-help /dev/null summary --help
    script_case usage-error /dev/null summary --bogus
    expect_eq "a usage error exits 2" 2 "$(status_of "$T/runs/usage-error.frz")"
    script_case no-command /dev/null
    script_case summary-stdin "$LOG" summary
    script_case summary-file /dev/null summary sample.log --top 5 --width 50
    expect_grep "summary mentions the slowest event" "$T/runs/summary-file.frz.out" "5012.7 ms payments"
    script_case summary-json "$LOG" -v summary --format json -
    script_case summary-csv /dev/null summary --format csv sample.log
    script_case summary-xml /dev/null summary --format xml sample.log
    script_case summary-fail /dev/null summary --fail-on-malformed sample.log
    script_case grep-i /dev/null grep -i 'TIMEOUT|refused' sample.log
    script_case grep-count "$LOG" grep --count --level info .
    script_case grep-none "$LOG" grep nothing-matches-this
    script_case grep-bad-regex "$LOG" grep '('
    script_case mail /dev/null mail sample.log --to ops@example.org --show
    script_case diff /dev/null diff sample.log newer.log
    script_case pack "$LOG" -v pack
    script_case unpack "$T/runs/pack.ref.out" unpack
    expect_eq "pack | unpack gives the log back" "$(cat "$LOG")" "$(cat "$T/runs/unpack.frz.out")"
    script_case unpack-garbage "$LOG" unpack
    script_case sample /dev/null sample sample.log --seed 7 --count 4
    script_case missing-file /dev/null summary no-such.log
    script_case strict-traceback /dev/null --strict summary sample.log
    expect_grep "--strict ends in a traceback" "$T/runs/strict-traceback.frz.err" '^LogFormatError: line 9'
    # Without LANG: the C locale; Python 3.11 coerces it to UTF-8 (PEP 538).
    RUN_ENV=(LANG=)
    script_case c-locale "$LOG" summary
    RUN_ENV=()
    ;;

pkgapp)
    SRC=$EXAMPLES/pkgapp SCRIPT=wordfreq.py EXE=$FROZEN/wordfreq.py REF_FLAGS=(-E -s)
    freeze "$EXE" "$SRC/$SCRIPT" || finish
    script_case table "$SRC/sample.txt"
    expect_grep "the subpackage was used" "$T/runs/table.frz.out" 'formats from textkit\.formats\.render'
    script_case json /dev/null --format json -n 3 --stop-words "$SRC/sample.txt"
    script_case csv-empty /dev/null --format csv
    script_case usage-error /dev/null --format xml
    script_case help /dev/null --help
    script_case missing-file /dev/null no-such.txt
    ;;

modrun)
    SRC=$EXAMPLES/modrun EXE=$FROZEN/unitconv
    freeze "$EXE" -m unitconv -p "$SRC" || finish
    RUN_CWD=$SRC    # for python3.11 -m; the frozen program ignores it
    module_case() {
        local name=$1
        shift
        compare_runs "$name" "$SRC" "$EXE" /dev/null -E -s -m unitconv "$@" -- "$@"
    }
    module_case convert 5 km mi
    expect_eq "unitconv converts" "5 km = 3.10686 mi" "$(cat "$T/runs/convert.frz.out")"
    module_case exact --exact 1/3 ft in
    module_case list list --dimension mass
    module_case error 3 kg m
    module_case help --help
    module_case no-args
    module_case usage-error 5 km
    module_case traceback ratio 1 0
    expect_grep "ratio 1 0 ends in ZeroDivisionError" "$T/runs/traceback.frz.err" '^ZeroDivisionError: Fraction\(1, 0\)$'
    # From another directory the frozen program behaves the same.
    RUN_CWD=/
    run_frozen "$T/runs/elsewhere" /dev/null "$EXE" 5 km mi
    expect_eq "the frozen -m program runs from any directory" "5 km = 3.10686 mi" "$(cat "$T/runs/elsewhere.out")"
    ;;

*)
    fail "unknown example $example"
    ;;
esac
finish

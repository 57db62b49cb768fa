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
# A script's runs use lib.sh's compare (REF_FLAGS: -I, or -E -s for pkgapp).
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

example=${1:?usage: examples.sh hello|cli|pkgapp|modrun}
FROZEN=$T/frozen

case $example in
hello)
    SRC=$EXAMPLES/hello EXE=$FROZEN/hello.py
    freeze "$EXE" "$SRC/hello.py" || finish
    compare hello /dev/null
    expect_eq "hello prints its greeting" "Hello, world!" "$(cat "$R/hello.frz.out")"
    compare hello-args /dev/null -c 'print(1)' --foo
    ;;

cli)
    SRC=$EXAMPLES/cli EXE=$FROZEN/logreport.py
    LOG=$SRC/sample.log
    freeze "$EXE" "$SRC/logreport.py" || finish
    # Relative file names, as a user types them: run from the example's directory.
    RUN_CWD=$SRC
    compare help /dev/null --help
    compare summary-help /dev/null summary --help
    compare usage-error /dev/null summary --bogus
    expect_eq "a usage error exits 2" 2 "$(status_of "$R/usage-error.frz")"
    compare no-command /dev/null
    compare summary-stdin "$LOG" summary
    compare summary-file /dev/null summary sample.log --top 5 --width 50
    expect_grep "summary mentions the slowest event" "$R/summary-file.frz.out" "5012.7 ms payments"
    compare summary-json "$LOG" -v summary --format json -
    compare summary-csv /dev/null summary --format csv sample.log
    compare summary-xml /dev/null summary --format xml sample.log
    compare summary-fail /dev/null summary --fail-on-malformed sample.log
    compare grep-i /dev/null grep -i 'TIMEOUT|refused' sample.log
    compare grep-count "$LOG" grep --count --level info .
    compare grep-none "$LOG" grep nothing-matches-this
    compare grep-bad-regex "$LOG" grep '('
    compare mail /dev/null mail sample.log --to ops@example.org --show
    compare diff /dev/null diff sample.log newer.log
    compare pack "$LOG" -v pack
    compare unpack "$R/pack.ref.out" unpack
    expect_eq "pack | unpack gives the log back" "$(cat "$LOG")" "$(cat "$R/unpack.frz.out")"
    compare unpack-garbage "$LOG" unpack
    compare sample /dev/null sample sample.log --seed 7 --count 4
    compare missing-file /dev/null summary no-such.log
    compare strict-traceback /dev/null --strict summary sample.log
    expect_grep "--strict ends in a traceback" "$R/strict-traceback.frz.err" '^LogFormatError: line 9'
    # Without LANG: the C locale; Python 3.11 coerces it to UTF-8 (PEP 538).
    RUN_ENV=(LANG=)
    compare c-locale "$LOG" summary
    RUN_ENV=()
    ;;

pkgapp)
    SRC=$EXAMPLES/pkgapp EXE=$FROZEN/wordfreq.py REF_FLAGS=(-E -s)
    freeze "$EXE" "$SRC/wordfreq.py" || finish
    compare table "$SRC/sample.txt"
    expect_grep "the subpackage was used" "$R/table.frz.out" 'formats from textkit\.formats\.render'
    compare json /dev/null --format json -n 3 --stop-words "$SRC/sample.txt"
    compare csv-empty /dev/null --format csv
    compare usage-error /dev/null --format xml
    compare help /dev/null --help
    compare missing-file /dev/null no-such.txt
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
    expect_eq "unitconv converts" "5 km = 3.10686 mi" "$(cat "$R/convert.frz.out")"
    module_case exact --exact 1/3 ft in
    module_case list list --dimension mass
    module_case error 3 kg m
    module_case help --help
    module_case no-args
    module_case usage-error 5 km
    module_case traceback ratio 1 0
    expect_grep "ratio 1 0 ends in ZeroDivisionError" "$R/traceback.frz.err" '^ZeroDivisionError: Fraction\(1, 0\)$'
    # From another directory the frozen program behaves the same.
    RUN_CWD=/
    run_frozen "$R/elsewhere" /dev/null "$EXE" 5 km mi
    expect_eq "the frozen -m program runs from any directory" "5 km = 3.10686 mi" "$(cat "$R/elsewhere.out")"
    ;;

*)
    fail "unknown example $example"
    ;;
esac
finish

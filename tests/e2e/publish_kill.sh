#!/bin/bash
# e2e/publish-kill: a freeze killed with SIGKILL at any moment leaves, in the
# output's directory, either the old output or the new one and nothing else
# (no temporary file); the next freeze into that directory removes the
# temporaries a killed freeze may still have left (freezer/publish/output.h).
#
# An old output (hello frozen) is overwritten by a freeze of logreport.py
# that is killed after a delay; the delays are spread over the freeze's
# measured duration, half of them evenly, half over its end, where the
# executable is written (see below). After each kill the directory must
# hold exactly one file, OUT, byte-identical to one of two reference builds
# and 0755. Without the anonymous file (before issue 17) some kills leave a
# ".app.XXXXXX" of several MB; the whole test takes 30 to 60 s.
source "$(dirname "$0")/lib.sh"
require_built

export SOURCE_DATE_EPOCH=1700000000 # the reference builds and the runs agree
NEW_SRC="$EXAMPLES/cli/logreport.py"
OUT_DIR="$T/out"
OUT="$OUT_DIR/app"

freeze "$T/ref/old" "$EXAMPLES/hello/hello.py" || finish
freeze "$T/ref/new" "$NEW_SRC" || finish # also fills the cache: runs are warm
if cmp -s "$T/ref/old" "$T/ref/new"; then
    fail "the two reference builds are identical: nothing to tell apart"
    finish
fi

# now_ms: a monotonic-enough clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# reset: OUT_DIR holds only the old output.
reset() {
    rm -rf "$OUT_DIR"
    mkdir -p "$OUT_DIR"
    cp "$T/ref/old" "$OUT"
    chmod 0755 "$OUT"
}

# check_dir WHAT: OUT_DIR holds exactly OUT, the old or the new build, 0755;
# prints "old" or "new", or records a failure and prints "bad".
check_dir() {
    local what=$1 entries
    entries=$(ls -A "$OUT_DIR" | tr '\n' ' ')
    if [[ $entries != "app " ]]; then
        fail "$what: the output directory holds: $entries"
        echo bad
    elif [[ $(stat -c %a "$OUT") != 755 ]]; then
        fail "$what: OUT has mode $(stat -c %a "$OUT")"
        echo bad
    elif cmp -s "$OUT" "$T/ref/old"; then
        echo old
    elif cmp -s "$OUT" "$T/ref/new"; then
        echo new
    else
        fail "$what: OUT is neither the old nor the new build ($(stat -c %s "$OUT") bytes)"
        echo bad
    fi
}

# The duration of an uninterrupted freeze over the old output: the median
# of three (the machine may be busy, and runs vary).
times=()
for i in 1 2 3; do
    reset
    start=$(now_ms)
    "$PYFREEZE" "$NEW_SRC" -o "$OUT" 2>"$T/measure.log" ||
        { fail "the measured freeze failed"; cat "$T/measure.log" >&2; finish; }
    times+=($(($(now_ms) - start)))
done
duration=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
expect_eq "an uninterrupted freeze replaces the old output" new "$(check_dir "uninterrupted freeze")"

# As many runs as fit in about 30 s, between 10 and 40, in two halves. The
# first half's delays go from 0 to 1.3 times the duration (a late kill may
# find the freeze finished: OUT is new). The executable is written in the
# last tenth or so of a freeze, and runs vary by more than that, so the
# second half's delays are spread from 60% to 100% of the shortest delay
# at which a first-half run had finished.
runs=$((30000 / (duration + 1)))
((runs > 40)) && runs=40
((runs < 10)) && runs=10
half=$((runs / 2))
longest=$((duration * 13 / 10))
echo "a freeze takes ${times[*]} ms, median ${duration} ms; $runs runs"
killed=0 finished=0 old=0 new=0 bad=0 last_pid='' first_finish=$longest

# kill_run DELAY_MS: one freeze over the old output, killed after DELAY_MS
# (if still running), then the directory checked.
kill_run() {
    local delay_ms=$1 pid status
    reset
    "$PYFREEZE" "$NEW_SRC" -o "$OUT" 2>"$T/run.log" &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null # no "Killed" line from bash
    status=$?
    if ((status == 137)); then
        killed=$((killed + 1))
        last_pid=$pid
    else
        finished=$((finished + 1))
        ((delay_ms < first_finish)) && first_finish=$delay_ms
    fi
    case $(check_dir "killed after $delay_ms ms (status $status)") in
    old) old=$((old + 1)) ;;
    new) new=$((new + 1)) ;;
    *) bad=$((bad + 1)) ;;
    esac
}

for ((i = 0; i < half; i++)); do
    kill_run $((longest * i / (half - 1)))
done
to=$first_finish from=$((first_finish * 6 / 10))
echo "first half: a run had finished after $to ms; second half: $from to $to ms"
for ((i = 0; i < runs - half; i++)); do
    kill_run $((from + (to - from) * i / (runs - half - 1)))
done
echo "$killed runs killed, $finished finished; afterwards $old old outputs, $new new, $bad bad"
expect_eq "every killed freeze left the old or the new output and nothing else" 0 "$bad"
((killed >= runs / 3)) || fail "only $killed of $runs runs were killed: the delays missed the freeze"

# A temporary a killed freeze left (its name records the dead pyfreeze's
# PID: one killed above) is removed by the next freeze into the directory.
# A file that is not ours stays.
reset
[[ -n $last_pid ]] || last_pid=$(sh -c 'echo $$')
kill -0 "$last_pid" 2>/dev/null && fail "pyfreeze $last_pid still runs"
head -c 100000 "$T/ref/new" >"$OUT_DIR/.app.pyfreeze-$last_pid-Ab12Cd"
echo mine >"$OUT_DIR/.app.notours"
"$PYFREEZE" "$NEW_SRC" -o "$OUT" 2>"$T/final.log" || { fail "the last freeze failed"; cat "$T/final.log" >&2; }
expect_eq "the next freeze removes a killed freeze's temporary, keeps other files" \
    ".app.notours app " "$(ls -A "$OUT_DIR" | tr '\n' ' ')"
rm -f "$OUT_DIR/.app.notours"
expect_eq "the next freeze leaves the new output" new "$(check_dir "last freeze")"
finish

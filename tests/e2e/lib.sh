# lib.sh: the end-to-end test harness, sourced by every tests/e2e/*.sh test.
#
# CTest passes (tests/e2e/CMakeLists.txt):
#   PYFREEZE       the built freezer (its stubs, pyfreeze-stub and
#                  pyfreeze-stub-pie, are beside it)
#   PF_PYTHON      the reference interpreter, Debian's /usr/bin/python3.11
#   PF_SOURCE_DIR  the source tree (examples/ is read from there)
#   PF_BUILD_DIR   the build tree
#   PF_SANITIZE    1 in an AddressSanitizer+UBSan build, else 0
# Set PF_E2E_KEEP=1 to keep the temporary directory of a run for inspection.
#
# How a frozen program is compared with python3.11
# -------------------------------------------------
# Both run with the same arguments, the same stdin, from the same directory,
# in a clean environment (env -i, PATH=/usr/bin:/bin, LANG=C.UTF-8, a fresh
# HOME), under `timeout 60`. The frozen program runs inside sandbox.sh (in
# `unshare -m`), where no Python is installed. stdout, stderr and the exit
# status must then be equal after this normalisation, and nothing more:
#
#  1. Paths. python3.11 shows the script as SRCDIR/app.py and stdlib modules
#     as /usr/lib/python3.11/json/decoder.py; the frozen program shows its
#     modules under its executable: EXE/app.py, EXE/json/decoder.py. So
#     "SRCDIR/" and "/usr/lib/python3.11/" (reference) and "EXE/" (frozen)
#     all become "<APP>/". sys.argv[0] differs too (SRCDIR/app.py against
#     EXE); tests freeze app.py to an executable also named app.py, in a
#     directory of its own, so that argparse's prog (the basename) is equal.
#  2. Traceback source lines. python3.11 prints, under each
#     `  File "...", line N, in X` line, the source line and caret lines
#     (indented 4 spaces); a frozen program without sources prints none. In
#     the reference's stderr only, the indented lines directly after a File
#     line are dropped. (They are not dropped from the frozen program's
#     output: if it printed wrong source lines, the comparison fails.)

set -uo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PYFREEZE:?PYFREEZE must name the built pyfreeze}"
: "${PF_PYTHON:=/usr/bin/python3.11}"
: "${PF_SOURCE_DIR:=$(cd "$E2E_DIR/../.." && pwd)}"
: "${PF_BUILD_DIR:=$(cd "$(dirname "$PYFREEZE")/.." && pwd)}"
: "${PF_SANITIZE:=0}"
EXAMPLES="$PF_SOURCE_DIR/examples"
STDLIB_DIR=/usr/lib/python3.11

T=$(mktemp -d "${TMPDIR:-/tmp}/pf-e2e.XXXXXX")
chmod 0755 "$T"           # the unreadable-script check runs as nobody
mkdir -p "$T/home"
# The freezer's bytecode cache goes in the test's own directory: a test
# neither depends on nor fills the cache of whoever runs it. (A cache never
# changes output bytes; tests/unit/cache checks that.)
export XDG_CACHE_HOME="$T/cache"
if [[ ${PF_E2E_KEEP:-0} == 1 ]]; then
    echo "keeping $T"
else
    trap 'rm -rf "$T"' EXIT
fi

FAILURES=0

# ---- reporting ---------------------------------------------------------------

pass() { echo "ok: $*"; }
fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
}
skip_test() {
    echo "SKIP: $*"
    exit 77
}
# finish: the test's last line; its exit status is the verdict.
finish() {
    if ((FAILURES > 0)); then
        echo "$FAILURES check(s) failed"
        exit 1
    fi
    echo "all checks passed"
    exit 0
}

# ---- preconditions -------------------------------------------------------------

require_built() {
    [[ -x $PYFREEZE ]] || { fail "pyfreeze is not built: $PYFREEZE"; finish; }
    [[ -x $(dirname "$PYFREEZE")/pyfreeze-stub ]] ||
        { fail "pyfreeze-stub is not built next to $PYFREEZE"; finish; }
}

require_sandbox() {
    if ! unshare -m true 2>/dev/null; then
        skip_test "cannot create a mount namespace (unshare -m needs root): no sandbox"
    fi
}

# ---- running -------------------------------------------------------------------

# Extra "NAME=value" words for the environment of the next runs, and the
# directory they run in; tests may change both.
RUN_ENV=()
RUN_CWD=$T

# run_capture PREFIX STDIN CMD...: runs CMD with stdin from STDIN in the clean
# environment and RUN_CWD; writes PREFIX.out, PREFIX.err and PREFIX.rc (the
# status as the shell sees it: 128+N for death by signal N).
run_capture() {
    local prefix=$1 stdin=$2
    shift 2
    (
        cd "$RUN_CWD" &&
            env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$T/home" \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
                "${RUN_ENV[@]}" timeout 60 "$@" <"$stdin" >"$prefix.out" 2>"$prefix.err"
    )
    echo $? >"$prefix.rc"
}

# sandboxed CMD...: prints the command line that runs CMD with Python hidden.
SANDBOX=(unshare -m /bin/bash "$E2E_DIR/sandbox.sh")

# run_ref PREFIX STDIN ARGS...: python3.11 ARGS (e.g. -I script.py args).
run_ref() {
    local prefix=$1 stdin=$2
    shift 2
    run_capture "$prefix" "$stdin" "$PF_PYTHON" "$@"
}

# run_frozen PREFIX STDIN EXE ARGS...: the frozen EXE, Python hidden.
run_frozen() {
    local prefix=$1 stdin=$2
    shift 2
    run_capture "$prefix" "$stdin" "${SANDBOX[@]}" "$@"
}

# ---- freezing ------------------------------------------------------------------

# freeze OUT PYFREEZE-ARGS...: freezes; on failure records it, shows the
# freezer's messages and returns 1. The freezer's stderr is kept in OUT.log.
freeze() {
    local out=$1
    shift
    mkdir -p "$(dirname "$out")"
    if ! "$PYFREEZE" "$@" -o "$out" 2>"$out.log" >&2 || [[ ! -x $out ]]; then
        fail "pyfreeze $* -o $out failed:"
        sed 's/^/    /' "$out.log" >&2
        return 1
    fi
    if [[ -s $out.log ]]; then
        echo "pyfreeze said:"
        sed 's/^/    /' "$out.log"
    fi
}

# ---- normalisation (see the top of this file) ---------------------------------

# normalise FILE FROM TO [FROM TO...] [--drop-source]: prints FILE with every
# literal FROM replaced by TO (in order) and, with --drop-source, the source
# and caret lines under traceback File lines removed.
normalise() {
    local file=$1
    shift
    local drop=0 pairs=()
    while (($# > 0)); do
        if [[ $1 == --drop-source ]]; then
            drop=1
            shift
        else
            pairs+=("$1" "$2")
            shift 2
        fi
    done
    local envs=(PF_NPAIRS=$((${#pairs[@]} / 2))) k
    for ((k = 0; k < ${#pairs[@]}; k++)); do
        envs+=("PF_PAIR_$k=${pairs[k]}")
    done
    # The strings go through the environment: awk -v would expand backslashes.
    env "${envs[@]}" awk -v drop="$drop" '
        function replace_all(s, from, to,    out, i) {
            out = ""
            while (from != "" && (i = index(s, from)) > 0) {
                out = out substr(s, 1, i - 1) to
                s = substr(s, i + length(from))
            }
            return out s
        }
        BEGIN { n = 2 * ENVIRON["PF_NPAIRS"] }
        {
            if (drop && in_frame && $0 ~ /^    /) next
            in_frame = ($0 ~ /^  File ".*", line [0-9]+, in /)
            for (k = 0; k < n; k += 2)
                $0 = replace_all($0, ENVIRON["PF_PAIR_" k], ENVIRON["PF_PAIR_" (k + 1)])
            print
        }' "$file"
}

# normalise_ref PREFIX SRCDIR: PREFIX.out/.err of python3.11 -> PREFIX.nout/.nerr.
# Traceback source lines are dropped from stderr (a frozen program without
# --include-source has none) unless REF_KEEP_SOURCE=1.
REF_KEEP_SOURCE=0
normalise_ref() {
    local prefix=$1 srcdir=$2 drop=(--drop-source)
    [[ $REF_KEEP_SOURCE == 1 ]] && drop=()
    normalise "$prefix.out" "$srcdir/" "<APP>/" "$STDLIB_DIR/" "<APP>/" >"$prefix.nout"
    normalise "$prefix.err" "$srcdir/" "<APP>/" "$STDLIB_DIR/" "<APP>/" "${drop[@]}" >"$prefix.nerr"
}

# normalise_frozen PREFIX EXE: PREFIX.out/.err of the frozen EXE -> .nout/.nerr
normalise_frozen() {
    local prefix=$1 exe=$2 real
    real=$(realpath -m "$exe")   # what the program sees as its path
    normalise "$prefix.out" "$real/" "<APP>/" "$exe/" "<APP>/" >"$prefix.nout"
    normalise "$prefix.err" "$real/" "<APP>/" "$exe/" "<APP>/" >"$prefix.nerr"
}

# same_result NAME REF FRZ: compares normalised stdout, stderr and status of
# two runs; records a failure with the differences.
same_result() {
    local name=$1 ref=$2 frz=$3 bad=0
    if ! diff -u --label "python3.11 stdout" --label "frozen stdout" "$ref.nout" "$frz.nout" >"$frz.diff"; then
        bad=1
    fi
    if ! diff -u --label "python3.11 stderr" --label "frozen stderr" "$ref.nerr" "$frz.nerr" >>"$frz.diff"; then
        bad=1
    fi
    if [[ $(cat "$ref.rc") != $(cat "$frz.rc") ]]; then
        echo "exit status: python3.11 $(cat "$ref.rc"), frozen $(cat "$frz.rc")" >>"$frz.diff"
        bad=1
    fi
    if ((bad)); then
        fail "$name: frozen program differs from python3.11"
        sed 's/^/    /' "$frz.diff" >&2
        return 1
    fi
    pass "$name (exit $(cat "$frz.rc"), $(wc -l <"$frz.out") stdout lines, $(wc -l <"$frz.err") stderr lines)"
}

# compare_runs NAME SRCDIR EXE STDIN REF-ARGS -- FROZEN-ARGS: runs both and
# compares. REF-ARGS are python3.11's (e.g. -I SRCDIR/app.py a b), FROZEN-ARGS
# the program's (a b). Results stay in $T/runs/NAME.{ref,frz}.*.
compare_runs() {
    compare_runs_with run_frozen "$@"
}

# compare_runs_with RUNNER NAME SRCDIR EXE STDIN REF-ARGS -- FROZEN-ARGS:
# compare_runs with the frozen program started by RUNNER (run_frozen, or a
# runner of the same arguments such as native.sh's run_hidden).
compare_runs_with() {
    local runner=$1 name=$2 srcdir=$3 exe=$4 stdin=$5
    shift 5
    local ref_args=()
    while (($# > 0)) && [[ $1 != -- ]]; do
        ref_args+=("$1")
        shift
    done
    shift
    mkdir -p "$T/runs"
    local ref="$T/runs/$name.ref" frz="$T/runs/$name.frz"
    run_ref "$ref" "$stdin" "${ref_args[@]}"
    "$runner" "$frz" "$stdin" "$exe" "$@"
    normalise_ref "$ref" "$srcdir"
    normalise_frozen "$frz" "$exe"
    same_result "$name" "$ref" "$frz"
}

# ---- small assertions ----------------------------------------------------------

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    if [[ $2 == "$3" ]]; then
        pass "$1"
    else
        fail "$1: expected $(printf %q "$2"), got $(printf %q "$3")"
    fi
}

# expect_file_eq WHAT FILE EXPECTED-TEXT (a trailing newline is implied)
expect_file_eq() {
    if diff -u --label expected --label actual <(printf '%s\n' "$3") "$2" >"$T/expect.diff"; then
        pass "$1"
    else
        fail "$1:"
        sed 's/^/    /' "$T/expect.diff" >&2
    fi
}

# expect_grep WHAT FILE ERE: FILE has a line matching ERE
expect_grep() {
    if grep -Eq -- "$3" "$2"; then
        pass "$1"
    else
        fail "$1: no line of $(basename "$2") matches /$3/; it holds:"
        sed 's/^/    /' "$2" | head -20 >&2
    fi
}

# expect_no_grep WHAT FILE ERE
expect_no_grep() {
    if grep -Eq -- "$3" "$2"; then
        fail "$1: $(basename "$2") matches /$3/:"
        grep -E -- "$3" "$2" | sed 's/^/    /' | head -5 >&2
    else
        pass "$1"
    fi
}

# status_of PREFIX: the recorded exit status
status_of() { cat "$1.rc"; }

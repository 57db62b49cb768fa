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
#
# Conventions of the helpers below: a check (expect_*, same_result, the
# compare helpers) records its verdict with `pass` (status 0) or `fail`
# (status 1) and returns that status; a failed check does not stop the test,
# `finish` gives the verdict at the end. Runs are kept as PREFIX.out,
# PREFIX.err and PREFIX.rc, most under $R ($T/runs). A test program lives in
# $T/NAME/ (SRC) and is frozen to $T/NAME/frozen/NAME.py (EXE): the helpers
# that compare read SRC and EXE.
#
# What is here, by section: reporting (pass, fail, skip_test, finish);
# preconditions (require_built, require_sandbox); running (CLEAN_ENV,
# run_capture, SANDBOX, run_ref, run_frozen, NOBODY, as_nobody and
# AS_NOBODY); freezing (freeze, program, copy_program); normalisation
# (normalise, normalise_ref, normalise_frozen); comparing with python3.11
# (same_result, compare_outputs, compare_runs, compare_runs_with, compare,
# compare_ctrl_c); executables and traces (elf_type, TRACE_CREATING,
# created_files, expect_no_file_created); small assertions (expect_eq,
# expect_file_eq, expect_grep, expect_no_grep, status_of). harness.sh tests
# them.

set -uo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PYFREEZE:?PYFREEZE must name the built pyfreeze}"
: "${PF_PYTHON:=/usr/bin/python3.11}"
: "${PF_SOURCE_DIR:=$(cd "$E2E_DIR/../.." && pwd)}"
: "${PF_BUILD_DIR:=$(cd "$(dirname "$PYFREEZE")/.." && pwd)}"
: "${PF_SANITIZE:=0}"
EXAMPLES="$PF_SOURCE_DIR/examples"
PROGRAMS="$E2E_DIR/programs"    # the test programs that are files of their own
STDLIB_DIR=/usr/lib/python3.11

T=$(mktemp -d "${TMPDIR:-/tmp}/pf-e2e.XXXXXX")
chmod 0755 "$T"           # the unreadable-script check runs as nobody
mkdir -p "$T/home"
R=$T/runs                 # where the runs of comparisons are kept
mkdir -p "$R"
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

# pass WHAT: prints "ok: WHAT" on stdout; returns 0.
pass() { echo "ok: $*"; }
# fail WHAT: prints "FAIL: WHAT" on stderr and counts the failure; returns 1.
fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
    return 1
}
# skip_test WHY: prints "SKIP: WHY" and ends the test with status 77, which
# CTest reports as skipped.
skip_test() {
    echo "SKIP: $*"
    exit 77
}
# finish: the test's last line; ends it with status 1 if any check failed,
# else 0.
finish() {
    if ((FAILURES > 0)); then
        echo "$FAILURES check(s) failed"
        exit 1
    fi
    echo "all checks passed"
    exit 0
}

# ---- preconditions -------------------------------------------------------------

# require_built: records a failure and finishes if pyfreeze or its stub is
# not built.
require_built() {
    [[ -x $PYFREEZE ]] || { fail "pyfreeze is not built: $PYFREEZE"; finish; }
    [[ -x $(dirname "$PYFREEZE")/pyfreeze-stub ]] ||
        { fail "pyfreeze-stub is not built next to $PYFREEZE"; finish; }
}

# require_sandbox: skips the test (77) where no mount namespace can be made.
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

# CLEAN_ENV: the command words that run what follows in the clean
# environment: only PATH, LANG, a fresh HOME and the sanitizer options.
# Words appended after it (NAME=value) add to or override these.
CLEAN_ENV=(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$T/home"
           ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}")

# run_capture PREFIX STDIN CMD...: runs CMD with stdin from STDIN in the clean
# environment plus RUN_ENV, in RUN_CWD, under `timeout 60`; writes PREFIX.out,
# PREFIX.err and PREFIX.rc (the status as the shell sees it: 128+N for death
# by signal N, 124 for the timeout). Returns 0 (the status is in PREFIX.rc).
run_capture() {
    local prefix=$1 stdin=$2
    shift 2
    (
        cd "$RUN_CWD" &&
            "${CLEAN_ENV[@]}" "${RUN_ENV[@]}" timeout 60 "$@" <"$stdin" >"$prefix.out" 2>"$prefix.err"
    )
    echo $? >"$prefix.rc"
}

# SANDBOX: the command words that run what follows with Python hidden
# (sandbox.sh in a mount namespace of its own; exit 97 if Python is still
# visible).
SANDBOX=(unshare -m /bin/bash "$E2E_DIR/sandbox.sh")

# run_ref PREFIX STDIN ARGS...: run_capture of python3.11 ARGS (e.g. -I
# script.py args). Returns 0.
run_ref() {
    local prefix=$1 stdin=$2
    shift 2
    run_capture "$prefix" "$stdin" "$PF_PYTHON" "$@"
}

# run_frozen PREFIX STDIN EXE ARGS...: run_capture of the frozen EXE ARGS,
# Python hidden. Returns 0.
run_frozen() {
    local prefix=$1 stdin=$2
    shift 2
    run_capture "$prefix" "$stdin" "${SANDBOX[@]}" "$@"
}

# run_libs_hidden PREFIX STDIN EXE ARGS...: run_frozen with the host's
# shared libraries listed in the file $LIBS (one path a line) hidden too
# (hide_libs.sh), so that the program can only use the copies it packed.
# A test sets FROZEN_RUNNER=run_libs_hidden for compare to use it.
run_libs_hidden() {
    local prefix=$1 stdin=$2 exe=$3
    shift 3
    run_capture "$prefix" "$stdin" "${SANDBOX[@]}" /bin/bash "$E2E_DIR/hide_libs.sh" "$LIBS" \
        "$exe" "$@"
}

# NOBODY: the command words that run what follows as the user nobody (uid
# and gid 65534, no supplementary groups): root reads any file and ignores
# RLIMIT_NPROC, so tests that check either run as nobody.
NOBODY=(setpriv --reuid 65534 --regid 65534 --clear-groups)

# as_nobody SECONDS: sets AS_NOBODY, the command words that run what follows
# as nobody with at most 200 processes of that user (prlimit --nproc: a
# runaway pool stops there) and, unless SECONDS is 0, under `timeout
# SECONDS`. SECONDS 0 is for a program on a terminal: timeout would start it
# in a background process group, where reading the terminal stops it.
# AS_NOBODY starts as `as_nobody 120` made it. Returns 0.
as_nobody() {
    AS_NOBODY=("${NOBODY[@]}" prlimit --nproc=200)
    if [[ $1 != 0 ]]; then
        AS_NOBODY+=(timeout "$1")
    fi
}
as_nobody 120

# ---- freezing ------------------------------------------------------------------

# freeze OUT PYFREEZE-ARGS...: runs pyfreeze PYFREEZE-ARGS -o OUT, its stdout
# and stderr kept in OUT.log. Returns 0 if it exited 0 and OUT is executable
# (any messages shown on stdout); else records a failure, shows the messages
# on stderr and returns 1.
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

# program NAME [PYFREEZE-OPTIONS...] <SOURCE: writes stdin to $T/NAME/NAME.py
# and freezes it with the options to $T/NAME/frozen/NAME.py (the executable
# is named like the script: see the top). Sets SRC and EXE, also on failure.
# Makes $SRC readable by everyone (tests may run the program as nobody).
# Returns 0, or 1 if the freeze failed (recorded by freeze).
program() {
    local name=$1
    shift
    SRC=$T/$name
    EXE=$SRC/frozen/$name.py
    mkdir -p "$SRC"
    cat >"$SRC/$name.py"
    freeze "$EXE" "$@" "$SRC/$name.py" || return 1
    chmod -R a+rX "$SRC"
}

# copy_program NAME [PYFREEZE-OPTIONS...]: program with tests/e2e/programs/
# NAME.py as the source. Files the program needs beside it may be put in
# $T/NAME/ before. Returns as program does.
copy_program() {
    program "$@" <"$PROGRAMS/$1.py"
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

# ---- comparing with python3.11 ----------------------------------------------------

# same_result NAME REF FRZ: compares the normalised stdout and stderr
# (REF.nout/.nerr, FRZ.nout/.nerr) and the status (.rc) of two runs, byte for
# byte. Records a pass, or a failure showing the differences (also kept in
# FRZ.diff) and returns 1.
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

# compare_outputs NAME SRCDIR EXE REF FRZ: the runs REF (python3.11 on a
# script in SRCDIR) and FRZ (the frozen EXE), already captured, normalised
# (normalise_ref, normalise_frozen) and compared (same_result). Returns as
# same_result does.
compare_outputs() {
    local name=$1 srcdir=$2 exe=$3 ref=$4 frz=$5
    normalise_ref "$ref" "$srcdir"
    normalise_frozen "$frz" "$exe"
    same_result "$name" "$ref" "$frz"
}

# compare_runs NAME SRCDIR EXE STDIN REF-ARGS -- FROZEN-ARGS: runs both and
# compares. REF-ARGS are python3.11's (e.g. -I SRCDIR/app.py a b), FROZEN-ARGS
# the program's (a b). Results stay in $R/NAME.{ref,frz}.*. Returns as
# same_result does.
compare_runs() {
    compare_runs_with "$FROZEN_RUNNER" "$@"
}

# FROZEN_RUNNER: the function compare_runs and compare start the frozen
# program with: run_frozen, or a runner of the same arguments (native.sh's
# run_hidden).
FROZEN_RUNNER=run_frozen

# compare_runs_with RUNNER NAME SRCDIR EXE STDIN REF-ARGS -- FROZEN-ARGS:
# compare_runs with the frozen program started by RUNNER.
compare_runs_with() {
    local runner=$1 name=$2 srcdir=$3 exe=$4 stdin=$5
    shift 5
    local ref_args=()
    while (($# > 0)) && [[ $1 != -- ]]; do
        ref_args+=("$1")
        shift
    done
    shift
    local ref="$R/$name.ref" frz="$R/$name.frz"
    run_ref "$ref" "$stdin" "${ref_args[@]}"
    "$runner" "$frz" "$stdin" "$exe" "$@"
    compare_outputs "$name" "$srcdir" "$exe" "$ref" "$frz"
}

# REF_FLAGS: python3.11's options before the script in compare and
# compare_ctrl_c; -I unless a test needs others (-E -s for a script that
# imports its neighbours, -O for an optimized freeze).
REF_FLAGS=(-I)

# compare NAME STDIN ARGS...: the frozen $EXE with ARGS against python3.11
# REF_FLAGS $SRC/SCRIPT ARGS, SCRIPT being the executable's name (see the
# top), both with stdin from STDIN; compare_runs does the rest. Returns as
# same_result does.
compare() {
    local name=$1 stdin=$2
    shift 2
    compare_runs "$name" "$SRC" "$EXE" "$stdin" "${REF_FLAGS[@]}" "$SRC/$(basename "$EXE")" "$@" -- "$@"
}

# compare_ctrl_c NAME ARGS...: Ctrl-C without a terminal. $EXE ARGS (Python
# hidden) and python3.11 REF_FLAGS $SRC/SCRIPT ARGS each run under
# sigint_driver.py, which sends SIGINT once the program has printed "ready"
# (its docstring says more); then compare_outputs. The status in .rc is
# "signal N" or "exit N". Results in $R/NAME.{ref,frz}. Returns as
# same_result does.
compare_ctrl_c() {
    local name=$1
    shift
    local ref=$R/$name.ref frz=$R/$name.frz driver=("$PF_PYTHON" -I "$E2E_DIR/sigint_driver.py")
    (cd "$RUN_CWD" && "${CLEAN_ENV[@]}" "${driver[@]}" "$ref" \
        "$PF_PYTHON" "${REF_FLAGS[@]}" "$SRC/$(basename "$EXE")" "$@")
    (cd "$RUN_CWD" && "${CLEAN_ENV[@]}" "${driver[@]}" "$frz" "${SANDBOX[@]}" "$EXE" "$@")
    compare_outputs "Ctrl-C, $name" "$SRC" "$EXE" "$ref" "$frz"
}

# ---- executables and traces ----------------------------------------------------------

# elf_type FILE: prints FILE's ELF type as readelf names it (EXEC for a
# fixed-address executable, DYN for a position-independent one); prints
# nothing for a file that is not ELF. Returns 0.
elf_type() { LC_ALL=C readelf -h "$1" 2>/dev/null | awk '$1 == "Type:" { print $2 }'; }

# TRACE_CREATING: for strace -e trace=, the system calls that can create a
# file or directory, and memfd_create, which creates none but shows which
# way the runtime took. CREATING_CALL: the ERE (grep -E and awk) matching
# the trace lines that do create one.
TRACE_CREATING=openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,memfd_create
CREATING_CALL='O_CREAT|O_TMPFILE|(^|[0-9] +)(creat|mkdir|mkdirat|rename|renameat2?|link|linkat|symlink|symlinkat)[(]'

# created_files STRACE: prints the lines of the strace output STRACE that
# create a file or directory; if STRACE is missing or empty, a line saying
# so (no trace is no proof). Returns 0.
created_files() {
    [[ -s $1 ]] || { echo "(no trace: $1)"; return 0; }
    grep -E -- "$CREATING_CALL" "$1" || true
}

# expect_no_file_created WHAT STRACE: a pass if created_files STRACE prints
# nothing, else a failure showing the first 20 lines it printed (return 1).
expect_no_file_created() {
    created_files "$2" >"$2.created"
    if [[ -s $2.created ]]; then
        fail "$1: the run created files:"
        sed 's/^/    /' "$2.created" | head -20 >&2
        return 1
    fi
    pass "$1"
}

# ---- small assertions ----------------------------------------------------------

# The expect_* checks pass or fail (see the conventions at the top) and
# show, on a failure, what was found.

# expect_eq WHAT EXPECTED ACTUAL: the two strings are equal.
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

# expect_no_grep WHAT FILE ERE: no line of FILE matches ERE
expect_no_grep() {
    if grep -Eq -- "$3" "$2"; then
        fail "$1: $(basename "$2") matches /$3/:"
        grep -E -- "$3" "$2" | sed 's/^/    /' | head -5 >&2
    else
        pass "$1"
    fi
}

# status_of PREFIX: prints the status run_capture recorded in PREFIX.rc.
status_of() { cat "$1.rc"; }

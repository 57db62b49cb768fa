#!/bin/bash
# e2e/pymode/GROUP: the interpreter's own behaviours in frozen programs,
# compared with python3.11 on the same source. GROUP is one of
#   tracebacks   --include-source: source lines and ^^^^ markers exactly as
#                python3 prints them (uncaught, chained, thread, SyntaxError
#                raised at run time), inspect.getsource; without it file and
#                line only, and a smaller executable
#   optimize     --optimize 0|1|2 against python3.11 -O/-OO: asserts,
#                docstrings, __debug__, sys.flags.optimize
#   interactive  --allow-interactive: `app -i ARGS` against python3.11 -I -i;
#                a normal build passes -i to the program and ignores
#                PYTHONINSPECT, as python3.11 -I does
#   python       pyfreeze --python: -V, -h, -c, -m json.tool, a script with a
#                neighbour module, - for stdin, and a terminal session
#                (prompts, 2 + 5, quit()) driven through tmux
# Frozen programs run with Python hidden (sandbox.sh), as the nobody user
# under a process limit.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

group=${1:?usage: pymode.sh tracebacks|optimize|interactive|python}

# Every frozen run: Python hidden, as nobody, at most 200 processes; no
# timeout of its own (the terminal session needs the foreground).
as_nobody 0
SANDBOX+=("${AS_NOBODY[@]}")

case $group in
tracebacks)
    program tb --include-source <<'EOF' || finish
import inspect
import json
import sys
import threading


def lookup(d):
    return d["a"]["b"] + 1


def outer():
    data = {"a": None}
    return lookup(data)


class Error(Exception):
    pass


mode = sys.argv[1]
if mode == "getsource":
    print(inspect.getsource(lookup), end="")
    print(inspect.getsource(Error), end="")
    print(len(inspect.getsource(json.decoder)) > 1000)
elif mode == "uncaught":
    outer()
elif mode == "chained":
    try:
        outer()
    except TypeError as exc:
        raise Error("while looking up") from exc
elif mode == "context":
    try:
        1 / 0
    except ZeroDivisionError:
        json.loads("{")
elif mode == "thread":
    t = threading.Thread(target=outer, name="worker")
    t.start()
    t.join()
    print("main thread goes on")
elif mode == "syntax":
    exec("def broken(:\n    pass\n")
elif mode == "compile-caught":
    try:
        compile("x = (1,\n", "<text>", "exec")
    except SyntaxError:
        import traceback
        traceback.print_exc()
EOF
    for mode in getsource uncaught chained context thread syntax compile-caught; do
        # The reference keeps its traceback source lines: the frozen side
        # has them too.
        REF_KEEP_SOURCE=1 compare "source-$mode" /dev/null "$mode"
    done
    expect_grep "source lines are shown" "$R/source-uncaught.frz.err" '^    return d\["a"\]\["b"\] \+ 1$'
    expect_grep "position markers are shown" "$R/source-uncaught.frz.err" '^           ~~~~~~\^\^\^\^\^$'
    expect_grep "thread tracebacks show source" "$R/source-thread.frz.err" '^    return lookup\(data\)$'

    # The same program without sources: file and line only.
    with_source=$EXE
    SRC=$T/tb
    EXE=$SRC/nosource/tb.py
    freeze "$EXE" "$SRC/tb.py" || finish
    for mode in uncaught chained thread; do
        compare "nosource-$mode" /dev/null "$mode"
    done
    expect_no_grep "no source lines without --include-source" "$R/nosource-uncaught.frz.err" '^    '
    run_frozen "$R/nosource-getsource" /dev/null "$EXE" getsource
    expect_grep "inspect.getsource without sources raises OSError" "$R/nosource-getsource.err" \
        '^OSError: could not get source code$'
    big=$(stat -c %s "$with_source") small=$(stat -c %s "$EXE")
    if ((big > small)); then
        pass "--include-source makes the executable bigger ($small -> $big bytes)"
    else
        fail "--include-source: $big bytes, without: $small bytes"
    fi
    ;;
optimize)
    cat >"$T/opt.py" <<'EOF'
import sys


def f():
    """the docstring"""
    assert False, "asserted"
    return "no assert"


print(sys.flags.optimize, __debug__, f.__doc__)
try:
    print(f())
except AssertionError as exc:
    print("AssertionError:", exc)
print(eval("__debug__"), compile("assert 0", "<s>", "exec").co_code == compile("pass", "<s>", "exec").co_code)
EOF
    levels=("" -O -OO)
    for level in 0 1 2; do
        SRC=$T/opt$level
        EXE=$SRC/frozen/opt.py
        mkdir -p "$SRC" && cp "$T/opt.py" "$SRC/opt.py"
        freeze "$EXE" --optimize "$level" "$SRC/opt.py" || continue
        REF_FLAGS=(-I)
        ((level > 0)) && REF_FLAGS+=("${levels[level]}")
        compare "optimize-$level" /dev/null
    done
    REF_FLAGS=(-I)
    expect_grep "level 2: sys.flags.optimize is 2" "$R/optimize-2.frz.out" '^2 False None$'
    ;;
interactive)
    program ia --allow-interactive <<'EOF' || finish
import sys
answer = 41
print("main ran", sys.argv[1:], sys.flags.inspect, sys.flags.interactive)
if sys.argv[1:2] == ["fail"]:
    raise ValueError("before the session")
EOF
    printf 'answer + 1\nimport sys\nprint(sys.argv[1:])\n' >"$T/session.in"
    printf 'answer + 1\nraise SystemExit(4)\nprint("not reached")\n' >"$T/exit.in"
    compare_runs "i-session" "$SRC" "$EXE" "$T/session.in" -I -i "$SRC/ia.py" a b -- -i a b
    compare_runs "i-after-exception" "$SRC" "$EXE" "$T/session.in" -I -i "$SRC/ia.py" fail -- -i fail
    compare_runs "i-exit-status" "$SRC" "$EXE" "$T/exit.in" -I -i "$SRC/ia.py" -- -i
    compare "no-i" "$T/session.in" a
    expect_grep "the session evaluates in __main__" "$R/i-session.frz.out" '^42$'
    expect_eq "SystemExit in the session sets the status" 4 "$(status_of "$R/i-exit-status.frz")"
    # Only the first argument, and only in such builds.
    compare "i-not-first" "$T/session.in" a -i

    program plain <<'EOF' || finish
import os
import sys
answer = 41
print("main ran", sys.argv[1:], sys.flags.inspect)
os.environ["PYTHONINSPECT"] = "1"
EOF
    compare "plain-i-is-an-argument" "$T/session.in" -i a
    RUN_ENV=(PYTHONINSPECT=1)
    compare "plain-pythoninspect-ignored" "$T/session.in"
    RUN_ENV=()
    expect_no_grep "PYTHONINSPECT starts no session" "$R/plain-pythoninspect-ignored.frz.out" '^42$'
    ;;
python)
    PY=$T/py/python
    freeze "$PY" --python || finish
    EXE=$PY
    SRC=$T/work
    mkdir -p "$SRC"
    # python3.11 shows its own name where the frozen one shows its path
    py_compare() {
        local name=$1 stdin=$2
        shift 2
        local ref="$R/$name.ref" frz="$R/$name.frz"
        RUN_CWD=$SRC run_capture "$ref" "$stdin" "$PF_PYTHON" "$@"
        RUN_CWD=$SRC run_capture "$frz" "$stdin" "${SANDBOX[@]}" "$PY" "$@"
        normalise "$ref.out" "$PF_PYTHON" "<PY>" "$STDLIB_DIR/" "<LIB>/" >"$ref.nout"
        normalise "$ref.err" "$PF_PYTHON" "<PY>" "$STDLIB_DIR/" "<LIB>/" --drop-source >"$ref.nerr"
        normalise "$frz.out" "$PY/" "<LIB>/" "$PY" "<PY>" >"$frz.nout"
        normalise "$frz.err" "$PY/" "<LIB>/" "$PY" "<PY>" >"$frz.nerr"
        same_result "$name" "$ref" "$frz"
    }
    cat >"$SRC/neighbour.py" <<'EOF'
VALUE = 42
EOF
    cat >"$SRC/main.py" <<'EOF'
import os
import sys

import neighbour

print(neighbour.VALUE, os.path.basename(neighbour.__file__), sys.argv)
print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
import json, decimal, sqlite3, email.mime.text, xml.etree.ElementTree, asyncio, ssl
print(decimal.Decimal(1) / 7, sqlite3.connect(":memory:").execute("select 2 + 5").fetchone())
EOF
    printf '{"b": [1, 2], "a": null}\n' >"$SRC/data.json"
    printf 'import sys\nprint(6 * 7, sys.argv)\n' >"$SRC/stdin.py"
    py_compare version /dev/null -V
    py_compare help /dev/null -h
    py_compare command /dev/null -c 'import sys; print(sys.argv, sys.flags.optimize); sys.exit(3)' a b
    py_compare optimize-flag /dev/null -OO -c 'print(__debug__, __doc__)'
    py_compare json-tool "$SRC/data.json" -m json.tool --sort-keys
    py_compare script /dev/null main.py x y
    py_compare stdin "$SRC/stdin.py" - p q
    py_compare error /dev/null -c 'import json; json.loads("{")'
    py_compare i-flag "$SRC/stdin.py" -i -c 'x = 5'
    expect_grep "the neighbour module is imported from disk" "$R/script.frz.out" '^42 neighbour.py '
    # PYTHONPATH: relative, empty and `..` entries made absolute (getpath),
    # then normalised and de-duplicated (site; not with -S), in python3.11's
    # order
    RUN_ENV=(PYTHONPATH="rel/./x::$SRC/../work//:.:../up")
    in_t='import os, sys; print([p for p in sys.path if p.startswith(os.path.dirname(os.getcwd())) or not p])'
    py_compare pythonpath /dev/null -c "$in_t"
    py_compare pythonpath-no-site /dev/null -S -c "$in_t"
    RUN_ENV=()

    # A terminal session, driven through tmux: the banner, prompts, 2 + 5,
    # a continuation line, line editing (Left moves the cursor), quit().
    if ! command -v tmux >/dev/null; then
        skip_test "tmux is not installed: cannot drive a terminal"
    fi
    tmux_session() { # NAME CMD...: transcript in $R/NAME.pane, status in .rc
        local name=$1 sock=$T/tmux.sock
        shift
        local pane=$R/$name.pane rc=$R/$name.rc
        rm -f "$rc"
        tmux -S "$sock" new-session -d -s "$name" -x 120 -y 30 \
            "env -i TERM=xterm PATH=/usr/bin:/bin HOME=$T/home LANG=C.UTF-8 \
             ASAN_OPTIONS=${ASAN_OPTIONS:-} UBSAN_OPTIONS=${UBSAN_OPTIONS:-} \
             timeout --foreground 60 $(printf '%q ' "$@"); echo \$? >$rc; sleep 60"
        wait_for() {
            for _ in $(seq 100); do
                tmux -S "$sock" capture-pane -p -t "$name" | grep -qE -- "$1" && return 0
                sleep 0.1
            done
            return 1
        }
        wait_for '^>>>' &&
            tmux -S "$sock" send-keys -t "$name" '25' Left ' + ' Enter && wait_for '^7$' &&
            tmux -S "$sock" send-keys -t "$name" 'if True:' Enter '    print("yes")' Enter Enter &&
            wait_for '^yes$' && tmux -S "$sock" send-keys -t "$name" 'quit()' Enter
        for _ in $(seq 100); do
            [[ -s $rc ]] && break
            sleep 0.1
        done
        # The banner's build date and compiler are the PVM's (gcc 10, in a
        # Debian 11 root; pvm/README.md), not Debian's python3.11's: only
        # the version must be equal.
        tmux -S "$sock" capture-pane -p -t "$name" | sed -e 's/[[:space:]]*$//' | sed -e '/^$/d' |
            sed -E 's/^(Python [0-9.]+) \(.*\) \[.*\] on linux$/\1 (BUILD) [COMPILER] on linux/' >"$pane"
        tmux -S "$sock" kill-session -t "$name" 2>/dev/null
    }
    tmux_session ref-terminal "$PF_PYTHON"
    tmux_session frz-terminal "${SANDBOX[@]}" "$PY"
    if diff -u --label "python3.11 terminal" --label "frozen terminal" \
        "$R/ref-terminal.pane" "$R/frz-terminal.pane" >"$R/terminal.diff"; then
        pass "terminal session is the same as python3.11's"
    else
        fail "terminal session differs from python3.11's:"
        sed 's/^/    /' "$R/terminal.diff" >&2
    fi
    expect_grep "terminal: the prompt and 2 + 5 typed with line editing" "$R/frz-terminal.pane" '^>>> 2 \+ 5$'
    expect_grep "terminal: 7" "$R/frz-terminal.pane" '^7$'
    expect_grep "terminal: continuation prompt" "$R/frz-terminal.pane" '^\.\.\.     print\("yes"\)$'
    expect_eq "terminal: quit() exits 0" 0 "$(cat "$R/frz-terminal.rc" 2>/dev/null)"
    ;;
*)
    fail "unknown group '$group'"
    ;;
esac
finish

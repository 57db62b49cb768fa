#!/bin/bash
# e2e/behaviour/GROUP: what a frozen program does, beyond the examples, with
# small programs written here. GROUP is one of
#   exit-status  statuses and messages of every way a program ends
#   sys-attrs    __name__, __file__, sys.frozen, sys.executable, sys.argv
#   isolation    PYTHON* variables, ._pth, pyvenv.cfg, the current directory
#                and the user site cannot change what runs
#   flush        stdout and stderr are complete through pipes at exit, and a
#                flush that fails at exit gives python3's status 120
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

group=${1:?usage: behaviour.sh exit-status|sys-attrs|isolation|flush}

case $group in
exit-status)
    program ends <<'EOF' || finish
import json
import sys

def fail(kind):
    if kind == "value":
        raise ValueError("boom")
    if kind == "chained":
        try:
            {}["missing"]
        except KeyError as exc:
            raise RuntimeError("while looking up") from exc
    if kind == "context":
        try:
            1 / 0
        except ZeroDivisionError:
            undefined_name
    if kind == "stdlib":
        json.loads("{")

mode = sys.argv[1]
print("mode", mode)
if mode == "exit3":
    sys.exit(3)
elif mode == "exit-message":
    sys.exit("fatal: the message")
elif mode == "exit-none":
    sys.exit(None)
elif mode == "exit-256":
    sys.exit(256)
elif mode == "exit-object":
    raise SystemExit([1, "two"])
elif mode.startswith("raise-"):
    fail(mode[len("raise-"):])
elif mode == "base-exception":
    raise BaseException("not an Exception")
# "fall" falls off the end.
EOF
    for mode in fall exit3 exit-message exit-none exit-256 exit-object raise-value \
                raise-chained raise-context raise-stdlib base-exception; do
        compare "$mode" /dev/null "$mode"
    done
    # The comparisons above would pass if both sides were wrong alike; pin
    # down what python3.11 does, once, on the frozen side.
    expect_eq "falling off the end exits 0" 0 "$(status_of "$R/fall.frz")"
    expect_eq "sys.exit(3) exits 3" 3 "$(status_of "$R/exit3.frz")"
    expect_eq "sys.exit(message) exits 1" 1 "$(status_of "$R/exit-message.frz")"
    expect_file_eq "sys.exit(message) prints it on stderr" "$R/exit-message.frz.err" "fatal: the message"
    expect_eq "sys.exit(None) exits 0" 0 "$(status_of "$R/exit-none.frz")"
    expect_eq "an uncaught exception exits 1" 1 "$(status_of "$R/raise-value.frz")"
    expect_file_eq "an uncaught exception prints a traceback" "$R/raise-value.frz.nerr" \
'Traceback (most recent call last):
  File "<APP>/ends.py", line 33, in <module>
  File "<APP>/ends.py", line 6, in fail
ValueError: boom'
    expect_grep "a stdlib frame is shown under the executable" "$R/raise-stdlib.frz.nerr" \
        '^  File "<APP>/json/decoder.py", line [0-9]+, in raw_decode$'
    expect_file_eq "stdout is there before the traceback" "$R/raise-value.frz.out" "mode raise-value"
    ;;

sys-attrs)
    program attrs <<'EOF' || finish
import os
import sys
print("name", __name__)
print("file", __file__)
print("frozen", getattr(sys, "frozen", None) is True)
print("executable", sys.executable)
print("argv0", sys.argv[0])
print("args", sys.argv[1:])
print("orig_argv_tail", sys.orig_argv[-len(sys.argv[1:]):] if sys.argv[1:] else [])
print("same file", os.path.samefile(sys.executable, "/proc/self/exe"))
if __name__ == "__main__":
    print("main guard taken")
EOF
    real=$(realpath "$EXE")
    # Arguments the stub could mistake for interpreter options are the user's.
    args=(-c "print('hijacked')" -m json --foo -- -I -X dev "" "two words" --multiprocessing-forkless)
    run_frozen "$T/attrs" /dev/null "$EXE" "${args[@]}"
    expected_args=$("$PF_PYTHON" -I -c 'import sys; print(sys.argv[1:])' "${args[@]}")
    expect_file_eq "sys attributes of a frozen program" "$T/attrs.out" "name __main__
file $real/attrs.py
frozen True
executable $real
argv0 $real
args $expected_args
orig_argv_tail $expected_args
same file True
main guard taken"
    expect_eq "no stderr" "" "$(cat "$T/attrs.err")"
    expect_eq "exit status 0" 0 "$(status_of "$T/attrs")"

    # Through a symlink in another directory, and by a relative name: the
    # real path of the executable, as /proc/self/exe gives it.
    mkdir -p "$T/links"
    ln -s "$EXE" "$T/links/attrs-link"
    run_frozen "$T/link" /dev/null "$T/links/attrs-link" x
    expect_grep "sys.executable through a symlink is the real path" "$T/link.out" "^executable $real\$"
    expect_grep "sys.argv[0] through a symlink is the real path" "$T/link.out" "^argv0 $real\$"
    RUN_CWD=$(dirname "$EXE")
    run_frozen "$T/relative" /dev/null ./attrs.py
    expect_grep "sys.argv[0] run as ./attrs.py is the real path" "$T/relative.out" "^argv0 $real\$"
    RUN_CWD=$T

    ;;

isolation)
    program iso <<'EOF' || finish
"""A docstring (-OO would drop it)."""
import json
import sys
assert __doc__, "docstring dropped"
print(json.dumps({"json": "works"}))
print("json from", json.__file__)
print("flags", sys.flags.ignore_environment, sys.flags.no_user_site, sys.flags.optimize,
      sys.flags.verbose, sys.flags.inspect, int(sys.flags.safe_path))
print("non-ASCII output: café \N{RIGHTWARDS ARROW} \N{GREEK SMALL LETTER SIGMA}")
print("planted modules", sorted(m for m in sys.modules
                                if m in ("sitecustomize", "usercustomize", "evil", "startup")))
print("path entries from outside", [p for p in sys.path if "planted" in p or p in ("", ".")])
print("warnings", sys.warnoptions)
EOF
    real=$(realpath "$EXE")
    # A clean run first: what the program prints when nothing interferes.
    RUN_CWD=$T
    run_frozen "$T/clean" /dev/null "$EXE"
    expect_file_eq "clean run" "$T/clean.out" '{"json": "works"}
json from '"$real"'/json/__init__.py
flags 1 1 0 0 0 1
non-ASCII output: café → σ
planted modules []
path entries from outside []
warnings []'
    expect_eq "clean run: no stderr" "" "$(cat "$T/clean.err")"

    # Plant modules everywhere Python would look if it listened.
    P=$T/planted
    mkdir -p "$P/lib/python3.11/encodings" "$T/home/.local/lib/python3.11/site-packages"
    for dir in "$P" "$P/lib/python3.11" "$T/home/.local/lib/python3.11/site-packages"; do
        printf 'print("PLANTED json from %s")\ndumps = lambda *a, **k: "PLANTED"\n' "$dir" >"$dir/json.py"
        echo 'print("PLANTED sitecustomize")' >"$dir/sitecustomize.py"
        echo 'print("PLANTED usercustomize")' >"$dir/usercustomize.py"
        echo 'import evil' >"$dir/evil.pth"
        echo 'print("PLANTED evil")' >"$dir/evil.py"
    done
    echo 'raise SystemExit("PLANTED encodings")' >"$P/lib/python3.11/encodings/__init__.py"
    echo 'print("PLANTED startup")' >"$P/startup.py"
    echo "$P" >"$EXE._pth"
    printf 'home = %s\ninclude-system-site-packages = true\n' "$P" >"$(dirname "$EXE")/pyvenv.cfg"
    printf 'home = %s\n' "$P" >"$(dirname "$(dirname "$EXE")")/pyvenv.cfg"
    RUN_ENV=(PYTHONPATH="$P" PYTHONHOME="$P" PYTHONSTARTUP="$P/startup.py" PYTHONINSPECT=1
             PYTHONVERBOSE=1 PYTHONOPTIMIZE=2 PYTHONWARNINGS=error PYTHONUSERBASE="$T/home/.local"
             PYTHONSAFEPATH= PYTHONDONTWRITEBYTECODE= PYTHONPLATLIBDIR=planted PYTHONUTF8=0
             PYTHONIOENCODING=latin-1)
    RUN_CWD=$P    # json.py in the current directory
    run_frozen "$T/hostile" /dev/null "$EXE"
    if cmp -s "$T/clean.out" "$T/hostile.out" && [[ ! -s $T/hostile.err ]] &&
        [[ $(status_of "$T/hostile") == 0 ]]; then
        pass "PYTHON* variables, ._pth, pyvenv.cfg, current directory, user site: all ignored"
    else
        fail "the planted environment changed the frozen program (exit $(status_of "$T/hostile")):"
        diff -u "$T/clean.out" "$T/hostile.out" | sed 's/^/    /' >&2
        sed 's/^/    stderr: /' "$T/hostile.err" | head -20 >&2
    fi
    # The planted files do work on python3.11 when it is not isolated: the
    # check above could not pass by accident of a bad plant.
    RUN_ENV=(PYTHONPATH="$P")
    run_capture "$T/plant-works" /dev/null "$PF_PYTHON" -c 'import json; print(json.dumps(1))'
    expect_grep "the planted json.py is what a non-isolated python3.11 imports" \
        "$T/plant-works.out" '^PLANTED json'
    ;;

flush)
    program flood <<'EOF' || finish
import atexit
import sys
atexit.register(lambda: print("atexit ran, last line of stdout"))
for i in range(100000):
    print(f"line {i:06d} " + "x" * 40)
    if i % 10000 == 0:
        print(f"progress {i}", file=sys.stderr)
sys.stderr.write("stderr without a newline")
sys.stdout.write("no newline at the end")
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
EOF
    for status in 0 5; do
        for side in ref frz; do
            if [[ $side == ref ]]; then
                cmd=("$PF_PYTHON" -I "$SRC/flood.py" "$status")
            else
                cmd=("${SANDBOX[@]}" "$EXE" "$status")
            fi
            # Both streams go through pipes, as in `prog 2>&1 | consumer`.
            prefix=$T/flood-$status.$side
            {
                {
                    (cd "$T" && "${CLEAN_ENV[@]}" timeout 60 "${cmd[@]}")
                    echo $? >"$prefix.rc"
                } 2>&1 1>&3 | cat >"$prefix.err"
            } 3>&1 | cat >"$prefix.out"
        done
        frz=$T/flood-$status.frz
        ref=$T/flood-$status.ref
        expect_eq "exit $status: all 100000 lines arrive through the pipe" 100001 "$(grep -c '' "$frz.out")"
        expect_eq "exit $status: the partial line and the atexit output arrive" \
            "no newline at the endatexit ran, last line of stdout" "$(tail -n 1 "$frz.out" | head -c 100)"
        expect_eq "exit $status: the status" "$status" "$(status_of "$frz")"
        cp "$ref.out" "$ref.nout"
        cp "$ref.err" "$ref.nerr"
        cp "$frz.out" "$frz.nout"
        cp "$frz.err" "$frz.nerr"
        same_result "exit $status: output through pipes equals python3.11's" "$ref" "$frz"
    done
    # A flush that fails at exit (Python/pylifecycle.c: flush_std_files, in
    # Py_FinalizeEx): stdout's is reported as an ignored exception, stderr's
    # silently, and either makes the exit status 120 (Modules/main.c:
    # Py_RunMain), which the boot takes from Py_FinalizeEx's result (which
    # the PVM's finalize-exit-after.patch must leave alone).
    program full <<'EOF' || finish
import os
import sys
os.dup2(os.open("/dev/full", os.O_WRONLY), 1 if sys.argv[1] == "stdout" else 2)
print("buffered until the exit")
sys.stderr.write("stderr without a newline")
EOF
    for stream in stdout stderr; do
        compare "full-$stream" /dev/null "$stream"
        expect_eq "a failed flush of $stream at exit: status 120" 120 "$(status_of "$R/full-$stream.frz")"
    done
    ;;

*)
    fail "unknown group $group"
    ;;
esac
finish

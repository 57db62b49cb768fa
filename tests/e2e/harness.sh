#!/bin/bash
# e2e/harness: the harness itself. The sandbox must really hide Python, pass
# stdin, arguments and exit status through, and the normalisation must do
# what lib.sh documents, no more. Needs no pyfreeze.
source "$(dirname "$0")/lib.sh"
require_sandbox

# Outside the sandbox the reference interpreter works (else every comparison
# below would compare two failures).
run_capture "$T/outside" /dev/null "$PF_PYTHON" -I -c 'print("python runs")'
expect_eq "python3.11 runs outside the sandbox" "python runs" "$(cat "$T/outside.out")"

# Inside, every way to reach Python fails.
run_frozen "$T/in-bin" /dev/null "$PF_PYTHON" -I -c 'print("python runs")'
expect_eq "python3.11 cannot run inside the sandbox: stdout" "" "$(cat "$T/in-bin.out")"
[[ $(status_of "$T/in-bin") != 0 ]] && pass "python3.11 inside the sandbox fails" ||
    fail "python3.11 ran inside the sandbox"
run_frozen "$T/in-path" /dev/null /bin/sh -c 'python3 -c "print(1)"'
[[ $(status_of "$T/in-path") != 0 ]] && pass "python3 on PATH fails inside the sandbox" ||
    fail "python3 on PATH ran inside the sandbox"
run_frozen "$T/in-lib" /dev/null /bin/sh -c \
    'ls -A /usr/lib/python3.11 /usr/lib/python3 /usr/local/lib/python3* 2>/dev/null | grep -v "^/" | grep -v "^\$"; \
     cat /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0 | wc -c'
expect_eq "library directories empty, libpython empty" "0" "$(cat "$T/in-lib.out")"

# Arguments, stdin, exit status and signals pass through unchanged.
printf 'line one\nline two\n' >"$T/stdin.txt"
run_frozen "$T/pass" "$T/stdin.txt" /bin/sh -c 'echo "args: $*"; cat; echo err >&2; exit 3' sh -c '--foo' 'a b'
expect_file_eq "arguments and stdin pass through" "$T/pass.out" "args: -c --foo a b
line one
line two"
expect_eq "stderr passes through" "err" "$(cat "$T/pass.err")"
expect_eq "exit status passes through" "3" "$(status_of "$T/pass")"
run_frozen "$T/sig" /dev/null /bin/sh -c 'kill -PIPE $$'
expect_eq "death by a signal is seen as 128+N" "141" "$(status_of "$T/sig")"
# The sandbox does not leak: after it, the host still sees Python.
[[ -s /usr/lib/python3.11/os.py ]] && pass "host mounts untouched" || fail "host lost /usr/lib/python3.11"

# Normalisation: a python3.11 traceback against the frozen one.
cat >"$T/ref.err" <<'EOF'
Traceback (most recent call last):
  File "/src/dir/app.py", line 9, in <module>
    main()
  File "/src/dir/app.py", line 6, in main
    json.loads(text)
    ~~~~~~~~~~^^^^^^
  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads
    return _default_decoder.decode(s)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<frozen runpy>", line 88, in _run_code
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
    an indented line not under a File line stays
EOF
printf 'see /src/dir/app.py and /usr/lib/python3.11/os.py\n    indented stdout stays\n' >"$T/ref.out"
cat >"$T/frz.err" <<'EOF'
Traceback (most recent call last):
  File "/out/app.py/app.py", line 9, in <module>
  File "/out/app.py/app.py", line 6, in main
  File "/out/app.py/json/__init__.py", line 346, in loads
  File "<frozen runpy>", line 88, in _run_code
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
    an indented line not under a File line stays
EOF
printf 'see /out/app.py/app.py and /out/app.py/os.py\n    indented stdout stays\n' >"$T/frz.out"
echo 1 >"$T/ref.rc"
echo 1 >"$T/frz.rc"
normalise_ref "$T/ref" /src/dir
normalise_frozen "$T/frz" /out/app.py
expect_file_eq "reference traceback normalised" "$T/ref.nerr" 'Traceback (most recent call last):
  File "<APP>/app.py", line 9, in <module>
  File "<APP>/app.py", line 6, in main
  File "<APP>/json/__init__.py", line 346, in loads
  File "<frozen runpy>", line 88, in _run_code
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
    an indented line not under a File line stays'
expect_file_eq "reference stdout: paths only" "$T/ref.nout" 'see <APP>/app.py and <APP>/os.py
    indented stdout stays'
same_result "normalised python3.11 and frozen outputs compare equal" "$T/ref" "$T/frz"
# ... and a real difference survives normalisation.
sed -i 's/line 6, in main/line 7, in main/' "$T/frz.err"
normalise_frozen "$T/frz" /out/app.py
if same_result "(expected to differ)" "$T/ref" "$T/frz" 2>/dev/null; then
    fail "a changed line number was normalised away"
else
    FAILURES=$((FAILURES - 1))
    pass "a changed line number is still a difference"
fi
# Source lines printed by a frozen program are not dropped.
printf '  File "/out/app.py/app.py", line 9, in <module>\n    main()\n' >"$T/frz2.err"
: >"$T/frz2.out"
normalise_frozen "$T/frz2" /out/app.py
expect_eq "frozen output keeps source lines" "2" "$(wc -l <"$T/frz2.nerr")"

finish

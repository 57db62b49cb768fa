#!/bin/bash
# e2e/harness: the harness itself. The sandbox must really hide Python, pass
# stdin, arguments and exit status through; the normalisation must do what
# lib.sh documents, no more; and each shared helper of lib.sh (running as
# nobody, elf_type, the strace check, program, compare, compare_ctrl_c) must
# pass what is right and fail what is wrong. Needs pyfreeze only for the
# last part (program and the compare helpers), which it skips without one.
source "$(dirname "$0")/lib.sh"
require_sandbox

# expect_check_fails WHAT CHECK...: CHECK (a lib.sh check) must record a
# failure and return 1; that failure is then taken back, and WHAT passes.
expect_check_fails() {
    local what=$1 before=$FAILURES
    shift
    if "$@" >"$T/check.out" 2>"$T/check.err"; then
        FAILURES=$before
        fail "$what: the check passed"
    elif ((FAILURES == before)); then
        fail "$what: the check returned 1 but recorded no failure"
    else
        FAILURES=$before
        pass "$what"
    fi
}

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
expect_check_fails "a changed line number is still a difference" same_result "(expected to differ)" "$T/ref" "$T/frz"
sed -i 's/line 7, in main/line 6, in main/' "$T/frz.err"
normalise_frozen "$T/frz" /out/app.py
echo 2 >"$T/frz.rc"
expect_check_fails "a different exit status is a difference" same_result "(expected to differ)" "$T/ref" "$T/frz"
echo 1 >"$T/frz.rc"
# Source lines printed by a frozen program are not dropped.
printf '  File "/out/app.py/app.py", line 9, in <module>\n    main()\n' >"$T/frz2.err"
: >"$T/frz2.out"
normalise_frozen "$T/frz2" /out/app.py
expect_eq "frozen output keeps source lines" "2" "$(wc -l <"$T/frz2.nerr")"

# -- Running as nobody: AS_NOBODY and NOBODY. --------------------------------------
nobody_report='id -u; id -g; id -G; prlimit --nproc --noheadings --output SOFT,HARD'
run_capture "$T/nobody" /dev/null "${AS_NOBODY[@]}" sh -c "$nobody_report"
expect_file_eq "AS_NOBODY: uid, gid and groups 65534, at most 200 processes" "$T/nobody.out" \
    "65534
65534
65534
 200  200"
run_frozen "$T/nobody-sandbox" /dev/null "${AS_NOBODY[@]}" sh -c "$nobody_report"
expect_eq "AS_NOBODY inside the sandbox" "$(cat "$T/nobody.out")" "$(cat "$T/nobody-sandbox.out")"
run_capture "$T/nobody-plain" /dev/null "${NOBODY[@]}" id -u
expect_eq "NOBODY: uid 65534" 65534 "$(cat "$T/nobody-plain.out")"
expect_eq "AS_NOBODY has a 120 s timeout" "timeout 120" "${AS_NOBODY[*]: -2}"
as_nobody 1
run_capture "$T/nobody-timeout" /dev/null "${AS_NOBODY[@]}" sleep 10
expect_eq "as_nobody 1: a run of 10 s is cut (status 124)" 124 "$(status_of "$T/nobody-timeout")"
as_nobody 0
expect_no_grep "as_nobody 0: no timeout" <(printf '%s\n' "${AS_NOBODY[@]}") '^timeout$'
as_nobody 120

# -- elf_type. ---------------------------------------------------------------------
expect_eq "elf_type of Debian's python3.11 (fixed-address)" EXEC "$(elf_type "$PF_PYTHON")"
expect_eq "elf_type of /bin/sh (position-independent)" DYN "$(elf_type "$(readlink -f /bin/sh)")"
expect_eq "elf_type of a text file: nothing" "" "$(elf_type "$T/ref.err")"

# -- The strace check that nothing was created. -------------------------------------
cat >"$T/reads.strace" <<'EOF'
4242  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
4242  open("/proc/self/exe", O_RDONLY) = 4
4242  memfd_create("libfoo.so.1", MFD_CLOEXEC) = 5
4242  openat(AT_FDCWD, "/tmp/creating-no-file", O_RDONLY) = -1 ENOENT (No such file or directory)
4242  readlink("/tmp/mkdir(x)", 0x7ffd, 4096) = -1 ENOENT (No such file or directory)
EOF
creating=(
    '4242  openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 6'
    '4242  open("/tmp/t", O_RDWR|O_TMPFILE, 0600) = 7'
    '4243  mkdir("/tmp/d", 0700) = 0'
    '4243  creat("/tmp/c", 0644) = 8'
    '4243  renameat2(AT_FDCWD, "/tmp/a", AT_FDCWD, "/tmp/b", 0) = 0'
    '4243  linkat(AT_FDCWD, "/tmp/a", AT_FDCWD, "/tmp/l", 0) = 0'
    '4243  symlinkat("/tmp/a", AT_FDCWD, "/tmp/s") = 0'
    '4243  rename("/tmp/a", "/tmp/b") = 0'
    '4243  mkdirat(3, "sub", 0700) = 0'
)
{ cat "$T/reads.strace"; printf '%s\n' "${creating[@]}"; } >"$T/writes.strace"
expect_no_file_created "a trace that only reads passes" "$T/reads.strace"
expect_check_fails "a trace that creates fails" expect_no_file_created "(expected to fail)" "$T/writes.strace"
expect_file_eq "created_files prints every creating call and nothing else" <(created_files "$T/writes.strace") \
    "$(printf '%s\n' "${creating[@]}")"
expect_file_eq "CREATING_CALL in awk matches as in grep" \
    <(awk -v creating="$CREATING_CALL" '$0 ~ creating' "$T/writes.strace") "$(printf '%s\n' "${creating[@]}")"
: >"$T/empty.strace"
expect_check_fails "an empty trace is no proof" expect_no_file_created "(expected to fail)" "$T/empty.strace"
expect_check_fails "a missing trace is no proof" expect_no_file_created "(expected to fail)" "$T/none.strace"

# -- program, compare and compare_ctrl_c (need pyfreeze). -------------------------------
if [[ ! -x $PYFREEZE || ! -x $(dirname "$PYFREEZE")/pyfreeze-stub ]]; then
    echo "SKIPPED CHECK: program and the compare helpers (pyfreeze is not built)"
    finish
fi
program tell <<'EOF' || finish
import sys, time
frozen = getattr(sys, "frozen", False)
if "ready" in sys.argv:
    try:
        print("ready", flush=True); time.sleep(60)
    except KeyboardInterrupt:
        if frozen and "differ" in sys.argv:
            print("caught when frozen")
        raise
print("args", sys.argv[1:], "stdin", sys.stdin.read(), "optimize", sys.flags.optimize)
if "tell" in sys.argv:
    print("frozen", frozen)
sys.exit(3 if frozen and "status" in sys.argv else 0)
EOF
expect_eq "program sets SRC and EXE" "$T/tell $T/tell/frozen/tell.py" "$SRC $EXE"
expect_eq "program writes its stdin as the script" 'frozen = getattr(sys, "frozen", False)' "$(sed -n 2p "$SRC/tell.py")"
[[ -x $EXE ]] && pass "program freezes the script to EXE" || fail "program made no $EXE"
expect_eq "program makes SRC readable by everyone" "-rw-r--r-- -rwxr-xr-x" \
    "$(stat -c %A "$SRC/tell.py") $(stat -c %A "$EXE")"
echo "some input" >"$T/tell.in"
compare same "$T/tell.in" a "b c"
expect_file_eq "compare passed ARGS and STDIN to the frozen side" "$R/same.frz.out" \
    "args ['a', 'b c'] stdin some input
 optimize 0"
expect_check_fails "compare fails when the output differs" compare tell /dev/null tell
expect_check_fails "compare fails when the exit status differs" compare status /dev/null status
REF_FLAGS=(-I -O)
expect_check_fails "compare runs python3.11 with REF_FLAGS" compare optimize /dev/null
REF_FLAGS=(-I)
compare_ctrl_c ctrl-c ready
expect_eq "compare_ctrl_c: the frozen program died by SIGINT" "signal 2" "$(status_of "$R/ctrl-c.frz")"
expect_check_fails "compare_ctrl_c fails when the output differs" compare_ctrl_c ctrl-c-differ ready differ
expect_check_fails "program returns 1 when the freeze fails" program broken <<<'def broken(:'
mkdir -p "$T/ps_stdin"
echo "beside" >"$T/ps_stdin/data.txt"
copy_program ps_stdin >/dev/null || finish
if cmp -s "$PROGRAMS/ps_stdin.py" "$SRC/ps_stdin.py" && [[ -x $EXE && $EXE == "$T/ps_stdin/frozen/ps_stdin.py" ]] &&
    [[ -f $SRC/data.txt ]]; then
    pass "copy_program copies programs/NAME.py beside the files put there and freezes it"
else
    fail "copy_program: SRC=$SRC EXE=$EXE"
fi

finish

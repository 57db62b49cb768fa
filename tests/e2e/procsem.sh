#!/bin/bash
# e2e/procsem/GROUP: process semantics of a frozen program against
# python3.11 -I on the same source (issue 4, "Process semantics"), with the
# programs in tests/e2e/programs/ps_*.py. GROUP is one of
#   exit-more       ways to end that behaviour.sh exit-status does not cover
#   interrupt       Ctrl-C in programs that catch KeyboardInterrupt or handle SIGINT,
#                   and an uncaught `raise KeyboardInterrupt`
#   sigpipe         `prog | head -1`: stdout, stderr (BrokenPipeError) and PIPESTATUS
#   buffering       stdout line-buffered on a terminal, block-buffered in a pipe
#   atexit-threads  atexit handlers, non-daemon and daemon threads at exit
#   stdin           input() and sys.stdin.read() from a pipe and from a terminal
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

group=${1:?usage: procsem.sh exit-more|interrupt|sigpipe|buffering|atexit-threads|stdin}

# in_pty PREFIX [--send-after PROMPT TEXT]... -- CMD...: CMD on a terminal
# (programs/pty_driver.py), in the clean environment; PREFIX.out/.rc.
in_pty() {
    local prefix=$1
    shift
    (cd "$RUN_CWD" && "${CLEAN_ENV[@]}" TERM=dumb \
        "$PF_PYTHON" -I "$PROGRAMS/pty_driver.py" "$prefix" "$@")
}

# pty_compare NAME [--send-after PROMPT TEXT]... -- ARGS...: both on a
# terminal; the merged terminal output (normalised like stdout) and status
# must be equal. Results in $R/NAME.{ref,frz}.
pty_compare() {
    local name=$1
    shift
    local steps=()
    while [[ $1 != -- ]]; do
        steps+=("$1")
        shift
    done
    shift
    local ref=$R/$name.ref frz=$R/$name.frz
    in_pty "$ref" "${steps[@]}" -- "$PF_PYTHON" -I "$SRC/$(basename "$EXE")" "$@"
    in_pty "$frz" "${steps[@]}" -- "${SANDBOX[@]}" "$EXE" "$@"
    : >"$ref.err"
    : >"$frz.err"
    compare_outputs "$name" "$SRC" "$EXE" "$ref" "$frz"
}

# compare_piped NAME WHAT CODE: python3.11 -I and the frozen program, each
# started as `bash -c CODE sh CMD...` (CODE runs "$@" in a pipeline, as a
# shell would), compared (compare_outputs) as WHAT. Results in
# $R/NAME.{ref,frz}.
compare_piped() {
    local name=$1 what=$2 code=$3
    run_capture "$R/$name.ref" /dev/null bash -c "$code" sh "$PF_PYTHON" -I "$SRC/$(basename "$EXE")"
    run_capture "$R/$name.frz" /dev/null bash -c "$code" sh "${SANDBOX[@]}" "$EXE"
    compare_outputs "$what" "$SRC" "$EXE" "$R/$name.ref" "$R/$name.frz"
}

case $group in
exit-more)
    copy_program ps_ends || finish
    modes=(return-from-main exit-minus-one exit-true exit-false builtin-exit builtin-quit
           os-exit exit-in-thread raise-keyboardinterrupt exit-from-finally exception-in-except)
    for mode in "${modes[@]}"; do
        compare "$mode" /dev/null "$mode"
    done
    expect_eq "sys.exit(-1) exits 255" 255 "$(status_of "$R/exit-minus-one.frz")"
    expect_eq "sys.exit(True) exits 1" 1 "$(status_of "$R/exit-true.frz")"
    expect_eq "exit(5), the site builtin, exits 5" 5 "$(status_of "$R/builtin-exit.frz")"
    expect_eq "quit(6) exits 6" 6 "$(status_of "$R/builtin-quit.frz")"
    expect_eq "os._exit(7) exits 7" 7 "$(status_of "$R/os-exit.frz")"
    expect_eq "os._exit() drops what stdout buffered in a pipe" 0 "$(wc -c <"$R/os-exit.frz.out")"
    expect_eq "sys.exit in a thread ends only the thread" 0 "$(status_of "$R/exit-in-thread.frz")"
    expect_eq "an uncaught KeyboardInterrupt kills by SIGINT (130)" 130 \
        "$(status_of "$R/raise-keyboardinterrupt.frz")"
    expect_grep "the KeyboardInterrupt traceback is printed" "$R/raise-keyboardinterrupt.frz.err" \
        '^KeyboardInterrupt$'
    ;;

interrupt)
    copy_program ps_interrupt || finish
    for mode in handled handled-exit handler; do
        compare_ctrl_c "$mode" "$mode"
    done
    expect_eq "a caught KeyboardInterrupt: normal exit" "exit 0" "$(status_of "$R/handled.frz")"
    expect_file_eq "a caught KeyboardInterrupt: the program goes on" "$R/handled.frz.out" "ready
caught KeyboardInterrupt
ended normally"
    expect_eq "sys.exit(4) after catching it" "exit 4" "$(status_of "$R/handled-exit.frz")"
    expect_eq "a SIGINT handler replaces KeyboardInterrupt" "exit 0" "$(status_of "$R/handler.frz")"
    expect_file_eq "the SIGINT handler ran" "$R/handler.frz.out" "ready
handler got signal 2"
    ;;

sigpipe)
    copy_program ps_flood || finish
    # `prog | head -1` as a shell runs it; the shell prints PIPESTATUS.
    compare_piped pipe "prog | head -1: stdout, stderr and PIPESTATUS" \
        '"$@" | head -n 1; echo "PIPESTATUS ${PIPESTATUS[*]}"'
    expect_file_eq "only the first line, then PIPESTATUS: the program exits 1 (BrokenPipeError)" \
        "$R/pipe.frz.out" "line 0
PIPESTATUS 1 0"
    expect_grep "BrokenPipeError is reported" "$R/pipe.frz.err" '^BrokenPipeError: \[Errno 32\] Broken pipe$'
    ;;

buffering)
    copy_program ps_interleave || finish
    # In a pipe, both streams into one: stdout is block-buffered, so every
    # stderr line comes first.
    compare_piped pipe "stdout and stderr merged in a pipe" '"$@" 2>&1 | cat'
    expect_file_eq "in a pipe stdout is block-buffered" "$R/pipe.frz.out" "stderr 0
stderr 1
stderr 2
stderr partial line
stdout 0
stdout 1
stdout 2
stdout partial line, no newline; stdout last"
    # On a terminal: line-buffered, the lines alternate.
    pty_compare tty --
    expect_file_eq "on a terminal stdout is line-buffered" "$R/tty.frz.out" "$(printf '%s\r\n' \
        'stdout 0' 'stderr 0' 'stdout 1' 'stderr 1' 'stdout 2' 'stderr 2' \
        'stderr partial line' 'stdout partial line, no newline; stdout last')"
    ;;

atexit-threads)
    copy_program ps_atexit_threads || finish
    compare end-normally /dev/null
    compare sys-exit-3 /dev/null 3
    expect_file_eq "threads and atexit handlers, in python3's order" "$R/end-normally.frz.out" \
"daemon: blocking for ever
main: done
worker: finished after the main thread
atexit: registered second, runs first threads alive: ['MainThread', 'daemon']
atexit: registered first, runs last threads alive: ['MainThread', 'daemon']"
    expect_eq "ends with 0 though a daemon thread is blocked" 0 "$(status_of "$R/end-normally.frz")"
    expect_eq "sys.exit(3) waits for the threads and the handlers, then exits 3" 3 \
        "$(status_of "$R/sys-exit-3.frz")"
    expect_grep "after sys.exit(3) the handlers ran" "$R/sys-exit-3.frz.out" '^atexit: registered first'
    ;;

stdin)
    copy_program ps_stdin || finish
    printf 'bob\nmore\nlines' >"$T/input.txt"
    compare pipe "$T/input.txt"
    expect_file_eq "stdin from a file: input() then read()" "$R/pipe.frz.out" "isatty False False
name? hello bob
rest 'more\\nlines'
more? EOFError at the end of input"
    compare empty /dev/null
    expect_grep "input() at the end of input raises EOFError" "$R/empty.frz.err" '^EOFError: EOF when reading a line$'
    # A person typing: the prompt is on the terminal before the answer is
    # typed; Ctrl-D ends sys.stdin.read() and then input().
    pty_compare tty --send-after 'name? ' 'bob\n' --send-after 'hello bob' 'more\n\x04' \
        --send-after 'more? ' '\x04' --
    expect_file_eq "stdin on a terminal" "$R/tty.frz.out" "$(printf '%s\r\n' 'isatty True True' \
        'name? bob' 'hello bob' 'more' "rest 'more\\n'" 'more? EOFError at the end of input')"
    ;;

*)
    fail "unknown group $group"
    ;;
esac
finish

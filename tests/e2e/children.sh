#!/bin/bash
# e2e/children/GROUP: child processes of a frozen program (issue 4, "Child
# processes"), compared with python3.11 -I on the same source, programs in
# tests/e2e/programs/ch_*.py. GROUP is one of
#   pools             multiprocessing Pool, Process and ProcessPoolExecutor under
#                     spawn, forkserver and fork; objects of __main__ pickled to
#                     workers; the program's main runs once (main-once below too)
#   resource-tracker  shared memory and semaphores: no warning when released,
#                     python3's warning when leaked
#   subprocess        [sys.executable, -c CODE], [-m json.tool] with stdin, the
#                     flags of subprocess._args_from_interpreter_flags()
#   scripts           [sys.executable, SCRIPT.py, args] (the script's neighbour
#                     modules imported from its directory), [-u SCRIPT.py],
#                     [-I SCRIPT.py], [-] with code on stdin; a script named
#                     without an extension, flags alone with code on stdin, a
#                     packed module's file and the main script's own file as
#                     the script; -X dev and -X utf8
#   argv              python3-like options and .py paths typed in a shell or
#                     passed by another executable reach the program untouched,
#                     as does a self-relaunch that is not a python3 command
#                     line, one that passes on the program's own arguments (a
#                     file name, flags alone) and one with PYFREEZE_ARGS=program
#   main-once         a child never runs the program's main from the top
#   environ           PYTHON* variables in a child's environment: honoured as
#                     python3.11 honours them with the same command line
#                     (PYTHONHASHSEED, PYTHONIOENCODING, PYTHONPATH, ...),
#                     ignored under -I, -E and the program's own flags;
#                     PYTHONHOME and PYTHONPLATLIBDIR do not stop a child
#
# Every run starts processes: as nobody (root ignores RLIMIT_NPROC), under a
# process limit and a timeout, in a directory nobody can write.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

group=${1:?usage: children.sh pools|resource-tracker|subprocess|scripts|argv|main-once|environ}
# Every run as nobody (lib.sh's AS_NOBODY: 200 processes, 120 s).

# fresh_cwd: a new working directory the user nobody can write, as RUN_CWD.
fresh_cwd() {
    RUN_CWD=$(mktemp -d "$T/cwd.XXXXXX")
    chmod 0777 "$RUN_CWD"
}

# compare_nobody NAME ARGS...: python3.11 -I and the frozen program, both as
# nobody, each in a fresh working directory, stderr read to its end; the
# source lines of warnings dropped from python3.11's (drop_warning_source),
# then compared (same_result).
compare_nobody() {
    local name=$1
    shift
    local ref=$R/$name.ref frz=$R/$name.frz
    # stderr goes through a pipe, read to its end: the resource tracker
    # writes its warning after the program has exited, and the capture must
    # wait for it (every process holding the pipe has closed it).
    local wait_stderr='exec 3>&1; "$@" 2>&1 1>&3 3>&- | cat >&2; exit "${PIPESTATUS[0]}"'
    fresh_cwd
    run_capture "$ref" /dev/null bash -c "$wait_stderr" sh \
        "${AS_NOBODY[@]}" "$PF_PYTHON" -I "$SRC/$(basename "$EXE")" "$@"
    fresh_cwd
    run_capture "$frz" /dev/null bash -c "$wait_stderr" sh \
        "${SANDBOX[@]}" "${AS_NOBODY[@]}" "$EXE" "$@"
    RUN_CWD=$T
    normalise_ref "$ref" "$SRC"
    normalise_frozen "$frz" "$EXE"
    drop_warning_source "$ref.nerr"
    same_result "$name" "$ref" "$frz"
}

# drop_warning_source FILE: removes the source line python3.11 prints under
# a warning ("FILE:LINE: Category: message" then the line, indented by 2),
# which a frozen program without sources cannot print, as lib.sh drops the
# source lines of traceback frames.
drop_warning_source() {
    awk 'after_warning && /^  / {after_warning = 0; next}
         {after_warning = ($0 ~ /^[^ ].*:[0-9]+: [A-Za-z]*Warning: /); print}' "$1" >"$1.tmp" &&
        mv "$1.tmp" "$1"
}

# run_nobody PREFIX EXE ARGS...: the frozen EXE as nobody, Python hidden.
run_nobody() {
    local prefix=$1
    shift
    run_capture "$prefix" /dev/null "${SANDBOX[@]}" "${AS_NOBODY[@]}" "$@"
}

case $group in
pools | main-once)
    copy_program ch_pools || finish
    compare_nobody pools
    for method in spawn forkserver fork; do
        expect_grep "$method: Pool.map" "$R/pools.frz.out" "^$method map \[0, 1, 4, 9, 16, 25, 36, 49\]\$"
        expect_grep "$method: objects of classes defined in __main__" "$R/pools.frz.out" \
            "^$method objects \[5, 25\]\$"
        expect_grep "$method: ProcessPoolExecutor" "$R/pools.frz.out" "^$method executor \[0, 1, 4, 9, 16\]\$"
        expect_grep "$method: Process exits 0" "$R/pools.frz.out" "^$method process exitcode 0\$"
    done
    expect_grep "the default ProcessPoolExecutor" "$R/pools.frz.out" '^default executor 328350$'
    if [[ $group == main-once ]]; then
        expect_eq "the main guard runs once" 1 "$(grep -c '^main guard runs$' "$R/pools.frz.out")"
        # Spawned children import the main module as __mp_main__, as with
        # python3; none runs it as __main__.
        expect_grep "only one process ran the top level as __main__" "$R/pools.frz.out" \
            "^top level ran as __main__ 1 times; as __mp_main__: True ; as anything else: \[\]\$"
        copy_program ch_subprocess || finish
        compare_nobody subprocess-once
        expect_eq "a -c child does not run the program's top level" 1 \
            "$(grep -c '^MARKER top level' "$R/subprocess-once.frz.out")"
    fi
    ;;

resource-tracker)
    copy_program ch_resources || finish
    for method in spawn forkserver fork; do
        compare_nobody "$method-clean" "$method" clean
        expect_eq "$method: no warning when everything is released" "" "$(cat "$R/$method-clean.frz.err")"
        expect_file_eq "$method: the child wrote the shared memory" "$R/$method-clean.frz.out" \
            "$method child exit 0 b'HELLO'
done"
        compare_nobody "$method-leak" "$method" leak
        expect_grep "$method: the resource tracker reports the leaked block" "$R/$method-leak.frz.err" \
            'resource_tracker: There appear to be 1 leaked shared_memory objects to clean up at shutdown'
    done
    ;;

subprocess)
    copy_program ch_subprocess || finish
    compare_nobody subprocess
    O=$R/subprocess.frz.out
    expect_grep "-c CODE ARGS: arguments and status" "$O" \
        "^-c with arguments \(7, \"child argv \['a', '-c', '--x'\]\\\\n\", ''\)\$"
    expect_grep "-m json.tool with stdin" "$O" '^-m json.tool \(0, .\{\\n    "b": 1,'
    expect_grep "a child started with the parent's flags runs" "$O" "^child with the parent's flags \(0, "
    expect_grep "-O -X -W reach the child" "$O" \
        "^child with more flags \(0, \"1 \['error'\] \{'faulthandler': True\}\\\\n\", ''\)\$"
    # What the frozen program passes its children, on its own: python3.11 -I
    # passes ['-I'] (sys.flags of a frozen program: see children's report).
    copy_program ch_flags || finish
    compare_nobody flags
    ;;

scripts)
    # ch_packed.py: a module of the program that it also runs as a script
    mkdir -p "$T/ch_scripts" && cp "$PROGRAMS/ch_packed.py" "$T/ch_scripts/"
    copy_program ch_scripts || finish
    # The scripts go outside the program's directory (whose path the
    # comparison rewrites in python3.11's output only), where nobody cannot
    # write (python3.11's child would leave a __pycache__ there).
    D=$T/scripts
    cp -r "$PROGRAMS/ch_scripts" "$D" && chmod -R a+rX "$D"
    compare_nobody scripts run "$D"
    O=$R/scripts.frz.out
    expect_no_grep "no child ran the program" "$O" 'PROGRAM RAN'
    expect_grep "SCRIPT ARGS: the script runs with its arguments and imports its neighbour" "$O" \
        "^script with arguments \(0, \"helper __main__ \['$D/helper.py', 'arg', '-c', 'x'\] $D/helper.py None path0 $D neighbour value $D/ch_neighbour.py\\\\n\", ''\)\$"
    expect_grep "a relative SCRIPT: its directory (not the program's) is sys.path[0]" "$O" \
        "^script by a relative path \(0, \"helper __main__ \['helper.py'\] $D/helper.py None path0 $D "
    expect_grep "-u SCRIPT: unbuffered stdout" "$O" "^-u \(0, 'FileIO True\\\\n', ''\)\$"
    expect_grep "-I SCRIPT: the script's directory is not on sys.path" "$O" \
        "^-I: no script directory on sys.path \(1, '', .*ModuleNotFoundError: No module named .{1,2}ch_neighbour"
    expect_grep "- ARGS: code from stdin" "$O" \
        "^- with stdin \(0, \"stdin code __main__ \['-', 'a1', '-c', 'x'\] \\\\n\", ''\)\$"
    expect_grep "SCRIPT named without an extension: runs, with its directory on sys.path" "$O" \
        "^script without an extension \(0, \"tool __main__ \['$D/tool', 'a', '-v'\] path0 $D/ neighbour value\\\\n\", ''\)\$"
    expect_grep "... its exit status" "$O" "^... its exit status 17\$"
    expect_grep "flags alone: code from stdin, the working directory on sys.path" "$O" \
        "^flags alone, code on stdin \(0, \"stdin \[''\] neighbour value\\\\n\", ''\)\$"
    expect_grep "a packed module's file runs as a script" "$R/scripts.frz.nout" \
        "^a module's file \(0, \"packed __main__ \['x', '-c'\] <APP>/ch_packed.py path0 <APP>/\\\\n\", ''\)\$"
    expect_grep "... with -I: nothing first on sys.path" "$O" "^\.\.\. -u -I \(0, .*(safe path)"
    expect_grep "... its exception: python3's traceback, status 1" "$R/scripts.frz.nout" \
        "^\.\.\. raising 1 \['Traceback \(most recent call last\):', '  File \"<APP>/ch_packed.py\", line 10, in <module>', 'ValueError: boom'\]\$"
    expect_grep "the main script's own file runs the main script" "$O" \
        "^the main script's own file \(0, 'main script again __main__\\\\n', ''\)\$"
    expect_grep "-X dev reaches the child" "$O" "^-X dev \(0, 'True\\\\n', ''\)\$"
    expect_grep "a path inside the executable that names no module: python3's error" "$O" \
        "^no module at a path inside sys.executable 2 can't open file 'EXE/none.py': \\[Errno 20\\] Not a directory\$"
    ;;

argv)
    copy_program ch_argv || finish
    # Typed in a shell (the parent is bash): every python3-like command line
    # is the program's own.
    lines=()
    n=0
    # A .py path that exists is the program's too (ch_argv.py, readable).
    script=$SRC/ch_argv.py
    for args in "-c|print('hijacked')" "-m|json.tool" "-I|-c|x" "-E|-s|-B|-m|json" \
                "-X|dev|-c|x" "-W|error|-c|x" "--multiprocessing-fork|tracker_fd=3|pipe_handle=4" \
                "-c" "-m" "-I" "$script|a" "-u|$script" "-I|-S|$script" "-" "-u|-"; do
        IFS='|' read -r -a argv <<<"$args"
        n=$((n + 1))
        run_nobody "$R/shell-$n" "$EXE" "${argv[@]}"
        expected=$("$PF_PYTHON" -I -c 'import sys; print("argv", sys.argv[1:])' "${argv[@]}")
        expect_file_eq "from a shell: ${argv[*]}" "$R/shell-$n.out" "$expected"
    done
    # Started by another executable (a copy: another file, the same
    # content): still the program's own arguments.
    cp "$EXE" "$SRC/frozen/other"
    run_nobody "$R/other" "$SRC/frozen/other" spawn "$EXE" -c "print('hijacked')"
    expect_file_eq "started by another frozen executable with -c CODE" "$R/other.out" \
        "child: argv ['-c', \"print('hijacked')\"]  status 0"
    # Started by itself with a command line that is not a python3 one.
    run_nobody "$R/self-program" "$EXE" spawn self hello -c "print('x')"
    expect_file_eq "started by itself, not a python3 command line" "$R/self-program.out" \
        "child: argv ['hello', '-c', \"print('x')\"]  status 0"
    # Started by itself with no arguments (a self-relaunch): the program.
    run_nobody "$R/self-none" "$EXE" spawn self
    expect_file_eq "started by itself with no arguments" "$R/self-none.out" "child: argv []  status 0"
    # Started by itself with a word that is not an existing *.py file: the
    # program: a .py path under the executable (the main's own __file__),
    # one that does not exist, a file not named .py, a directory named .py.
    mkdir -p "$SRC/dir.py" && chmod a+rx "$SRC/dir.py"
    # An existing file with another extension, the executable itself
    # (`[sys.executable] + sys.argv`).
    echo "data" >"$SRC/data.txt" && chmod a+r "$SRC/data.txt"
    for args in "$SRC/missing.py" "$EXE.log" "-u|$EXE.log" "$SRC/dir.py" "$SRC/data.txt|x" \
                "$EXE|-v" "$SRC/missing"; do
        IFS='|' read -r -a argv <<<"$args"
        n=$((n + 1))
        run_nobody "$R/self-$n" "$EXE" spawn self "${argv[@]}"
        expected=$("$PF_PYTHON" -I -c 'import sys; print("child: argv", sys.argv[1:], " status 0")' \
            "${argv[@]}")
        expect_file_eq "started by itself, not a script file: ${argv[*]}" "$R/self-$n.out" "$expected"
    done
    # The program passing on its own arguments (`[sys.executable] +
    # sys.argv[1:]`): a file named without an extension, flags alone with
    # stdin not a terminal; python3 would run the file, or read stdin.
    printf 'print("hijacked")\n' >"$SRC/notes" && chmod a+r "$SRC/notes"
    for args in "$SRC/notes|x" "-v" "-v|-q" "-X|dev" "$SRC/notes"; do
        IFS='|' read -r -a argv <<<"$args"
        n=$((n + 1))
        run_capture "$R/restart-$n" /dev/null "${SANDBOX[@]}" "${AS_NOBODY[@]}" \
            env CH_ARGV_RESTART=1 "$EXE" "${argv[@]}"
        expected=$("$PF_PYTHON" -I -c 'import sys; print("child: argv", sys.argv[1:], " status 0")' \
            "${argv[@]}")
        expect_file_eq "its own arguments passed on: ${argv[*]}" "$R/restart-$n.out" "$expected"
    done
    # PYFREEZE_ARGS=program in the child's environment: whatever the
    # command line, the program's; the variable is not inherited further.
    for args in "-c|print('hijacked')" "-m|json.tool" "$SRC/notes" "-I" \
                "--multiprocessing-fork|tracker_fd=3|pipe_handle=4"; do
        IFS='|' read -r -a argv <<<"$args"
        n=$((n + 1))
        run_nobody "$R/own-$n" "$EXE" own "${argv[@]}"
        expected=$("$PF_PYTHON" -I -c 'import sys; print("child: argv", sys.argv[1:], " status 0")' \
            "${argv[@]}")
        expect_file_eq "PYFREEZE_ARGS=program: ${argv[*]}" "$R/own-$n.out" "$expected"
    done
    # Started by itself with one: it acts as python3.
    run_nobody "$R/self-c" "$EXE" spawn self -c "print('as python3')"
    expect_file_eq "started by itself with -c CODE" "$R/self-c.out" "child: as python3  status 0"
    # CPython also accepts the joined forms -cCODE and -mMODULE, which
    # test.support's script_helper and the stdlib's own tests use.
    run_nobody "$R/self-joined" "$EXE" spawn self "-cprint('joined')"
    expect_file_eq "started by itself with -cCODE (joined, as python3 accepts it)" "$R/self-joined.out" \
        "child: joined  status 0"
    ;;

environ)
    # ch_environ/: ppmod.py, found only through PYTHONPATH, and
    # scripts/ppscript.py, which imports it; outside the program's
    # directory, where nobody cannot write (so no __pycache__ either side)
    D=$T/environ
    cp -r "$PROGRAMS/ch_environ" "$D" && chmod -R a+rX "$D"
    copy_program ch_environ || finish
    compare_nobody environ "$D"
    O=$R/environ.frz.out
    # python3.11's own values, not only its agreement, for the variables of
    # CPython's tests (test_hash, test_sys)
    seeded=$(PYTHONHASHSEED=12345 "$PF_PYTHON" -c 'print(hash("pyfreeze"), hash(b"pyfreeze"), sep=", ")')
    expect_grep "PYTHONHASHSEED=12345: python3.11's hashes" "$O" "^hash \\($seeded\\)\$"
    expect_grep "PYTHONIOENCODING=latin-1:replace: the child's output" "$O" '^caf\\xe9 \? \?$'
    expect_grep "PYTHONPATH: a module only there is imported from disk by -m" "$O" \
        "^ppmod run as __main__ \['a'\] ppmod __main__ from $D/ppmod.py\$"
    # (the fresh working directories are in $T: <CWD>/.. is $T)
    expect_grep "PYTHONPATH: sys.path in python3's order, absolute, without duplicates" "$O" \
        "^path \['', '<CWD>/rel/x', '<CWD>', '$D', '$T/up'\]\$"
    expect_grep "PYTHONPATH with -S: duplicates and .. kept" "$O" \
        "^path \['', '<CWD>/rel/x', '<CWD>', '$D', '<CWD>', '<CWD>/../up', '<CWD>'\]\$"
    expect_grep "-I: the parent's flags for its children" "$O" "^the parent's flags \['-I'\]\$"
    expect_no_grep "-I, -E: PYTHONINSPECT ignored" "$O" '^inspect ran$'
    for method in spawn forkserver; do
        expect_grep "$method workers ignore the variables the program set" "$O" \
            "^$method worker flags \[\(1, 1, 1, 0, 0\)\]\$"
    done
    # Where python3.11 would look for its stdlib: the child still starts
    # (python3.11 cannot), from the payload.
    fresh_cwd
    run_nobody "$R/home" "$EXE" "$D" home
    RUN_CWD=$T
    for name in PYTHONHOME PYTHONPLATLIBDIR; do
        expect_grep "$name: the child starts" "$R/home.out" "^== $name=.*: status 0\$"
    done
    expect_eq "PYTHONHOME, PYTHONPLATLIBDIR: sys.prefix is the executable, the module found" 2 \
        "$(grep -c "^True lib.* ppmod ppmod from $D/ppmod.py\$" "$R/home.out")"
    ;;

*)
    fail "unknown group $group"
    ;;
esac
finish

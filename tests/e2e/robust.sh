#!/bin/bash
# e2e/robust/GROUP: a frozen program against hostile descriptors, an upgrade
# in place and hostile limits (issue 17). GROUP is one of
#   closerange   a daemon closes every descriptor >= 3 and imports C
#                extensions: 20 runs, each equal to python3.11's
#   dup2         the same, /dev/null dup2()ed over every descriptor >= 3
#   fork         the same in a forked child
#   stdio-closed started with 0, 1 and 2 closed: os.fstat(0..2) as python3.11
#   replaced     multiprocessing (spawn, forkserver) while the executable is
#                replaced by another program (rename): children work,
#                main() runs once
#   messages     an execute-only file run by another user, a too small
#                address space (prlimit --as), a zeroed section-name table,
#                a noexec TMPDIR without memfds: each its own message
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

group=${1:?usage: robust.sh closerange|dup2|fork|stdio-closed|replaced|messages}

case $group in
closerange | dup2 | fork)
    copy_program rb_daemon || finish
    runs=20
    [[ $group != closerange ]] && runs=5
    for i in $(seq 1 "$runs"); do
        compare "$group-$i" /dev/null "$group" >/dev/null || cat "$R/$group-$i.frz.err" >&2
    done
    expect_grep "$group: json has its C scanner" "$R/$group-1.frz.out" '^json C scanner: True True$'
    expect_grep "$group: the program's own files stay empty" "$R/$group-1.frz.out" '^own files untouched: True$'
    ;;

stdio-closed)
    copy_program rb_stdio || finish
    closed='exec 0<&- 1>&- 2>&-; exec "$@"'
    mkdir -p "$T/out" && chmod 777 "$T/out"
    run_capture "$R/stdio.ref" /dev/null bash -c "$closed" sh "$PF_PYTHON" -I "$SRC/rb_stdio.py" "$T/out/ref"
    run_capture "$R/stdio.frz" /dev/null "${SANDBOX[@]}" bash -c "$closed" sh "$EXE" "$T/out/frz"
    expect_eq "python3.11 exits 0 with 0-2 closed" 0 "$(status_of "$R/stdio.ref")"
    expect_eq "the frozen program exits 0 with 0-2 closed" 0 "$(status_of "$R/stdio.frz")"
    expect_file_eq "os.fstat(0..2) as python3.11 shows them" "$T/out/frz" "$(cat "$T/out/ref")"
    ;;

replaced)
    program rb_other <<<'print("OTHER PROGRAM RUNS")' || finish
    other=$EXE
    program rb_pool <"$PROGRAMS/rb_pool.py" || finish
    for method in spawn forkserver; do
        dir=$T/replaced-$method
        mkdir -p "$dir" && chmod 777 "$dir"
        cp "$EXE" "$dir/rb_pool.py" && chmod 755 "$dir/rb_pool.py"
        go=$dir/go
        out=$R/replaced-$method
        (cd "$dir" && "${CLEAN_ENV[@]}" "${SANDBOX[@]}" "${AS_NOBODY[@]}" "$dir/rb_pool.py" "$method" "$go" \
            >"$out.out" 2>"$out.err"; echo $? >"$out.rc") &
        pid=$!
        for _ in $(seq 1 200); do
            grep -q 'main() starts' "$out.out" 2>/dev/null && break
            sleep 0.05
        done
        # an upgrade in place: a new file renamed over the running one
        cp "$other" "$dir/.new" && chmod 755 "$dir/.new" && mv -f "$dir/.new" "$dir/rb_pool.py"
        touch "$go"
        wait "$pid"
        expect_eq "$method: exit status after the replacement" 0 "$(cat "$out.rc")"
        expect_eq "$method: main() ran once" 1 "$(grep -c '^main() starts$' "$out.out")"
        expect_grep "$method: the pool's workers did their work" "$out.out" "^$method map \[0, 1, 4, 9, 16, 25, 36, 49\]\$"
        expect_grep "$method: a -c child of sys.executable" "$out.out" '^-c child: 42 0$'
        expect_no_grep "$method: no child ran the new program" "$out.out" 'OTHER PROGRAM'
        expect_eq "$method: nothing on stderr" "" "$(cat "$out.err")"
    done
    ;;

messages)
    program rb_msg <<<'import json, decimal; print(decimal.Decimal(3) / 4)' || finish
    exe=$EXE
    # an execute-only file run by another user: it cannot read itself
    cp "$exe" "$T/xonly" && chmod 711 "$T/xonly" && chmod 755 "$T"
    run_capture "$R/xonly" /dev/null "${SANDBOX[@]}" "${NOBODY[@]}" "$T/xonly"
    expect_grep "execute-only: says it cannot read itself" "$R/xonly.err" \
        "^$T/xonly: cannot read this program's own file \(Permission denied\): .*allowed to read it"
    expect_no_grep "execute-only: not called damaged" "$R/xonly.err" 'damaged'
    # an address space too small for the program: a program carrying 24 MB
    # of incompressible data, limited to its file's size, has room for its
    # own segments and the C library (ld.so maps them first, about 10 MB)
    # but not for the file it maps to read its payload; with the ordinary
    # program, memory runs out at various points (the prefetch thread's
    # timing): a memory message or the result, never "damaged"
    # (not under AddressSanitizer: its shadow memory needs terabytes of
    # address space, so nothing starts under an --as limit)
    if [[ $PF_SANITIZE != 1 ]]; then
        head -c 24000000 /dev/urandom >"$T/ballast.bin"
        program rb_as --add-data "$T/ballast.bin:ballast" <<<'print("not reached")' || finish
        too_small=$(stat -c %s "$EXE")
        run_capture "$R/as" /dev/null "${SANDBOX[@]}" prlimit --as=$too_small "$EXE"
        expect_grep "prlimit --as: says memory" "$R/as.err" '^.*: cannot map its own file \(Cannot allocate memory\): out of memory'
        for as in 22 24 26 28 30 32 34 36 38; do
            run_capture "$R/as$as" /dev/null "${SANDBOX[@]}" prlimit --as=${as}000000 "$exe"
            expect_no_grep "prlimit --as=${as} MB: not called damaged" "$R/as$as.err" 'damaged'
        done
    fi
    # the section-name table zeroed: damage, not "the stub"
    cp "$exe" "$T/nonames"
    "$PF_PYTHON" -I - "$T/nonames" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
off, size = struct.unpack_from("<QQ", data, shoff + shstrndx * shentsize + 0x18)
data[off:off + size] = bytes(size)
open(path, "wb").write(data)
PY
    run_capture "$R/nonames" /dev/null "${SANDBOX[@]}" "$T/nonames"
    expect_grep "zeroed section names: damaged" "$R/nonames.err" "^$T/nonames: this frozen program is damaged: .*rebuild it"
    expect_no_grep "zeroed section names: not the stub" "$R/nonames.err" 'this is the pyfreeze stub'
    # no executable memfds and a noexec TMPDIR: the fallback says why
    if [[ -x $PF_BUILD_DIR/tests/no_memfd ]]; then
        mkdir -p "$T/noexec"
        if mount -t tmpfs -o noexec tmpfs "$T/noexec" 2>/dev/null; then
            chmod 1777 "$T/noexec"
            run_capture "$R/noexec" /dev/null env TMPDIR="$T/noexec" "$PF_BUILD_DIR/tests/no_memfd" "$exe"
            umount "$T/noexec"
            expect_grep "noexec TMPDIR: named" "$R/noexec.err" "$T/noexec is mounted noexec"
            expect_no_grep "noexec TMPDIR: not called damaged" "$R/noexec.err" 'damaged'
        fi
    fi
    ;;
esac
finish

#!/bin/bash
# e2e/native/CASE: programs that need extension modules and the shared
# libraries those need, frozen and run with Python hidden AND with every
# library the payload bundles hidden from the filesystem (hide_libs.sh), so
# each must come from the payload. Output is compared with python3.11 -I
# (lib.sh), and strace checks that the run created no file anywhere.
#
#   stdext     examples/stdext: sqlite3, ssl, hashlib, decimal, ctypes,
#              asyncio, lzma, bz2, zlib, _json (memfds)
#   no-memfd   the same program where memfd_create fails with EPERM
#              (no_memfd, a seccomp launcher): the runtime's fallback writes
#              each object to a fresh 0700 directory under $TMPDIR and
#              unlinks it before dlopen; the output must be the same and
#              $TMPDIR empty afterwards
#   numpy      examples/numpy-app with Debian's python3-numpy (libopenblas,
#              libgfortran, ... bundled)
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox
command -v strace >/dev/null || skip_test "strace is not installed"

case_name=${1:?usage: native.sh stdext|no-memfd|numpy}
FROZEN=$T/frozen

# bundled_libraries EXE LIST: writes to LIST the path on this machine of each
# library EXE bundles (its libs/<SONAME> members), as ld.so finds it.
bundled_libraries() {
    local exe=$1 list=$2 soname path
    : >"$list"
    "$PYFREEZE" inspect "$exe" | awk '$1 == "library" { print $4 }' | sed 's|^libs/||' |
        while read -r soname; do
            path=$(ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ { print $NF; exit }')
            if [[ -z $path ]]; then
                for dir in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib /usr/local/lib; do
                    [[ -e $dir/$soname ]] && { path=$dir/$soname; break; }
                done
            fi
            [[ -n $path ]] && readlink -f -- "$path" >>"$list"
        done
    sort -u -o "$list" "$list"
}

# run_hidden PREFIX STDIN EXE ARGS...: as lib.sh's run_frozen, with EXE's
# bundled libraries hidden too and the run traced into PREFIX.strace (the
# calls of lib.sh's TRACE_CREATING). With LAUNCHER set (an array), it runs
# EXE (e.g. no_memfd). The frozen side of compare (FROZEN_RUNNER).
LAUNCHER=()
# shellcheck disable=SC2317  # called through FROZEN_RUNNER
run_hidden() {
    local prefix=$1 stdin=$2 exe=$3
    shift 3
    local first=${LAUNCHER[0]:-$exe}
    run_capture "$prefix" "$stdin" "${SANDBOX[@]}" \
        strace -f -qq -o "$prefix.trace" -e trace="execve,$TRACE_CREATING" \
        /bin/bash "$E2E_DIR/hide_libs.sh" "$LIBS" "${LAUNCHER[@]}" "$exe" "$@"
    # Only what the program did counts: from its execve on (hide_libs.sh
    # and its mount commands come first in the trace).
    awk -v first="execve(\"$first\"" 'index($0, first) { on = 1 } on' "$prefix.trace" >"$prefix.strace"
    if [[ ! -s $prefix.strace ]]; then
        fail "no trace of $first in $prefix.trace"
    fi
}

FROZEN_RUNNER=run_hidden

# check_libs_bundled: LIBS is not empty and holds each expected SONAME.
check_libs_bundled() {
    local soname
    for soname in "$@"; do
        expect_grep "$soname is bundled and hidden in the run" "$LIBS" "/$soname"
    done
}

case $case_name in
stdext | no-memfd)
    SRC=$EXAMPLES/stdext EXE=$FROZEN/stdext.py
    freeze "$EXE" "$SRC/stdext.py" || finish
    LIBS=$T/libs.txt
    bundled_libraries "$EXE" "$LIBS"
    echo "hidden libraries: $(tr '\n' ' ' <"$LIBS")"
    if [[ -n ${PF_PVM_STDLIB_DIR:-} ]]; then
        # The PVM links sqlite3, libffi, liblzma and libbz2 into their
        # modules statically; OpenSSL is shared (pvm/README.md).
        check_libs_bundled 'libssl\.so' 'libcrypto\.so'
    else
        check_libs_bundled 'libsqlite3\.so' 'libssl\.so' 'libcrypto\.so' 'libffi\.so' 'liblzma\.so' 'libbz2\.so'
    fi
    if [[ $case_name == stdext ]]; then
        compare stdext /dev/null
        expect_grep "memfds were used" "$R/stdext.frz.strace" 'memfd_create\(.*= [0-9]+$'
        expect_no_file_created \
            "the run created no file or directory (strace -f: $(wc -l <"$R/stdext.frz.strace") calls traced)" \
            "$R/stdext.frz.strace"
    else
        [[ -n ${PF_NO_MEMFD:-} && -x $PF_NO_MEMFD ]] || { fail "PF_NO_MEMFD must name the built no_memfd"; finish; }
        LAUNCHER=("$PF_NO_MEMFD")
        TMPD=$T/tmpdir
        mkdir -m 0755 "$TMPD"
        RUN_ENV=(TMPDIR="$TMPD")
        compare no-memfd /dev/null
        S=$R/no-memfd.frz.strace
        expect_grep "memfd_create was refused" "$S" 'memfd_create\(.*= -1 EPERM'
        expect_no_grep "no memfd was created" "$S" 'memfd_create\(.*= [0-9]+$'
        expect_grep "the fallback made a private directory under \$TMPDIR" "$S" "mkdir\\(\"$TMPD/[^\"]+\", 0700\\) = 0"
        # Creations allowed: paths under $TMPD, an unnamed O_TMPFILE in
        # $TMPD itself (libffi, linked statically into the PVM's _ctypes,
        # makes its closures' executable pages there when memfd_create is
        # refused), and openat() relative to a directory descriptor that was
        # opened under $TMPD.
        awk -v tmpd="\"$TMPD/" -v tmpfile="\"$TMPD\", O_RDWR|O_EXCL|O_CLOEXEC|O_TMPFILE" \
            -v creating="$CREATING_CALL" '
            index($0, tmpd) && /O_DIRECTORY/ && match($0, /= [0-9]+$/) {
                dirfds[substr($0, RSTART + 2)] = 1
            }
            $0 !~ creating { next }
            index($0, tmpd) || index($0, tmpfile) { next }
            match($0, /openat\([0-9]+,/) && (substr($0, RSTART + 7, RLENGTH - 8) in dirfds) { next }
            { print }' "$S" >"$T/created.txt"
        if [[ -s $T/created.txt ]]; then
            fail "the fallback created files outside \$TMPDIR:"
            sed 's/^/    /' "$T/created.txt" | head -20 >&2
        else
            pass "the fallback created files under \$TMPDIR only ($(created_files "$S" | wc -l) calls)"
        fi
        left=$(find "$TMPD" -mindepth 1 | head -5)
        expect_eq "nothing is left in \$TMPDIR" "" "$left"
    fi
    ;;

numpy)
    if ! "$PF_PYTHON" -I -c 'import numpy' 2>/dev/null; then
        skip_test "python3-numpy is not installed (apt-get install python3-numpy)"
    fi
    SRC=$EXAMPLES/numpy-app EXE=$FROZEN/stats.py
    freeze "$EXE" "$SRC/stats.py" || finish
    LIBS=$T/libs.txt
    bundled_libraries "$EXE" "$LIBS"
    echo "hidden libraries: $(tr '\n' ' ' <"$LIBS")"
    check_libs_bundled 'libgfortran\.so' '(libopenblas|libblas)'
    compare numpy /dev/null
    expect_grep "numpy computed the solution" "$R/numpy.frz.out" '^solve: '
    expect_no_file_created "the numpy run created no file or directory" "$R/numpy.frz.strace"
    ;;

*)
    fail "unknown case $case_name"
    ;;
esac
finish

#!/bin/bash
# e2e/roots/...: frozen programs run in minimal Debian roots that have no
# Python, compared with python3.11 -I on this machine (issue 15: a frozen
# program must run on Debian 11, glibc 2.31, and on Debian 13).
#
#   roots.sh root SUITE    the fixture that makes (once) or checks the SUITE
#                          root: $PF_ROOTS_DIR/SUITE, by default
#                          $PF_BUILD_DIR/roots/SUITE (debian_root.sh)
#   roots.sh freeze        the fixture that freezes every program once, into
#                          $PF_BUILD_DIR/tests/roots-frozen, for the tests of
#                          both roots (with --stub $PF_ROOTS_STUB if set)
#   roots.sh SUITE GROUP   runs GROUP's programs in the SUITE root
#
# GROUP: hello (examples/hello), cli (examples/cli), tls (a TLS round trip
# with a certificate made here with the openssl CLI), sqlite3, compress
# (zlib, bz2, lzma), decimal, ctypes, curses (TERM=dumb), multiprocessing
# (spawn, fork and forkserver, as nobody under prlimit --nproc and timeout,
# on both sides), repl (pyfreeze --python's interactive session in the root,
# through tmux).
#
# A run in a root: the frozen program and its data files are copied into a
# private directory in the root's /tmp (removed at the end) and run there by
# in_root.sh, in new mount and PID namespaces (/proc and /dev/shm of their
# own), with lib.sh's clean environment; python3.11 runs the same source on
# this machine from the source's directory, which holds the same data files.
# Outputs are normalised and compared as lib.sh says, the program's path in
# the root standing for its executable.
#
# In the ASan build every root test is skipped: its stub needs the host's
# libasan, which a root does not have.
source "$(dirname "$0")/lib.sh"

ROOTS_DIR=${PF_ROOTS_DIR:-$PF_BUILD_DIR/roots}
FROZEN_DIR=$PF_BUILD_DIR/tests/roots-frozen
mode=${1:?usage: roots.sh root SUITE | freeze | SUITE GROUP}

if [[ $PF_SANITIZE == 1 ]]; then
    skip_test "the ASan build's stub links the host's libasan, which a Debian root has not: the root tests run in the normal build"
fi
require_sandbox

# The stub the programs are frozen with, and the glibc it needs (the highest
# GLIBC_ symbol version objdump -T shows). Debian 11's glibc is 2.31: a stub
# that needs more cannot start there, so the bullseye root's tests are
# skipped for it, saying so. The default stub links the PVM (pvm/README.md)
# and needs 2.31 at most; only a PYFREEZE_PVM=OFF build's quick stub
# (Debian bookworm's libpython, glibc 2.36) is skipped there.
# PF_ROOTS_STUB=PATH tries another stub.
ROOTS_STUB=${PF_ROOTS_STUB:-$PF_BUILD_DIR/bin/pyfreeze-stub}
stub_glibc() { objdump -T "$ROOTS_STUB" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1; }
if [[ $mode == bullseye || ( $mode == root && ${2:-} == bullseye ) ]]; then
    need=$(stub_glibc)
    if [[ -z $need ]] || [[ $(printf '%s\n' 2.31 "$need" | sort -V | tail -n 1) != 2.31 ]]; then
        skip_test "the stub $ROOTS_STUB needs glibc ${need:-?}, Debian 11 has 2.31: it cannot start there (a PYFREEZE_PVM=OFF build's quick stub; the default stub links the PVM; PF_ROOTS_STUB=PATH tries one)"
    fi
fi

# ---- the fixtures ----------------------------------------------------------------

# The programs, by the name of their directory in FROZEN_DIR: each holds the
# source NAME.py, its data files and frozen/NAME.py.
PROGRAMS_RT=(rt_tls rt_sqlite rt_compress rt_decimal rt_ctypes rt_curses rt_mp)

# freeze_all: freezes every program into a new FROZEN_DIR.
freeze_all() {
    require_built
    local stub=() name
    [[ -n ${PF_ROOTS_STUB:-} ]] && stub=(--stub "$PF_ROOTS_STUB")
    rm -rf "$FROZEN_DIR"
    mkdir -p "$FROZEN_DIR/hello" "$FROZEN_DIR/logreport" "$FROZEN_DIR/python"
    cp "$EXAMPLES/hello/hello.py" "$FROZEN_DIR/hello/"
    cp "$EXAMPLES/cli/logreport.py" "$EXAMPLES/cli/sample.log" "$EXAMPLES/cli/newer.log" "$FROZEN_DIR/logreport/"
    for name in "${PROGRAMS_RT[@]}"; do
        mkdir -p "$FROZEN_DIR/$name"
        cp "$PROGRAMS/$name.py" "$FROZEN_DIR/$name/"
    done
    for name in hello logreport "${PROGRAMS_RT[@]}"; do
        freeze "$FROZEN_DIR/$name/frozen/$name.py" "${stub[@]}" "$FROZEN_DIR/$name/$name.py" &&
            pass "froze $name"
    done
    freeze "$FROZEN_DIR/python/frozen/python" "${stub[@]}" --python && pass "froze the standalone Python"
}

case $mode in
root)
    suite=${2:?usage: roots.sh root SUITE}
    if bash "$E2E_DIR/debian_root.sh" "$suite" "$ROOTS_DIR"; then
        pass "the $suite root is ready"
    else
        fail "the $suite root could not be made (see above)"
    fi
    finish
    ;;
freeze)
    freeze_all
    finish
    ;;
esac

# ---- running in a root -------------------------------------------------------------

suite=$mode
group=${2:?usage: roots.sh SUITE GROUP}
ROOT=$ROOTS_DIR/$suite
[[ -d $ROOT ]] || { fail "no $suite root in $ROOT (the test roots/root/$suite makes it)"; finish; }

# The private directory in the root: WD inside it, WD_HOST seen from here.
WD_HOST=$(mktemp -d "$ROOT/tmp/pf-roots.XXXXXX") || { fail "cannot create a directory in $ROOT/tmp"; finish; }
chmod 0755 "$WD_HOST"
WD=${WD_HOST#"$ROOT"}
cleanup() {
    rm -rf "$WD_HOST"
    [[ ${PF_E2E_KEEP:-0} == 1 ]] || rm -rf "$T"
}
trap cleanup EXIT

# IN_ROOT: the command words that run what follows (a path inside the root)
# in the root, from WD.
IN_ROOT=(unshare --mount --pid --fork --kill-child bash "$E2E_DIR/in_root.sh" "$ROOT" "$WD")
# Words before the program on both sides (multiprocessing: AS_NOBODY).
REF_PREFIX=()
ROOT_PREFIX=()

# use NAME [DATA-FILES...]: takes the frozen program NAME: copies its
# directory from FROZEN_DIR to $T/NAME (SRC; EXE is SRC/frozen/NAME.py), and
# the executable and the DATA-FILES of SRC into WD. The reference runs in SRC
# (RUN_CWD). Returns 1 (recorded) if the program was not frozen.
use() {
    local name=$1 file
    shift
    SRC=$T/$name
    EXE=$SRC/frozen/$name.py
    if [[ ! -x $FROZEN_DIR/$name/frozen/$name.py ]]; then
        fail "$name is not frozen in $FROZEN_DIR (the test roots/freeze freezes it)"
        return 1
    fi
    cp -r "$FROZEN_DIR/$name" "$SRC"
    cp "$EXE" "$WD_HOST/"
    for file in "$@"; do
        cp "$SRC/$file" "$WD_HOST/"
    done
    chmod -R a+rX "$SRC" "$WD_HOST"
    RUN_CWD=$SRC
}

# root_compare NAME STDIN ARGS...: python3.11 REF_FLAGS SRC/SCRIPT ARGS here
# against the frozen program with ARGS in the root (both from their
# directories, with stdin from STDIN, prefixed by REF_PREFIX and ROOT_PREFIX);
# then lib.sh's normalisation and same_result. Runs in $R/NAME.{ref,frz}.
# Returns as same_result does.
root_compare() {
    local name=$1 stdin=$2
    shift 2
    local ref=$R/$name.ref frz=$R/$name.frz script
    script=$(basename "$EXE")
    run_capture "$ref" "$stdin" "${REF_PREFIX[@]}" "$PF_PYTHON" "${REF_FLAGS[@]}" "$SRC/$script" "$@"
    run_capture "$frz" "$stdin" "${IN_ROOT[@]}" "${ROOT_PREFIX[@]}" "$WD/$script" "$@"
    normalise_ref "$ref" "$SRC"
    normalise_frozen "$frz" "$WD/$script"
    same_result "$suite: $name" "$ref" "$frz"
}

# make_certificates DIR: a CA (ca.pem, ca.key) and a certificate it signed
# for localhost and 127.0.0.1 (server.pem, server.key), EC P-256, valid for
# two days, made with the openssl CLI in DIR. Returns 1 (recorded) on error.
make_certificates() {
    local dir=$1
    command -v openssl >/dev/null || { fail "the openssl CLI is not installed (apt-get install openssl)"; return 1; }
    printf '%s\n' subjectAltName=DNS:localhost,IP:127.0.0.1 basicConstraints=CA:FALSE \
        keyUsage=digitalSignature extendedKeyUsage=serverAuth >"$dir/server.ext"
    if ! (cd "$dir" &&
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
            -subj "/O=pyfreeze tests/CN=pyfreeze test CA" -keyout ca.key -out ca.pem &&
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -subj "/O=pyfreeze tests/CN=localhost" -keyout server.key -out server.csr &&
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
            -extfile server.ext -out server.pem) >"$dir/openssl.log" 2>&1; then
        fail "openssl could not make the certificates:"
        sed 's/^/    /' "$dir/openssl.log" >&2
        return 1
    fi
}

# repl_session NAME CMD...: CMD's interactive session in tmux (120x30, TERM
# xterm, the clean environment): at the prompt, types print(6*7) and a
# sqlite3 import, then Ctrl-D. The screen, without trailing blanks and empty
# lines, goes to $R/NAME.pane, the exit status to $R/NAME.rc. Returns 0.
repl_session() {
    local name=$1 sock=$T/tmux.sock
    shift
    local pane=$R/$name.pane rc=$R/$name.rc
    tmux -S "$sock" new-session -d -s "$name" -x 120 -y 30 \
        "env -i TERM=xterm PATH=/usr/bin:/bin HOME=$T/home LANG=C.UTF-8 \
         timeout --foreground 60 $(printf '%q ' "$@"); echo \$? >$rc; sleep 60"
    wait_for() { # ERE: up to 10 s for a screen line matching ERE; 1 if CMD ended
        local _
        for _ in $(seq 100); do
            tmux -S "$sock" capture-pane -p -t "$name" | grep -qE -- "$1" && return 0
            [[ -s $rc ]] && return 1
            sleep 0.1
        done
        return 1
    }
    wait_for '^>>>' &&
        tmux -S "$sock" send-keys -t "$name" 'print(6*7)' Enter && wait_for '^42$' &&
        tmux -S "$sock" send-keys -t "$name" \
            'import sqlite3; print(sqlite3.sqlite_version_info >= (3,))' Enter &&
        wait_for '^True$' && tmux -S "$sock" send-keys -t "$name" C-d
    for _ in $(seq 100); do
        [[ -s $rc ]] && break
        sleep 0.1
    done
    tmux -S "$sock" capture-pane -p -t "$name" | sed -e 's/[[:space:]]*$//' -e '/^$/d' >"$pane"
    tmux -S "$sock" kill-session -t "$name" 2>/dev/null
    [[ -s $rc ]] || echo "no status" >"$rc"
}

# check_repl NAME WHO: the session $R/NAME.pane shows WHO's answers.
check_repl() {
    local name=$1 who=$2 pane=$R/$1.pane
    expect_grep "$who: print(6*7) typed at the prompt" "$pane" '^>>> print\(6\*7\)$'
    expect_grep "$who: 42" "$pane" '^42$'
    expect_grep "$who: sqlite3 imported in the session" "$pane" '^True$'
    expect_eq "$who: Ctrl-D ends the session with status 0" 0 "$(cat "$R/$name.rc")"
}

case $group in
hello)
    use hello || finish
    root_compare hello /dev/null
    expect_eq "$suite: hello prints its greeting" "Hello, world!" "$(cat "$R/hello.frz.out")"
    ;;
cli)
    use logreport sample.log newer.log || finish
    LOG=$SRC/sample.log
    root_compare help /dev/null --help
    root_compare usage-error /dev/null summary --bogus
    root_compare summary-file /dev/null summary sample.log --top 5 --width 50
    expect_grep "$suite: the summary mentions the slowest event" "$R/summary-file.frz.out" "5012.7 ms payments"
    root_compare summary-json "$LOG" -v summary --format json -
    root_compare grep-i /dev/null grep -i 'TIMEOUT|refused' sample.log
    root_compare pack "$LOG" -v pack
    root_compare unpack "$R/pack.ref.out" unpack
    root_compare missing-file /dev/null summary no-such.log
    root_compare strict-traceback /dev/null --strict summary sample.log
    RUN_ENV=(LANG=)
    root_compare c-locale "$LOG" summary
    RUN_ENV=()
    ;;
tls)
    use rt_tls || finish
    make_certificates "$SRC" || finish
    cp "$SRC/ca.pem" "$SRC/server.pem" "$SRC/server.key" "$WD_HOST/"
    root_compare tls /dev/null
    expect_grep "$suite: the TLS echo came back whole" "$R/tls.frz.out" '^  echoed 102400 True '
    expect_grep "$suite: a wrong host name is refused" "$R/tls.frz.out" '^refused wrong\.example 62 Hostname mismatch'
    ;;
sqlite3 | compress | decimal | ctypes)
    name=rt_$group
    [[ $group == sqlite3 ]] && name=rt_sqlite
    use "$name" || finish
    root_compare "$group" /dev/null
    expect_eq "$suite: $group exits 0" 0 "$(status_of "$R/$group.frz")"
    ;;
curses)
    use rt_curses || finish
    RUN_ENV=(TERM=dumb)
    root_compare curses /dev/null
    expect_grep "$suite: the dumb terminal's entry was read" "$R/curses.frz.out" '^numbers 80 '
    ;;
multiprocessing)
    use rt_mp || finish
    as_nobody 120
    REF_PREFIX=("${AS_NOBODY[@]}")
    ROOT_PREFIX=("${AS_NOBODY[@]}")
    for method in spawn fork forkserver; do
        root_compare "$method" /dev/null "$method"
        expect_grep "$suite: $method: the manager answered" "$R/$method.frz.out" "^manager \{'answer': 42\}$"
        expect_grep "$suite: $method: ran as nobody under prlimit --nproc=200" "$R/$method.frz.out" \
            '^user 65534 65534 \[\] nproc \(200, 200\)$'
    done
    ;;
repl)
    command -v tmux >/dev/null || { fail "tmux is not installed (apt-get install tmux)"; finish; }
    SRC=$T/python
    cp -r "$FROZEN_DIR/python" "$SRC" || { fail "the standalone Python is not frozen in $FROZEN_DIR"; finish; }
    cp "$SRC/frozen/python" "$WD_HOST/"
    repl_session ref "$PF_PYTHON" -I
    check_repl ref python3.11
    repl_session frz "${IN_ROOT[@]}" "$WD/python"
    check_repl frz "$suite: the standalone Python"
    ;;
*)
    fail "unknown group '$group'"
    ;;
esac
finish

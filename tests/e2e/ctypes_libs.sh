#!/bin/bash
# e2e/ctypes-libs/CASE: shared libraries a program loads itself with ctypes,
# packed by --add-binary SRC:DEST or --include-library SONAME (which no
# extension module needs) and found by ctypes.util.find_library and
# ctypes.CDLL from memory (runtime/import/support.py patch_module), run with
# the host's libzstd hidden (hide_libs.sh) and Python hidden (sandbox.sh),
# compared with python3.11 -I on the same source:
#   add-binary       find_library('zstd'), CDLL(that), ZSTD_versionNumber();
#                    and CDLL(<dir of __file__>/native/libzstd.so.1), the
#                    library where DEST shows it (the reference reads a copy
#                    in the source's native/ directory)
#   include-library  the same program with --include-library libzstd.so.1
#   extension        CDLL(_ctypes_test.__file__): a packed extension module
#                    given by its path under the executable loads the copy
#                    the importer loaded (the same handle); a path next to it
#                    that names nothing is an OSError, as under python3
#   errors           without either option the hidden library cannot be
#                    loaded (the hiding works); a missing SRC, a glibc
#                    library and an unknown SONAME are errors naming them,
#                    nothing written
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

case_name=${1:?usage: ctypes_libs.sh add-binary|include-library|extension|errors}
ZSTD=$(ldconfig -p | awk '$1 == "libzstd.so.1" && /x86-64/ { print $NF; exit }')
[[ -n $ZSTD ]] || skip_test "libzstd.so.1 is not installed (apt-get install libzstd1)"
LIBS=$T/libs.txt
readlink -f -- "$ZSTD" >"$LIBS"

# the frozen programs run with libzstd hidden too
FROZEN_RUNNER=run_libs_hidden

zstd_program() {
    cat <<'PY'
import ctypes, ctypes.util, os, sys
name = ctypes.util.find_library("zstd")
print("find_library('zstd'):", name)
lib = ctypes.CDLL(name)
lib.ZSTD_versionNumber.restype = ctypes.c_uint
print("ZSTD_versionNumber:", lib.ZSTD_versionNumber())
print("find_library('nosuchlib'):", ctypes.util.find_library("nosuchlib"))
if sys.argv[1:] == ["dest"]:
    here = os.path.dirname(os.path.abspath(__file__))
    byPath = ctypes.CDLL(os.path.join(here, "native", "libzstd.so.1"))
    byPath.ZSTD_versionString.restype = ctypes.c_char_p
    print("by path:", byPath.ZSTD_versionString().decode())
PY
}

case $case_name in
add-binary)
    program zstd --add-binary "$ZSTD:native" < <(zstd_program) || finish
    mkdir -p "$SRC/native" && cp "$ZSTD" "$SRC/native/libzstd.so.1" && chmod -R a+rX "$SRC"
    compare "--add-binary, find_library and CDLL by SONAME" /dev/null
    compare "--add-binary, CDLL by the path DEST shows" /dev/null dest
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "the payload has libs/libzstd.so.1" "$T/inspect.txt" "libs/libzstd\.so\.1"
    ;;
include-library)
    program zstd --include-library libzstd.so.1 < <(zstd_program) || finish
    compare "--include-library of a library nothing needs, found by ctypes" /dev/null
    ;;
extension)
    program extpath <<'PY' || finish
import ctypes, _ctypes_test
dll = ctypes.CDLL(_ctypes_test.__file__)
print(dll.tf_i(9), dll.get_an_integer())
print("same handle:", ctypes.CDLL(_ctypes_test.__file__)._handle == dll._handle)
try:
    ctypes.CDLL(_ctypes_test.__file__ + ".missing")
except OSError:
    print("OSError for a path that names nothing")
PY
    FROZEN_RUNNER=run_frozen
    compare "ctypes.CDLL of a packed extension module's __file__" /dev/null
    expect_grep "the reference loaded it (not an error on both sides)" "$R/ctypes.CDLL of a packed extension module's __file__.ref.out" "^3 42$"
    ;;
errors)
    program zstd < <(zstd_program) || finish
    run_libs_hidden "$R/plain" /dev/null "$EXE"
    expect_grep "without --add-binary the hidden library does not load" "$R/plain.err" \
        "OSError|file too short"
    [[ $(status_of "$R/plain") != 0 ]] && pass "... and the program fails" ||
        fail "a program without the library ran: $(cat "$R/plain.out")"
    # expect_refused NAME PATTERN ARGS...: pyfreeze ARGS fails with a message
    # matching PATTERN and writes no output.
    expect_refused() {
        local name=$1 pattern=$2
        shift 2
        rm -f "$T/out"
        "$PYFREEZE" "$SRC/zstd.py" -o "$T/out" "$@" >"$T/refused.out" 2>"$T/refused.err"
        local rc=$?
        if ((rc > 0 && rc < 128)) && [[ ! -e $T/out ]] && grep -Eq -- "$pattern" "$T/refused.err"; then
            pass "$name: $(head -n 1 "$T/refused.err")"
        else
            fail "$name: status $rc, output $([[ -e $T/out ]] && echo written || echo absent): $(head -n 3 "$T/refused.err")"
        fi
    }
    expect_refused "--add-binary of a missing file" "/nonexistent/libfoo\.so\.1" \
        --add-binary /nonexistent/libfoo.so.1:.
    expect_refused "--add-binary of a glibc library" "libc\.so\.6.*glibc" \
        --add-binary "$(ldconfig -p | awk '$1 == "libc.so.6" && /x86-64/ { print $NF; exit }'):."
    expect_refused "--add-binary without DEST" "SRC:DEST" --add-binary "$ZSTD"
    expect_refused "--include-library of a SONAME not installed" "libnosuch\.so\.9" \
        --include-library libnosuch.so.9
    ;;
*)
    fail "unknown case '$case_name'"
    ;;
esac
finish

#!/bin/bash
# e2e/cli-messages: what the command says of a mistyped option or command
# (a suggestion from the option table, usage status 2, nothing written), of
# options whose value matches nothing (a warning naming the option and the
# value, the freeze going on), and --version (pyfreeze's version, the
# stub's CPython, the stub's glibc floor).
source "$(dirname "$0")/lib.sh"
require_built

W=$T/work
mkdir -p "$W"
cd "$W" || exit 1
echo 'print("hello")' >app.py

# run_pf NAME ARGS...: pyfreeze ARGS; $T/NAME.{out,err,rc}.
run_pf() {
    local name=$1
    shift
    "$PYFREEZE" "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
}

run_pf typo app.py --ouput app
expect_eq "a mistyped option: usage status 2" 2 "$(status_of "$T/typo")"
expect_eq "... and a suggestion" \
    "pyfreeze: error: unknown option '--ouput'; did you mean '--output'?" "$(cat "$T/typo.err")"
expect_eq "... and nothing written" "app.py" "$(ls -A)"
run_pf typo2 app.py -o app --hidden-imports=json
expect_grep "--opt=VALUE: the name alone is suggested for" "$T/typo2.err" \
    "unknown option '--hidden-imports'; did you mean '--hidden-import'\\?$"
run_pf cmd inspcet app
expect_eq "a mistyped command: usage status 2" 2 "$(status_of "$T/cmd")"
expect_grep "... and a suggestion" "$T/cmd.err" "unknown command 'inspcet'; did you mean 'inspect'\\?"

# Options that match nothing: warnings, and the program is still frozen and
# runs. json.tool exists (not imported: no warning); nosuch_optional is
# imported in a try (reached: excluding it is what silences its warning);
# libssl.so.3 is needed by _ssl (bundled), libc.so.6 left to the target.
# (--include-library with a plain SONAME that is not installed is an error,
# not a warning: e2e/ctypes-libs/errors checks that.)
cat >opt.py <<'PY'
import ssl
try:
    import nosuch_optional
except ImportError:
    nosuch_optional = None
print("ok", nosuch_optional)
PY
run_pf unmatched opt.py -o opt --exclude-module nosuchthing --exclude-module json.tool \
    --exclude-module nosuch_optional --include-library 'libnosuch*.so.9' \
    --exclude-library 'libnosuch*' --include-library 'libssl*' --exclude-library libc.so.6
expect_eq "options that match nothing: the freeze works" 0 "$(status_of "$T/unmatched")"
expect_eq "... and the program runs" "ok None" "$(./opt 2>&1)"
expect_grep "--exclude-module nosuchthing: a warning" "$T/unmatched.err" \
    "^pyfreeze: warning: --exclude-module 'nosuchthing' matched nothing: no import reached"
expect_grep "--include-library 'libnosuch*.so.9': a warning" "$T/unmatched.err" \
    "^pyfreeze: warning: --include-library 'libnosuch\\*\\.so\\.9' matched nothing"
expect_grep "--exclude-library 'libnosuch*': a warning" "$T/unmatched.err" \
    "^pyfreeze: warning: --exclude-library 'libnosuch\\*' matched nothing"
expect_eq "... and no other: not for an existing module, one reached, a library matched" 3 \
    "$(grep -c "matched nothing" "$T/unmatched.err")"
run_pf quiet opt.py -o opt -q --exclude-module nosuchthing
expect_eq "-q: no warning" "" "$(cat "$T/quiet.err")"

run_pf version --version
expect_eq "--version: status 0" 0 "$(status_of "$T/version")"
expect_grep "--version: pyfreeze's version" "$T/version.out" "^pyfreeze [0-9]+\\.[0-9]+\\.[0-9]+$"
py_version=$("$PF_PYTHON" -c 'import sys; print(sys.version.split()[0])')
expect_grep "--version: the stub's CPython ($py_version, as the PVM's source)" "$T/version.out" \
    "^CPython $py_version "
floor=$(LC_ALL=C objdump -T "$(dirname "$PYFREEZE")/pyfreeze-stub" |
    grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2,2n -u | tail -1)
expect_grep "--version: the stub's glibc floor (${floor#GLIBC_}, as objdump -T says)" \
    "$T/version.out" "^stub .*pyfreeze-stub: a frozen program needs glibc >= ${floor#GLIBC_} "
finish

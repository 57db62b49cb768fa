#!/bin/bash
# e2e/freezer-errors: what pyfreeze says when it cannot freeze, and that it
# then leaves no output behind; an unresolvable import is only a warning.
source "$(dirname "$0")/lib.sh"
require_built

W=$T/work
mkdir -p "$W"
cd "$W" || exit 1

# run_freezer NAME ARGS...: pyfreeze ARGS in the current directory;
# $T/NAME.{out,err,rc}, and the directory's listing before and after.
run_freezer() {
    local name=$1
    shift
    ls -A >"$T/$name.before"
    "$PYFREEZE" "$@" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
    ls -A >"$T/$name.after"
}

# expect_clean_failure NAME WHAT OUT: a non-zero status below 128 (no
# crash), no traceback from the freezer, OUT not created.
expect_clean_failure() {
    local name=$1 what=$2 out=$3 rc
    rc=$(status_of "$T/$name")
    if ((rc > 0 && rc < 128)); then
        pass "$what: exit status $rc"
    else
        fail "$what: exit status $rc (expected 1..127)"
        sed 's/^/    /' "$T/$name.err" >&2
    fi
    expect_no_grep "$what: no Python traceback or sanitizer report" "$T/$name.err" \
        'Traceback \(most recent|AddressSanitizer|runtime error:'
    if [[ -e $out ]]; then
        fail "$what: $out was created"
    else
        pass "$what: no output file"
    fi
    if ! diff "$T/$name.before" "$T/$name.after" >"$T/$name.leftover"; then
        fail "$what: files appeared or vanished: $(grep '^[<>]' "$T/$name.leftover" | tr '\n' ' ')"
    fi
}

# -- A syntax error is reported exactly as python3.11 reports it. --------------
printf 'import os\n\ndef broken(:\n    pass\n' >bad.py
"$PF_PYTHON" -I bad.py >"$T/py-bad.out" 2>"$T/py-bad.err"
expect_eq "python3.11 reports the syntax error with status 1" 1 "$?"
for spelling in bad.py "$W/bad.py"; do
    run_freezer syntax "$spelling" -o bad
    expect_eq "syntax error ($spelling): status 1" 1 "$(status_of "$T/syntax")"
    # python3.11's report, verbatim, then at most lines of pyfreeze's own.
    n=$(wc -l <"$T/py-bad.err")
    if head -n "$n" "$T/syntax.err" | cmp -s - "$T/py-bad.err" &&
        ! tail -n +"$((n + 1))" "$T/syntax.err" | grep -qv '^pyfreeze: '; then
        pass "syntax error ($spelling): reported as python3.11 does"
    else
        fail "syntax error ($spelling): python3.11 said:"
        sed 's/^/    /' "$T/py-bad.err" >&2
        echo "  pyfreeze said:" >&2
        sed 's/^/    /' "$T/syntax.err" >&2
    fi
    expect_clean_failure syntax "syntax error ($spelling)" "$W/bad"
done

# A syntax error in an imported module stops the freeze too, naming the file.
mkdir -p "$W/imp"
printf 'import helper\nprint(helper.X)\n' >"$W/imp/main.py"
printf 'X = (1,\n' >"$W/imp/helper.py"
(cd imp && run_freezer syntax-import "$W/imp/main.py" -o "$W/imp/out")
expect_eq "syntax error in an imported module: status 1" 1 "$(status_of "$T/syntax-import")"
expect_grep "syntax error in an imported module names it" "$T/syntax-import.err" "helper\.py"
expect_clean_failure syntax-import "syntax error in an imported module" "$W/imp/out"

# -- Missing script. ---------------------------------------------------------------
run_freezer missing no-such-script.py -o missing
expect_clean_failure missing "missing script" "$W/missing"
expect_grep "missing script: the message names it" "$T/missing.err" "no-such-script\.py"

# -- Unreadable script (as an unprivileged user: root reads anything). ---------------
if command -v setpriv >/dev/null && [[ $(id -u) == 0 ]]; then
    U=$T/unreadable
    mkdir -p "$U"
    echo 'print("secret")' >"$U/secret.py"
    chmod 000 "$U/secret.py"
    chown 65534:65534 "$U"
    chmod 0755 "$U"
    (cd "$U" && ls -A >"$T/unreadable.before" &&
        "${NOBODY[@]}" env HOME="$U" \
            "$PYFREEZE" secret.py -o "$U/secret" >"$T/unreadable.out" 2>"$T/unreadable.err"
        echo $? >"$T/unreadable.rc"
        ls -A >"$T/unreadable.after")
    if grep -q "pyfreeze-stub\|Permission denied.*pyfreeze" "$T/unreadable.err" &&
        ! grep -q secret "$T/unreadable.err"; then
        fail "unreadable script: nobody cannot run the freezer at all: $(cat "$T/unreadable.err")"
    fi
    expect_clean_failure unreadable "unreadable script" "$U/secret"
    expect_grep "unreadable script: the message names the file and the reason" "$T/unreadable.err" \
        "secret\.py.*([Pp]ermission denied|cannot read|not readable)|([Pp]ermission denied|cannot read|not readable).*secret\.py"
elif [[ $(id -u) == 0 ]]; then
    echo "SKIPPED CHECK: unreadable script (setpriv not found)"
else
    chmod 000 "$W/bad.py"
    run_freezer unreadable bad.py -o unreadable
    expect_clean_failure unreadable "unreadable script" "$W/unreadable"
    chmod 644 "$W/bad.py"
fi

# -- Output directory missing. ---------------------------------------------------------
echo 'print("ok")' >ok.py
run_freezer nodir ok.py -o "$W/no/such/dir/ok"
rmdir -p no/such/dir 2>/dev/null
expect_clean_failure nodir "output directory missing" "$W/no/such/dir/ok"
expect_grep "output directory missing: the message names it" "$T/nodir.err" "no/such/dir"

# -- OUT is the script itself: refused, the script untouched. ----------------------------
cp ok.py ok.py.orig
for spelling in ok.py "./ok.py" "$W/ok.py"; do
    run_freezer same ok.py -o "$spelling"
    rc=$(status_of "$T/same")
    if ((rc > 0 && rc < 128)); then
        pass "OUT equal to the script ($spelling): refused with status $rc"
    else
        fail "OUT equal to the script ($spelling): status $rc"
    fi
    if cmp -s ok.py ok.py.orig; then
        pass "OUT equal to the script ($spelling): the script is unchanged"
    else
        fail "OUT equal to the script ($spelling): the script was overwritten"
        cp ok.py.orig ok.py
    fi
    expect_grep "OUT equal to the script ($spelling): the message names it" "$T/same.err" "ok\.py"
done

# -- Usage errors exit 2 without freezing. -----------------------------------------------
run_freezer no-entry -o x -v
expect_eq "nothing to freeze (no pyproject.toml here): usage error, status 2" 2 "$(status_of "$T/no-entry")"
run_freezer bad-option ok.py -o x --no-such-option
expect_eq "unknown option: usage error, status 2" 2 "$(status_of "$T/bad-option")"
expect_grep "unknown option: named" "$T/bad-option.err" "no-such-option"
[[ ! -e x && ! -e dist ]] && pass "usage errors create nothing" || fail "a usage error created x or dist"

# -- An import that cannot be resolved is a warning naming file and line. ------------------
cat >optional.py <<'EOF'
import sys
try:
    import no_such_module_pyfreeze_e2e
except ImportError:
    no_such_module_pyfreeze_e2e = None
print("optional module:", no_such_module_pyfreeze_e2e)
EOF
run_freezer optional optional.py -o optional
expect_eq "unresolvable import: the freeze succeeds" 0 "$(status_of "$T/optional")"
expect_grep "unresolvable import: a warning names the module" "$T/optional.err" "no_such_module_pyfreeze_e2e"
expect_grep "unresolvable import: the warning names file and line" "$T/optional.err" \
    'optional\.py(:3\b|.*line 3\b)'
if [[ -x optional ]] && unshare -m true 2>/dev/null; then
    run_frozen "$T/optional-run" /dev/null "$W/optional"
    expect_eq "unresolvable import: the program runs without it" "optional module: None" \
        "$(cat "$T/optional-run.out")"
fi

# -- What a freeze prints: the program's own misses first, then at most two summary lines
#    (counts per distribution), then one line on success; -q only errors; --strict refuses.
mkdir -p ownpkg
cat >ownpkg/__init__.py <<'EOF'
def later():
    import no_such_in_function_pyfreeze_e2e
EOF
cat >msgs.py <<'EOF'
import json
import ownpkg
import no_such_at_top_pyfreeze_e2e
print(json.dumps([1]))
EOF
run_freezer msgs msgs.py -o msgs
expect_eq "messages: the freeze succeeds" 0 "$(status_of "$T/msgs")"
expect_eq "messages: the first line is the own module-level miss" \
    "pyfreeze: warning: msgs.py:3: cannot find module 'no_such_at_top_pyfreeze_e2e' (imported by __main__); the frozen program will raise ImportError there if it runs this import" \
    "$(head -n 1 "$T/msgs.err")"
expect_grep "messages: a miss inside a function is summed up, not listed" "$T/msgs.err" \
    "^pyfreeze: 1 more import cannot be found, in code that may never run: 1 in the program's own functions or try blocks \(pyfreeze -v lists them\)$"
expect_grep "messages: the last line says what was written" "$T/msgs.err" \
    "^pyfreeze: wrote msgs: [0-9.]+ MB, [0-9]+ modules, [0-9]+ shared librar(y|ies); needs glibc >= [0-9.]+$"
expect_eq "messages: three lines in all" 3 "$(wc -l <"$T/msgs.err")"
if grep -q "standard library\|TYPE_CHECKING" "$T/msgs.err"; then
    fail "messages: the stdlib's own misses and guarded edges are -v's only: $(cat "$T/msgs.err")"
else
    pass "messages: nothing about the stdlib's own misses without -v"
fi
run_freezer msgs-v -v msgs.py -o msgs-v
expect_grep "messages: -v lists the miss inside a function" "$T/msgs-v.err" \
    "ownpkg/__init__.py:2: cannot find module 'no_such_in_function_pyfreeze_e2e'"
run_freezer msgs-q -q msgs.py -o msgs-q
expect_eq "messages: -q succeeds" 0 "$(status_of "$T/msgs-q")"
expect_eq "messages: -q prints nothing when nothing failed" "" "$(cat "$T/msgs-q.err" "$T/msgs-q.out")"
rm -f msgs-strict
run_freezer msgs-strict --strict msgs.py -o msgs-strict
expect_eq "--strict: an own unresolved import fails the freeze" 1 "$(status_of "$T/msgs-strict")"
expect_grep "--strict: the error says why and what to do" "$T/msgs-strict.err" \
    "--strict: 2 imports in the program's own code cannot be found .*nothing written"
expect_grep "--strict: the miss inside a function is listed too" "$T/msgs-strict.err" \
    "no_such_in_function_pyfreeze_e2e"
[[ ! -e msgs-strict ]] && pass "--strict: nothing written" || fail "--strict wrote msgs-strict"
run_freezer optional-strict --strict optional.py -o optional-strict
expect_eq "--strict: an import guarded by try/except ImportError is allowed" 0 \
    "$(status_of "$T/optional-strict")"

finish

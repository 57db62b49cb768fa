#!/bin/bash
# e2e/install: `cmake --install BUILD --prefix P` gives a P/bin/pyfreeze that
# finds its stubs in P/lib/pyfreeze/ (pyfreeze-stub, and pyfreeze-stub-pie
# for --pie) and freezes a working program; without the stub it says so,
# and --stub names one.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

P=$T/prefix
if ! cmake --install "$PF_BUILD_DIR" --prefix "$P" >"$T/install.log" 2>&1; then
    fail "cmake --install failed:"
    sed 's/^/    /' "$T/install.log" >&2
    finish
fi
[[ -x $P/bin/pyfreeze ]] && pass "installed bin/pyfreeze" || fail "no $P/bin/pyfreeze"
[[ -x $P/lib/pyfreeze/pyfreeze-stub ]] && pass "installed lib/pyfreeze/pyfreeze-stub" ||
    fail "no $P/lib/pyfreeze/pyfreeze-stub: $(cd "$P" && find . -type f | tr '\n' ' ')"

[[ -x $P/lib/pyfreeze/pyfreeze-stub-pie ]] && pass "installed lib/pyfreeze/pyfreeze-stub-pie" ||
    fail "no $P/lib/pyfreeze/pyfreeze-stub-pie: $(cd "$P" && find . -type f | tr '\n' ' ')"
# The man page and the bash completion (made from the option table).
MANPATH=$P/share/man man -w pyfreeze >/dev/null 2>&1 && pass "man finds the installed pyfreeze(1)" ||
    fail "man -w pyfreeze finds no page under $P/share/man"
[[ -f $P/share/bash-completion/completions/pyfreeze ]] &&
    pass "installed share/bash-completion/completions/pyfreeze" ||
    fail "no $P/share/bash-completion/completions/pyfreeze"

PYFREEZE=$P/bin/pyfreeze freeze "$T/out/hello" "$EXAMPLES/hello/hello.py" || finish
run_frozen "$T/run" /dev/null "$T/out/hello"
expect_eq "a program frozen by the installed pyfreeze runs" "Hello, world!" "$(cat "$T/run.out")"
expect_eq "... and exits 0" 0 "$(status_of "$T/run")"
expect_eq "... and is a fixed-address executable" EXEC "$(elf_type "$T/out/hello")"
PYFREEZE=$P/bin/pyfreeze freeze "$T/out/hello-pie" --pie "$EXAMPLES/hello/hello.py" || finish
run_frozen "$T/run-pie" /dev/null "$T/out/hello-pie"
expect_eq "with --pie, the installed pyfreeze uses the installed PIE stub" "DYN:Hello, world!:0" \
    "$(elf_type "$T/out/hello-pie"):$(cat "$T/run-pie.out"):$(status_of "$T/run-pie")"

# Without its stub the installed freezer fails cleanly, naming the stub.
mv "$P/lib/pyfreeze/pyfreeze-stub" "$T/stub-moved"
"$P/bin/pyfreeze" "$EXAMPLES/hello/hello.py" -o "$T/out/nostub" >"$T/nostub.out" 2>"$T/nostub.err"
rc=$?
if ((rc > 0 && rc < 128)) && [[ ! -e $T/out/nostub ]] && grep -qi stub "$T/nostub.err"; then
    pass "a missing stub is an error naming it: $(head -n 1 "$T/nostub.err")"
else
    fail "missing stub: status $rc, output $( [[ -e $T/out/nostub ]] && echo created || echo absent): $(head -3 "$T/nostub.err")"
fi
PYFREEZE=$P/bin/pyfreeze freeze "$T/out/hello2" --stub "$T/stub-moved" "$EXAMPLES/hello/hello.py" || finish
run_frozen "$T/run2" /dev/null "$T/out/hello2"
expect_eq "--stub PATH works" "Hello, world!" "$(cat "$T/run2.out")"
mv "$T/stub-moved" "$P/lib/pyfreeze/pyfreeze-stub"

# The PVM's stdlib is installed beside the stubs, and the installed freezer
# packs it even when the build tree's is gone (hidden by an empty tmpfs in
# a mount namespace); without it, one clear error.
if [[ -n ${PF_PVM_STDLIB_DIR:-} ]]; then
    pvm=$P/lib/pyfreeze/pvm/lib
    for file in python3.11/os.py python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so \
        libssl.so.3 libcrypto.so.3 ../pvm-libraries.json; do
        [[ -e $pvm/$file ]] && pass "installed the PVM's $file" || fail "no $pvm/$file"
    done
    [[ ! -e $pvm/python3.11/test && ! -e $pvm/python3.11/lib-dynload/_gdbm.cpython-311-x86_64-linux-gnu.so ]] &&
        pass "no test package, no _gdbm installed" || fail "the installed PVM has test/ or _gdbm"
    printf 'import ssl, sqlite3\nprint(ssl.OPENSSL_VERSION.split()[0], sqlite3.sqlite_version > "3")\n' \
        > "$T/natives.py"
    unshare -m bash -c 'mount -t tmpfs none "$1" && shift && "$@"' _ "$PF_PVM_STDLIB_DIR" \
        "$P/bin/pyfreeze" --no-cache "$T/natives.py" -o "$T/out/natives" \
        --report "$T/natives.json" >"$T/nat.log" 2>&1
    expect_eq "the installed freezer freezes with its own PVM stdlib" "0" "$?"
    # its report names the source package of the PVM's libraries, from the
    # installed pvm-libraries.json (no PVM source tree beside an install)
    expect_eq "... and its report says libcrypto.so.3 is the PVM's openssl, with a licence" \
        "openssl:True" "$("$PF_PYTHON" -I -c 'import json, sys
libs = {l["soname"]: l for l in json.load(open(sys.argv[1]))["libraries"]}
c = libs.get("libcrypto.so.3") or {}
print("%s:%s" % ((c.get("pvm_source") or {}).get("package"), bool(c.get("licence"))))' \
        "$T/natives.json" 2>&1)"
    run_frozen "$T/run3" /dev/null "$T/out/natives"
    expect_eq "... and the program runs" "OpenSSL True:0" "$(cat "$T/run3.out"):$(status_of "$T/run3")"
    mv "$pvm/python3.11" "$T/stdlib-moved"
    unshare -m bash -c 'mount -t tmpfs none "$1" && shift && "$@"' _ "$PF_PVM_STDLIB_DIR" \
        "$P/bin/pyfreeze" "$T/natives.py" -o "$T/out/nostdlib" >"$T/nostdlib.out" 2>"$T/nostdlib.err"
    rc=$?
    if ((rc > 0 && rc < 128)) && [[ ! -e $T/out/nostdlib ]] &&
        grep -q "PVM's standard library is missing" "$T/nostdlib.err"; then
        pass "a missing PVM stdlib is one error: $(head -n 1 "$T/nostdlib.err")"
    else
        fail "missing PVM stdlib: status $rc: $(head -3 "$T/nostdlib.err")"
    fi
    mv "$T/stdlib-moved" "$pvm/python3.11"
fi
finish

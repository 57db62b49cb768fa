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
finish

#!/bin/bash
# e2e/pie: the two stubs (stub/CMakeLists.txt). By default a program is
# frozen with pyfreeze-stub, a fixed-address executable (ET_EXEC) as Debian's
# python3.11 is; with --pie with pyfreeze-stub-pie, a position-independent
# one (ET_DYN). Both frozen programs must run as python3.11 -I does,
# extension modules included (packed .so files from lib-dynload that bind to
# the C API the stub exports), and only the --pie one may have its code at a
# new address in every run. The payload is the same bytes either way: the
# stub is no part of what is packed or cached.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox
BIN=$(dirname "$PYFREEZE")
[[ -x $BIN/pyfreeze-stub-pie ]] || { fail "pyfreeze-stub-pie is not built next to $PYFREEZE"; finish; }

SRC=$T/src
mkdir -p "$SRC"
cat >"$SRC/pieprog.py" <<'EOF'
import sys

if sys.argv[1:] == ["address"]:
    # Where the executable's own code is: Py_Initialize as the stub (or
    # python3.11) exports it, through dlopen(NULL).
    import ctypes

    print(hex(ctypes.cast(ctypes.pythonapi.Py_Initialize, ctypes.c_void_p).value))
    sys.exit(0)

import decimal
import json
import sqlite3

import _decimal  # lib-dynload/_decimal.cpython-311-x86_64-linux-gnu.so

decimal.getcontext().prec = 30
print("decimal:", decimal.Decimal(1) / decimal.Decimal(7), type(decimal.Decimal(1)).__module__)
print("decimal is _decimal:", decimal.Decimal is _decimal.Decimal)
db = sqlite3.connect(":memory:")
db.execute("create table t (k text, v real)")
db.executemany("insert into t values (?, ?)", [("a", 1.5), ("b", 2.25)])
print("sqlite3:", db.execute("select k, v * 2 from t order by k").fetchall())
print("json:", json.dumps({"pie": sys.argv[1:]}, sort_keys=True))
if sys.argv[1:] == ["divide"]:
    print(decimal.Decimal(1) / 0)  # raises decimal.DivisionByZero from C
EOF

# The same program frozen both ways, into directories of their own (the
# executable is named like the script, see lib.sh).
freeze "$T/default/pieprog.py" "$SRC/pieprog.py" || finish
freeze "$T/pie/pieprog.py" --pie "$SRC/pieprog.py" || finish

# -- ELF types: the stubs and what was frozen with each. -------------------------
expect_eq "pyfreeze-stub is a fixed-address executable" EXEC "$(elf_type "$BIN/pyfreeze-stub")"
expect_eq "pyfreeze-stub-pie is position-independent" DYN "$(elf_type "$BIN/pyfreeze-stub-pie")"
expect_eq "a default freeze is a fixed-address executable" EXEC "$(elf_type "$T/default/pieprog.py")"
expect_eq "a --pie freeze is position-independent" DYN "$(elf_type "$T/pie/pieprog.py")"
"$PYFREEZE" inspect "$T/default/pieprog.py" >"$T/inspect-default.txt"
expect_grep "inspect: the default freeze is at a fixed address" "$T/inspect-default.txt" \
    '^[^ ]*pieprog\.py: frozen program, fixed-address executable \(ET_EXEC'
"$PYFREEZE" inspect "$T/pie/pieprog.py" >"$T/inspect-pie.txt"
expect_grep "inspect: the --pie freeze is position-independent" "$T/inspect-pie.txt" \
    '^[^ ]*pieprog\.py: frozen program, position-independent executable \(ET_DYN\)'

# -- The payloads are the same bytes (the second freeze used the first one's
# -- cache: nothing of the stub is in it). --------------------------------------
for kind in default pie; do
    objcopy --dump-section .pyfreeze="$T/$kind.tar.zst" "$T/$kind/pieprog.py" "$T/$kind.copy"
done
if cmp -s "$T/default.tar.zst" "$T/pie.tar.zst"; then
    pass "both freezes carry the same payload ($(stat -c %s "$T/pie.tar.zst") bytes)"
else
    fail "the payloads differ: $(stat -c %s "$T/default.tar.zst") and $(stat -c %s "$T/pie.tar.zst") bytes"
fi

# -- Both run as python3.11 -I, extension modules included. ----------------------
for kind in default pie; do
    EXE=$T/$kind/pieprog.py
    compare "$kind" /dev/null
    compare "$kind-divide" /dev/null divide
done
expect_grep "the uncaught exception came from _decimal" "$R/pie-divide.frz.err" \
    '^decimal\.DivisionByZero: '

# -- Where the code is: the same address in every run of the default freeze,
# -- a new one in each run of the --pie freeze (ASLR). --------------------------
for kind in default pie; do
    for run in 1 2; do
        run_frozen "$T/addr-$kind-$run" /dev/null "$T/$kind/pieprog.py" address
        [[ $(status_of "$T/addr-$kind-$run") == 0 ]] ||
            fail "$kind address run $run: exit $(status_of "$T/addr-$kind-$run"): $(tail -3 "$T/addr-$kind-$run.err")"
    done
done
addr() { cat "$T/addr-$1.out"; }
expect_grep "the default freeze prints an address" "$T/addr-default-1.out" '^0x[0-9a-f]+$'
expect_eq "the default freeze's code is at the same address in every run" \
    "$(addr default-1)" "$(addr default-2)"
expect_grep "the --pie freeze prints an address" "$T/addr-pie-1.out" '^0x[0-9a-f]+$'
if [[ $(cat /proc/sys/kernel/randomize_va_space 2>/dev/null) == 0 ]]; then
    echo "note: ASLR is off on this machine (kernel.randomize_va_space=0): not comparing addresses"
elif [[ $(addr pie-1) != "$(addr pie-2)" ]]; then
    pass "the --pie freeze's code moves between runs ($(addr pie-1), $(addr pie-2))"
else
    fail "the --pie freeze's code is at $(addr pie-1) in both runs: not address-randomized"
fi

# -- Usage: --stub and --pie together, and a missing PIE stub. --------------------
"$PYFREEZE" "$SRC/pieprog.py" --pie --stub "$BIN/pyfreeze-stub-pie" -o "$T/both" \
    >/dev/null 2>"$T/both.err"
expect_eq "--stub with --pie is a usage error (exit 2)" 2 "$?"
expect_grep "... saying to give one of them" "$T/both.err" 'give --stub PATH or --pie, not both'
# A pyfreeze with only the default stub beside it (and none installed).
mkdir -p "$T/lonely/bin"
cp "$PYFREEZE" "$BIN/pyfreeze-stub" "$T/lonely/bin/"
"$T/lonely/bin/pyfreeze" "$SRC/pieprog.py" --pie -o "$T/lonely/out" >/dev/null 2>"$T/lonely.err"
rc=$?
if ((rc == 1)) && [[ ! -e $T/lonely/out ]] &&
    grep -q "pyfreeze-stub-pie.*build the pyfreeze-stub-pie target" "$T/lonely.err"; then
    pass "a missing PIE stub is an error naming it: $(head -n 1 "$T/lonely.err")"
else
    fail "--pie without pyfreeze-stub-pie: exit $rc, output $([[ -e $T/lonely/out ]] && echo created || echo absent): $(head -3 "$T/lonely.err")"
fi
finish

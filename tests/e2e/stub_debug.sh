#!/bin/bash
# e2e/stub-debug: the stubs ship stripped, with their symbols and DWARF in a
# separate file found by build ID (stub/split_debug.cmake). Each built stub
# has no .symtab and no .debug_info, keeps its dynamic symbols (the C API
# extension modules bind to), a build ID and a .gnu_debuglink; the build
# tree's stub/debug/.build-id/XX/YYYY.debug is named by that build ID and
# holds the symbols. A frozen program keeps the stub's build ID, so with the
# debug file in gdb's debug file directory gdb names the function at main's
# address (when gdb is installed; the rest runs without it).
source "$(dirname "$0")/lib.sh"
require_built
BIN=$(dirname "$PYFREEZE")
DEBUG_DIR=$PF_BUILD_DIR/stub/debug

# build_id FILE: the hex build ID readelf shows ("" when none).
build_id() { LC_ALL=C readelf -n "$1" 2>/dev/null | awk '/Build ID:/ { print $3 }'; }
# has_section FILE NAME: whether FILE has a section called NAME (readelf's
# output read whole: grep -q would end the pipe early under pipefail).
has_section() { grep -qF " $2 " <<<"$(LC_ALL=C readelf -SW "$1" 2>/dev/null)"; }

for stub in pyfreeze-stub pyfreeze-stub-pie; do
    S=$BIN/$stub
    [[ -x $S ]] || { fail "$stub is not built next to $PYFREEZE"; continue; }
    if has_section "$S" .symtab || has_section "$S" .debug_info; then
        fail "$stub is not stripped: $(readelf -SW "$S" | grep -Eo '\.(symtab|debug_[a-z]+)' | tr '\n' ' ')"
    else
        pass "$stub is stripped"
    fi
    if grep -qw Py_Initialize <<<"$(LC_ALL=C readelf --dyn-syms -W "$S")"; then
        pass "$stub still exports the C API (Py_Initialize)"
    else
        fail "$stub lost its dynamic symbols"
    fi
    id=$(build_id "$S")
    [[ -n $id ]] || { fail "$stub has no build ID"; continue; }
    debug=$DEBUG_DIR/.build-id/${id:0:2}/${id:2}.debug
    if [[ -f $debug ]] && [[ $(build_id "$debug") == "$id" ]] && has_section "$debug" .symtab; then
        pass "$stub's symbols are in debug/.build-id/${id:0:2}/${id:2}.debug"
    else
        fail "no debug file with symbols for $stub's build ID at $debug"
    fi
    has_section "$S" .gnu_debuglink && pass "$stub has a .gnu_debuglink" ||
        fail "$stub has no .gnu_debuglink"
done

# A frozen program is the stub plus a payload: the same build ID.
program hello <<'EOF' || finish
print("Hello, world!")
EOF
id=$(build_id "$BIN/pyfreeze-stub")
expect_eq "the frozen program keeps the stub's build ID" "$id" "$(build_id "$EXE")"
if command -v gdb >/dev/null; then
    # gdb's own view: with the debug file directory set, main is a symbol.
    out=$(gdb -nx -batch -iex "set debug-file-directory $DEBUG_DIR" -ex 'info symbol main' "$EXE" 2>&1)
    if grep -q '^main in section \.text' <<<"$out"; then
        pass "gdb finds main through the build ID: $out"
    else
        fail "gdb does not find main's symbol: $out"
    fi
    out=$(gdb -nx -batch -iex "set debug-file-directory /nonexistent" -ex 'info symbol main' "$EXE" 2>&1)
    if ! grep -q '^main in section' <<<"$out"; then
        pass "without the debug file gdb finds no symbol (the stub itself is stripped)"
    else
        fail "gdb found main without the debug file: $out"
    fi
else
    echo "gdb is not installed: the debugger's check is left out"
fi
finish

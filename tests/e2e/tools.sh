#!/bin/bash
# e2e/tools: a frozen program seen with stock tools. ldd lists glibc's
# libraries only; readelf shows the .pyfreeze section; strip keeps it
# working; objcopy + tar list the payload (an index, then .pyc files that
# python3.11 itself can run); pyfreeze inspect lists modules and totals.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

EXE=$T/frozen/hello.py
freeze "$EXE" "$EXAMPLES/hello/hello.py" || finish
run_frozen "$T/good" /dev/null "$EXE"
expect_eq "the frozen hello runs" "Hello, world!" "$(cat "$T/good.out")"

# -- ldd: glibc only (a sanitizer build also needs its runtime libraries). -----
# glibc 2.31, which the stub is linked for, keeps libpthread, libdl and
# libutil apart from libc (pvm/README.md).
allowed='linux-vdso\.so|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|libutil\.so\.1|(/[^ ]*/)?ld-linux-x86-64\.so'
if [[ $PF_SANITIZE == 1 ]]; then
    allowed="$allowed|libasan\.so|libubsan\.so|libstdc\+\+\.so|libgcc_s\.so|libpthread\.so|libdl\.so|librt\.so"
fi
ldd "$EXE" >"$T/ldd.txt" 2>&1
if grep -Ev "^\s*($allowed)" "$T/ldd.txt" | grep -q .; then
    fail "ldd lists more than glibc:"
    sed 's/^/    /' "$T/ldd.txt" >&2
else
    pass "ldd lists glibc's libraries only: $(awk '{print $1}' "$T/ldd.txt" | tr '\n' ' ')"
fi
expect_grep "ldd lists libc" "$T/ldd.txt" 'libc\.so\.6'

# -- readelf: the section is there, not loaded (no A flag). ----------------------
readelf -S -W "$EXE" >"$T/sections.txt"
expect_grep "readelf -S shows .pyfreeze" "$T/sections.txt" '\] \.pyfreeze +PROGBITS'
if grep -E '\] \.pyfreeze ' "$T/sections.txt" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[WAXMSILOGTCxoEDlp]+$/ && $i ~ /A/) exit 1 }'; then
    pass ".pyfreeze is not an allocated section"
else
    fail ".pyfreeze is allocated: $(grep -E '\] \.pyfreeze ' "$T/sections.txt")"
fi

# -- strip: still runs identically. -----------------------------------------------
cp "$EXE" "$T/frozen/stripped"
if strip "$T/frozen/stripped"; then
    run_frozen "$T/stripped" /dev/null "$T/frozen/stripped"
    if cmp -s "$T/good.out" "$T/stripped.out" && cmp -s "$T/good.err" "$T/stripped.err" &&
        [[ $(status_of "$T/stripped") == 0 ]]; then
        pass "strip keeps the program working ($(stat -c %s "$EXE") -> $(stat -c %s "$T/frozen/stripped") bytes)"
    else
        fail "the stripped program differs: exit $(status_of "$T/stripped"): $(head -3 "$T/stripped.err")"
    fi
else
    fail "strip failed"
fi

# -- objcopy + tar: the payload is a standard .tar.zst. -------------------------------
# (`objcopy -O binary --only-section=.pyfreeze` writes an empty file: binutils'
# binary output holds allocated sections only, and .pyfreeze is not one.
# --dump-section copies any section's bytes.)
objcopy --dump-section .pyfreeze="$T/p.tar.zst" "$EXE" "$T/objcopy-copy"
if tar --zstd -tvf "$T/p.tar.zst" >"$T/tar.txt" 2>"$T/tar.err"; then
    pass "tar --zstd -tvf lists the payload ($(wc -l <"$T/tar.txt") members)"
else
    fail "tar cannot list the payload: $(head -3 "$T/tar.err")"
fi
expect_eq "the first member is the index" "pyfreeze.idx" "$(head -n 1 "$T/tar.txt" | awk '{print $NF}')"
expect_grep "the main script is lib/hello.pyc" "$T/tar.txt" ' lib/hello\.pyc$'
expect_grep "encodings is packed" "$T/tar.txt" ' lib/encodings/__init__\.pyc$'
expect_grep "encodings.utf_8 is packed" "$T/tar.txt" ' lib/encodings/utf_8\.pyc$'
expect_no_grep "no absolute or parent paths" "$T/tar.txt" ' (/|\.\./)'
# The extracted bytecode is ordinary: python3.11 runs the main module.
mkdir -p "$T/x"
if tar --zstd -xf "$T/p.tar.zst" -C "$T/x" 2>"$T/untar.err"; then
    run_capture "$T/pyc" /dev/null "$PF_PYTHON" -I "$T/x/lib/hello.pyc"
    expect_eq "python3.11 runs the extracted lib/hello.pyc" "Hello, world!" "$(cat "$T/pyc.out")"
    # ... and loads a packed stdlib module (not through sys.path: python3.11
    # has its own encodings.utf_8 loaded already).
    run_capture "$T/pyc-import" /dev/null "$PF_PYTHON" -I -c '
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourcelessFileLoader("packed_utf_8", sys.argv[1])
module = importlib.util.module_from_spec(importlib.util.spec_from_loader("packed_utf_8", loader))
loader.exec_module(module)
print(module.getregentry().name)' "$T/x/lib/encodings/utf_8.pyc"
    expect_eq "python3.11 loads the extracted encodings/utf_8.pyc" "utf-8" "$(cat "$T/pyc-import.out")"
else
    fail "tar cannot extract the payload: $(head -3 "$T/untar.err")"
fi

# -- pyfreeze inspect: modules and totals. -------------------------------------------
"$PYFREEZE" inspect "$EXE" >"$T/inspect.txt" 2>"$T/inspect.err"
expect_eq "pyfreeze inspect exits 0" 0 "$?"
expect_grep "inspect lists the main module" "$T/inspect.txt" '(__main__|hello)'
expect_grep "inspect lists encodings.utf_8" "$T/inspect.txt" 'encodings\.utf_8'
expect_grep "inspect prints totals" "$T/inspect.txt" '[Tt]otal.*[0-9]'
"$PYFREEZE" inspect /bin/true >"$T/inspect-true.out" 2>"$T/inspect-true.err"
rc=$?
if ((rc > 0 && rc < 128)) && grep -q true "$T/inspect-true.err"; then
    pass "inspect of a file without a payload: status $rc, $(head -n 1 "$T/inspect-true.err")"
else
    fail "inspect /bin/true: status $rc: $(head -3 "$T/inspect-true.err")"
fi

finish

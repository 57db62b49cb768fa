#!/bin/bash
# e2e/shared-native: with --store-native-code, native code stored
# uncompressed and page-aligned in the executable (payload.h, the stored
# frame) is shared through the page cache. A program using sqlite3 and ssl,
# frozen so, with Python hidden, prints what
# python3.11 -I prints, including that no executable mapping of the process
# comes from a memfd; its /proc/self/maps shows the executable mappings of
# libcrypto, libssl, _ssl and _sqlite3 backed by the frozen executable's own
# file (each beside the memfd mapping of the same object's writable data),
# as python3.11's are backed by the libraries' files. `pyfreeze inspect`
# marks those members stored and `pyfreeze verify` finds the file intact.
# Frozen without the option, nothing is stored (the default keeps the file
# small: native code compressed).
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

copy_program shared_native --store-native-code || finish
compare shared-native /dev/null

# shared_beside MAPS EXE OBJECT: in MAPS, a run of address-contiguous
# mappings holding a memfd mapping of OBJECT (its writable data) also holds
# an r-xp mapping of the file EXE: OBJECT's code mapped from EXE.
shared_beside() {
    awk -v exe="$2" -v object="/memfd:$3" '
        function flush() { if (has_object && has_code) found = 1; has_object = has_code = 0 }
        {
            split($1, range, "-")
            if (range[1] != last_end) flush()
            last_end = range[2]
            if (index($6, object) == 1) has_object = 1
            if ($2 == "r-xp" && $6 == exe) has_code = 1
        }
        END { flush(); exit found ? 0 : 1 }' "$1"
}

run_frozen "$R/maps.frz" /dev/null "$EXE" --maps
run_ref "$R/maps.ref" /dev/null -I "$SRC/shared_native.py" --maps
expect_eq "frozen --maps exit status" 0 "$(status_of "$R/maps.frz")"
expect_eq "python3.11 --maps exit status" 0 "$(status_of "$R/maps.ref")"
for object in libcrypto.so.3 libssl.so.3 _ssl.cpython-311-x86_64-linux-gnu.so \
    _sqlite3.cpython-311-x86_64-linux-gnu.so _hashlib.cpython-311-x86_64-linux-gnu.so; do
    if shared_beside "$R/maps.frz.out" "$EXE" "$object"; then
        pass "$object: its code is mapped from $EXE"
    else
        fail "$object: no r-xp mapping of $EXE beside its memfd mapping:"
        grep -E "$object|$EXE" "$R/maps.frz.out" | sed 's/^/    /' >&2
    fi
done
# the reference: libcrypto's code from its own file, as a file
expect_grep "python3.11 maps libcrypto's code from its file" "$R/maps.ref.out" \
    ' r-xp .* /[^ ]*/libcrypto\.so\.3$'

"$PYFREEZE" inspect "$EXE" >"$T/inspect.out"
for member in libs/libcrypto.so.3 libs/libssl.so.3; do
    expect_grep "inspect marks $member stored" "$T/inspect.out" "^library .*  $member  \(stored\)\$"
done
if "$PYFREEZE" "$SRC/shared_native.py" -o "$T/compressed" >"$T/compressed.log" 2>&1; then
    "$PYFREEZE" inspect "$T/compressed" >"$T/compressed.inspect"
    expect_grep "without --store-native-code, libcrypto is packed" "$T/compressed.inspect" \
        '^library .*  libs/libcrypto\.so\.3$'
    expect_no_grep "without --store-native-code, nothing is stored" "$T/compressed.inspect" '(stored)$'
else
    fail "freezing without --store-native-code: $(cat "$T/compressed.log")"
fi
if "$PYFREEZE" verify "$EXE" >"$T/verify.out" 2>&1; then
    pass "verify: $(cat "$T/verify.out")"
else
    fail "verify: $(cat "$T/verify.out")"
fi
finish

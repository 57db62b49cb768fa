#!/bin/bash
# e2e/glibc-floor: the glibc a frozen program needs (its "floor"). The
# freeze's -v summary line and `pyfreeze inspect` show it, and it equals the
# highest GLIBC_x.y that binutils' `objdump -T` shows over the output and
# every shared object packed in it (taken out with objcopy and tar, as
# docs/payload-format.md says); the file and symbol@version the summary
# names do need it. --max-glibc below the floor fails with one line naming
# the file and symbol and leaves nothing behind; at or above it the output is
# the same bytes as without it. A bad VERSION is a usage error naming the
# option. And `pyfreeze inspect` checks every frame: a flipped byte inside
# any frame's compressed data makes it exit non-zero naming the frame.
source "$(dirname "$0")/lib.sh"
require_built

tool() { "$PF_PYTHON" -I "$E2E_DIR/payload_tool.py" "$@"; }
# highest_glibc FILE...: the highest GLIBC_x.y[.z] objdump -T shows over the
# files ("" when none); GLIBC_PRIVATE is not a release.
highest_glibc() {
    objdump -T "$@" 2>/dev/null | grep -Eo 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/^GLIBC_//' |
        sort -V | tail -n 1
}

# A program with extension modules that bring shared libraries along
# (libssl, libcrypto, libsqlite3, liblzma in Debian's build).
SRC=$T/app
mkdir -p "$SRC" "$T/out"
cat >"$SRC/app.py" <<'PY'
import json, lzma, sqlite3, ssl
print(json.dumps({"sqlite": sqlite3.sqlite_version_info >= (3,), "tls": ssl.HAS_TLSv1_3,
                  "xz": len(lzma.compress(b"x" * 1000)) < 1000}))
PY
EXE=$T/out/app
if ! "$PYFREEZE" -v "$SRC/app.py" -o "$EXE" >"$T/listing.txt" 2>"$T/freeze.err"; then
    fail "the freeze failed: $(head -5 "$T/freeze.err")"
    finish
fi
summary=$(grep '^wrote ' "$T/listing.txt")
echo "summary: $summary"
re='needs glibc >= ([0-9.]+) \(([^@ ]+)@GLIBC_([0-9.]+) in ([^)]+)\)$'
if [[ ! $summary =~ $re ]]; then
    fail "the -v summary line does not say which glibc is needed: $summary"
    finish
fi
FLOOR=${BASH_REMATCH[1]} SYMBOL=${BASH_REMATCH[2]} SYMVER=${BASH_REMATCH[3]} FROM=${BASH_REMATCH[4]}
expect_eq "the symbol's version is the floor" "$FLOOR" "$SYMVER"

# -- The floor against objdump over the output and its packed objects. --------
objcopy --dump-section .pyfreeze="$T/payload.tar.zst" "$EXE" "$T/exe.copy"
mkdir -p "$T/x"
tar --zstd -xf "$T/payload.tar.zst" -C "$T/x" || fail "tar cannot extract the payload"
# native code kept uncompressed is beside the tar (payload-format.md 2.2)
tool stored "$EXE" "$T/x" || fail "cannot extract the stored members"
mapfile -t packed < <(find "$T/x" -type f \( -name '*.so' -o -name '*.so.*' \) | sort)
echo "packed shared objects: ${#packed[@]}"
((${#packed[@]} >= 5)) || fail "expected extension modules and libraries, found ${#packed[@]}"
grep -q '^libs/' < <(cd "$T/x" && find libs -type f 2>/dev/null) ||
    fail "no bundled library was packed: the test does not reach libraries"
expect_eq "the floor is objdump -T's highest GLIBC_ over the output and its packed objects" \
    "$(highest_glibc "$EXE" "${packed[@]}")" "$FLOOR"
# the file named needs exactly that, through that symbol
if [[ $FROM == /* ]]; then
    named=$FROM # the stub
else
    named=$T/x/$FROM
fi
if [[ -f $named ]]; then
    expect_eq "the file named ($FROM) needs the floor" "$FLOOR" "$(highest_glibc "$named")"
    objdump -T "$named" >"$T/named.dynsyms"
    if grep -Eq "\(?GLIBC_${FLOOR//./\\.}\)?[[:space:]]+$SYMBOL\$" "$T/named.dynsyms"; then
        pass "objdump -T shows $SYMBOL@GLIBC_$FLOOR in $FROM"
    else
        fail "objdump -T does not show $SYMBOL with GLIBC_$FLOOR in $FROM"
    fi
else
    fail "the summary names '$FROM', which is neither the stub nor a packed file"
fi

# -- inspect shows it. -----------------------------------------------------------
"$PYFREEZE" inspect "$EXE" >"$T/inspect.txt" 2>"$T/inspect.err"
expect_eq "inspect of a sound file exits 0" 0 "$?"
expect_grep "inspect shows the floor" "$T/inspect.txt" "^glibc: needs glibc >= ${FLOOR//./\\.}\$"

# -- --max-glibc. -------------------------------------------------------------------
# below every floor: fails, one line naming a file and a symbol, nothing written
mkdir -p "$T/low"
"$PYFREEZE" "$SRC/app.py" --max-glibc 2.2.5 -o "$T/low/app" >"$T/low.out" 2>"$T/low.err"
rc=$?
expect_eq "--max-glibc 2.2.5 fails with status 1" 1 "$rc"
expect_eq "--max-glibc 2.2.5: one line on stderr" 1 "$(grep -c '' "$T/low.err")"
expect_grep "--max-glibc 2.2.5: the message names the file, the symbol and the limit" \
    "$T/low.err" "^pyfreeze: error: .*'?${FROM//./\\.}'? .*needs glibc ${FLOOR//./\\.} \\(${SYMBOL}@GLIBC_${FLOOR//./\\.}\\), newer than --max-glibc 2\\.2\\.5"
expect_eq "--max-glibc 2.2.5: nothing is left in the output directory" "" "$(ls -A "$T/low")"

# a packed file over the limit: the stub's own floor may hide the packed
# files' (Debian's stub needs more than its libraries), so a stand-in stub
# with an old floor (zlib's, 2.14) is given; the check fails before any stub
# is used. The file named must need more than the limit, through the symbol
# named, as objdump -T shows in the copy the payload holds.
packed_floor=$(highest_glibc "${packed[@]}")
zlib=/usr/lib/x86_64-linux-gnu/libz.so.1
limit=$(highest_glibc "$zlib")
"$PYFREEZE" "$SRC/app.py" --stub "$zlib" --max-glibc "$limit" -o "$T/low/app" 2>"$T/member.err"
expect_eq "--max-glibc $limit with a $limit stub fails" 1 "$?"
member_re="^pyfreeze: error: ((lib|libs)/[^ ]+) \\(from '/[^']+'\\) needs glibc ([0-9.]+) \\(([^@ ]+)@GLIBC_([0-9.]+)\\), newer than --max-glibc $limit; [0-9]+ more files? need more too: nothing written; "
if [[ $(cat "$T/member.err") =~ $member_re ]]; then
    member=${BASH_REMATCH[1]} mneed=${BASH_REMATCH[3]} msym=${BASH_REMATCH[4]}
    pass "a packed file is named: $(cat "$T/member.err")"
    expect_eq "the packed file named needs the packed files' highest glibc" "$packed_floor" "$mneed"
    expect_eq "objdump -T: $member needs $mneed" "$mneed" "$(highest_glibc "$T/x/$member")"
    if [[ $member == libs/* ]]; then
        expect_grep "the message gives the library's name to --exclude-library" "$T/member.err" \
            "--exclude-library ${member#libs/},"
    fi
    objdump -T "$T/x/$member" >"$T/member.dynsyms"
    expect_grep "objdump -T shows $msym@GLIBC_$mneed in $member" "$T/member.dynsyms" \
        "\\(?GLIBC_${mneed//./\\.}\\)?[[:space:]]+$msym\$"
else
    fail "--max-glibc $limit with an old stub: $(cat "$T/member.err")"
fi
expect_eq "--max-glibc $limit: nothing written" "" "$(ls -A "$T/low")"

# just below the floor: fails naming the same file; at the floor: succeeds
IFS=. read -r major minor _ <<<"$FLOOR"
if ((minor > 0)); then
    below=$major.$((minor - 1))
    "$PYFREEZE" "$SRC/app.py" --max-glibc "$below" -o "$T/low/app" 2>"$T/below.err"
    expect_eq "--max-glibc $below (just below the floor) fails" 1 "$?"
    expect_grep "--max-glibc $below names $FROM" "$T/below.err" "${FROM//./\\.}"
    expect_eq "--max-glibc $below: nothing written" "" "$(ls -A "$T/low")"
fi
for limit in "$FLOOR" 99.0; do
    mkdir -p "$T/ok-$limit"
    if "$PYFREEZE" "$SRC/app.py" --max-glibc "$limit" -o "$T/ok-$limit/app" 2>"$T/ok.err"; then
        if cmp -s "$EXE" "$T/ok-$limit/app"; then
            pass "--max-glibc $limit succeeds, same bytes as without it"
        else
            fail "--max-glibc $limit changed the output"
        fi
    else
        fail "--max-glibc $limit failed: $(cat "$T/ok.err")"
    fi
done

# a bad VERSION: a usage error naming the option
for bad in 2 2.x 2.31.1.1 latest ""; do
    "$PYFREEZE" "$SRC/app.py" --max-glibc "$bad" -o "$T/low/app" 2>"$T/bad.err"
    rc=$?
    if [[ $rc == 2 ]] && grep -q -- '--max-glibc' "$T/bad.err"; then
        pass "--max-glibc '$bad': usage error: $(cat "$T/bad.err")"
    else
        fail "--max-glibc '$bad': status $rc: $(cat "$T/bad.err")"
    fi
done

# -- inspect finds damage in any compressed frame. ------------------------------------
# (the stored frame's bytes carry no checksum: e2e/shared-native and the
# unit tests check what `pyfreeze verify` finds there)
tool frames "$EXE" >"$T/frames" || { fail "cannot read the payload's seek table"; finish; }
frame_count=$(grep -c -E '^(frame|stored) ' "$T/frames")
last=$(grep '^frame ' "$T/frames" | tail -n 1 | cut -d' ' -f2)
for n in 0 1 $((frame_count / 2)) "$last"; do
    read -r _ _ off size < <(grep "^frame $n " "$T/frames")
    cp "$EXE" "$T/damaged"
    tool flip "$T/damaged" $((off + size / 2))
    "$PYFREEZE" inspect "$T/damaged" >"$T/damaged.out" 2>"$T/damaged.err"
    rc=$?
    if ((rc >= 1 && rc < 128)) && grep -q 'damaged' "$T/damaged.err"; then
        pass "inspect, byte flipped in frame $n of $frame_count: status $rc: $(cat "$T/damaged.err")"
    else
        fail "inspect, byte flipped in frame $n: status $rc: $(head -3 "$T/damaged.err")"
    fi
    if ((n > 0)); then
        expect_grep "inspect names frame $n" "$T/damaged.err" "frame $n of $frame_count"
    fi
done

finish

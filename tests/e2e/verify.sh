#!/bin/bash
# e2e/verify: `pyfreeze verify FILE` exits 0 for a fresh freeze and, for a
# copy damaged in any part (ELF header, section header table, section name
# table, seek table, frame 0 and the index in it, a later frame, a member's
# tar header, the last frame, truncation), exits 1 with one line naming the
# file, the part (and the frame and member where there is one) and saying to
# freeze again. A file that is no frozen program (text, a plain ELF, the
# stub) is told so, not called damaged. Damage the runtime never meets
# (a member's tar header) is found all the same.
source "$(dirname "$0")/lib.sh"
require_built

EXE=$T/good/hello.py
freeze "$EXE" "$EXAMPLES/hello/hello.py" || finish
tool() { "$PF_PYTHON" -I "$E2E_DIR/payload_tool.py" "$@"; }

# verify_ok NAME FILE: pyfreeze verify FILE exits 0 and says "intact".
verify_ok() {
    local name=$1 file=$2 rc=0
    "$PYFREEZE" verify "$file" >"$T/v.out" 2>"$T/v.err" || rc=$?
    if [[ $rc == 0 && ! -s $T/v.err ]] && grep -q "^$file: intact: " "$T/v.out"; then
        pass "$name: $(cat "$T/v.out")"
    else
        fail "$name: exit $rc; stdout: $(cat "$T/v.out"); stderr: $(head -c 1000 "$T/v.err")"
    fi
}

# verify_bad NAME FILE TEXT...: pyfreeze verify FILE exits 1 with exactly
# one line on stderr and nothing on stdout; the line names the file and
# holds each TEXT (fixed strings), and no crash or sanitizer report.
verify_bad() {
    local name=$1 file=$2 rc=0 problems=() text
    shift 2
    "$PYFREEZE" verify "$file" >"$T/v.out" 2>"$T/v.err" || rc=$?
    [[ $rc == 1 ]] || problems+=("exit status $rc")
    [[ $(grep -c '' "$T/v.err") == 1 ]] || problems+=("stderr is not one line")
    [[ ! -s $T/v.out ]] || problems+=("it printed on stdout")
    grep -qF -- "'$file'" "$T/v.err" || problems+=("the message does not name the file")
    for text in "$@"; do
        grep -qF -- "$text" "$T/v.err" || problems+=("the message lacks '$text'")
    done
    grep -Eq 'AddressSanitizer|runtime error:' "$T/v.err" && problems+=("a sanitizer report")
    if ((${#problems[@]} == 0)); then
        pass "$name: $(cat "$T/v.err")"
    else
        fail "$name: $(IFS=';'; echo "${problems[*]}"); stderr:"
        head -c 2000 "$T/v.err" | sed 's/^/    /' >&2
    fi
}

# damaged NAME OFFSET TEXT...: a copy with the byte at OFFSET inverted.
damaged() {
    local name=$1 offset=$2 copy=$T/d/flip-$2
    shift 2
    cp "$EXE" "$copy"
    tool flip "$copy" "$offset"
    verify_bad "$name (byte $offset inverted)" "$copy" "is damaged:" "freeze the program again" "$@"
}

verify_ok "a fresh freeze" "$EXE"

read -r SEC_OFF SEC_SIZE < <(tool section "$EXE")
FILE_SIZE=$(stat -c %s "$EXE")
SHDR=$(tool shdr "$EXE")
tool frames "$EXE" >"$T/frames" || { fail "cannot read the payload's seek table"; finish; }
tool members "$EXE" >"$T/members"
read -r _ _ F0_OFF F0_SIZE < <(grep '^frame 0 ' "$T/frames")
read -r _ ST_OFF ST_SIZE < <(grep '^seektable ' "$T/frames")
LAST=$(grep -c '^frame ' "$T/frames")
LAST=$((LAST - 1))
read -r _ _ LAST_OFF LAST_SIZE < <(grep "^frame $LAST " "$T/frames")
read -r _ _ F3_OFF F3_SIZE < <(grep '^frame 3 ' "$T/frames")
# the first member of a frame: the first the tar lists in it
first_of() { awk -v n="$1" '$1 == n { print $2; exit }' "$T/members"; }
mkdir -p "$T/d"

# -- The ELF file around the payload. -----------------------------------------
damaged "ELF header: e_shentsize" $((0x3a)) "ELF header"
damaged "ELF header: e_shoff" $((0x2f)) "ELF section header table"
damaged ".pyfreeze's section header: sh_size" $((SHDR + 39)) "ELF section header table"
cp "$EXE" "$T/d/names"
# the section name table's bytes, zeroed: no section is called .pyfreeze
read -r NAMES_OFF NAMES_SIZE < <(readelf -S -W "$EXE" |
    sed -n 's/.*\] \.shstrtab  *STRTAB  *[0-9a-f]* \([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p')
NAMES_OFF=$((16#$NAMES_OFF)) NAMES_SIZE=$((16#$NAMES_SIZE))
dd if=/dev/zero of="$T/d/names" bs=1 seek="$NAMES_OFF" count="$NAMES_SIZE" conv=notrunc status=none
verify_bad "section name table zeroed" "$T/d/names" "is damaged:" "ELF section name table"

# -- The payload. ---------------------------------------------------------------
damaged "seek table: footer magic" $((ST_OFF + ST_SIZE - 1)) "seek table"
damaged "seek table: frame 1's sizes" $((ST_OFF + 8 + 8 + 4)) "frame 1"
damaged "frame 0: compressed bytes" $((F0_OFF + F0_SIZE / 2)) "compressed frame 0" \
    "member pyfreeze.idx"
damaged "frame 3: compressed bytes" $((F3_OFF + F3_SIZE / 2)) "compressed frame 3" \
    "member $(first_of 3)"
damaged "the last frame: compressed bytes" $((LAST_OFF + LAST_SIZE / 2)) \
    "compressed frame $LAST" "member $(first_of "$LAST")"
damaged "the last frame: content checksum" $((LAST_OFF + LAST_SIZE - 1)) "compressed frame $LAST"

# -- Inside the tar: frames recompressed with valid checksums, so only the
# tar's and the index's own checks can see it. ---------------------------------
# retarred NAME FRAME OFFSET [bump] TEXT...: verify_bad on a copy whose
# decompressed frame FRAME has the byte at OFFSET changed (payload_tool.py
# retar: inverted; bump: the next octal digit, the header's checksum right).
retarred() {
    local name=$1 frame=$2 offset=$3 mode='' copy=$T/d/retar-$2-$3
    shift 3
    if [[ ${1:-} == bump ]]; then
        mode=bump
        shift
    fi
    tool retar "$EXE" "$frame" "$offset" "$copy.payload" $mode &&
        objcopy --update-section .pyfreeze="$copy.payload" "$EXE" "$copy" ||
        { fail "$name: cannot make the damaged copy"; return; }
    verify_bad "$name" "$copy" "is damaged:" "$@"
}
retarred "the index member's tar header" 0 0 "index member's tar header" "member pyfreeze.idx"
# the index's data after a 512-byte header (no pax header for pyfreeze.idx)
retarred "the index: an entry" 0 $((512 + 100)) "index, frame 0" "member pyfreeze.idx"
retarred "frame 2: a member's tar header" 2 0 "member's tar header, frame 2" \
    "member $(first_of 2)"
retarred "frame 2: a member's size field (its checksum then wrong)" 2 $((124 + 6)) "frame 2" \
    "member $(first_of 2)"
# the last digit of the size, with a right checksum: the tar and the index disagree
retarred "frame 2: a member's size, the header otherwise right" 2 $((124 + 10)) bump \
    "member, frame 2, member $(first_of 2):" "the index places it"
retarred "the last frame: its end-of-archive blocks" "$LAST" -1 \
    "end of the tar archive, frame $LAST"

# -- Truncated copies. ---------------------------------------------------------
for cut in 100 $((SEC_OFF + SEC_SIZE / 2)) $((SEC_OFF + SEC_SIZE)) $((FILE_SIZE - 1)); do
    head -c "$cut" "$EXE" >"$T/d/cut-$cut"
    verify_bad "truncated to $cut bytes" "$T/d/cut-$cut" "is damaged:" "truncated"
done

# -- Files that are no frozen program: told so, not called damaged. ----------
printf 'print("hello")\n' >"$T/d/hello.py"
verify_bad "a text file" "$T/d/hello.py" "is not a frozen program: not an ELF file"
verify_bad "a plain ELF executable" "$(type -P true)" "is not a frozen program" \
    "without a .pyfreeze section"
verify_bad "the stub" "$(dirname "$PYFREEZE")/pyfreeze-stub" "is not a frozen program"
: >"$T/d/empty"
verify_bad "an empty file" "$T/d/empty" "is not a frozen program: it is empty"
for text in "is damaged" "rebuild"; do
    grep -q "$text" "$T/v.err" && fail "an empty file: the message says '$text'"
done

finish

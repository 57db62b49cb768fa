#!/bin/bash
# e2e/damaged: a frozen program whose file was truncated or had bytes
# flipped ends with a one-line message that names its file and says to
# rebuild it, with a status below 128: never a crash, a sanitizer report or
# a traceback. Damage in a part of the payload that the program never reads
# (the runtime decompresses lazily) may instead leave it running unchanged.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

EXE=$T/good/hello.py
freeze "$EXE" "$EXAMPLES/hello/hello.py" || finish
run_frozen "$T/good" /dev/null "$EXE"
if [[ $(cat "$T/good.out") != "Hello, world!" || $(status_of "$T/good") != 0 ]]; then
    fail "the undamaged program does not run: exit $(status_of "$T/good"): $(head -5 "$T/good.err")"
    finish
fi

tool() { "$PF_PYTHON" -I "$E2E_DIR/payload_tool.py" "$@"; }
read -r SEC_OFF SEC_SIZE < <(tool section "$EXE")
LOAD_END=$(tool loadend "$EXE")
FILE_SIZE=$(stat -c %s "$EXE")
tool frames "$EXE" >"$T/frames" || { fail "cannot read the payload's seek table"; finish; }
echo "section .pyfreeze at $SEC_OFF, $SEC_SIZE bytes; file $FILE_SIZE bytes; mapped part ends at $LOAD_END"
sed 's/^/  /' "$T/frames"

mkdir -p "$T/d"

# check_damaged NAME FILE MODE [GOOD]: runs the damaged FILE; MODE is
# must-fail, fail-or-same (an unchanged run is also right) or fail-late (it
# fails, but may have printed before: the damage is met at an import). GOOD
# is the prefix of the undamaged program's run ($T/good).
check_damaged() {
    local name=$1 file=$2 mode=$3 good=${4:-$T/good} prefix=$T/d/$1 rc
    run_frozen "$prefix" /dev/null "$file"
    rc=$(status_of "$prefix")
    if [[ $mode == fail-or-same && $rc == 0 ]] && cmp -s "$prefix.out" "$good.out" &&
        [[ ! -s $prefix.err ]]; then
        pass "$name: not read, runs unchanged"
        return
    fi
    local problems=()
    ((rc >= 1 && rc <= 127)) || problems+=("exit status $rc")
    [[ $(grep -c '' "$prefix.err") == 1 ]] || problems+=("stderr is not one line")
    grep -q -- "$(basename "$file")" "$prefix.err" || problems+=("the message does not name the file")
    grep -qi rebuild "$prefix.err" || problems+=("the message does not say to rebuild")
    grep -Eq 'Traceback|AddressSanitizer|runtime error:|Fatal Python error' "$prefix.err" &&
        problems+=("a crash report or traceback")
    [[ $mode != must-fail || ! -s $prefix.out ]] || problems+=("it printed on stdout")
    if ((${#problems[@]} == 0)); then
        pass "$name: $(cat "$prefix.err")"
    else
        fail "$name: $(IFS=';'; echo "${problems[*]}"); exit $rc; stderr:"
        head -c 2000 "$prefix.err" | sed 's/^/    /' >&2
    fi
}

# -- Truncated copies: cut inside and after the payload (not inside the part
# the kernel maps: that is the kernel's to refuse). ---------------------------
cuts=("$SEC_OFF" $((SEC_OFF + 1)) $((SEC_OFF + 100)) $((SEC_OFF + SEC_SIZE / 2))
      $((SEC_OFF + SEC_SIZE - 1)) $((SEC_OFF + SEC_SIZE)) $((FILE_SIZE - 1)))
declare -A done_cut=()
for cut in "${cuts[@]}"; do
    if ((cut < LOAD_END || cut >= FILE_SIZE)) || [[ -n ${done_cut[$cut]:-} ]]; then
        continue
    fi
    done_cut[$cut]=1
    copy=$T/d/cut-$cut
    head -c "$cut" "$EXE" >"$copy"
    chmod +x "$copy"
    check_damaged "truncated to $cut bytes" "$copy" must-fail
done

# -- Bytes flipped. Frame 0 (the index) and the seek table are always read. ---
flipped() {
    local name=$1 offset=$2 mode=$3 copy=$T/d/flip-$2
    cp "$EXE" "$copy"
    tool flip "$copy" "$offset"
    check_damaged "$name (byte $offset flipped)" "$copy" "$mode"
}
read -r _ _ F0_OFF F0_SIZE < <(grep '^frame 0 ' "$T/frames")
read -r _ ST_OFF ST_SIZE < <(grep '^seektable ' "$T/frames")
flipped "frame 0: zstd magic" "$F0_OFF" must-fail
flipped "frame 0: frame header" $((F0_OFF + 4)) must-fail
flipped "frame 0: compressed data" $((F0_OFF + F0_SIZE / 2)) must-fail
flipped "frame 0: content checksum" $((F0_OFF + F0_SIZE - 1)) must-fail
flipped "seek table: skippable magic" "$ST_OFF" must-fail
flipped "seek table: frame 0 compressed size" $((ST_OFF + 8)) must-fail
flipped "seek table: frame 0 decompressed size" $((ST_OFF + 12)) must-fail
flipped "seek table: number of frames" $((ST_OFF + ST_SIZE - 9)) must-fail
flipped "seek table: descriptor" $((ST_OFF + ST_SIZE - 5)) must-fail
flipped "seek table: footer magic" $((ST_OFF + ST_SIZE - 1)) must-fail
# Other frames: the start and middle of each (at most 8 frames).
while read -r _ n off size; do
    ((n == 0 || n > 8)) && continue
    flipped "frame $n: zstd magic" "$off" fail-or-same
    flipped "frame $n: compressed data" $((off + size / 2)) fail-or-same
done < <(grep '^frame ' "$T/frames")

# -- Damage met late, in a frame read at an import after the program started. --
mkdir -p "$T/late"
printf 'print("started", flush=True)\nimport json, difflib\nprint(json.dumps([difflib.__name__, "loaded"]))\n' >"$T/late/late.py"
LATE=$T/late/frozen/late
freeze "$LATE" "$T/late/late.py" || finish
run_frozen "$T/late-good" /dev/null "$LATE"
expect_eq "the undamaged late.py runs" 'started
["difflib", "loaded"]' "$(cat "$T/late-good.out")"
tool members "$LATE" >"$T/late-members"
# The frame holding difflib, if no module needed at start-up is in it.
late_frame=$(awk '$2 == "lib/difflib.pyc" { print $1 }' "$T/late-members")
startup_frames=" 0 $(awk '$2 ~ /^lib\/(late|encodings\/.*)\.pyc$/ { printf "%s ", $1 }' "$T/late-members")"
if [[ -z $late_frame ]]; then
    fail "lib/difflib.pyc is not in the payload of late.py"
elif [[ $startup_frames == *" $late_frame "* ]]; then
    echo "SKIPPED CHECK: difflib is in a frame read at start-up (frame $late_frame)"
else
    read -r _ _ off size < <(grep "^frame $late_frame " <(tool frames "$LATE"))
    cp "$LATE" "$T/d/late-flipped"
    tool flip "$T/d/late-flipped" $((off + size / 2))
    check_damaged "frame $late_frame, read at 'import difflib'" "$T/d/late-flipped" fail-late "$T/late-good"
fi

# -- The ELF section header table pointer (e_shoff's top byte) ---------------
flipped "ELF header: e_shoff" $((0x2f)) must-fail

finish

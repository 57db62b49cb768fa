#!/bin/bash
# tests/bench/run.sh: pyfreeze's benchmark (issues 5 and 16). Not part of ctest.
#
#   tests/bench/run.sh                 # full run, 20-30 minutes on 2 quiet cores
#   PF_BENCH_QUICK=1 tests/bench/run.sh  # fewer rounds, for checking the script
#
# It builds pyfreeze (cmake, Release, -j2) into $PF_BENCH_BUILD (default
# /tmp/build-bench), builds its inputs in a temporary directory, measures
# everything side by side in this one run and prints a Markdown table of
# medians, ratios and the issue-5 targets (PASS/MISS) on stdout. Progress goes
# to stderr. Nothing else may be running a benchmark on the machine meanwhile.
#
# Programs: hello world; tests/bench/stdlib_heavy.py (~230 modules in
# sys.modules); a numpy program (Debian's python3-numpy); and hello world whose
# payload holds the whole pure-Python stdlib (the same hello world frozen with
# a --hidden-import for each module tests/bench/gen_allstdlib.py lists).
# Each is compared with Debian's /usr/bin/python3.11 running the same source
# with `-I -S` and `-I`, with a warm __pycache__ (the program's directory is
# writable and compiled first; Debian's stdlib .pyc files are precompiled).
#
# Interleaving: hyperfine runs all runs of one command before the next, so the
# compared commands go into ROUNDS separate hyperfine invocations, each with all
# the commands (order rotated by one each round) and -N (no shell), a warm-up
# and RUNS runs per command; start-up takes one invocation per program group
# and round (the commands one ratio compares, run close together in time). The figure is the median of all runs of a command
# pooled over the rounds; the ratio is of those medians, and the table also
# shows the range of the per-round ratios, so drift during the run is visible.
# Freeze times are interleaved the same way (with a shell; cold = fresh output
# and empty cache directory before every run, warm = the same freeze repeated).
# Peak RSS is /usr/bin/time -f %M over RSS_RUNS runs per command, commands
# alternating run by run; the median is reported.
#
# The CPU-bound set (tests/bench/cpu/*.py, each about a second under
# python3.11) runs frozen and under python3.11 -I -S: wall time interleaved
# as above, and instructions counted by callgrind (valgrind) at a fraction of
# the size less those at size 0, so start-up does not count. Memory:
# tests/bench/pss.py adds up the PSS of 20 concurrent copies of
# tests/bench/ssl_sqlite.py, frozen and under python3.11 -I -S.
# Issue 14: the payloads of a tqdm-only script and examples/numpy-app, and
# the user+sys CPU time and peak RSS of a cold freeze of a scipy.stats
# two-liner, on this machine's packages (n/a where one is not installed).
# docs/performance.md describes every figure.
#
# Environment: PF_BENCH_BUILD, PF_BENCH_ROUNDS (5), PF_BENCH_RUNS (20),
# PF_BENCH_KEEP=1 keeps the temporary directory (its path is printed),
# PF_BENCH_NO_BUILD=1 uses the binaries already in $PF_BENCH_BUILD/bin,
# PF_BENCH_VERSION names the source when it is not a git checkout.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench=$src/tests/bench
build=${PF_BENCH_BUILD:-/tmp/build-bench}
PY=/usr/bin/python3.11
if [[ ${PF_BENCH_QUICK:-0} == 1 ]]; then
    rounds=${PF_BENCH_ROUNDS:-2} runs=${PF_BENCH_RUNS:-5} freeze_rounds=1 freeze_runs=2 rss_runs=3
    cpu_rounds=1 cpu_runs=1 cpu_div=80 pss_rounds=1
else
    rounds=${PF_BENCH_ROUNDS:-5} runs=${PF_BENCH_RUNS:-20} freeze_rounds=3 freeze_runs=3 rss_runs=7
    cpu_rounds=3 cpu_runs=2 cpu_div=20 pss_rounds=3
fi
pss_copies=20

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

for tool in hyperfine strace objcopy strip zstd tar readelf /usr/bin/time "$PY" cmake valgrind; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y hyperfine strace binutils zstd tar time python3.11 cmake valgrind)"
done
[[ -r /proc/self/smaps_rollup ]] || die "/proc/self/smaps_rollup is missing (Linux 4.14 or later)"

# ---- build pyfreeze
if [[ ${PF_BENCH_NO_BUILD:-0} != 1 ]]; then
    log "building pyfreeze in $build"
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j2 >/dev/null || die "build failed (run: cmake --build $build -j2)"
fi
PF=$build/bin/pyfreeze
STUB=$build/bin/pyfreeze-stub
[[ -x $PF && -x $STUB ]] || die "$PF or $STUB missing after the build"

W=$(mktemp -d /tmp/pyfreeze-bench.XXXXXX)
if [[ ${PF_BENCH_KEEP:-0} == 1 ]]; then
    log "keeping $W"
else
    trap 'rm -rf "$W"' EXIT
fi
D=$W/data.tsv # key<TAB>value lines for report.py
: >"$D"
put() { printf '%s\t%s\n' "$1" "$2" >>"$D"; }

# ---- machine and versions
put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
put nproc "$(nproc)"
put cpu "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
put kernel "$(uname -sr)"
put python "$($PY -VV 2>&1 | tr '\n' ' ')"
put pyfreeze "$(git -C "$src" describe --always --dirty --tags 2>/dev/null || echo "${PF_BENCH_VERSION:-unknown}") ($("$PF" --version 2>&1 | head -1))"
put hyperfine "$(hyperfine --version)"
put settings "rounds=$rounds runs/round=$runs freeze_rounds=$freeze_rounds freeze_runs/round=$freeze_runs rss_runs=$rss_runs cpu_rounds=$cpu_rounds cpu_runs/round=$cpu_runs callgrind_scale=1/$cpu_div pss_rounds=$pss_rounds"
put valgrind "$(valgrind --version)"

# ---- inputs
P=$W/prog
mkdir -p "$P"
printf 'print("hello world")\n' >"$P/hello.py"
cp "$bench/stdlib_heavy.py" "$P/heavy.py"
cat >"$P/numpyprog.py" <<'EOF'
import sys
if not getattr(sys, "frozen", False) and "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")  # python3.11 -I -S has no dist-packages
import numpy
a = numpy.arange(12, dtype=numpy.float64).reshape(3, 4)
print(int(a.sum()), a.mean(axis=0).tolist(), numpy.__version__)
EOF
log "generating the whole-stdlib hello world"
put allstd_imports "$($PY -I "$bench/gen_allstdlib.py" "$W/allstd.modules")"
cp "$P/hello.py" "$P/allstd.py" # the same hello world; only its payload differs
# src ARGS... for program $1: its source, and for allstd the hidden imports
src() {
    if [[ $1 == allstd ]]; then
        echo "$P/allstd.py $(sed 's/^/--hidden-import /' "$W/allstd.modules" | tr '\n' ' ')"
    else
        echo "$P/$1.py"
    fi
}
put heavy_modules "$($PY -I "$P/heavy.py" --modules)"
put hello_modules "$($PY -I -c 'import sys; print(len(sys.modules))')"

programs=(hello heavy numpyprog allstd)
have_numpy=1
if ! $PY -I -c 'import numpy' 2>/dev/null; then
    have_numpy=0
    put na_numpyprog "python3-numpy is not installed (apt-get install -y python3-numpy)"
    programs=(hello heavy allstd)
fi

# warm __pycache__ for the programs' own directory (stdlib pycs are Debian's)
$PY -I -m compileall -q "$P" >/dev/null
for p in "${programs[@]}"; do
    $PY -I "$P/$p.py" >"$W/$p.expected" 2>&1 || die "python3.11 -I $p.py failed"
    $PY -I -S "$P/$p.py" >/dev/null 2>&1 || die "python3.11 -I -S $p.py failed"
done

# ---- freeze: check every program once, then time cold and warm freezes
pf_help=$("$PF" --help 2>&1 || true)
cache_opt() { # cache_opt DIR: the freezer options / environment for a cache in DIR
    if [[ $pf_help == *--cache-dir* ]]; then
        echo "$PF --cache-dir $1"
    else
        echo "env XDG_CACHE_HOME=$1 $PF"
    fi
}
[[ $pf_help == *--cache-dir* ]] && put cache_mode "--cache-dir DIR" || put cache_mode "XDG_CACHE_HOME=DIR (pyfreeze --help lists no --cache-dir)"

A=$W/apps
mkdir -p "$A"
frozen=()
for p in "${programs[@]}"; do
    log "freezing $p"
    if ! $(cache_opt "$W/cache-check") $(src $p) -o "$A/$p" >"$W/$p.freeze.log" 2>&1; then
        put "na_$p" "freeze failed: $(grep -m1 -i error "$W/$p.freeze.log" || tail -1 "$W/$p.freeze.log")"
        continue
    fi
    frozen+=("$p")
    if ! "$A/$p" >"$W/$p.actual" 2>&1 || ! cmp -s "$W/$p.expected" "$W/$p.actual"; then
        put "na_$p" "frozen program fails: $(grep -v '^ ' "$W/$p.actual" | tail -1 | cut -c1-110)"
    fi
done
# the position-independent stub (--pie), for hello and stdlib-heavy: info rows
pie=()
if [[ $pf_help == *--pie* ]]; then
    for p in hello heavy; do
        [[ " ${frozen[*]} " == *" $p "* ]] || continue
        if $(cache_opt "$W/cache-check") --pie $(src $p) -o "$A/$p-pie" >/dev/null 2>&1 &&
            "$A/$p-pie" >"$W/$p.pie.actual" 2>&1 && cmp -s "$W/$p.expected" "$W/$p.pie.actual"; then
            pie+=("$p")
        fi
    done
fi

# freeze-time commands: name, prepare, command
fz_names=() fz_prep=() fz_cmds=()
for p in "${frozen[@]}"; do
    [[ $p == allstd && ${PF_BENCH_QUICK:-0} == 1 ]] && continue
    c=$W/fcache-$p
    fz_names+=("freeze $p cold") fz_prep+=("rm -rf $c $A/f-$p") fz_cmds+=("$(cache_opt "$c") $(src $p) -o $A/f-$p")
    [[ $p == allstd ]] && continue
    fz_names+=("freeze $p warm") fz_prep+=("true") fz_cmds+=("$(cache_opt "$c") $(src $p) -o $A/f-$p")
done
mkdir -p "$W/freeze"
# the warm commands need their cache and output before the first round
for i in "${!fz_cmds[@]}"; do eval "${fz_cmds[$i]}" >/dev/null 2>&1; done
n=${#fz_cmds[@]}
for ((r = 0; r < freeze_rounds; r++)); do
    log "freeze times, round $((r + 1))/$freeze_rounds"
    args=()
    for ((k = 0; k < n; k++)); do
        i=$(((k + r) % n))
        args+=(-n "${fz_names[$i]}" --prepare "${fz_prep[$i]}" "${fz_cmds[$i]} >/dev/null 2>&1")
    done
    hyperfine --style none --warmup 1 --runs "$freeze_runs" --export-json "$W/freeze/r$r.json" \
        "${args[@]}" >/dev/null 2>>"$W/hyperfine.log"
done

# ---- start-up. The commands a ratio compares are timed together: one
# hyperfine invocation per program group and round (hello world and the
# whole-stdlib hello are one group, since they are compared with each other),
# so the two sides of a ratio always run within a few seconds of each other.
# With every command in one invocation, a rotated order put the two sides of
# a ratio some rounds apart by the whole of the other groups' runs (tens of
# seconds with the numpy and stdlib-heavy programs), where any drift of the
# machine went into the ratio. The order within a group is rotated by one
# each round, and the order of the groups too.
st_names=() st_cmds=() st_group=()
for p in "${programs[@]}"; do
    g=$p
    [[ $p == allstd ]] && g=hello
    if [[ " ${frozen[*]} " == *" $p "* ]] && ! grep -q "^na_$p	" "$D"; then
        st_names+=("$p frozen") st_cmds+=("$A/$p") st_group+=("$g")
    fi
    if [[ " ${pie[*]} " == *" $p "* ]]; then
        st_names+=("$p frozen --pie") st_cmds+=("$A/$p-pie") st_group+=("$g")
    fi
    [[ $p == allstd ]] && continue # its python runs are hello's: the same source
    st_names+=("$p python3.11 -I -S") st_cmds+=("$PY -I -S $P/$p.py") st_group+=("$g")
    st_names+=("$p python3.11 -I") st_cmds+=("$PY -I $P/$p.py") st_group+=("$g")
done
st_groups=()
for g in "${st_group[@]}"; do
    [[ " ${st_groups[*]} " == *" $g "* ]] || st_groups+=("$g")
done
mkdir -p "$W/startup"
ng=${#st_groups[@]}
for ((r = 0; r < rounds; r++)); do
    log "start-up, round $((r + 1))/$rounds"
    for ((h = 0; h < ng; h++)); do
        g=${st_groups[$(((h + r) % ng))]}
        members=()
        for i in "${!st_cmds[@]}"; do
            [[ ${st_group[$i]} == "$g" ]] && members+=("$i")
        done
        m=${#members[@]}
        args=()
        for ((k = 0; k < m; k++)); do
            i=${members[$(((k + r) % m))]}
            args+=(-n "${st_names[$i]}" "${st_cmds[$i]}")
        done
        # file names sort by round, so report.py pairs each command's rounds in order
        hyperfine -N --style none --warmup 3 --runs "$runs" \
            --export-json "$W/startup/r$(printf %03d "$r")-$g.json" \
            --output null "${args[@]}" >/dev/null 2>>"$W/hyperfine.log"
    done
done

# ---- peak RSS (KiB), page faults (minor) and user+sys CPU (s), commands
# alternating run by run. %R counts the pages the kernel populated for a
# call (MAP_POPULATE, MADV_POPULATE_WRITE) as faults too; perf's page-faults
# event counts only the faults the process took one by one (the costly
# ones, each a trap), so it is taken as well where perf can count it.
log "peak RSS"
have_perf=0
perf stat -x, -e page-faults true >/dev/null 2>&1 && have_perf=1
for ((r = 0; r < rss_runs; r++)); do
    for i in "${!st_cmds[@]}"; do
        /usr/bin/time -f '%M %R %U %S' -o "$W/rss.tmp" ${st_cmds[$i]} >/dev/null 2>&1
        read -r rss faults user sys < <(tail -1 "$W/rss.tmp")
        put "rss	${st_names[$i]}" "$rss"
        put "faults	${st_names[$i]}" "$faults"
        put "cpu	${st_names[$i]}" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
        if ((have_perf)); then
            put "traps	${st_names[$i]}" "$(perf stat -x, -e page-faults ${st_cmds[$i]} 2>&1 >/dev/null |
                awk -F, '/page-faults/ { print $1 }')"
        fi
    done
done

# ---- start-up instructions: callgrind's count (all threads) of one run of
# each start-up command; unlike wall time it does not depend on the load
# (kernel work, page faults and waiting are not in it: the faults above are)
log "start-up instructions (callgrind)"
for i in "${!st_cmds[@]}"; do
    n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null ${st_cmds[$i]} 2>&1 >/dev/null |
        sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p')
    [[ -n $n ]] && put "startinstr	${st_names[$i]}" "$n"
done

# ---- syscalls and files opened at start-up
log "strace"
for i in "${!st_cmds[@]}"; do
    strace -f -c -o "$W/strace.c" ${st_cmds[$i]} >/dev/null 2>&1
    put "syscalls	${st_names[$i]}" "$(grep ' total$' "$W/strace.c" | tail -1)"
    strace -f -e trace=openat,open -o "$W/strace.o" ${st_cmds[$i]} >/dev/null 2>&1
    put "opens	${st_names[$i]}" "$(grep -c 'open' "$W/strace.o") $(grep 'open' "$W/strace.o" | grep -vc '= -1')"
    strace -f -e trace=stat,lstat,fstat,newfstatat,statx,access,faccessat,faccessat2,readlink,readlinkat -o "$W/strace.s" ${st_cmds[$i]} >/dev/null 2>&1
    put "stats	${st_names[$i]}" "$(grep -vc '^[0-9]* *+++' "$W/strace.s")"
done

# ---- CPU-bound programs (tests/bench/cpu/*.py): frozen vs python3.11 -I -S
# on the same source. Wall time: hyperfine, interleaved as for start-up, at
# each program's default size (about a second under python3.11). Instructions:
# callgrind's total at 1/cpu_div of that size less its total at size 0 (the
# same start-up and imports, no work), so start-up does not count.
cpu=()
mkdir -p "$P/cpu" "$A/cpu"
for f in "$bench"/cpu/*.py; do
    c=$(basename "$f" .py)
    cp "$f" "$P/cpu/$c.py"
    $PY -I -S "$P/cpu/$c.py" >"$W/cpu-$c.expected" 2>&1 || die "python3.11 -I -S cpu/$c.py failed"
    log "freezing cpu/$c"
    if ! $(cache_opt "$W/cache-check") "$P/cpu/$c.py" -o "$A/cpu/$c" >"$W/cpu-$c.freeze.log" 2>&1; then
        put "na_cpu_$c" "freeze failed: $(grep -m1 -i error "$W/cpu-$c.freeze.log" || tail -1 "$W/cpu-$c.freeze.log")"
    elif ! "$A/cpu/$c" >"$W/cpu-$c.actual" 2>&1 || ! cmp -s "$W/cpu-$c.expected" "$W/cpu-$c.actual"; then
        put "na_cpu_$c" "frozen program fails: $(tail -1 "$W/cpu-$c.actual" | cut -c1-110)"
    else
        cpu+=("$c")
    fi
done
cpu_names=() cpu_cmds=()
for c in "${cpu[@]}"; do
    cpu_names+=("cpu $c frozen") cpu_cmds+=("$A/cpu/$c")
    cpu_names+=("cpu $c python3.11") cpu_cmds+=("$PY -I -S $P/cpu/$c.py")
done
mkdir -p "$W/cpu"
n=${#cpu_cmds[@]}
for ((r = 0; r < cpu_rounds && n > 0; r++)); do
    log "CPU-bound wall time, round $((r + 1))/$cpu_rounds"
    args=()
    for ((k = 0; k < n; k++)); do
        i=$(((k + r) % n))
        args+=(-n "${cpu_names[$i]}" "${cpu_cmds[$i]}")
    done
    hyperfine -N --style none --warmup 1 --runs "$cpu_runs" --export-json "$W/cpu/r$r.json" \
        --output null "${args[@]}" >/dev/null 2>>"$W/hyperfine.log"
done
# instructions COMMAND...: callgrind's count of instructions executed
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}
for c in "${cpu[@]}"; do
    log "instructions (callgrind), cpu/$c"
    scale=$(($(sed -n 's/.*else \([0-9]*\)))$/\1/p' "$P/cpu/$c.py") / cpu_div))
    for side in frozen python3.11; do
        if [[ $side == frozen ]]; then cmd=("$A/cpu/$c"); else cmd=("$PY" -I -S "$P/cpu/$c.py"); fi
        full=$(instructions "${cmd[@]}" "$scale")
        zero=$(instructions "${cmd[@]}" 0)
        [[ -n $full && -n $zero ]] || die "callgrind gave no count for ${cmd[*]}"
        put "instr	cpu $c $side" "$((full - zero)) $zero"
    done
done

# ---- memory: total PSS of $pss_copies concurrent copies of a program using
# ssl and sqlite3 (tests/bench/ssl_sqlite.py, holding still), frozen against
# python3.11 -I -S on the same source, alternating, pss_rounds times; frozen
# as by default and with --store-native-code (native code mapped from the
# file, shared through the page cache).
cp "$bench/ssl_sqlite.py" "$P/ssl_sqlite.py"
log "freezing ssl_sqlite"
if $(cache_opt "$W/cache-check") "$P/ssl_sqlite.py" -o "$A/ssl_sqlite" >"$W/ssl_sqlite.freeze.log" 2>&1 &&
    $(cache_opt "$W/cache-check") --store-native-code "$P/ssl_sqlite.py" -o "$A/ssl_sqlite_stored" \
        >>"$W/ssl_sqlite.freeze.log" 2>&1; then
    for ((r = 0; r < pss_rounds; r++)); do
        log "PSS of $pss_copies copies, round $((r + 1))/$pss_rounds"
        v=$($PY -I "$bench/pss.py" "$pss_copies" "$A/ssl_sqlite" </dev/null) || die "frozen ssl_sqlite failed"
        put "pss	frozen" "$v"
        v=$($PY -I "$bench/pss.py" "$pss_copies" "$A/ssl_sqlite_stored" </dev/null) ||
            die "frozen ssl_sqlite (--store-native-code) failed"
        put "pss	frozen stored" "$v"
        v=$($PY -I "$bench/pss.py" "$pss_copies" "$PY" -I -S "$P/ssl_sqlite.py" </dev/null) ||
            die "python3.11 ssl_sqlite.py failed"
        put "pss	python3.11 -I -S" "$v"
    done
    "$PF" inspect "$A/ssl_sqlite" | awk '$1 == "native" || $1 == "library" { n++; s += $3 } END { print n + 0, s + 0 }' >"$W/ssl_sqlite.native"
    put pss_native "$(cat "$W/ssl_sqlite.native")"
else
    put na_pss "freeze failed: $(grep -m1 -i error "$W/ssl_sqlite.freeze.log" || tail -1 "$W/ssl_sqlite.freeze.log")"
fi

# ---- sizes: output vs stripped stub; payload vs tar --zstd at the same level
log "sizes"
strip -o "$W/stub.stripped" "$STUB"
put stub_stripped "$(stat -c %s "$W/stub.stripped")"
put stub_unstripped "$(stat -c %s "$STUB")"
size -A "$W/stub.stripped" | awk '$1 ~ /^\./ { print $1, $2 }' >"$W/stub.sections"
while read -r section bytes; do put "section	$section" "$bytes"; done <"$W/stub.sections"
# the stub by part (archive member), from its link map (stub/CMakeLists.txt)
if [[ -f $build/stub/pyfreeze-stub.map ]]; then
    $PY -I "$bench/stub_parts.py" "$build/stub/pyfreeze-stub.map" | awk -F'\t' 'NR > 1 { print $1 "\t" $7 }' |
        while IFS=$'\t' read -r part bytes; do put "part	$part" "$bytes"; done
fi
# hello world as it ships once the stub is stripped: frozen with a stripped copy
if $(cache_opt "$W/cache-check") --stub "$W/stub.stripped" "$P/hello.py" -o "$A/hello-stripped" >/dev/null 2>&1 &&
    [[ $("$A/hello-stripped") == "hello world" ]]; then
    put hello_stripped "$(stat -c %s "$A/hello-stripped")"
fi
level=$(sed -n 's/^#define PFZ_FREEZE_ZSTD_LEVEL \([0-9]*\).*/\1/p' "$src/freezer/freeze.h")
level=${level:-6}
put zstd_level "$level"
for p in "${frozen[@]}"; do
    put "size	$p" "$(stat -c %s "$A/$p")"
    t=$W/tar-$p
    mkdir -p "$t/x"
    objcopy --dump-section ".pyfreeze=$t/p.tar.zst" "$A/$p" /dev/null
    put "payload	$p" "$(stat -c %s "$t/p.tar.zst")"
    zstd -q -dc "$t/p.tar.zst" >"$t/p.tar"
    tar -tf "$t/p.tar" >"$t/members"
    tar -xf "$t/p.tar" -C "$t/x"
    tar -C "$t/x" -I "zstd -q -$level" --format=pax --pax-option=delete=atime,delete=ctime \
        --mtime=@0 --owner=0 --group=0 --numeric-owner --no-recursion -T "$t/members" -cf "$t/ref.tar.zst"
    put "tarzst	$p" "$(stat -c %s "$t/ref.tar.zst")"
    put "members	$p" "$(wc -l <"$t/members") $(stat -c %s "$t/p.tar")"
    rm -rf "$t"
done

# ---- issue 14: payloads of programs on a machine with many packages, and a
# cold freeze of a scipy.stats two-liner (user+sys CPU, peak RSS and wall
# time from /usr/bin/time: the wall time is the load's on a shared machine,
# the target's on a quiet 2-core one). A program
# whose package is not installed is reported n/a.
log "issue 14: payloads and the scipy.stats freeze"
payload_bytes() { "$PF" inspect "$1" | sed -n 's/.*, payload \([0-9]*\) bytes.*/\1/p'; }
cat >"$P/tqdm_only.py" <<'EOF'
import tqdm
for i in tqdm.tqdm(range(1000)):
    pass
print("done")
EOF
cp "$src/examples/numpy-app/stats.py" "$P/numpy_example.py"
printf 'import scipy.stats\nprint(scipy.stats.norm.cdf(1.0))\n' >"$P/scipy_stats.py"
for p14 in tqdm_only:tqdm numpy_example:numpy; do
    name=${p14%%:*} pkg=${p14#*:}
    if ! $PY -I -c "import $pkg" 2>/dev/null; then
        put "na_$name" "python3-$pkg is not installed"
    elif $(cache_opt "$W/cache-14") "$P/$name.py" -o "$A/$name" >"$W/$name.freeze.log" 2>&1 &&
        [[ $("$A/$name" 2>/dev/null | tail -1) == $($PY -I "$P/$name.py" 2>/dev/null | tail -1) ]]; then
        put "payload14	$name" "$(payload_bytes "$A/$name")"
    else
        put "na_$name" "freeze failed or the frozen program differs: $(tail -1 "$W/$name.freeze.log")"
    fi
done
if $PY -I -c 'import scipy.stats' 2>/dev/null; then
    for ((r = 0; r < freeze_rounds * freeze_runs; r++)); do
        rm -rf "$W/cache-scipy"
        /usr/bin/time -f '%U %S %M %e' -o "$W/scipy.time" \
            $(cache_opt "$W/cache-scipy") "$P/scipy_stats.py" -o "$A/scipy_stats" -q >/dev/null 2>&1 ||
            die "the scipy.stats freeze failed"
        put "scipy_freeze	cold" "$(cat "$W/scipy.time")"
    done
    put "payload14	scipy_stats" "$(payload_bytes "$A/scipy_stats")"
else
    put na_scipy_stats "python3-scipy is not installed"
fi

# ---- report
$PY -I "$bench/report.py" "$W"

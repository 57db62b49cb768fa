#!/bin/bash
# run_target.sh EXE SECONDS WORK SEEDS [DICT]: runs the libFuzzer target EXE
# for SECONDS from the seed directory SEEDS (read, never written), with the
# dictionary DICT if given, keeping what
# it finds in WORK/corpus (made afresh) and a crashing input as
# WORK/crash-* (replay: EXE WORK/crash-...). Exit status: libFuzzer's, 0
# when nothing crashed, leaked, timed out or ran out of memory.
set -u
exe=$1 seconds=$2 work=$3 seeds=$4 dict=${5:-}
rm -rf "$work"
mkdir -p "$work/corpus"
# one process; -timeout: a single input taking 20 s is a hang
exec "$exe" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" ${dict:+-dict="$dict"} "$work/corpus" "$seeds"

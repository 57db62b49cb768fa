#!/bin/bash
# tests/fuzz/coverage.sh [SECONDS] [BUILD-DIR]: which lines the fuzz targets
# reach. Builds them with clang's source-based coverage besides libFuzzer
# (-DPYFREEZE_FUZZ_COVERAGE=ON) in BUILD-DIR (default build-fuzz-cov), runs
# each for SECONDS (default 60) from its seeds as tests/run-all.sh does,
# merges the profiles and prints llvm-cov's per-file report for the files
# the targets are for. Needs clang and llvm (llvm-profdata, llvm-cov of the
# same version). tests/fuzz/README.md has the last numbers.
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-60}
build=${2:-$src/build-fuzz-cov}
version=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p')
profdata=$(command -v "llvm-profdata-$version" || command -v llvm-profdata)
cov=$(command -v "llvm-cov-$version" || command -v llvm-cov)
targets=(fuzz_payload fuzz_plain fuzz_tar fuzz_index fuzz_verify fuzz_elf fuzz_boot_mode)

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DPYFREEZE_FUZZ=ON \
    -DPYFREEZE_FUZZ_COVERAGE=ON -DPYFREEZE_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" -j2 --target fuzz_all >/dev/null
rm -rf "$build/profiles"
mkdir -p "$build/profiles"
for t in "${targets[@]}"; do
    (cd "$build" && LLVM_PROFILE_FILE="$build/profiles/$t-%p.profraw" \
        ctest -L fuzz -R "^fuzz/$t\$" >/dev/null) || echo "$t: FAILED (see $build/fuzz/$t)"
done
"$profdata" merge -sparse -o "$build/profiles/all.profdata" "$build"/profiles/*.profraw
objects=()
for t in "${targets[@]}"; do
    objects+=(-object "$build/bin/$t")
done
"$cov" report "${objects[@]:1}" -instr-profile="$build/profiles/all.profdata" \
    "$src"/payload/{payload_reader,elf_section,elf_needed,tar_index,payload_index,payload_verify,frame_decoder,frame_cache,seek_table,payload_prefetch,prefetch_thread,prefetch_job}.c \
    "$src/runtime/boot/boot_mode.c"

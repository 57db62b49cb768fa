#!/bin/bash
# tests/run-all.sh: build pyfreeze twice and run every test in both builds,
# then the prefetch thread's tests a third time under ThreadSanitizer:
#   build/       the normal build (RelWithDebInfo)
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer (-DPYFREEZE_SANITIZE=ON)
#   build-tsan/  ThreadSanitizer: only the prefetch tests (target
#                pf_prefetch_tests, ctest label "prefetch"; payload/ and
#                its tests, no CPython), the one code with a second thread
#   build-fuzz/  clang: the libFuzzer targets (tests/fuzz, target fuzz_all,
#                ctest label "fuzz"), each run for a fixed short time
#                (PYFREEZE_FUZZ_SECONDS, 15 s: about a minute on 2 cores)
#                from the seeds in the repository and those made from fresh
#                sample payloads; a crash, leak or hang fails its test
# ctest runs the cmocka unit tests and the end-to-end tests (tests/e2e, which
# need root for their `unshare -m` sandbox). Tests that start CPython set
# ASAN_OPTIONS=detect_leaks=0 themselves (CPython does not free everything at
# exit); the others keep leak detection. Every build is tested even when one
# before it fails; the exit status is non-zero if any test failed (a race
# TSan reports fails its test).
# Override the build directories with PF_BUILD_DIR, PF_ASAN_BUILD_DIR,
# PF_TSAN_BUILD_DIR and PF_FUZZ_BUILD_DIR.
# The e2e root tests' Debian roots (made once by debootstrap) are shared by
# the builds: PF_ROOTS_DIR, by default BUILD/roots. So is the PVM (pvm/, our
# CPython for glibc 2.31, built once): PF_PVM_BUILD_DIR, by default BUILD/pvm;
# the TSan build links no CPython and is configured without it.
set -uo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PF_BUILD_DIR:-$src/build}
asan_build=${PF_ASAN_BUILD_DIR:-$src/build-asan}
tsan_build=${PF_TSAN_BUILD_DIR:-$src/build-tsan}
fuzz_build=${PF_FUZZ_BUILD_DIR:-$src/build-fuzz}
status=0
export PF_ROOTS_DIR=${PF_ROOTS_DIR:-$build/roots}
pvm_dir=${PF_PVM_BUILD_DIR:-$build/pvm}

# build_and_test DIR TARGET LABEL CMAKE-OPTIONS...: configures DIR, builds
# TARGET (all: everything) and runs the tests labelled LABEL ('': all).
build_and_test() {
    local dir=$1 target=$2 label=$3
    shift 3
    echo "==== $dir: configure, build, test"
    if ! cmake -S "$src" -B "$dir" "$@" || ! cmake --build "$dir" -j2 --target "$target"; then
        echo "==== $dir: BUILD FAILED"
        status=1
        return
    fi
    if ! (cd "$dir" && ctest --output-on-failure -j2 ${label:+-L "$label"}); then
        echo "==== $dir: TESTS FAILED"
        status=1
    fi
}

build_and_test "$build" all '' -DPYFREEZE_PVM_BUILD_DIR="$pvm_dir"
build_and_test "$asan_build" all '' -DPYFREEZE_SANITIZE=ON -DPYFREEZE_PVM_BUILD_DIR="$pvm_dir"
build_and_test "$tsan_build" pf_prefetch_tests prefetch -DPYFREEZE_PVM=OFF \
    -DCMAKE_C_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread
build_and_test "$fuzz_build" fuzz_all fuzz -DCMAKE_C_COMPILER=clang -DPYFREEZE_FUZZ=ON

if ((status == 0)); then
    echo "==== all tests passed in the four builds"
fi
exit "$status"

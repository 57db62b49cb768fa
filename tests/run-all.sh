#!/bin/bash
# tests/run-all.sh: build pyfreeze twice and run every test in both builds:
#   build/       the normal build (RelWithDebInfo)
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer (-DPYFREEZE_SANITIZE=ON)
# ctest runs the cmocka unit tests and the end-to-end tests (tests/e2e, which
# need root for their `unshare -m` sandbox). Tests that start CPython set
# ASAN_OPTIONS=detect_leaks=0 themselves (CPython does not free everything at
# exit); the others keep leak detection. Both builds are tested even when the
# first fails; the exit status is non-zero if any test failed.
# Override the build directories with PF_BUILD_DIR and PF_ASAN_BUILD_DIR.
# The e2e root tests' Debian roots (made once by debootstrap) are shared by
# both builds: PF_ROOTS_DIR, by default BUILD/roots.
set -uo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PF_BUILD_DIR:-$src/build}
asan_build=${PF_ASAN_BUILD_DIR:-$src/build-asan}
status=0
export PF_ROOTS_DIR=${PF_ROOTS_DIR:-$build/roots}

# build_and_test DIR CMAKE-OPTIONS...
build_and_test() {
    local dir=$1
    shift
    echo "==== $dir: configure, build, test"
    if ! cmake -S "$src" -B "$dir" "$@" || ! cmake --build "$dir" -j2; then
        echo "==== $dir: BUILD FAILED"
        status=1
        return
    fi
    if ! (cd "$dir" && ctest --output-on-failure -j2); then
        echo "==== $dir: TESTS FAILED"
        status=1
    fi
}

build_and_test "$build"
build_and_test "$asan_build" -DPYFREEZE_SANITIZE=ON

if ((status == 0)); then
    echo "==== all tests passed in both builds"
fi
exit "$status"

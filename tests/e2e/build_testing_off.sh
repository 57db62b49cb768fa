#!/bin/bash
# e2e/build-testing-off: pyfreeze configured with -DBUILD_TESTING=OFF (CTest's
# option; CMakeLists.txt) on a machine without cmocka: pkg-config is given
# every .pc file of this machine except cmocka.pc. The configure succeeds and
# never looks for cmocka, no test target or CTest test exists, and the whole
# build (a quick one: Debug, PYFREEZE_PVM=OFF) succeeds and gives a pyfreeze
# and its stubs that freeze a program. The same configure with tests on
# fails, naming the package to install: the hiding of cmocka works.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox
# Its build is its own, not the one under test: the sanitizer build of the
# suite would only build the same thing again.
[[ ${PF_SANITIZE:-0} == 1 ]] && skip_test "runs in the normal build only (a build of its own)"

# A pkg-config search path without cmocka.pc.
pc=$T/pkgconfig
mkdir -p "$pc"
IFS=: read -r -a pc_dirs <<<"$(pkg-config --variable pc_path pkg-config)"
for dir in "${pc_dirs[@]}"; do
    for file in "$dir"/*.pc; do
        [[ -e $file && $(basename "$file") != cmocka.pc && ! -e $pc/$(basename "$file") ]] &&
            ln -s "$file" "$pc/"
    done
done
export PKG_CONFIG_LIBDIR=$pc PKG_CONFIG_PATH=
pkg-config --exists cmocka && { fail "cmocka is still visible to pkg-config"; finish; }

b=$T/build
configure() { cmake -S "$PF_SOURCE_DIR" -B "$1" -DCMAKE_BUILD_TYPE=Debug -DPYFREEZE_PVM=OFF "${@:2}"; }
if configure "$T/build-on" >"$T/on.log" 2>&1; then
    fail "with tests on and no cmocka, the configure succeeded"
else
    expect_grep "with tests on and no cmocka, the configure fails naming the package" "$T/on.log" \
        "cmocka not found: apt-get install libcmocka-dev"
fi
if ! configure "$b" -DBUILD_TESTING=OFF >"$T/off.log" 2>&1; then
    fail "-DBUILD_TESTING=OFF without cmocka: the configure failed:"
    sed 's/^/    /' "$T/off.log" >&2
    finish
fi
pass "-DBUILD_TESTING=OFF configures without cmocka"
expect_no_grep "... and never looks for cmocka" "$b/CMakeCache.txt" "CMOCKA"
cmake --build "$b" --target help >"$T/targets.txt"
expect_no_grep "... and has no test target" "$T/targets.txt" "test_|no_memfd|fuzz"
(cd "$b" && ctest -N) >"$T/ctest.txt" 2>&1
expect_grep "... and no CTest test" "$T/ctest.txt" "Total Tests: 0"
if ! nice cmake --build "$b" -j2 >"$T/build.log" 2>&1; then
    fail "the BUILD_TESTING=OFF build failed:"
    tail -20 "$T/build.log" | sed 's/^/    /' >&2
    finish
fi
pass "the BUILD_TESTING=OFF build succeeds"
[[ -z $(find "$b" -name 'test_*' -type f -perm -u+x) ]] && pass "... and builds no test" ||
    fail "test executables were built: $(find "$b" -name 'test_*' -type f -perm -u+x | head -3)"
printf 'import json\nprint(json.dumps({"built": "without tests"}))\n' >"$T/hello.py"
PYFREEZE=$b/bin/pyfreeze freeze "$T/frozen/hello" "$T/hello.py" || finish
run_frozen "$T/run" /dev/null "$T/frozen/hello"
expect_eq "... and its pyfreeze freezes a program that runs" '{"built": "without tests"}:0' \
    "$(cat "$T/run.out"):$(status_of "$T/run")"
finish

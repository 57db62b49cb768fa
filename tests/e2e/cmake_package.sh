#!/bin/bash
# e2e/cmake-package: the installed CMake package (cmake/pyfreezeConfig.cmake.in).
# pyfreeze is installed into a temporary prefix; a tiny project uses
# find_package(pyfreeze) and pyfreeze_add_executable() (a script with a
# module from PATH src, and a MODULE entry point); its build freezes both,
# and the programs' output equals python3.11 -I's. After a module under src/
# changes (not the script CMake was told of: only pyfreeze's --depfile names
# it), the build freezes again and the programs print the new output; a build
# with nothing changed freezes nothing. Made with the Makefile generator, and
# with Ninja too when it is installed.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

P=$T/prefix
if ! cmake --install "$PF_BUILD_DIR" --prefix "$P" >"$T/install.log" 2>&1; then
    fail "cmake --install failed:"
    sed 's/^/    /' "$T/install.log" >&2
    finish
fi
for f in pyfreezeConfig.cmake pyfreezeConfigVersion.cmake; do
    [[ -f $P/lib/cmake/pyfreeze/$f ]] && pass "installed lib/cmake/pyfreeze/$f" ||
        fail "no $P/lib/cmake/pyfreeze/$f"
done

# The project: app.py finds src/ itself when python3.11 runs it; the freeze
# is told with PATH src.
SRC=$T/proj
mkdir -p "$SRC/src"
cat >"$SRC/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(demo NONE)
find_package(pyfreeze 0.1 REQUIRED)
pyfreeze_add_executable(app SCRIPT app.py PATH src)
pyfreeze_add_executable(greet MODULE greet PATH src OPTIONS -q)
CMAKE
cat >"$SRC/app.py" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
import greet
print(greet.hello(), sys.argv[1:])
PY
greeting() {
    printf 'import sys\ndef hello():\n    return "%s"\nif __name__ == "__main__":\n    print("main:", hello())\n    sys.exit(3)\n' "$1" >"$SRC/src/greet.py"
}
greeting "hello, first"
chmod -R a+rX "$SRC"

# check_build GENERATOR BUILD ROUND: the programs in BUILD/dist against python3.11.
check_build() {
    local gen=$1 b=$2 round=$3
    compare_runs "$gen $round: app" "$SRC" "$b/dist/app" /dev/null -I "$SRC/app.py" x y -- x y
    # (python3.11 -I -m would not search the current directory: the file)
    compare_runs "$gen $round: MODULE greet" "$SRC/src" "$b/dist/greet" /dev/null \
        -I "$SRC/src/greet.py" --
}

generators=("Unix Makefiles")
if command -v ninja >/dev/null; then
    generators+=(Ninja)
else
    echo "note: ninja is not installed: the Ninja generator is not tried"
fi
for gen in "${generators[@]}"; do
    b=$T/build-${gen// /-}
    greeting "hello, first"
    if ! cmake -S "$SRC" -B "$b" -G "$gen" -DCMAKE_PREFIX_PATH="$P" >"$b.log" 2>&1 ||
        ! cmake --build "$b" >>"$b.log" 2>&1; then
        fail "$gen: configuring or building the project failed:"
        sed 's/^/    /' "$b.log" >&2
        continue
    fi
    pass "$gen: find_package(pyfreeze) and pyfreeze_add_executable build the project"
    check_build "$gen" "$b" "first build"
    before=$(stat -c %Y.%s "$b/dist/app" "$b/dist/greet")
    sleep 1 # a newer mtime than the outputs' for make
    greeting "hello, second"
    cmake --build "$b" >"$b.rebuild.log" 2>&1
    expect_eq "$gen: the build after src/greet.py changed works" 0 "$?"
    check_build "$gen" "$b" "rebuilt"
    expect_grep "$gen: ... and it froze again" "$b.rebuild.log" "Freezing Python program app"
    after=$(stat -c %Y.%s "$b/dist/app" "$b/dist/greet")
    cmake --build "$b" >"$b.again.log" 2>&1
    expect_no_grep "$gen: a build with nothing changed freezes nothing" "$b.again.log" "Freezing"
    expect_eq "$gen: ... and leaves the programs as they were" "$after" \
        "$(stat -c %Y.%s "$b/dist/app" "$b/dist/greet")"
    [[ $before != "$after" ]] || fail "$gen: the programs were not rewritten by the rebuild"
done
finish

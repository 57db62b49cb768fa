#!/bin/bash
# tests/format.sh: every C file of the repository is laid out as the repo's
# .clang-format says (clang-format 16: InsertBraces needs 15 or newer).
# Prints each file that differs and exits 1; exits 77 (skipped) when
# clang-format-16 is not installed (apt-get install clang-format-16).
set -uo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
format=${PF_CLANG_FORMAT:-clang-format-16}
if ! command -v "$format" >/dev/null; then
    echo "SKIP: $format not found: apt-get install clang-format-16"
    exit 77
fi
cd "$src" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.c' '*.h')
else
    mapfile -t files < <(find . -path ./build\* -prune -o \( -name '*.c' -o -name '*.h' \) -print)
fi
bad=0
for f in "${files[@]}"; do
    if ! "$format" --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not clang-formatted: $f (run: $format -i $f)"
        bad=1
    fi
done
echo "${#files[@]} files checked"
exit $bad

#!/bin/bash
# e2e/cli-docs: the man page and the bash completion the build made from the
# option table (freezer/cli/option_docs.c): man(1) renders the page without
# a warning; every option the table has is in pyfreeze --help, the rendered
# page, the completion (which completes it from a prefix) and the user
# guide's option table; README points to them.
source "$(dirname "$0")/lib.sh"
[[ -x $PYFREEZE ]] || { fail "pyfreeze is not built: $PYFREEZE"; finish; }

DOCGEN=$(dirname "$PYFREEZE")/pyfreeze-docgen
MAN_PAGE=$PF_BUILD_DIR/pyfreeze.1
COMPLETION=$PF_BUILD_DIR/pyfreeze.bash
[[ -x $DOCGEN && -f $MAN_PAGE && -f $COMPLETION ]] ||
    { fail "not built: $DOCGEN, $MAN_PAGE, $COMPLETION (target pyfreeze-docs)"; finish; }
command -v man >/dev/null || { fail "man(1) is not installed (Debian: man-db)"; finish; }

"$DOCGEN" options >"$T/options"
"$DOCGEN" commands >"$T/commands"
expect_eq "the table has its options" 1 "$(($(wc -l <"$T/options") > 20))"

# man -l renders the page; groff's warnings (-ww) would show a roff mistake.
MANWIDTH=100 LC_ALL=C.UTF-8 man --warnings=w -l "$MAN_PAGE" >"$T/man.txt" 2>"$T/man.err"
expect_eq "man -l pyfreeze.1 exits 0" 0 "$?"
expect_eq "... with no warning" "" "$(cat "$T/man.err")"
expect_grep "... and shows the page's name line" "$T/man.txt" "pyfreeze - pack a Python 3.11"

"$PYFREEZE" --help >"$T/help.txt" 2>&1
expect_eq "pyfreeze --help exits 0" 0 "$?"

# complete WORD...: what the completion offers for the last WORD after
# `pyfreeze WORD...`, one a line.
complete() {
    bash -c 'source "$1"; shift; COMP_WORDS=(pyfreeze "$@"); COMP_CWORD=$#; _pyfreeze;
             printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
}
expect_eq "the completion completes --hid to --hidden-import" "--hidden-import" \
    "$(complete app.py --hid)"
expect_eq "... -O's value is not a file name" "" "$(cd "$T" && complete app.py -O '')"
mkdir -p "$T/tree/subdir" && touch "$T/tree/file.py"
expect_eq "... --cache-dir completes directories only" "subdir" \
    "$(cd "$T/tree" && complete app.py --cache-dir '')"
expect_eq "... the first word: a command or a file" "inspect" "$(cd "$T/tree" && complete ins)"
# --opt=VALUE: bash splits the word at '=' (COMP_WORDBREAKS), so the words are
# --opt, =, VALUE; the value is completed as after --opt VALUE.
expect_eq "... --path=<TAB> completes directories" "subdir" \
    "$(cd "$T/tree" && complete app.py --path =)"
expect_eq "... --path=s<TAB> too" "subdir" "$(cd "$T/tree" && complete app.py --path = s)"
expect_eq "... --output=f<TAB> completes files" "file.py" \
    "$(cd "$T/tree" && complete app.py --output = f)"
expect_eq "... --add-data's SRC is a file or directory" "file.py" \
    "$(cd "$T/tree" && complete app.py --add-data f)"
expect_eq "... --max-glibc=<TAB>: no file names" "" "$(cd "$T/tree" && complete app.py --max-glibc =)"
expect_eq "... --config completes files" "file.py" "$(cd "$T/tree" && complete --config f)"

# Each command's own --help, from the same table: its usage and its text.
for cmd in $(cat "$T/commands"); do
    "$PYFREEZE" "$cmd" --help >"$T/$cmd-help.txt" 2>&1
    expect_eq "pyfreeze $cmd --help exits 0" 0 "$?"
    expect_eq "... and starts with its usage" "usage: pyfreeze $cmd FILE" "$(head -n 1 "$T/$cmd-help.txt")"
    expect_grep "... and lists -h, --help" "$T/$cmd-help.txt" "^  -h, --help "
done
"$PYFREEZE" inspect --hepl x >"$T/bad-help.out" 2>&1
expect_eq "pyfreeze inspect --hepl: usage error (status 2)" 2 "$?"
expect_grep "... which points to pyfreeze inspect --help" "$T/bad-help.out" "pyfreeze inspect --help"
expect_grep "pyfreeze --help points to the commands' help" "$T/help.txt" "pyfreeze COMMAND --help"

guide=$PF_SOURCE_DIR/docs/user-guide.md
missing=()
while read -r opt; do
    grep -qF -- "$opt" "$T/help.txt" || missing+=("--help:$opt")
    grep -qF -- "$opt" "$T/man.txt" || missing+=("man:$opt")
    grep -qxF -- "$opt" <(complete "${opt:0:${#opt}-1}") || missing+=("completion:$opt")
    # the user guide's option table: a row naming the option in backquotes
    grep -qE -- "^\| \`[^|]*${opt}[ ,\`]" "$guide" || missing+=("user-guide:$opt")
done <"$T/options"
while read -r cmd; do
    grep -qF -- "pyfreeze $cmd" "$T/help.txt" || missing+=("--help:$cmd")
    grep -qF -- "pyfreeze $cmd" "$T/man.txt" || missing+=("man:$cmd")
    grep -qxF -- "$cmd" <(complete "${cmd:0:3}") || missing+=("completion:$cmd")
done <"$T/commands"
expect_eq "every option and command is in --help, the man page, the completion and the user guide" \
    "" "${missing[*]}"

expect_grep "README points to the option reference" "$PF_SOURCE_DIR/README.md" "man pyfreeze"
finish

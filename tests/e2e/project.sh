#!/bin/bash
# e2e/project/CASE: freezing a project the way its own metadata describes it
# (docs/user-guide.md, "pyproject.toml and entry points"), run with Python
# hidden and compared with python3.11 -I calling the same function as a
# console script does (lib.sh).
#
#   pyproject    examples/greeter-project frozen by `pyfreeze` alone (its
#                [tool.pyfreeze] names the console script and -p src) to
#                dist/greeter; command-line options override the table; run
#                from src/greeter/ it reads the parent's file; --config FILE
#   entry-point  the same console script by --entry-point greeter -p src and
#                by -m greeter.cli:main -p src
#   installed    an installed distribution's console script (Debian's
#                pyflakes, console_scripts metadata) by --entry-point
#   private      a console script whose function is private and otherwise
#                called only by its module's `if __name__ == "__main__":`
#                block (tabulate's tabulate:_main): -m tool:_main packs what
#                the function imports (getopt)
#   hints        -m greeter without -p src says to add it; a module in an
#                unused ./.venv says to activate it or pass --venv; a
#                VIRTUAL_ENV of another Python version is blamed on
#                VIRTUAL_ENV; [tool.pyfreeze] mistakes name the key and file
source "$(dirname "$0")/lib.sh"
require_built

case_name=${1:?usage: project.sh pyproject|entry-point|installed|private|hints}

# The project, copied so that dist/ is written in the test's directory.
P=$T/greeter-project
cp -r "$EXAMPLES/greeter-project" "$P"
chmod -R a+rX "$P"

# compare_greeter NAME EXE ARGS...: EXE ARGS against python3.11 -I running
# the console script's function from the project's src/ directory.
compare_greeter() {
    local name=$1 exe=$2
    shift 2
    compare_runs "$name" "$P" "$exe" /dev/null -I -c \
        "import sys; sys.path.insert(0, 'src'); from greeter.cli import main; sys.exit(main())" \
        "$@" -- "$@"
}

# greeter_runs PREFIX EXE: the greeter's cases: default, names, --shout,
# exit status 3, argparse's exit status 2.
greeter_runs() {
    local prefix=$1 exe=$2
    compare_greeter "$prefix-default" "$exe"
    compare_greeter "$prefix-names" "$exe" ada grace
    compare_greeter "$prefix-shout" "$exe" --shout ada
    compare_greeter "$prefix-status" "$exe" nobody
    compare_greeter "$prefix-bad-option" "$exe" --nosuch
}

# pyfreeze_in DIR LOG ARGS...: runs pyfreeze ARGS in DIR in the clean
# environment plus RUN_ENV; LOG.out, LOG.err, LOG.rc.
pyfreeze_in() {
    local dir=$1 log=$2
    shift 2
    (cd "$dir" && "${CLEAN_ENV[@]}" XDG_CACHE_HOME="$T/cache" "${RUN_ENV[@]}" "$PYFREEZE" "$@") \
        >"$log.out" 2>"$log.err"
    echo $? >"$log.rc"
}

case $case_name in
pyproject)
    require_sandbox
    pyfreeze_in "$P" "$T/plain"
    expect_eq "pyfreeze with no arguments freezes from pyproject.toml" 0 "$(cat "$T/plain.rc")" ||
        sed 's/^/    /' "$T/plain.err" >&2
    expect_grep "it wrote the default output dist/greeter" "$T/plain.err" '^pyfreeze: wrote dist/greeter: '
    RUN_CWD=$P
    greeter_runs pyproject "$P/dist/greeter"
    # the command line overrides the table's single values and adds to its lists
    mkdir -p "$T/over"
    pyfreeze_in "$P" "$T/over" -q -o "$T/over/greeter" --hidden-import json
    expect_eq "-o given: the table's default is not used" 0 "$(cat "$T/over.rc")"
    [[ -x $T/over/greeter ]] && pass "-o on the command line wins" || fail "-o did not write $T/over/greeter"
    "$PYFREEZE" inspect "$T/over/greeter" >"$T/over.inspect"
    expect_grep "--hidden-import adds to the table's options" "$T/over.inspect" 'lib/json/__init__\.pyc'
    expect_eq "-q: nothing printed" "" "$(cat "$T/over.err")"
    # run from a subdirectory: the parent's pyproject.toml, its paths and dist/
    rm -rf "$P/dist"
    pyfreeze_in "$P/src/greeter" "$T/sub"
    expect_eq "pyfreeze in src/greeter/ freezes from the project's pyproject.toml" 0 \
        "$(cat "$T/sub.rc")" || sed 's/^/    /' "$T/sub.err" >&2
    expect_grep "... to the project's dist/greeter" "$T/sub.err" '^pyfreeze: wrote \.\./\.\./dist/greeter: '
    greeter_runs parent "$P/dist/greeter"
    # --config FILE from elsewhere, with a script on the command line: the
    # table's options (its -p src) apply, the command line's script wins
    mkdir -p "$T/elsewhere"
    printf 'from greeter.cli import main\nmain()\n' >"$T/elsewhere/run.py"
    pyfreeze_in "$T/elsewhere" "$T/cfg" --config "$P/pyproject.toml" run.py -o "$T/elsewhere/run"
    expect_eq "--config FILE with a script" 0 "$(cat "$T/cfg.rc")" || sed 's/^/    /' "$T/cfg.err" >&2
    compare_greeter config-script "$T/elsewhere/run" ada
    pyfreeze_in "$T/elsewhere" "$T/nocfg" --config nosuch.toml run.py
    expect_grep "--config of a missing file: one message" "$T/nocfg.err" \
        "^pyfreeze: error: --config 'nosuch.toml': cannot read it"
    ;;

entry-point)
    require_sandbox
    RUN_CWD=$P
    mkdir -p "$T/ep" "$T/mf"
    # [project.scripts] is read for --entry-point; [tool.pyfreeze] is not
    # (the command line names what to freeze)
    pyfreeze_in "$P" "$T/ep" --entry-point greeter -p src -o "$T/ep/greeter"
    expect_eq "--entry-point greeter -p src" 0 "$(cat "$T/ep.rc")" || sed 's/^/    /' "$T/ep.err" >&2
    greeter_runs entry-point "$T/ep/greeter"
    pyfreeze_in "$P" "$T/mf" -m greeter.cli:main -p src -o "$T/mf/greeter"
    expect_eq "-m greeter.cli:main -p src" 0 "$(cat "$T/mf.rc")" || sed 's/^/    /' "$T/mf.err" >&2
    greeter_runs module-function "$T/mf/greeter"
    # the same program: the two ways freeze the same bytes
    cmp -s "$T/ep/greeter" "$T/mf/greeter" &&
        pass "--entry-point and -m MODULE:FUNCTION give the same executable" ||
        fail "--entry-point and -m MODULE:FUNCTION differ"
    ;;

installed)
    require_sandbox
    "$PF_PYTHON" -I -c 'import pyflakes' 2>/dev/null ||
        skip_test "python3-pyflakes is not installed (apt-get install flake8)"
    W=$T/work
    mkdir -p "$W/frozen"
    printf 'import os\n\ndef f():\n    return undefined_name\n' >"$W/bad.py"
    printf 'def g():\n    return 1\n' >"$W/good.py"
    chmod -R a+rX "$W"
    pyfreeze_in "$W" "$T/pf" --entry-point pyflakes -v -o "$W/frozen/pyflakes"
    expect_eq "--entry-point pyflakes" 0 "$(cat "$T/pf.rc")" || sed 's/^/    /' "$T/pf.err" >&2
    expect_grep "-v says where the console script was found" "$T/pf.out" \
        '^entry point pyflakes: pyflakes\.api:main \(from pyflakes '
    RUN_CWD=$W
    for f in bad.py good.py; do
        compare_runs "pyflakes-$f" "$W" "$W/frozen/pyflakes" /dev/null -I -c \
            "import sys; from pyflakes.api import main; sys.exit(main())" "$f" -- "$f"
    done
    expect_grep "pyflakes reports the unused import" "$R/pyflakes-bad.py.frz.out" "^bad.py:1:1:? 'os' imported but unused"
    pyfreeze_in "$W" "$T/none" --entry-point no-such-console-script
    expect_eq "an unknown console script: status 1" 1 "$(cat "$T/none.rc")"
    expect_grep "an unknown console script is named" "$T/none.err" \
        "^pyfreeze: error: --entry-point no-such-console-script: no console script of that name"
    ;;

private)
    require_sandbox
    W=$T/private
    mkdir -p "$W/frozen"
    cat >"$W/tool.py" <<'EOF'
import sys


def _main():
    import getopt
    opts, args = getopt.getopt(sys.argv[1:], "n:v")
    print(opts, args)


if __name__ == "__main__":
    _main()
EOF
    chmod -R a+rX "$W"
    pyfreeze_in "$W" "$T/pm" -m tool:_main -o "$W/frozen/tool"
    expect_eq "-m tool:_main" 0 "$(cat "$T/pm.rc")" || sed 's/^/    /' "$T/pm.err" >&2
    RUN_CWD=$W
    # python3.11 runs the module as a script: its `__main__` block calls _main
    compare_runs private-main "$W" "$W/frozen/tool" /dev/null -I "$W/tool.py" -v -n 3 x -- \
        -v -n 3 x
    ;;

hints)
    # src layout: -m greeter (or its console script) without -p src
    pyfreeze_in "$P" "$T/src" -m greeter -o "$T/x"
    expect_eq "-m greeter without -p src fails (status 1)" 1 "$(cat "$T/src.rc")"
    expect_grep "-m greeter: the error says to add -p src" "$T/src.err" \
        "no module named 'greeter'.*'greeter' is under \./src \(a src layout\): add -p src"
    pyfreeze_in "$P" "$T/src2" -m greeter.cli:main -o "$T/x"
    expect_grep "-m greeter.cli:main: the same hint" "$T/src2.err" "add -p src"
    pyfreeze_in "$P" "$T/src3" -m greeter -p src -o "$T/x"
    expect_no_grep "with -p src no hint (greeter has no __main__)" "$T/src3.err" "add -p src"
    [[ ! -e $T/x ]] && pass "nothing written by the failed freezes" || fail "$T/x was written"
    # an unused virtual environment in the working directory
    A=$T/venvapp
    mkdir -p "$A"
    "$PF_PYTHON" -m venv --without-pip "$A/.venv" || { fail "cannot create a venv"; finish; }
    mkdir -p "$A/.venv/lib/python3.11/site-packages/venvonly"
    printf 'X = 1\n' >"$A/.venv/lib/python3.11/site-packages/venvonly/__init__.py"
    printf 'import venvonly\nprint(venvonly.X)\n' >"$A/app.py"
    pyfreeze_in "$A" "$T/venv" app.py -o "$T/venvout"
    expect_grep "an unused ./.venv with the missing module: the hint names it" "$T/venv.err" \
        "^pyfreeze: hint: 'venvonly' is installed in the virtual environment ./.venv, .*activate it .* or pass --venv .venv$"
    pyfreeze_in "$A" "$T/venv2" app.py --venv .venv -o "$T/venvout2"
    expect_no_grep "with --venv .venv: no hint, no warning" "$T/venv2.err" "venvonly"
    # VIRTUAL_ENV naming an environment of another Python version
    V12=$T/venv312
    mkdir -p "$V12/lib/python3.12/site-packages"
    printf 'home = /usr/bin\nversion = 3.12.1\n' >"$V12/pyvenv.cfg"
    RUN_ENV=(VIRTUAL_ENV="$V12")
    pyfreeze_in "$A" "$T/ve" app.py -o "$T/veout"
    RUN_ENV=()
    expect_eq "VIRTUAL_ENV of python3.12: the freeze fails (status 1)" 1 "$(cat "$T/ve.rc")"
    expect_grep "the error names VIRTUAL_ENV" "$T/ve.err" \
        "^pyfreeze: error: VIRTUAL_ENV \(an activated virtual environment\): $V12 is not a python3.11 virtual environment \(it is a python3.12 one\); deactivate it, or pass --venv DIR"
    expect_no_grep "and not a --venv the user never gave" "$T/ve.err" "error: --venv"
    # [tool.pyfreeze] mistakes
    C=$T/config
    mkdir -p "$C"
    printf '[tool.pyfreeze]\nscript = "app.py"\nhidden_imports = ["json"]\n' >"$C/pyproject.toml"
    pyfreeze_in "$C" "$T/key"
    expect_eq "an unknown key: usage error (status 2)" 2 "$(cat "$T/key.rc")"
    expect_grep "an unknown key names the file and the key, and the option meant" "$T/key.err" \
        "^pyfreeze: error: pyproject.toml \[tool.pyfreeze\] hidden_imports: unknown key; did you mean 'hidden-import'?"
    printf '[tool.pyfreeze]\nscript = "app.py"\nverbose = "yes"\n' >"$C/pyproject.toml"
    pyfreeze_in "$C" "$T/type"
    expect_grep "a wrong type names the file and the key" "$T/type.err" \
        "^pyfreeze: error: pyproject.toml \[tool.pyfreeze\] verbose: expected true or false, not a string"
    printf '[tool.pyfreeze]\nscript = "app.py"\noptimize = 5\n' >"$C/pyproject.toml"
    pyfreeze_in "$C" "$T/value"
    expect_grep "a bad value is the option's own error, with the file" "$T/value.err" \
        "^pyfreeze: error: pyproject.toml \[tool.pyfreeze\]: option --optimize '5'"
    printf '[tool.pyfreeze\n' >"$C/pyproject.toml"
    pyfreeze_in "$C" "$T/toml"
    expect_grep "invalid TOML: tomllib's line and column" "$T/toml.err" \
        "^pyfreeze: error: pyproject.toml is not valid TOML \(.*line 1, column [0-9]+\)\): fix it$"
    rm "$C/pyproject.toml"
    pyfreeze_in "$C" "$T/nofile"
    expect_grep "no pyproject.toml: nothing to freeze, and where a config goes" "$T/nofile.err" \
        "nothing to freeze: .*pyproject.toml"
    ;;

*)
    fail "unknown case $case_name"
    ;;
esac
finish

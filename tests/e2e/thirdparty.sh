#!/bin/bash
# e2e/thirdparty/CASE: third-party packages (docs/third-party.md), frozen and
# run with Python hidden, compared with python3.11 (lib.sh).
#
#   resources  examples/resources-app: a package with data files and a
#              hand-written dist-info beside the script, read through
#              importlib.resources (files, iterdir, joinpath, is_file,
#              is_dir, open, as_file), pkgutil.get_data, loader.get_data,
#              plain open() beside __file__, importlib.metadata (version,
#              metadata, entry points), plugins found with pkgutil and
#              imported by name, and an --add-data file; strace shows no file
#              created
#   pygments   examples/pygments-app with Debian's python3-pygments: lexers,
#              formatters and styles looked up by name, with no options
#   venv       a package only in a virtual environment (--venv and
#              VIRTUAL_ENV), compared with the venv's python
#   requires   a module packed only with its distribution (imported by a
#              name built at run time) imports, at module level, a
#              distribution that its own declares as a plain requirement
#              (Requires-Dist with no marker): that one is packed; one
#              required only by an extra is not (docs/third-party.md); a
#              stdlib module it alone imports keeps its accelerator
#              (decimal's _decimal, whose fallback _pydecimal is not packed)
#   options    --hidden-import, --exclude-module, --collect and their errors
#   syspath    sys.path's "<executable>" entry: sys.path[0] exists (as the
#              script's directory does for python3.11 -E -s),
#              pkgutil.iter_modules() lists the program's module,
#              importlib.metadata sees a packed distribution (Debian's
#              python3-six) exactly once, pkg_resources' working set finds
#              it, a directory the program puts on sys.path imports its
#              files, a missing module fails as python3's does
#   dist-order importlib.metadata's distributions() and entry_points(group=)
#              list the packed distributions in the order python3.11 finds
#              them: sys.path's order, then each directory's os.listdir
#              order (CPython 3.11 importlib/metadata FastPath.children),
#              not sorted (four distributions in a venv whose listing is
#              not in name order: tmpfs lists the newest first, ext4 in hash
#              order)
#   left-out   a module the freezer left out (--exclude-module; an import
#              the resolver did not follow) fails naming the option that
#              packs it; the index records those names (inspect)
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

case_name=${1:?usage: thirdparty.sh resources|pygments|venv|requires|options|syspath|dist-order|left-out}
FROZEN=$T/frozen

case $case_name in
resources)
    SRC=$EXAMPLES/resources-app EXE=$FROZEN/greet.py
    freeze "$EXE" -v "$SRC/greet.py" --add-data "$SRC/motd.txt:." || finish
    "$PYFREEZE" -v "$SRC/greet.py" --add-data "$SRC/motd.txt:." -o "$FROZEN/again" >"$T/listing.txt" 2>/dev/null
    expect_grep "-v reports the distribution packed whole" "$T/listing.txt" \
        '^distribution phrasebook 1\.2\.0 \(phrasebook-1\.2\.0\.dist-info\): phrasebook packed whole'
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "plugins are packed though nothing imports them" "$T/inspect.txt" 'lib/phrasebook/plugins/whisper\.pyc'
    expect_grep "data files are packed" "$T/inspect.txt" '^data .* lib/phrasebook/data/fr\.json'
    expect_grep "the dist-info is packed" "$T/inspect.txt" '^data .* lib/phrasebook-1\.2\.0\.dist-info/entry_points\.txt'
    expect_grep "--add-data is packed" "$T/inspect.txt" '^data .* lib/motd\.txt'
    RUN_CWD=/
    REF_FLAGS=(-B -E -s)   # the script imports its neighbour package
    for args in "en plain" "fr shout" "de whisper" "xx" "en nosuchstyle"; do
        # shellcheck disable=SC2086
        compare "greet-${args// /-}" /dev/null $args
    done
    expect_grep "plugins found by name" "$R/greet-fr-shout.frz.out" '^BONJOUR, WORLD!!!$'
    # nothing written: as_file gives a memfd, open() reads the payload
    RUN_ENV=()
    run_capture "$T/trace" /dev/null "${SANDBOX[@]}" strace -f -qq -o "$T/trace.strace" \
        -e trace="$TRACE_CREATING" "$EXE" en shout
    expect_eq "the traced run succeeds" 0 "$(status_of "$T/trace")"
    expect_no_file_created \
        "the run created no file (as_file used a memfd: $(grep -c 'memfd_create("banner.txt"' "$T/trace.strace"))" \
        "$T/trace.strace"
    ;;

pygments)
    "$PF_PYTHON" -I -c 'import pygments' 2>/dev/null ||
        skip_test "python3-pygments is not installed (apt-get install python3-pygments)"
    SRC=$EXAMPLES/pygments-app EXE=$FROZEN/colorize.py
    freeze "$EXE" "$SRC/colorize.py" || finish
    for fmt in html terminal256 raw; do
        compare "colorize-$fmt" /dev/null "$fmt"
    done
    expect_grep "the rust lexer was found by name" "$R/colorize-html.frz.out" '^--- rust: Rust \(pygments\.lexers\.rust\)$'
    ;;

venv)
    V=$T/venv
    "$PF_PYTHON" -m venv --without-pip "$V" || { fail "cannot create a venv"; finish; }
    SP=$V/lib/python3.11/site-packages
    mkdir -p "$SP/venvonly" "$SP/venvonly-0.1.dist-info" "$T/app"
    printf 'def where():\n    return "from the venv"\n' >"$SP/venvonly/__init__.py"
    printf 'hello from venvonly\n' >"$SP/venvonly/note.txt"
    printf 'Metadata-Version: 2.1\nName: venvonly\nVersion: 0.1\n' >"$SP/venvonly-0.1.dist-info/METADATA"
    cat >"$T/app/app.py" <<'PY'
import importlib.metadata, importlib.resources, sys
import venvonly
print(venvonly.where(), importlib.metadata.version("venvonly"))
print(importlib.resources.files("venvonly").joinpath("note.txt").read_text().strip())
try:
    import pygments
    print("system site-packages visible")
except ImportError:
    print("no system site-packages")
PY
    freeze "$FROZEN/app.py" --venv "$V" "$T/app/app.py" || finish
    # the reference is the venv's own python
    run_ref() { local p=$1 s=$2; shift 2; run_capture "$p" "$s" "$V/bin/python3" "$@"; }
    SRC=$T/app EXE=$FROZEN/app.py
    compare venv /dev/null
    VIRTUAL_ENV=$V freeze "$FROZEN/env/app.py" "$T/app/app.py" || finish
    EXE=$FROZEN/env/app.py
    compare venv-env /dev/null
    ;;

requires)
    V=$T/venv
    "$PF_PYTHON" -m venv --without-pip "$V" || { fail "cannot create a venv"; finish; }
    SP=$V/lib/python3.11/site-packages
    for d in dista distb distc; do
        mkdir -p "$SP/$d" "$SP/$d-1.0.dist-info"
        printf 'Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n' "$d" >"$SP/$d-1.0.dist-info/METADATA"
    done
    printf 'Requires-Dist: distb\nRequires-Dist: distc ; extra == "x"\n' >>"$SP/dista-1.0.dist-info/METADATA"
    printf 'X = 1\n' >"$SP/dista/__init__.py"
    # decimal: a stdlib accelerator with a fallback (`try: from _decimal import *`
    # `except ImportError: from _pydecimal import *`), reached only from here
    printf 'import decimal\nimport distb\nVALUE = (distb.B, str(decimal.Decimal("1.10") * 3))\n' \
        >"$SP/dista/plugin.py"
    printf 'import distc\nVALUE = 3\n' >"$SP/dista/extra.py"
    printf 'B = 2\n' >"$SP/distb/__init__.py"
    printf '' >"$SP/distc/__init__.py"
    mkdir -p "$T/app"
    cat >"$T/app/app.py" <<'PY'
import importlib, sys
import dista
name = "".join(sys.argv[1:]) or "plugin"
print(importlib.import_module("dista." + name).VALUE)
PY
    freeze "$FROZEN/app.py" --venv "$V" -v "$T/app/app.py" || finish
    run_ref() { local p=$1 s=$2; shift 2; run_capture "$p" "$s" "$V/bin/python3" "$@"; }
    SRC=$T/app EXE=$FROZEN/app.py
    compare requires /dev/null
    expect_grep "an extra's requirement is not followed" "$EXE.log" \
        "not following dista.extra's import of distc .*packed only as part of distribution dista"
    ;;

syspath)
    "$PF_PYTHON" -I -c 'import six, pkg_resources' 2>/dev/null ||
        skip_test "python3-six or python3-pkg-resources is not installed"
    # pkg_resources imports its vendored packages by computed names
    # (pkg_resources.extern): --collect packs them
    program syspath --collect pkg_resources <<'EOF' || finish
import importlib.metadata as md, os, pkgutil, sys, tempfile
import six
print("sys.path[0]", type(sys.path[0]).__name__, os.path.isabs(sys.path[0]),
      os.path.exists(sys.path[0]))
print("own module listed", "syspath" in {m.name for m in pkgutil.iter_modules()})
print("six distributions", sum(d.metadata["Name"] == "six" for d in md.distributions()))
print("six version", md.version("six") == six.__version__)
print("setuptools entry points",
      len([ep for ep in md.entry_points(group="distutils.commands")
           if ep.dist.name == "setuptools"]))
import pkg_resources
print("working set", pkg_resources.get_distribution("six").version == six.__version__,
      [d.project_name for d in pkg_resources.require("six")],
      sum(d.project_name == "six" for d in pkg_resources.working_set))
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "beside_mod.py"), "w") as f:
        f.write("VALUE = 42\n")
    sys.path.insert(0, d)
    import beside_mod
    print("inserted directory", beside_mod.VALUE,
          beside_mod.__file__ == os.path.join(d, "beside_mod.py"))
try:
    import no_such_module_pf14
except ModuleNotFoundError as e:
    print(type(e).__name__, e.name, e)
EOF
    RUN_CWD=/
    # python3.11 -I puts no script directory on sys.path (-I implies -P):
    # its sys.path[0] is the stdlib's zip, which does not exist
    REF_FLAGS=(-B -E -s)
    compare syspath /dev/null
    expect_grep "the program ran to its end" "$R/syspath.frz.out" \
        "^ModuleNotFoundError no_such_module_pf14 No module named 'no_such_module_pf14'$"
    expect_grep "six is seen once" "$R/syspath.frz.out" '^six distributions 1$'
    expect_grep "pkg_resources finds six" "$R/syspath.frz.out" "^working set True \['six'\] 1$"
    ;;

dist-order)
    V=$T/venv
    "$PF_PYTHON" -m venv --without-pip "$V" || { fail "cannot create a venv"; finish; }
    SP=$V/lib/python3.11/site-packages
    # names whose os.listdir order is not sorted: tmpfs lists the newest
    # first; ext4 lists in hash order, so other names are tried
    listed() {
        "$PF_PYTHON" -I -c 'import os, sys
print(" ".join(n.split("-")[0] for n in os.listdir(sys.argv[1]) if n.endswith(".dist-info")))' "$SP"
    }
    for try in a b c d e f g h; do
        rm -rf "${SP:?}"/*
        names=(pfdo${try}1 pfdo${try}2 pfdo${try}3 pfdo${try}4)
        for d in "${names[@]}"; do
            mkdir -p "$SP/$d" "$SP/$d-1.0.dist-info"
            printf 'Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n' "$d" >"$SP/$d-1.0.dist-info/METADATA"
            printf '[pf_dist_order]\n%s = %s:VALUE\n' "$d" "$d" >"$SP/$d-1.0.dist-info/entry_points.txt"
            printf 'VALUE = "%s"\n' "$d" >"$SP/$d/__init__.py"
        done
        order=$(listed)
        [[ $order != "${names[*]}" ]] && break
    done
    [[ $order != "${names[*]}" ]] || skip_test "no names tried list out of name order in $SP"
    echo "os.listdir order: $order"
    mkdir -p "$T/app"
    # imported in name order: the freezer finds the distributions in that order
    cat >"$T/app/app.py" <<PY
import importlib.metadata as md
import ${names[0]}, ${names[1]}, ${names[2]}, ${names[3]}
eps = md.entry_points(group="pf_dist_order")
print([ep.name for ep in eps])
print([ep.load() for ep in eps])
print([d.metadata["Name"] for d in md.distributions()])
PY
    freeze "$FROZEN/app.py" --venv "$V" "$T/app/app.py" || finish
    run_ref() { local p=$1 s=$2; shift 2; run_capture "$p" "$s" "$V/bin/python3" "$@"; }
    SRC=$T/app EXE=$FROZEN/app.py
    compare dist-order /dev/null
    quoted="'${order// /\', \'}'"
    expect_grep "the frozen program lists them in os.listdir's order ($order)" \
        "$R/dist-order.frz.out" "^\[$quoted\]\$"
    ;;

left-out)
    # doctest: an import under `if TYPE_CHECKING:`, which the resolver does
    # not follow (import_policy.c); json: --exclude-module
    program leftout --exclude-module json <<'EOF' || finish
import importlib.util
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    import doctest
for name in ("doctest", "json", "no_such_module_pf14"):
    print(name, "find_spec", importlib.util.find_spec(name))
    try:
        __import__(name)
    except ModuleNotFoundError as e:
        print(type(e).__name__, repr(e.name), e)
EOF
    "$PYFREEZE" inspect "$EXE" >"$T/inspect.txt"
    expect_grep "the index names the edge left out" "$T/inspect.txt" '^left-out .* doctest$'
    expect_grep "the index names the excluded module" "$T/inspect.txt" '^excluded .* json$'
    run_frozen "$T/run" /dev/null "$EXE"
    expect_eq "the program runs to its end" 0 "$(status_of "$T/run")"
    expect_grep "find_spec still gives None for a left-out module" "$T/run.out" '^doctest find_spec None$'
    expect_grep "a left-out import names --hidden-import" "$T/run.out" \
        "^ModuleNotFoundError 'doctest' No module named 'doctest' \(not packed into this frozen program: pyfreeze did not follow the import of it; freeze with --hidden-import doctest to pack it\)$"
    expect_grep "an excluded module names --exclude-module" "$T/run.out" \
        "^ModuleNotFoundError 'json' No module named 'json' \(not packed into this frozen program: it was left out with --exclude-module json; freeze without that option to pack it\)$"
    expect_grep "a module that exists nowhere fails as in python3" "$T/run.out" \
        "^ModuleNotFoundError 'no_such_module_pf14' No module named 'no_such_module_pf14'$"
    ;;

options)
    SRC=$EXAMPLES/resources-app
    mkdir -p "$FROZEN"
    if "$PYFREEZE" "$SRC/greet.py" --hidden-import no_such_module_x -o "$FROZEN/x" 2>"$T/err.txt"; then
        fail "--hidden-import of a missing module succeeded"
    else
        expect_grep "--hidden-import names the missing module" "$T/err.txt" "--hidden-import no_such_module_x: no module named 'no_such_module_x'"
    fi
    "$PYFREEZE" "$SRC/greet.py" --hidden-import 'bad name' -o "$FROZEN/x" 2>"$T/err2.txt"
    expect_eq "a bad module name is a usage error" 2 "$?"
    "$PYFREEZE" "$SRC/greet.py" --add-data "$SRC/motd.txt" -o "$FROZEN/x" 2>"$T/err3.txt"
    expect_eq "--add-data without DEST is a usage error" 2 "$?"
    # --exclude-module: the plugin is gone and importing it fails as python's would
    freeze "$FROZEN/ex/greet.py" "$SRC/greet.py" --add-data "$SRC/motd.txt:." \
        --exclude-module phrasebook.plugins.shout || finish
    "$PYFREEZE" inspect "$FROZEN/ex/greet.py" >"$T/ex.txt"
    expect_no_grep "--exclude-module leaves the module out" "$T/ex.txt" 'plugins/shout'
    run_frozen "$T/ex-run" /dev/null "$FROZEN/ex/greet.py" en shout
    expect_grep "importing the excluded module fails" "$T/ex-run.err" "ModuleNotFoundError: No module named 'phrasebook.plugins.shout'"
    # --hidden-import and --collect of a stdlib package
    freeze "$FROZEN/hi/hello.py" "$EXAMPLES/hello/hello.py" --hidden-import csv --collect email.mime || finish
    "$PYFREEZE" inspect "$FROZEN/hi/hello.py" >"$T/hi.txt"
    expect_grep "--hidden-import packs the module" "$T/hi.txt" 'lib/csv\.pyc'
    expect_grep "--collect packs every submodule" "$T/hi.txt" 'lib/email/mime/audio\.pyc'
    ;;

*)
    fail "unknown case $case_name"
    ;;
esac
finish

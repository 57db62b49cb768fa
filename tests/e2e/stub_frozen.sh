#!/bin/bash
# e2e/stub-frozen: CPython's own frozen modules that a program's start-up
# does not import (os, site, runpy, importlib.util, ntpath, the __hello__
# and __phello__ test modules...) import and run in a frozen program as in
# python3.11 -I. The PVM's libpython interns a deep-frozen module's names
# when its code is first handed out, not at start
# (pvm/patches/python3.11/deepfreeze-lazy-intern.patch): every name of
# every code object of each module must be the interned string, the
# modules' code must run (runpy runs __hello__ as __main__), and the exit,
# which clears only the modules handed out, must end cleanly, in the
# default stub and the --pie one.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

program frozenmods <<'EOF_PROG' || finish
import importlib
import sys

# CPython 3.11's frozen modules (Tools/scripts/freeze_modules.py), but the
# import system's own, which every start-up imports. os first: genericpath
# imported before os fails under python3.11 -S too (os -> posixpath needs
# the half-imported genericpath), and a frozen program's start-up, like -S,
# does not import os.
NAMES = ["os", "_collections_abc", "genericpath", "ntpath", "posixpath", "stat", "site",
         "importlib.util", "importlib.machinery", "runpy", "__hello__", "__phello__",
         "__phello__.ham", "__phello__.ham.eggs", "__phello__.spam", "__hello_only__"]


def codes(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, type(code)):
            yield from codes(const)


for name in NAMES:
    module = importlib.import_module(name)
    spec = module.__spec__
    code = spec.loader.get_code(name)
    all_codes = list(codes(code))
    names = [n for c in all_codes for n in c.co_names + c.co_varnames + c.co_cellvars + c.co_freevars]
    interned = all(sys.intern(n) is n for n in names)
    print(name, spec.origin, len(all_codes) > 0, "interned" if interned else "NOT INTERNED")
print(sys.modules["ntpath"].join("a", "b"), sys.modules["posixpath"].join("a", "b"))
print(sys.modules["importlib.util"].resolve_name(".x", "pkg"))
import runpy
runpy.run_module("__hello__", run_name="__main__")
sys.modules["__phello__.spam"].main()
EOF_PROG
compare frozenmods /dev/null
freeze "$T/pie/frozenmods.py" --pie "$SRC/frozenmods.py" || finish
compare_runs frozenmods-pie "$SRC" "$T/pie/frozenmods.py" /dev/null -I "$SRC/frozenmods.py" --
finish

"""si_imports.py MODE: sub-interpreters that import from the standard
library and read a data file beside the program (tests/e2e/subinterp.sh).
MODE is one of
    xxsubinterpreters  _xxsubinterpreters.create() and run_string(): two
                       interpreters, one run twice, then an import that fails
                       (RunFailedError in the main interpreter)
    run-in-subinterp   _testcapi.run_in_subinterp(), as test.support uses it,
                       then an import that fails (a traceback on stderr)
Each sub-interpreter imports json (with the _json extension), math,
_struct, decimal (_decimal, a single-phase extension module already loaded
by the main interpreter) and os, and prints what they compute and their
__file__; the main interpreter imports a module afterwards.
"""

import os
import sys

# What the sub-interpreters import, named here for the freezer, which does
# not read the code strings below; the main interpreter loads _decimal
# first, so a sub-interpreter gets it from CPython's extension cache.
import decimal
import json
import math
import _struct  # noqa: F401 (for the sub-interpreters)

HERE = os.path.dirname(os.path.abspath(__file__))

CODE = f"""
import decimal, json, math, os, sys, _struct
print("json:", json.dumps({{"sqrt": math.sqrt(16), "packed": list(_struct.pack("<h", 258))}}))
print("decimal:", decimal.Decimal(1) / 7)
print("files:", json.__file__, os.__file__, decimal.__file__, sep="\\n  ")
print("site builtins:", callable(exit), callable(quit))
with open({os.path.join(HERE, "si_data.txt")!r}) as f:
    print("data file:", f.read().strip())
sys.stdout.flush()
"""


def with_xxsubinterpreters():
    import _xxsubinterpreters as interpreters

    first = interpreters.create()
    second = interpreters.create()
    for n, interp in enumerate((first, second, first)):
        print(f"run {n}", flush=True)
        interpreters.run_string(interp, CODE)
    interpreters.destroy(second)
    try:
        interpreters.run_string(first, "import no_such_module")
    except interpreters.RunFailedError as exc:
        print("RunFailedError:", exc, flush=True)
    interpreters.destroy(first)


def with_run_in_subinterp():
    import _testcapi

    print("status", _testcapi.run_in_subinterp(CODE), flush=True)
    print("status", _testcapi.run_in_subinterp("import no_such_module"), flush=True)


def main():
    mode = sys.argv[1]
    print("main:", json.dumps([math.pi, decimal.Decimal("1.5")], default=str), flush=True)
    {"xxsubinterpreters": with_xxsubinterpreters, "run-in-subinterp": with_run_in_subinterp}[mode]()
    import csv  # the main interpreter still imports after its sub-interpreters

    print("main again:", csv.__name__, sys.modules["json"] is json)


if __name__ == "__main__":
    main()

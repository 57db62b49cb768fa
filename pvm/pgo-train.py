"""pgo-train: the PVM's PGO training run (pvm/build-cpython.sh runs it once
with the instrumented interpreter of the build tree).

    ./python -I pgo-train.py TRAINING-DIR

Runs every program TRAINING-DIR/programs/*.py (the benchmark's programs,
tests/bench, which pvm/build.sh copies there) in a child process, then a
small subset of CPython's own tests (`-m test --pgo` with the modules named
below, not its default list of 44, which takes too long instrumented for the
CI's budget). The profile is what the interpreter ran; outputs are thrown
away, and a program that fails is reported but does not stop the training:
the build only needs the code it ran.
"""

import glob
import os
import subprocess
import sys
import time

# The kinds of code frozen programs spend their time in: calls and
# generators, small objects, ints and floats, dicts, sets and strings,
# f-strings, regular expressions, json, and struct/bytes handling. Each runs
# in a few seconds instrumented.
TESTS = [
    "test_generators",
    "test_functools",
    "test_dataclasses",
    "test_int",
    "test_float",
    "test_dict",
    "test_set",
    "test_unicode",
    "test_fstring",
    "test_re",
    "test_json",
    "test_struct",
]


def run(label, argv):
    start = time.monotonic()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, check=False)
    took = time.monotonic() - start
    print(f"pgo-train: {label}: exit {result.returncode}, {took:.1f} s", flush=True)


def main():
    training = sys.argv[1]
    for program in sorted(glob.glob(os.path.join(training, "programs", "*.py"))):
        run(os.path.basename(program), [sys.executable, "-I", program])
    run("tests", [sys.executable, "-I", "-m", "test", "--pgo", *TESTS])


main()

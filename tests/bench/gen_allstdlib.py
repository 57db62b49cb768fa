"""gen_allstdlib: list the stdlib modules the whole-stdlib hello world packs.

    /usr/bin/python3.11 -I gen_allstdlib.py OUT [STDLIB_DIR]

Walks STDLIB_DIR (default /usr/lib/python3.11) for pure-Python module names
(skipping test suites, idlelib, tkinter, turtledemo, lib2to3's tests,
site/dist-packages, config-*, every `__main__` submodule (importing
venv.__main__ creates a virtualenv named after sys.argv[1]) and modules with
side effects on import such as antigravity and this), keeps those that import
under `python3.11 -I` (checked in one child process started in an empty
temporary directory, names given on stdin, each module in a try block), and
writes them to OUT, one per line. tests/bench/run.sh freezes the same hello
world as the tree-shaken one with `--hidden-import NAME` for each: only the
payload differs between the two programs, which is what the comparison is
about. Prints the number of names kept.
"""

import os
import subprocess
import sys

SKIP_TOP = {
    "test", "idlelib", "tkinter", "turtledemo", "turtle", "site-packages", "dist-packages",
    "__pycache__", "antigravity", "this", "__hello__", "__phello__", "__main__", "ensurepip",
    "lib2to3.tests", "pydoc_data",
    # Debian's addition to its stdlib directory: the PVM's stdlib, which the
    # freezer packs, has none
    "sitecustomize",
}
SKIP_PARTS = {"test", "tests", "__pycache__"}


def module_names(root):
    names = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        parts = [] if rel == "." else rel.split(os.sep)
        if parts and (parts[0] in SKIP_TOP or parts[0].startswith("config-")
                      or any(p in SKIP_PARTS or not p.isidentifier() for p in parts)):
            dirnames[:] = []
            continue
        if parts and "__init__.py" not in filenames:
            dirnames[:] = []  # not a package (e.g. lib-dynload): nothing importable below
            continue
        dirnames.sort()
        for f in sorted(filenames):
            if not f.endswith(".py"):
                continue
            stem = f[:-3]
            if stem == "__init__":
                name = ".".join(parts)
            elif stem.isidentifier():
                name = ".".join(parts + [stem])
            else:
                continue
            if not name or name.split(".")[0] in SKIP_TOP or name in SKIP_TOP or stem == "__main__":
                continue
            names.append(name)
    return names


CHECK = r"""
import importlib, sys, os
ok = []
out, *names = sys.stdin.read().split()
for name in names:
    try:
        importlib.import_module(name)
    except BaseException:
        continue
    ok.append(name)
with open(out, "w") as f:
    f.write("\n".join(ok))
"""


def importable(names):
    import tempfile
    # Modules may print on import or look at the current directory: the child
    # runs in an empty directory with stdout discarded, and writes the names
    # that imported to a file.
    with tempfile.TemporaryDirectory(prefix="pyfreeze-gen-") as scratch:
        result = os.path.join(scratch, "ok.txt")
        with tempfile.TemporaryFile() as names_file:
            names_file.write("\n".join([result, *names]).encode())
            names_file.seek(0)
            subprocess.run([sys.executable, "-I", "-c", CHECK], stdin=names_file,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           cwd=scratch, timeout=300, check=True)
        with open(result) as f:
            return [n for n in f.read().split("\n") if n]


def main():
    out = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/python3.11"
    names = importable(module_names(root))
    with open(out, "w") as f:
        f.write("".join(f"{n}\n" for n in names))
    print(len(names))


if __name__ == "__main__":
    main()

"""PYTHON* variables in the environment of children started with
sys.executable and a python3 command line: ch_environ.py DIR [home].

Run under python3.11 -I and frozen, each child prints what the variables
change; DIR (programs/ch_environ) holds ppmod.py, importable only through
PYTHONPATH, and scripts/ppscript.py. The lines must be the same on both sides (tests/e2e/children.sh,
group environ). With `home`, only the frozen side's check that PYTHONHOME
does not stop a child from starting (python3.11 itself would fail)."""
import multiprocessing
import os
import runpy  # packed so that the children can run -m
import subprocess
import sys
import tracemalloc  # packed for the PYTHONTRACEMALLOC child
import warnings  # noqa: F401 (the children's -W and PYTHONWARNINGS)

DIR = sys.argv[1]

# What the children print: every sys.flags field and the state the
# variables change. sys.path without the stdlib's entries (python3.11's)
# or the executable (the frozen program's, where its stdlib is).
FACTS = r"""
import sys, faulthandler
f = sys.flags
print('flags', tuple(f))
import os
seeded = not f.ignore_environment and os.environ.get('PYTHONHASHSEED', 'random') != 'random'
print('hash', (hash('pyfreeze'), hash(b'pyfreeze')) if seeded else 'random')
print('stdio', sys.stdout.encoding, sys.stdout.errors, sys.stdin.encoding, sys.stderr.errors)
print('write_through', sys.stdout.write_through, type(sys.stdout.buffer).__name__)
print('fs', sys.getfilesystemencoding(), sys.getfilesystemencodeerrors())
print('warnoptions', sys.warnoptions, 'xoptions', sys._xoptions)
print('dont_write_bytecode', sys.dont_write_bytecode, 'pycache_prefix', sys.pycache_prefix)
print('platlibdir', sys.platlibdir, 'faulthandler', faulthandler.is_enabled())
print('path', [p for p in sys.path
               if not p.startswith(('/usr/lib/python3', '/usr/local/lib/python3'))
               and p != sys.executable])
print('debug', __debug__)
"""


def run(label, args, env=None, stdin=None, err=False):
    full = dict(os.environ, **(env or {}))
    r = subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                       env=full, errors="backslashreplace")
    out = r.stdout.replace(os.getcwd(), "<CWD>")
    print(f"== {label}: status {r.returncode}")
    print(out, end="" if out.endswith("\n") or not out else "\n")
    if err:
        print("stderr:", r.stderr.strip().splitlines()[-1:] if r.stderr.strip() else [])


# Each variable alone, -c FACTS.
ONE = [
    ("PYTHONHASHSEED", "0"), ("PYTHONHASHSEED", "12345"),
    ("PYTHONIOENCODING", "latin-1:replace"), ("PYTHONIOENCODING", ":backslashreplace"),
    ("PYTHONUTF8", "1"), ("PYTHONUTF8", "0"),
    ("PYTHONWARNINGS", "error::DeprecationWarning,ignore::UserWarning"),
    ("PYTHONDONTWRITEBYTECODE", "1"), ("PYTHONSAFEPATH", "1"), ("PYTHONDEVMODE", "1"),
    ("PYTHONFAULTHANDLER", "1"), ("PYTHONUNBUFFERED", "1"), ("PYTHONOPTIMIZE", "1"),
    ("PYTHONOPTIMIZE", "2"), ("PYTHONVERBOSE", "1"), ("PYTHONNOUSERSITE", "1"),
    ("PYTHONDEBUG", "1"), ("PYTHONINTMAXSTRDIGITS", "5000"),
    ("PYTHONWARNDEFAULTENCODING", "1"), ("PYTHONPYCACHEPREFIX", "/nonexistent/cache"),
]
ALL = dict(ONE) | {"PYTHONPATH": DIR, "PYTHONHASHSEED": "7", "PYTHONINSPECT": "1",
                   "PYTHONBREAKPOINT": "builtins.print", "PYTHONTRACEMALLOC": "1"}


def worker_flags(_):
    f = sys.flags
    return f.isolated, f.ignore_environment, f.hash_randomization, f.optimize, f.dont_write_bytecode


def workers():
    """multiprocessing's workers (spawn: --multiprocessing-fork, or -I -c
    under python3; forkserver: started with -I) ignore the variables the
    program put in os.environ, as python3's do."""
    saved = dict(os.environ)
    os.environ.update(PYTHONHASHSEED="0", PYTHONOPTIMIZE="1", PYTHONDONTWRITEBYTECODE="1")
    try:
        for method in ("spawn", "forkserver"):
            with multiprocessing.get_context(method).Pool(1) as pool:
                print(method, "worker flags", pool.map(worker_flags, [0]))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main():
    if sys.argv[2:] == ["home"]:
        # Where python3.11 would look for its stdlib: python3.11 itself
        # fails to start (no `encodings`, no lib-dynload).
        code = "import sys, ppmod; print(sys.prefix == sys.executable, sys.platlibdir, ppmod.where())"
        for name, value in (("PYTHONHOME", "/nonexistent"), ("PYTHONPLATLIBDIR", "lib64x")):
            run(f"{name}={value}", ["-c", code], {name: value, "PYTHONPATH": DIR}, err=True)
        return
    for name, value in ONE:
        run(f"{name}={value}", ["-c", FACTS], {name: value})
    # Variables and the command line together: -W after PYTHONWARNINGS,
    # -O and PYTHONOPTIMIZE (the larger wins), -X utf8=0 over PYTHONUTF8.
    run("-W and PYTHONWARNINGS", ["-W", "always", "-c", FACTS], {"PYTHONWARNINGS": "error"})
    run("-O and PYTHONOPTIMIZE=2", ["-O", "-c", FACTS], {"PYTHONOPTIMIZE": "2"})
    run("-X utf8=0 and PYTHONUTF8=1", ["-X", "utf8=0", "-c", FACTS], {"PYTHONUTF8": "1"})
    run("-X dev and PYTHONDEVMODE=0", ["-X", "dev", "-c", FACTS], {"PYTHONDEVMODE": ""})
    # PYTHONIOENCODING applied to what the child prints and reads.
    run("PYTHONIOENCODING: output", ["-c", "print('caf\\xe9 \\u2192 \\u03c3')"],
        {"PYTHONIOENCODING": "latin-1:replace"})
    run("PYTHONIOENCODING: input", ["-c", "import sys; print(ascii(sys.stdin.read()))"],
        {"PYTHONIOENCODING": "ascii:surrogateescape"}, stdin="caf\xe9\n")
    # PYTHONPATH: relative, empty and absolute entries, in python3's order,
    # normalised as getpath does, then as site.removeduppaths does (once
    # each); a module found only there is imported from disk, by -c, by -m
    # and by a script.
    pp = {"PYTHONPATH": f"rel/./x::{DIR}/../{os.path.basename(DIR)}//:.:../up:./"}
    run("PYTHONPATH: sys.path", ["-c", FACTS], pp)
    run("PYTHONPATH: import", ["-c", "import ppmod; print(ppmod.where())"], pp)
    run("PYTHONPATH: -m", ["-m", "ppmod", "a"], pp)
    run("PYTHONPATH: script", [os.path.join(DIR, "scripts", "ppscript.py"), "b"], {"PYTHONPATH": DIR})
    run("PYTHONPATH with -S", ["-S", "-c", "import ppmod; print(ppmod.where())"], pp)
    # without `site` (-S), no site.removeduppaths: duplicates, `..` kept
    run("PYTHONPATH with -S: sys.path", ["-S", "-c", FACTS], pp)
    # PYTHONINSPECT: the code on stdin runs after -c's; PYTHONBREAKPOINT:
    # breakpoint() calls builtins.print; PYTHONTRACEMALLOC.
    run("PYTHONINSPECT", ["-c", "print('code')"], {"PYTHONINSPECT": "1"},
        stdin="print('then stdin')\n")
    run("PYTHONBREAKPOINT", ["-c", "breakpoint('through print')"],
        {"PYTHONBREAKPOINT": "builtins.print"})
    run("PYTHONBREAKPOINT=0", ["-c", "breakpoint(); print('skipped')"], {"PYTHONBREAKPOINT": "0"})
    run("PYTHONTRACEMALLOC", ["-c", "import tracemalloc; print(tracemalloc.is_tracing())"],
        {"PYTHONTRACEMALLOC": "1"})
    # A child honouring the environment passes its flags on to its own
    # children as python3's does (subprocess._args_from_interpreter_flags).
    run("the flags such a child passes on",
        ["-c", "import subprocess; print(subprocess._args_from_interpreter_flags())"],
        {"PYTHONOPTIMIZE": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONWARNINGS": "error",
         "PYTHONSAFEPATH": "1", "PYTHONNOUSERSITE": "1", "PYTHONVERBOSE": "1"})
    # -I, -E and the parent's own flags (-I from python3.11 -I and from a
    # frozen program): every variable ignored.
    for flags in (["-I"], ["-E"], ["-E", "-s"], subprocess._args_from_interpreter_flags()):
        run(f"{flags}: every variable ignored", [*flags, "-c", FACTS], ALL,
            stdin="print('inspect ran')\n")
    print("the parent's flags", subprocess._args_from_interpreter_flags())
    workers()


if __name__ == "__main__":
    main()

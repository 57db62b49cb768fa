"""Children that run a script file or stdin code with sys.executable, as
python3 runs them: ch_scripts.py. `run DIR` starts the scripts of DIR (a copy
of programs/ch_scripts/) and prints what each printed; any other command line
prints PROGRAM RAN: no child may run this program again (but `again`, which
the main script's own __file__ is run with). It does not import runpy: a
packed module's file runs without it."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))  # python3.11 -I: ch_packed.py beside it
import ch_packed  # noqa: E402


def run(args, stdin=None, cwd=None):
    r = subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                       cwd=cwd)
    return r.returncode, r.stdout, r.stderr


def main(d):
    print("script with arguments", run([f"{d}/helper.py", "arg", "-c", "x"]))
    print("script by a relative path", run(["helper.py"], cwd=d))
    print("script after flags", run(["-E", "-s", "-B", "-X", "utf8", "-W", "ignore",
                                     f"{d}/helper.py", "z"]))
    print("script's exit status", run([f"{d}/helper.py", "exit"])[0])
    print("script starting a script", run([f"{d}/helper.py", "nested"]))
    print("buffered", run([f"{d}/streams.py"]))
    print("-u", run(["-u", f"{d}/streams.py"]))
    print("-I: no script directory on sys.path", run(["-I", f"{d}/helper.py"]))
    print("-P: no script directory on sys.path", run(["-P", f"{d}/helper.py"])[0])
    code = "import sys; print('stdin code', __name__, sys.argv, sys.stdin.read())"
    print("- with stdin", run(["-", "a1", "-c", "x"], code))
    print("-u - with stdin", run(["-u", "-"], "import sys; print(sys.stdout.write_through)"))
    # python3 runs a file with any name: one named without an extension
    print("script without an extension", run([f"{d}/tool", "a", "-v"]))
    print("... its exit status", run([f"{d}/tool", "exit"])[0])
    print("... after flags", run(["-X", "no_debug_ranges", "-E", f"{d}/tool"]))
    print("... relative, -I", run(["-I", "tool"], cwd=d)[0])
    # flags alone: python3 reads the code from stdin (not a terminal here)
    stdin_code = "import sys, ch_neighbour; print('stdin', sys.argv, ch_neighbour.VALUE)"
    print("flags alone, code on stdin", run(["-E"], stdin_code, cwd=d))
    print("flags alone, -I", run(["-I", "-S"], "import sys; print(sys.flags.no_site)", cwd=d))
    # a module's own file: the frozen program's packed module
    print("a module's file", run([ch_packed.__file__, "x", "-c"]))
    print("... -u -I", run(["-u", "-I", ch_packed.__file__]))
    status, _, err = run([ch_packed.__file__, "boom"])
    print("... raising", status, [line for line in err.splitlines() if not line.startswith("    ")])
    print("the main script's own file", run([__file__, "again"]))
    # python3: "can't open file '/usr/bin/python3.11/none.py': [Errno 20] Not a directory"
    status, _, err = run([sys.executable + "/none.py"])
    print("no module at a path inside sys.executable", status,
          err[err.find("can't"):].replace(sys.executable, "EXE"))
    # -X dev and -X utf8 are read before the interpreter starts
    print("-X dev", run(["-X", "dev", "-c", "import sys; print(sys.flags.dev_mode)"]))
    print("-X utf8", run(["-X", "utf8", "-c", "import sys; print(sys.flags.utf8_mode)"]))


if sys.argv[1:2] == ["run"] and len(sys.argv) == 3:
    main(sys.argv[2])
elif sys.argv[1:] == ["again"]:
    print("main script again", __name__)
else:
    print("PROGRAM RAN", sys.argv[1:])

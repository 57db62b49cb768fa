"""Children that run a script file or stdin code with sys.executable, as
python3 runs them: ch_scripts.py. `run DIR` starts the scripts of DIR (a copy
of programs/ch_scripts/) and prints what each printed; any other command line
prints PROGRAM RAN: no child may run this program again."""
import subprocess
import sys


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


if sys.argv[1:2] == ["run"] and len(sys.argv) == 3:
    main(sys.argv[2])
else:
    print("PROGRAM RAN", sys.argv[1:])

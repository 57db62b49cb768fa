"""subprocess re-running sys.executable as an interpreter: ch_subprocess.py."""
import json.tool  # packed so that the child can run `-m json.tool`
import subprocess
import sys

print("MARKER top level of the program")


def run(args, stdin=None):
    r = subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def main():
    code = "import sys; print('child argv', sys.argv[1:]); sys.exit(7)"
    print("-c with arguments", run(["-c", code, "a", "-c", "--x"]))
    print("-c output", run(["-c", "import json; print(json.dumps({'a': [1, 2]}))"]))
    print("-c exception status", run(["-c", "raise SystemExit('bye')"])[:1])
    print("-c uncaught", run(["-c", "1/0"])[0])
    print("-m json.tool", run(["-m", "json.tool"], '{"b": 1, "a": [1, 2]}'))
    print("-m json.tool --sort-keys", run(["-m", "json.tool", "--sort-keys"], '{"b": 1, "a": 2}'))
    flags = subprocess._args_from_interpreter_flags()
    code = ("import sys; f = sys.flags; "
            "print(f.isolated, f.ignore_environment, f.no_user_site, f.optimize, f.bytes_warning)")
    print("child with the parent's flags", run([*flags, "-c", code]))
    print("child with more flags", run(["-E", "-s", "-B", "-I", "-O", "-X", "faulthandler",
                                         "-W", "error", "-c",
                                         "import sys; print(sys.flags.optimize, "
                                         "sys.warnoptions, sys._xoptions)"]))
    print("stdin to a -c child", run(["-c", "import sys; print(sys.stdin.read().upper())"], "abc\n"))


if __name__ == "__main__":
    main()

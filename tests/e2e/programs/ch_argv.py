"""Prints its arguments. `spawn EXE ARGS...` runs EXE ARGS and prints what
it printed; EXE `self` is sys.executable (this program started by itself).
`own ARGS...` runs sys.executable ARGS with PYFREEZE_ARGS=program in the
child's environment. With CH_ARGV_RESTART=1 in its environment, it starts
itself again with its own arguments, `[sys.executable] + sys.argv[1:]`."""
import os
import subprocess
import sys


def child(args, env=None):
    r = subprocess.run(args, capture_output=True, text=True, env=env)
    print("child:", r.stdout.strip(), r.stderr.strip(), "status", r.returncode)


if os.environ.get("CH_ARGV_RESTART") == "1":
    child([sys.executable, *sys.argv[1:]], env={**os.environ, "CH_ARGV_RESTART": "2"})
elif sys.argv[1:2] == ["spawn"]:
    exe = sys.executable if sys.argv[2] == "self" else sys.argv[2]
    child([exe, *sys.argv[3:]])
elif sys.argv[1:2] == ["own"]:
    child([sys.executable, *sys.argv[2:]], env={**os.environ, "PYFREEZE_ARGS": "program"})
else:
    print("argv", sys.argv[1:], *(["PYFREEZE_ARGS inherited"] if "PYFREEZE_ARGS" in os.environ else []))

"""Prints its arguments. `spawn EXE ARGS...` runs EXE ARGS and prints what
it printed; EXE `self` is sys.executable (this program started by itself)."""
import subprocess
import sys

if sys.argv[1:2] == ["spawn"]:
    exe = sys.executable if sys.argv[2] == "self" else sys.argv[2]
    r = subprocess.run([exe, *sys.argv[3:]], capture_output=True, text=True)
    print("child:", r.stdout.strip(), r.stderr.strip(), "status", r.returncode)
else:
    print("argv", sys.argv[1:])

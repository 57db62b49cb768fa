"""Prints many lines: `ps_flood.py | head -1` breaks the pipe."""
for i in range(100000):
    print("line", i)

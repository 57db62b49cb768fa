"""Reads stdin as python3 does: ps_stdin.py."""
import sys
print("isatty", sys.stdin.isatty(), sys.stdout.isatty())
name = input("name? ")
print("hello", name)
rest = sys.stdin.read()
print("rest", repr(rest))
try:
    input("more? ")
except EOFError:
    print("EOFError at the end of input")

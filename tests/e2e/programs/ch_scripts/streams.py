"""How stdout is buffered: a FileIO and write-through under -u."""
import sys

print(type(sys.stdout.buffer).__name__, sys.stdout.write_through)

"""Alternating writes to stdout and stderr: on a terminal stdout is line
buffered, so the lines alternate; in a pipe it is block buffered, so in a
merged 2>&1 stream every stderr line comes first."""
import sys
for i in range(3):
    print("stdout", i)
    print("stderr", i, file=sys.stderr)
sys.stdout.write("stdout partial line, no newline; ")
sys.stderr.write("stderr partial line\n")
print("stdout last")

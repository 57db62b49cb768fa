"""Started with stdin, stdout and stderr closed (issue 17): what os.fstat
shows for 0-2 after imports that load native code, written to the file
named by argv[1]."""
import os
import sys

import json, decimal, sqlite3, ssl, hashlib

lines = []
for fd in (0, 1, 2):
    try:
        st = os.fstat(fd)
        lines.append(f"{fd}: open mode {oct(st.st_mode)} size {st.st_size}")
    except OSError as e:
        lines.append(f"{fd}: {type(e).__name__} errno {e.errno}")
lines.append(f"streams: {sys.stdin} {sys.stdout} {sys.stderr}")
lines.append(f"decimal: {decimal.Decimal(2).sqrt()}")
with open(sys.argv[1], "w") as f:
    f.write("\n".join(lines) + "\n")

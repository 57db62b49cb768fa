"""A daemon-style program (issue 17): after some imports (so that the
frozen program's prefetch thread is at work), it closes every descriptor
>= 3 (argv[1] closerange; fork: in a forked child), or dup2()s /dev/null
over them (dup2), opens files of its own on the freed
numbers, then imports C extension modules. The files it opened must stay
empty and every module must be the real one (json's C scanner present)."""
import argparse
import os
import sys
import tempfile
import time

mode = sys.argv[1]
time.sleep(0.02)
if mode == "closerange":
    os.closerange(3, 4096)
elif mode == "fork":
    # a forked child that closes everything, then imports
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
    os.closerange(3, 4096)
elif mode == "dup2":
    null = os.open("/dev/null", os.O_RDWR)
    for fd in range(3, 4096):
        if fd != null:
            try:
                os.dup2(null, fd)
            except OSError:
                pass
# files of the program's own on the freed numbers, opened for writing
mine = [tempfile.TemporaryFile() for _ in range(16)]

import json
import json.decoder
import json.scanner

print("json C scanner:", json.scanner.c_make_scanner is not None, json.decoder.c_scanstring is not None)
print(json.dumps({"a": [1, 2.5, None]}), json.loads('{"b": [true, "x"]}'))
import decimal

print("decimal:", decimal.Decimal(1) / decimal.Decimal(7), type(decimal.Context()).__module__)
import sqlite3

print("sqlite3:", sqlite3.connect(":memory:").execute("select 6 * 7").fetchone())
import ssl

print("ssl:", ssl.OPENSSL_VERSION.split()[0], ssl.PROTOCOL_TLS_CLIENT.name)
import _json, _decimal, _sqlite3, _ssl

print("modules:", _json.__name__, _decimal.__name__, _sqlite3.__name__, _ssl.__name__)
import hashlib, lzma, bz2, ctypes

print("more:", hashlib.sha256(b"x").hexdigest()[:8], len(lzma.compress(b"y")) > 0, bz2.decompress(bz2.compress(b"z")))
for f in mine:
    f.seek(0, os.SEEK_END)
print("own files untouched:", all(f.tell() == 0 for f in mine))

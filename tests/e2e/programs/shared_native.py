# shared_native.py: uses sqlite3 and ssl (their extension modules and
# libcrypto/libssl), then says how many executable mappings of those come
# from memfds: none under python3.11 (its .so files are files), and none in
# a frozen program whose native code is stored (payload.h, the stored
# frame: objects of 16 KiB or more, _hashlib's 66 KB among them).
# With --maps it prints /proc/self/maps too.
import hashlib
import sqlite3
import ssl
import sys

con = sqlite3.connect(":memory:")
con.execute("create table t(x integer, s text)")
con.executemany("insert into t values (?, ?)", [(i, str(i) * 3) for i in range(1000)])
print("sum", con.execute("select sum(x), count(distinct s) from t").fetchone())
print("sqlite", sqlite3.sqlite_version_info >= (3, 0, 0))
ctx = ssl.create_default_context()
print("ssl", ssl.OPENSSL_VERSION.split()[0], ctx.verify_mode, ctx.check_hostname)
print("sha256", hashlib.sha256(b"pyfreeze" * 1000).hexdigest())

with open("/proc/self/maps") as maps:
    lines = maps.read().splitlines()
objects = ("/memfd:libcrypto.", "/memfd:libssl.", "/memfd:_ssl.", "/memfd:_sqlite3.", "/memfd:_hashlib.")
from_memfd = [line for line in lines if " r-xp " in line and any(o in line for o in objects)]
print("executable mappings of libcrypto, libssl, _ssl, _sqlite3, _hashlib from memfds:",
      len(from_memfd))
if sys.argv[1:] == ["--maps"]:
    print("\n".join(lines))

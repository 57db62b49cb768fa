"""The memory benchmark's program (tests/bench/run.sh): uses ssl and sqlite3
as a small service would, prints "ready" and holds still until its stdin
closes, while the benchmark reads its PSS."""
import hashlib
import sqlite3
import ssl
import sys

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no CA file: the same work on either OpenSSL
ctx.set_ciphers("ECDHE+AESGCM")
db = sqlite3.connect(":memory:")
db.execute("create table t (k integer primary key, v text)")
db.executemany("insert into t (v) values (?)", [(hashlib.sha256(str(i).encode()).hexdigest(),) for i in range(2000)])
count = db.execute("select count(*) from t where v like 'a%'").fetchone()[0]
print("ready", count > 0, flush=True)
sys.stdin.read()

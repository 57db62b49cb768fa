"""stdext: a small program that exercises the standard library's C extension
modules and the shared libraries they need (libsqlite3, libssl/libcrypto,
libmpdec, libffi, liblzma, libbz2, libz ...). Its output is deterministic, so
a frozen copy can be compared with python3.11 line by line."""
import asyncio
import bz2
import ctypes
import decimal
import hashlib
import json
import lzma
import sqlite3
import ssl
import sys
import zlib


def use_sqlite():
    db = sqlite3.connect(":memory:")
    db.execute("create table fruit (name text primary key, price real, stock integer)")
    db.executemany(
        "insert into fruit values (?, ?, ?)",
        [("apple", 0.5, 10), ("pear", 0.75, 4), ("plum", 0.2, 31), ("fig", 1.25, 0)],
    )
    rows = db.execute(
        "select name, price * stock as worth from fruit where stock > 0 order by worth desc"
    ).fetchall()
    print("sqlite:", rows)
    print("sqlite: total stock", db.execute("select sum(stock) from fruit").fetchone()[0])
    print("sqlite: json1", db.execute("select json_array(1, 'two', 3.0)").fetchone()[0])
    db.close()


def use_ssl():
    ctx = ssl.create_default_context()
    print("ssl: context", isinstance(ctx, ssl.SSLContext), ctx.verify_mode == ssl.CERT_REQUIRED,
          ctx.check_hostname)
    print("ssl: openssl 3", ssl.OPENSSL_VERSION_INFO[0] >= 3, "has TLSv1_3", ssl.HAS_TLSv1_3)
    # _hashlib is OpenSSL's libcrypto too
    print("ssl: sha256", hashlib.new("sha256", b"pyfreeze").hexdigest())
    print("ssl: pbkdf2", hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000).hex()[:32])


def use_decimal():
    decimal.getcontext().prec = 40
    x = decimal.Decimal(2).sqrt()
    print("decimal:", x, type(x).__module__)
    print("decimal: 1/7 =", decimal.Decimal(1) / decimal.Decimal(7))
    print("decimal: C implementation", decimal.__name__, hasattr(decimal, "HAVE_CONTEXTVAR"))


def use_ctypes():
    libc = ctypes.CDLL(None)
    libc.strlen.restype = ctypes.c_size_t
    libc.strlen.argtypes = [ctypes.c_char_p]
    print("ctypes: strlen", libc.strlen(b"frozen programs"))
    buf = ctypes.create_string_buffer(b"hello", 16)
    print("ctypes: buffer", buf.value, ctypes.sizeof(buf))

    # a Python callback called from C through libffi
    CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
    arr = (ctypes.c_int * 6)(5, 3, 9, 1, 7, 2)
    libc.qsort(arr, len(arr), ctypes.sizeof(ctypes.c_int),
               CMP(lambda a, b: a[0] - b[0]))
    print("ctypes: qsort", list(arr))


async def worker(name, delay, results):
    await asyncio.sleep(delay)
    results.append(name)
    return name.upper()


async def use_asyncio():
    results = []
    got = await asyncio.gather(worker("b", 0.02, results), worker("a", 0.0, results),
                               worker("c", 0.04, results))
    print("asyncio:", got, results)
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i * i)
    print("asyncio: queue", [q.get_nowait() for _ in range(3)])


def use_compression():
    data = ("pyfreeze " * 200).encode()
    for mod in (zlib, bz2, lzma):
        packed = mod.compress(data)
        assert mod.decompress(packed) == data
        print(f"{mod.__name__}: round trip ok, {len(data)} -> smaller:", len(packed) < len(data))
    print("lzma: xz check", lzma.is_check_supported(lzma.CHECK_SHA256))
    print("hashlib: md5", hashlib.md5(data).hexdigest(), "blake2b",
          hashlib.blake2b(data, digest_size=8).hexdigest(), "sha3",
          hashlib.sha3_256(data).hexdigest()[:16])


def use_json():
    import json.decoder
    import json.scanner
    print("_json: C scanner", json.scanner.make_scanner is json.scanner.c_make_scanner)
    doc = json.loads('{"a": [1, 2.5, "x"], "b": {"c": null}}')
    print("_json:", json.dumps(doc, sort_keys=True))


def main():
    use_sqlite()
    use_ssl()
    use_decimal()
    use_ctypes()
    asyncio.run(use_asyncio())
    use_compression()
    use_json()
    print("extension files:", sorted(
        m for m, mod in sys.modules.items()
        if getattr(mod, "__file__", "") and str(mod.__file__).endswith(".so")
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""rt_compress: zlib, bz2 and lzma in a frozen program (roots.sh).

Round trips (one-shot, streaming, raw and alone formats, filter chains,
gzip/tar/zip containers in memory), checksums, blobs that python3.11 made
when this test was written, and the errors of damaged data. Prints only what
does not depend on the library versions (no compressed bytes or sizes).
"""
import base64
import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib

DATA = b"".join(b"line %d of the pyfreeze root test\n" % i for i in range(1500))
BLOB_TEXT = b"pyfreeze: the same bytes come back in every root\n" * 3
BLOBS = {
    "zlib": (zlib.decompress, "eNorqEwrSk2tSrVSKMlIVShOzE1VSKosSS1WSM4HMROTsxUy8xRSy1KLKhWK8vNLuAporgEAemo1Jg=="),
    "bz2": (bz2.decompress, "QlpoOTFBWSZTWV+utk0AADXZgAAQQAAAEDtr3TAgAFCgaaGRkxCv9VKfpT0m9UPUemTLijLD60s9KpXc0Sq/UYbab"
                            "YXS+IQ/tPbSHKzppwmiqyXhC7bKHYu5IpwoSC/XWyaA"),
    "xz": (lzma.decompress, "/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4ACSADVdADgeSPDeIFhcwsKCdivU4j8YVijGZzEzoqHzwaKnOFcVIPoHK/"
                            "QIfus1e+4DuitoXCp4mwAAAAAAADtYlurpT0m6AAFRkwEAAAAqNZ0qscRn+wIAAAAABFla"),
}


def one_shot():
    print("data", len(DATA), zlib.crc32(DATA), zlib.adler32(DATA))
    for name, mod in (("zlib", zlib), ("bz2", bz2), ("lzma", lzma)):
        packed = mod.compress(DATA)
        print(name, mod.decompress(packed) == DATA, len(packed) < len(DATA) // 10)


def streaming():
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = b"".join(comp.compress(DATA[i:i + 1000]) for i in range(0, len(DATA), 1000)) + comp.flush()
    dec = zlib.decompressobj(-15)
    print("zlib raw stream", dec.decompress(raw, 100) == DATA[:100], dec.decompress(dec.unconsumed_tail) == DATA[100:])
    comp = bz2.BZ2Compressor(1)
    packed = comp.compress(DATA) + comp.flush()
    dec = bz2.BZ2Decompressor()
    print("bz2 stream", dec.decompress(packed[:50]) + dec.decompress(packed[50:]) == DATA, dec.eof)
    filters = [{"id": lzma.FILTER_DELTA, "dist": 4},
               {"id": lzma.FILTER_LZMA2, "preset": 1}]
    raw = lzma.compress(DATA, format=lzma.FORMAT_RAW, filters=filters)
    print("lzma raw filters", lzma.decompress(raw, format=lzma.FORMAT_RAW, filters=filters) == DATA)
    alone = lzma.compress(DATA, format=lzma.FORMAT_ALONE)
    print("lzma alone", lzma.decompress(alone) == DATA)
    for check in (lzma.CHECK_NONE, lzma.CHECK_CRC32, lzma.CHECK_CRC64, lzma.CHECK_SHA256):
        packed = lzma.compress(DATA, check=check)
        print("lzma check", check, lzma.is_check_supported(check), lzma.decompress(packed) == DATA)


def containers():
    print("gzip", gzip.decompress(gzip.compress(DATA, mtime=0)) == DATA)
    for mode in ("gz", "bz2", "xz"):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:" + mode) as tar:
            info = tarfile.TarInfo("data.txt")
            info.size = len(DATA)
            tar.addfile(info, io.BytesIO(DATA))
        buf.seek(0)
        with tarfile.open(fileobj=buf, mode="r:*") as tar:
            print("tar", mode, tar.getnames(), tar.extractfile("data.txt").read() == DATA)
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as zf:
            zf.writestr("data.txt", DATA)
        with zipfile.ZipFile(buf) as zf:
            print("zip", method, zf.testzip(), zf.read("data.txt") == DATA)


def blobs_and_errors():
    for name, (decompress, text) in BLOBS.items():
        print("blob", name, decompress(base64.b64decode(text)) == BLOB_TEXT)
    for name, decompress, error in (("zlib", zlib.decompress, zlib.error),
                                    ("bz2", bz2.decompress, OSError),
                                    ("lzma", lzma.decompress, lzma.LZMAError)):
        try:
            decompress(b"this is not compressed data at all")
        except error as exc:
            print("damaged", name, type(exc).__name__, exc)


one_shot()
streaming()
containers()
blobs_and_errors()

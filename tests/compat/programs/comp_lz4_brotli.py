import lz4.frame, lz4.block, brotli, hashlib, zlib, bz2, lzma
data = b"pyfreeze " * 1000 + bytes(range(256))
c = lz4.frame.compress(data); print(len(c), lz4.frame.decompress(c) == data)
print(lz4.block.decompress(lz4.block.compress(data)) == data)
b = brotli.compress(data, quality=5); print(len(b), brotli.decompress(b) == data)
print(len(zlib.compress(data)), len(bz2.compress(data)), len(lzma.compress(data)), hashlib.sha3_256(data).hexdigest()[:16])

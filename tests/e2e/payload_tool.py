"""payload_tool.py: find things inside a frozen program, for the tests.

    payload_tool.py section EXE      -> "OFFSET SIZE" of the .pyfreeze section
    payload_tool.py frames EXE       -> one line per part of the payload:
                                        "frame N OFFSET SIZE",
                                        "stored N OFFSET SIZE" (the stored
                                        frame of uncompressed native code)
                                        and "seektable OFFSET SIZE"
                                        (file offsets; sizes in bytes)
    payload_tool.py stored EXE DIR   -> writes each member of the stored
                                        frame to DIR/PATH (as tar -x writes
                                        the others), read through the index
    payload_tool.py loadend EXE      -> end of the file range the kernel maps
                                        (max p_offset + p_filesz of PT_LOAD)
    payload_tool.py members EXE      -> "N PATH" for each tar member in frame N
                                        (frames decompressed with the zstd tool)
    payload_tool.py flip FILE OFFSET -> inverts the byte at OFFSET in place
    payload_tool.py shdr EXE         -> file offset of the .pyfreeze section's
                                        entry in the section header table
    payload_tool.py retar EXE N OFFSET OUT [bump]
                                     -> writes to OUT the payload with byte
                                        OFFSET of frame N's decompressed bytes
                                        inverted (with bump: an octal digit
                                        there made the next one, and the
                                        checksum of the tar header holding it
                                        made right again), every frame recompressed by
                                        the zstd tool (valid checksums) and a
                                        new seek table: damage inside the tar
                                        that only its own checks can find

The section is found through readelf -S (as a user would) and the frames
through the zstd seekable-format seek table at the payload's end (runtime/
payload.h), parsed here independently of pyfreeze's own reader.
"""

import re
import struct
import subprocess
import sys

SEEK_SKIPPABLE_MAGIC = 0x184D2A5E
SEEK_MAGIC = 0x8F92EAB1


def section(exe):
    text = subprocess.run(["readelf", "-S", "-W", exe], check=True,
                          capture_output=True, text=True).stdout
    for line in text.splitlines():
        m = re.search(r"\]\s+\.pyfreeze\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            return int(m[1], 16), int(m[2], 16)
    sys.exit(f"payload_tool.py: {exe}: no .pyfreeze section")


def frames(exe):
    offset, size = section(exe)
    with open(exe, "rb") as f:
        f.seek(offset)
        payload = f.read(size)
    count, descriptor, magic = struct.unpack_from("<IBI", payload, len(payload) - 9)
    if magic != SEEK_MAGIC:
        sys.exit("payload_tool.py: no seek table at the end of the payload")
    entry_size = 12 if descriptor & 0x80 else 8
    table_size = 8 + count * entry_size + 9
    table_start = len(payload) - table_size
    skip_magic, frame_size = struct.unpack_from("<II", payload, table_start)
    if skip_magic != SEEK_SKIPPABLE_MAGIC or frame_size != table_size - 8:
        sys.exit("payload_tool.py: bad seek table header")
    pos = 0
    for i in range(count):
        csize, dsize = struct.unpack_from("<II", payload, table_start + 8 + i * entry_size)
        print(f"{'stored' if dsize == 0 else 'frame'} {i} {offset + pos} {csize}")
        pos += csize
    if pos != table_start:
        sys.exit("payload_tool.py: frames do not end where the seek table starts")
    print(f"seektable {offset + table_start} {table_size}")


def frame_list(exe):
    """[(n, file offset, compressed size)] from the `frames` output."""
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        frames(exe)
    result = []
    for line in out.getvalue().splitlines():
        kind, *rest = line.split()
        if kind == "frame":
            result.append(tuple(int(x) for x in rest))
    return result


def stored(exe, out):
    """The stored frame's members (payload.h): index entries of kind 18 or
    19 whose frame is the stored frame, at the frame's data start (its
    payload offset + 8 rounded up to 4096) + offset."""
    import io
    import os
    import tarfile
    with open(exe, "rb") as f:
        data = f.read()
    lines = [line.split() for line in _frames_output(exe)]
    payload_start = section(exe)[0]
    _, _, start0, size0 = lines[0]
    raw = subprocess.run(["zstd", "-dcq"], input=data[int(start0):int(start0) + int(size0)],
                         check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        index = tar.extractfile(tar.next()).read()
    header_size, = struct.unpack_from("<I", index, 12)
    entries, slots, _ = struct.unpack_from("<III", index, 28)
    strings = header_size + 32 * entries + 4 * slots
    for kind, n, start, _size in lines:
        if kind != "stored":
            continue
        data_start = ((int(start) - payload_start + 8 + 4095) // 4096 * 4096) + payload_start
        for e in range(entries):
            name_at, name_size, k, _, frame, at, size, _ = struct.unpack_from(
                "<8I", index, header_size + 32 * e)
            if k in (18, 19) and frame == int(n):
                path = os.path.join(out, index[strings + name_at:strings + name_at + name_size].decode())
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data[data_start + at:data_start + at + size])


def _frames_output(exe):
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        frames(exe)
    return [line for line in out.getvalue().splitlines() if not line.startswith("seektable")]


def members(exe):
    import io
    import tarfile
    with open(exe, "rb") as f:
        data = f.read()
    for n, offset, size in frame_list(exe):
        raw = subprocess.run(["zstd", "-dcq"], input=data[offset:offset + size],
                             check=True, capture_output=True).stdout
        # A frame holds whole members but not the end-of-archive blocks.
        try:
            with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
                for member in tar:
                    print(n, member.name)
        except tarfile.TarError:
            pass


def loadend(exe):
    text = subprocess.run(["readelf", "-l", "-W", exe], check=True,
                          capture_output=True, text=True).stdout
    end = 0
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "LOAD":
            end = max(end, int(fields[1], 16) + int(fields[4], 16))
    print(end)


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0xFF]))


def shdr(exe):
    header = subprocess.run(["readelf", "-h", "-W", exe], check=True,
                            capture_output=True, text=True).stdout
    shoff = int(re.search(r"Start of section headers:\s+(\d+)", header)[1])
    text = subprocess.run(["readelf", "-S", "-W", exe], check=True,
                          capture_output=True, text=True).stdout
    m = re.search(r"\[\s*(\d+)\]\s+\.pyfreeze\s", text)
    if not m:
        sys.exit(f"payload_tool.py: {exe}: no .pyfreeze section")
    print(shoff + 64 * int(m[1]))


def bump_octal(raw, offset):
    """Makes the octal digit at raw[offset] the next one (7 -> 0) and sets
    the ustar checksum of the 512-byte header holding it (POSIX ustar: the
    sum of the bytes, the checksum field counted as spaces)."""
    raw[offset] = ord("0") + (raw[offset] - ord("0") + 1) % 8
    start = offset // 512 * 512
    header = raw[start:start + 512]
    header[148:156] = b" " * 8
    raw[start + 148:start + 156] = b"%06o\0 " % sum(header)


def retar(exe, n, offset, out, mode=None):
    import os
    import tempfile
    with open(exe, "rb") as f:
        data = f.read()
    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, start, size in frame_list(exe):
            raw = bytearray(subprocess.run(["zstd", "-dcq"], input=data[start:start + size],
                                           check=True, capture_output=True).stdout)
            if i == n and mode == "bump":
                bump_octal(raw, offset)
            elif i == n:
                raw[offset] ^= 0xFF
            plain = os.path.join(tmp, f"{i}")
            with open(plain, "wb") as f:
                f.write(raw)
            # from a file, zstd writes the content size; --check the checksum
            subprocess.run(["zstd", "-q", "-3", "--check", "-f", plain, "-o", plain + ".zst"],
                           check=True)
            with open(plain + ".zst", "rb") as f:
                parts.append((f.read(), len(raw)))
    table = b"".join(struct.pack("<II", len(c), d) for c, d in parts)
    table += struct.pack("<IBI", len(parts), 0, SEEK_MAGIC)
    with open(out, "wb") as f:
        f.write(b"".join(c for c, _ in parts))
        f.write(struct.pack("<II", SEEK_SKIPPABLE_MAGIC, len(table)) + table)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "section":
        print(*section(sys.argv[2]))
    elif cmd == "frames":
        frames(sys.argv[2])
    elif cmd == "members":
        members(sys.argv[2])
    elif cmd == "stored":
        stored(sys.argv[2], sys.argv[3])
    elif cmd == "loadend":
        loadend(sys.argv[2])
    elif cmd == "flip":
        flip(sys.argv[2], int(sys.argv[3]))
    elif cmd == "shdr":
        shdr(sys.argv[2])
    elif cmd == "retar":
        retar(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], *sys.argv[6:7])
    else:
        sys.exit(__doc__)

"""cpu/regex: compiled and cached regular expressions: search, findall,
sub with a function, split."""
import re
import sys

LOG = "\n".join(
    f"2026-12-{d:02d} 10:{m:02d}:00 host{m % 7}.example.org GET /api/v{m % 3}/items/{d * m} 200 {d * 31 + m}ms"
    for d in range(1, 29) for m in range(0, 60, 7))
LINE = re.compile(r"^(\d{4})-(\d\d)-(\d\d) (\S+) (\S+) (GET|POST) (\S+) (\d{3}) (\d+)ms$", re.M)


def work(scale):
    total = 0
    for i in range(scale):
        for m in LINE.finditer(LOG):
            total += int(m.group(9))
        total += len(re.findall(r"host\d\.example\.org", LOG))
        total += len(re.sub(r"/items/(\d+)", lambda m: "/items/" + str(int(m.group(1)) * 2), LOG))
        total += len(re.split(r"\s+", LOG[: 2000]))
    return total


print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))

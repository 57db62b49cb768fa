"""cpu/dicts_strings: dict inserts, lookups and iteration; str formatting,
splitting, joining and methods."""
import sys

WORDS = "the quick brown fox jumps over the lazy dog and keeps on running far away".split()


def work(scale):
    total = 0
    for i in range(scale):
        counts = {}
        for j in range(400):
            w = WORDS[j % len(WORDS)]
            key = f"{w}-{j % 37}"
            counts[key] = counts.get(key, 0) + 1
        text = " ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        fields = dict(p.split("=") for p in text.split())
        total += sum(int(v) for v in fields.values())
        total += len(text.upper().replace("-", "_").title())
        total += sum(1 for k in fields if k.startswith(("t", "q")))
    return total


print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))

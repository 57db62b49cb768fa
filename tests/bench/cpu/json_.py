"""cpu/json_: json.dumps and json.loads of a nested document (the C
accelerator _json, as python3.11 uses it)."""
import json
import sys

DOC = {
    "items": [{"id": i, "name": f"item {i}", "tags": ["a", "b", str(i)], "price": i * 1.25,
               "stock": {"here": i % 5, "there": None, "ok": i % 2 == 0}} for i in range(200)],
    "meta": {"version": 3, "note": "caf\u00e9 \u2014 \u20ac"},
}


def work(scale):
    total = 0
    for i in range(scale):
        text = json.dumps(DOC, sort_keys=(i % 2 == 0))
        back = json.loads(text)
        total += len(text) + len(back["items"])
        total += len(json.dumps(back, indent=1, ensure_ascii=False))
    return total


print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 230))

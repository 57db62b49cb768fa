"""stdlib_heavy: the benchmark's stdlib-heavy command-line program.

A small "inventory report" tool that imports a wide slice of the standard
library the way real command-line programs do (about 150 modules end up in
sys.modules under `python3.11 -I`), touches each briefly, and prints a short,
deterministic summary. It must start, run and exit in a few tens of
milliseconds: tests/bench/run.sh measures its start-up time.

    python3.11 -I stdlib_heavy.py [--items N] [--format text|json] [--modules]

--modules prints len(sys.modules) instead (used by run.sh to count them).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import configparser
import contextlib
import copy
import csv
import dataclasses
import datetime
import decimal
import email.message
import email.parser
import email.policy
import email.utils
import enum
import fnmatch
import fractions
import functools
import gzip
import hashlib
import heapq
import hmac
import html
import http.client
import io
import ipaddress
import itertools
import json
import logging
import logging.handlers
import math
import operator
import os
import pathlib
import pprint
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import string
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import typing
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zlib


class Kind(enum.Enum):
    TOOL = "tool"
    PART = "part"


@dataclasses.dataclass(frozen=True)
class Item:
    name: str
    kind: Kind
    price: decimal.Decimal
    qty: int


def make_items(n: int) -> list[Item]:
    rng = random.Random(42)
    kinds = list(Kind)
    return [
        Item(f"item-{i:03d}", kinds[i % 2], decimal.Decimal(rng.randint(100, 9999)) / 100, rng.randint(1, 9))
        for i in range(n)
    ]


def to_csv(items: typing.Sequence[Item]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["name", "kind", "price", "qty"])
    for it in items:
        w.writerow([it.name, it.kind.value, str(it.price), it.qty])
    return buf.getvalue()


def to_sqlite(items: typing.Sequence[Item]) -> decimal.Decimal:
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        db.execute("create table t (name text, price text, qty integer)")
        db.executemany("insert into t values (?, ?, ?)", [(i.name, str(i.price), i.qty) for i in items])
        rows = db.execute("select price, qty from t order by name").fetchall()
    return sum((decimal.Decimal(p) * q for p, q in rows), decimal.Decimal(0))


def to_xml(items: typing.Sequence[Item]) -> int:
    root = ET.Element("inventory")
    for it in items:
        ET.SubElement(root, "item", name=it.name, qty=str(it.qty))
    data = ET.tostring(root)
    return len(ET.fromstring(data))


def to_mail(summary: str) -> int:
    msg = email.message.EmailMessage(policy=email.policy.default)
    msg["From"] = email.utils.formataddr(("Bench", "bench@example.org"))
    msg["To"] = "ops@example.org"
    msg["Subject"] = "inventory"
    msg.set_content(summary)
    back = email.parser.BytesParser(policy=email.policy.default).parsebytes(bytes(msg))
    return len(back.get_content())


async def count_async(items: typing.Sequence[Item]) -> int:
    async def one(it: Item) -> int:
        await asyncio.sleep(0)
        return it.qty

    return sum(await asyncio.gather(*(one(it) for it in items[:5])))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="stdlib_heavy", description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=20)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--modules", action="store_true", help="print len(sys.modules) and exit")
    p.add_argument("--async", dest="use_async", action="store_true", help="also run an asyncio loop")
    args = p.parse_args(argv)
    if args.modules:
        print(len(sys.modules))
        return 0

    log = logging.getLogger("bench")
    log.addHandler(logging.NullHandler())
    log.info("start %s", args)

    items = make_items(args.items)
    text = to_csv(items)
    total = to_sqlite(items)
    digest = hashlib.sha256(zlib.compress(text.encode())).hexdigest()[:12]
    url = urllib.parse.urlsplit("https://example.org/inv?" + urllib.parse.urlencode({"n": len(items)}))
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    result = {
        "items": len(items),
        "total": str(total.quantize(decimal.Decimal("0.01"))),
        "xml": to_xml(items),
        "sha": digest,
        "b64": base64.b64encode(digest.encode()).decode()[:8],
        "host": url.hostname,
        "when": when.isoformat(),
        "net": str(ipaddress.ip_network("10.0.0.0/30").num_addresses),
        "mean": str(statistics.mean(i.qty for i in items)),
        "frac": str(fractions.Fraction(3, 12)),
        "path": pathlib.PurePosixPath("/a/b/c.txt").suffix,
        "quote": shlex.quote("a b"),
    }
    if args.use_async:
        result["async"] = asyncio.run(count_async(items))
    result["mail"] = to_mail(textwrap.shorten(json.dumps(result, sort_keys=True), 60))
    if args.format == "json":
        print(json.dumps(result, sort_keys=True))
    else:
        print(" ".join(f"{k}={v}" for k, v in sorted(result.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())

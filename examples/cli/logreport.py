"""logreport: summarise, search, mail, compare and pack service logs.

A realistic command-line program for pyfreeze's end-to-end tests. It reads a
log from a file argument or from stdin, one event a line:

    2024-03-01T09:00:01Z INFO api latency=12.5 user=alice status=200 msg="login ok"

(timestamp, level, service, then shell-quoted key=value fields). Its output
is deterministic: no current time, process ids or absolute paths, so a frozen
build and `python3.11 -I logreport.py` can be compared byte for byte.

    logreport.py summary sample.log --format json
    logreport.py grep 'timeout|refused' -i sample.log
    logreport.py mail sample.log --to ops@example.org
    logreport.py diff old.log new.log
    logreport.py pack sample.log | logreport.py unpack
    logreport.py sample sample.log --seed 7 --count 3
"""

from __future__ import annotations

import argparse
import base64
import bisect
import csv
import dataclasses
import datetime as dt
import difflib
import email.message
import email.parser
import email.policy
import email.utils
import enum
import fractions
import functools
import hashlib
import heapq
import io
import itertools
import json
import logging
import pathlib
import random
import re
import shlex
import statistics
import string
import struct
import sys
import textwrap
import uuid
import xml.etree.ElementTree as ET
import zlib
from collections import Counter, OrderedDict, defaultdict, namedtuple
from typing import Iterable, NamedTuple, Optional, Sequence, TextIO

log = logging.getLogger("logreport")

LINE_RE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s+(?P<level>[A-Z]+)\s+(?P<service>[\w.-]+)\s*(?P<rest>.*)$"
)
# Latency buckets in milliseconds; bisect finds a value's bucket.
BUCKET_BOUNDS = (5, 10, 25, 50, 100, 250, 500)
USER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "users.logreport.example")
PACK_MAGIC = b"LGRP"
PACK_HEADER = struct.Struct("<4sHII")  # magic, version, crc32, raw size


class Level(enum.IntEnum):
    DEBUG = 10
    INFO = 20
    WARNING = 30
    ERROR = 40
    CRITICAL = 50

    @classmethod
    def parse(cls, text: str) -> "Level":
        aliases = {"WARN": "WARNING", "ERR": "ERROR", "FATAL": "CRITICAL"}
        return cls[aliases.get(text, text)]


@dataclasses.dataclass(frozen=True, order=True)
class Event:
    when: dt.datetime
    level: Level
    service: str
    latency_ms: float
    user: Optional[str] = None
    status: Optional[int] = None
    message: str = ""
    fields: tuple = dataclasses.field(default=(), compare=False)


class Bucket(NamedTuple):
    label: str
    count: int


Malformed = namedtuple("Malformed", "lineno reason text")


class LogFormatError(ValueError):
    """A line that does not follow the log format (raised with --strict)."""


def parse_line(text: str, lineno: int) -> Event:
    m = LINE_RE.match(text)
    if not m:
        raise LogFormatError(f"line {lineno}: not a log event: {text!r}")
    fields = OrderedDict()
    for token in shlex.split(m["rest"]):
        key, sep, value = token.partition("=")
        if not sep:
            raise LogFormatError(f"line {lineno}: field without '=': {token!r}")
        fields[key] = value
    try:
        level = Level.parse(m["level"])
    except KeyError:
        raise LogFormatError(f"line {lineno}: unknown level {m['level']!r}") from None
    when = dt.datetime.fromisoformat(m["ts"].replace("Z", "+00:00"))
    latency = float(fields.pop("latency", "0"))
    status = fields.pop("status", None)
    return Event(
        when=when,
        level=level,
        service=m["service"],
        latency_ms=latency,
        user=fields.pop("user", None),
        status=int(status) if status is not None else None,
        message=fields.pop("msg", ""),
        fields=tuple(fields.items()),
    )


def read_events(stream: TextIO, strict: bool) -> tuple[list[Event], list[Malformed]]:
    events, bad = [], []
    for lineno, raw in enumerate(stream, start=1):
        text = raw.rstrip("\n")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        try:
            events.append(parse_line(text, lineno))
        except (LogFormatError, ValueError) as exc:
            if strict:
                raise
            log.warning("skipping line %d: %s", lineno, exc)
            bad.append(Malformed(lineno, str(exc), text))
    log.debug("read %d events, %d malformed", len(events), len(bad))
    return events, bad


def open_input(name: Optional[str]) -> TextIO:
    if name is None or name == "-":
        return sys.stdin
    return io.StringIO(pathlib.Path(name).read_text(encoding="utf-8"))


# ---- summary ---------------------------------------------------------------


def histogram(latencies: Iterable[float]) -> list[Bucket]:
    counts = [0] * (len(BUCKET_BOUNDS) + 1)
    for value in latencies:
        counts[bisect.bisect_left(BUCKET_BOUNDS, value)] += 1
    labels = [f"<={b}ms" for b in BUCKET_BOUNDS] + [f">{BUCKET_BOUNDS[-1]}ms"]
    return [Bucket(label, n) for label, n in zip(labels, counts)]


@functools.lru_cache(maxsize=None)
def user_id(name: str) -> str:
    """A stable pseudonym: uuid5 in the program's own namespace."""
    return str(uuid.uuid5(USER_NAMESPACE, name))


def summarise(events: Sequence[Event], bad: Sequence[Malformed], top: int) -> dict:
    levels = Counter(e.level.name for e in events)
    by_service = defaultdict(list)
    for e in events:
        by_service[e.service].append(e.latency_ms)
    latencies = [e.latency_ms for e in events]
    errors = sum(1 for e in events if e.level >= Level.ERROR)
    error_ratio = fractions.Fraction(errors, len(events)) if events else fractions.Fraction(0)
    slowest = heapq.nlargest(top, events, key=lambda e: (e.latency_ms, e.when))
    first = min((e.when for e in events), default=None)
    last = max((e.when for e in events), default=None)
    services = {}
    for name, values in sorted(by_service.items()):
        services[name] = {
            "events": len(values),
            "mean_ms": round(statistics.fmean(values), 3),
            "median_ms": round(statistics.median(values), 3),
            "p_stdev_ms": round(statistics.pstdev(values), 3),
        }
    status_classes = Counter(f"{e.status // 100}xx" for e in events if e.status is not None)
    return {
        "events": len(events),
        "malformed": [m.lineno for m in bad],
        "span": {
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
            "seconds": (last - first).total_seconds() if first else 0,
        },
        "levels": dict(sorted(levels.items(), key=lambda kv: Level[kv[0]])),
        "error_ratio": str(error_ratio),
        "error_percent": round(float(error_ratio) * 100, 2),
        "status_classes": dict(sorted(status_classes.items())),
        "services": services,
        "histogram": [b._asdict() for b in histogram(latencies)],
        "slowest": [
            {
                "when": e.when.isoformat(),
                "service": e.service,
                "latency_ms": e.latency_ms,
                "user": user_id(e.user) if e.user else None,
                "message": e.message,
            }
            for e in slowest
        ],
        "users": len({e.user for e in events if e.user}),
    }


TEXT_TEMPLATE = string.Template(
    """\
Log summary \N{EM DASH} $events events from $first to $last ($seconds s)
Levels:   $levels
Errors:   $error_ratio of events ($error_percent %)
Statuses: $statuses
Users:    $users distinct
"""
)


def render_text(summary: dict, width: int) -> str:
    out = io.StringIO()
    span = summary["span"]
    out.write(
        TEXT_TEMPLATE.substitute(
            events=summary["events"],
            first=span["first"],
            last=span["last"],
            seconds=int(span["seconds"]),
            levels=", ".join(f"{k}={v}" for k, v in summary["levels"].items()),
            error_ratio=summary["error_ratio"],
            error_percent=summary["error_percent"],
            statuses=" ".join(f"{k}:{v}" for k, v in summary["status_classes"].items()) or "-",
            users=summary["users"],
        )
    )
    out.write("Services:\n")
    for name, s in summary["services"].items():
        out.write(
            f"  {name:<10} {s['events']:>3} events  mean {s['mean_ms']:>8.2f} ms"
            f"  median {s['median_ms']:>8.2f} ms  \u03c3 {s['p_stdev_ms']:.2f}\n"
        )
    out.write("Latency histogram:\n")
    peak = max((b["count"] for b in summary["histogram"]), default=0) or 1
    for b in summary["histogram"]:
        bar = "#" * round(b["count"] * 30 / peak)
        out.write(f"  {b['label']:>8} {b['count']:>3} {bar}\n")
    out.write(f"Slowest {len(summary['slowest'])}:\n")
    for rank, s in enumerate(summary["slowest"], start=1):
        head = f"  {rank}. {s['latency_ms']:.1f} ms {s['service']} at {s['when']}: "
        body = s["message"] or "(no message)"
        out.write(
            textwrap.fill(body, width=width, initial_indent=head, subsequent_indent=" " * 6) + "\n"
        )
    if summary["malformed"]:
        out.write(f"Malformed lines: {', '.join(map(str, summary['malformed']))}\n")
    return out.getvalue()


def render_csv(summary: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["service", "events", "mean_ms", "median_ms", "p_stdev_ms"])
    for name, s in summary["services"].items():
        writer.writerow([name, s["events"], s["mean_ms"], s["median_ms"], s["p_stdev_ms"]])
    return out.getvalue()


def render_xml(summary: dict) -> str:
    root = ET.Element("summary", events=str(summary["events"]))
    levels = ET.SubElement(root, "levels")
    for name, count in summary["levels"].items():
        ET.SubElement(levels, "level", name=name).text = str(count)
    services = ET.SubElement(root, "services")
    for name, s in summary["services"].items():
        ET.SubElement(services, "service", name=name, **{k: str(v) for k, v in s.items()})
    slowest = ET.SubElement(root, "slowest")
    for s in summary["slowest"]:
        item = ET.SubElement(slowest, "event", service=s["service"], when=s["when"])
        item.text = s["message"]
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    # Round trip: what we print must parse back to the same numbers.
    again = ET.fromstring(text)
    assert int(again.get("events")) == summary["events"]
    return text + "\n"


def cmd_summary(args: argparse.Namespace) -> int:
    events, bad = read_events(open_input(args.file), args.strict)
    summary = summarise(events, bad, args.top)
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        sys.stdout.write(render_csv(summary))
    elif args.format == "xml":
        sys.stdout.write(render_xml(summary))
    else:
        sys.stdout.write(render_text(summary, args.width))
    return 1 if bad and args.fail_on_malformed else 0


# ---- grep ------------------------------------------------------------------


def cmd_grep(args: argparse.Namespace) -> int:
    try:
        pattern = re.compile(args.pattern, re.IGNORECASE if args.ignore_case else 0)
    except re.error as exc:
        log.error("bad pattern %r: %s", args.pattern, exc)
        return 2
    min_level = Level.parse(args.level.upper()) if args.level else Level.DEBUG
    events, _ = read_events(open_input(args.file), args.strict)
    hits = [
        e for e in events if e.level >= min_level and (pattern.search(e.message) or pattern.search(e.service))
    ]
    if args.count:
        grouped = itertools.groupby(sorted(hits, key=lambda e: e.service), key=lambda e: e.service)
        for service, group in grouped:
            print(f"{service}: {sum(1 for _ in group)}")
    else:
        for e in hits:
            print(f"{e.when:%Y-%m-%d %H:%M:%S} {e.level.name:<8} {e.service}: {e.message}")
    return 0 if hits else 1


# ---- mail ------------------------------------------------------------------


def cmd_mail(args: argparse.Namespace) -> int:
    events, bad = read_events(open_input(args.file), args.strict)
    summary = summarise(events, bad, top=3)
    last = max((e.when for e in events), default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    msg = email.message.EmailMessage()
    msg["From"] = email.utils.formataddr(("logreport", "logreport@example.org"))
    msg["To"] = args.to
    msg["Subject"] = f"Log report: {summary['events']} events, {summary['error_percent']} % errors"
    msg["Date"] = email.utils.format_datetime(last)
    msg["Message-ID"] = f"<{user_id('report:' + last.isoformat())}@logreport.example.org>"
    msg.set_content(render_text(summary, width=66))
    msg.add_attachment(
        render_csv(summary).encode("utf-8"), maintype="text", subtype="csv", filename="services.csv"
    )
    msg.set_boundary("==logreport-boundary==")
    wire = msg.as_bytes(policy=email.policy.SMTP)
    # Parse what we built, as a receiving mail client would.
    parsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(wire)
    attachment = next(parsed.iter_attachments())
    data = attachment.get_content()
    if isinstance(data, str):
        data = data.encode("utf-8")
    print(f"To: {parsed['To']}")
    print(f"Subject: {parsed['Subject']}")
    print(f"Parts: {', '.join(p.get_content_type() for p in parsed.walk())}")
    print(f"Attachment {attachment.get_filename()}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    if args.show:
        sys.stdout.write(wire.decode("ascii").replace("\r\n", "\n"))
    return 0


# ---- diff ------------------------------------------------------------------


def cmd_diff(args: argparse.Namespace) -> int:
    texts = []
    for name in (args.old, args.new):
        events, bad = read_events(open_input(name), args.strict)
        texts.append(render_text(summarise(events, bad, top=3), width=70).splitlines(keepends=True))
    diff = list(difflib.unified_diff(texts[0], texts[1], fromfile=args.old, tofile=args.new, n=1))
    sys.stdout.writelines(diff)
    ratio = difflib.SequenceMatcher(None, "".join(texts[0]), "".join(texts[1])).ratio()
    print(f"similarity {ratio:.3f}")
    return 1 if diff else 0


# ---- pack / unpack -----------------------------------------------------------


def cmd_pack(args: argparse.Namespace) -> int:
    raw = open_input(args.file).read().encode("utf-8")
    body = zlib.compress(raw, 9)
    blob = PACK_HEADER.pack(PACK_MAGIC, 1, zlib.crc32(raw), len(raw)) + body
    print("\n".join(textwrap.wrap(base64.b64encode(blob).decode("ascii"), 76)))
    log.info("packed %d bytes into %d", len(raw), len(blob))
    return 0


def cmd_unpack(args: argparse.Namespace) -> int:
    text = "".join(open_input(args.file).read().split())
    try:
        blob = base64.b64decode(text, validate=True)
        magic, version, crc, size = PACK_HEADER.unpack_from(blob)
    except (ValueError, struct.error) as exc:
        log.error("not a packed log: %s", exc)
        return 1
    if magic != PACK_MAGIC or version != 1:
        log.error("not a packed log (magic %r, version %d)", magic, version)
        return 1
    raw = zlib.decompress(blob[PACK_HEADER.size :])
    if len(raw) != size or zlib.crc32(raw) != crc:
        log.error("packed log is damaged")
        return 1
    sys.stdout.write(raw.decode("utf-8"))
    return 0


# ---- sample ------------------------------------------------------------------


def cmd_sample(args: argparse.Namespace) -> int:
    events, _ = read_events(open_input(args.file), args.strict)
    rng = random.Random(args.seed)
    chosen = rng.sample(events, min(args.count, len(events)))
    for e in sorted(chosen):
        digest = hashlib.blake2b(e.message.encode(), digest_size=6).hexdigest()
        who = user_id(e.user)[:8] if e.user else "-"
        print(f"{e.when.isoformat()} {e.service:<8} user={who} msg#{digest} jitter={rng.uniform(0, 1):.4f}")
    return 0


# ---- command line --------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Summarise, search, mail, compare and pack service logs.",
        epilog="Reads FILE, or standard input when FILE is omitted or '-'.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more messages on stderr")
    parser.add_argument("--strict", action="store_true", help="stop at the first malformed line")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("summary", help="statistics per level and service")
    p.add_argument("file", nargs="?", help="log file (default: stdin)")
    p.add_argument("--format", choices=("text", "json", "csv", "xml"), default="text")
    p.add_argument("--top", type=int, default=3, metavar="N", help="list the N slowest events")
    p.add_argument("--width", type=int, default=72, help="wrap text output at this width")
    p.add_argument("--fail-on-malformed", action="store_true", help="exit 1 if a line was skipped")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("grep", help="events whose message or service matches a regex")
    p.add_argument("pattern")
    p.add_argument("file", nargs="?")
    p.add_argument("-i", "--ignore-case", action="store_true")
    p.add_argument("--level", help="minimum level")
    p.add_argument("-c", "--count", action="store_true", help="count matches per service")
    p.set_defaults(func=cmd_grep)

    p = sub.add_parser("mail", help="build the report as an e-mail and check it parses")
    p.add_argument("file", nargs="?")
    p.add_argument("--to", required=True, help="recipient address")
    p.add_argument("--show", action="store_true", help="print the whole message")
    p.set_defaults(func=cmd_mail)

    p = sub.add_parser("diff", help="compare the summaries of two logs")
    p.add_argument("old")
    p.add_argument("new")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("pack", help="compress a log into base64 text")
    p.add_argument("file", nargs="?")
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser("unpack", help="restore a packed log")
    p.add_argument("file", nargs="?")
    p.set_defaults(func=cmd_unpack)

    p = sub.add_parser("sample", help="a seeded random sample with pseudonymous users")
    p.add_argument("file", nargs="?")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=5)
    p.set_defaults(func=cmd_sample)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.WARNING - 10 * args.verbose
    logging.basicConfig(level=level, format="%(name)s: %(levelname)s: %(message)s", stream=sys.stderr)
    try:
        return args.func(args)
    except FileNotFoundError as exc:
        log.error("cannot read %s: %s", exc.filename, exc.strerror)
        return 1


if __name__ == "__main__":
    sys.exit(main())

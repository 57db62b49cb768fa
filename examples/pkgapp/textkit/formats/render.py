"""Rendering a Report as a table, JSON or CSV."""

import csv
import io
import json

from ..analysis import Report
from .. import __name__ as package_name


def _table(report: Report) -> str:
    lines = [
        f"words      {report.words}",
        f"distinct   {report.distinct}",
        f"sentences  {report.sentences}",
        f"mean len   {report.mean_word_length}",
    ]
    width = max((len(w) for w, _ in report.common), default=4)
    lines += [f"  {w:<{width}}  {n:>4}  {'*' * n}" for w, n in report.common]
    return "\n".join(lines) + "\n"


def _json(report: Report) -> str:
    data = dict(vars(report), generator=package_name)
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["word", "count"])
    writer.writerows(report.common)
    return out.getvalue()


FORMATS = {"table": _table, "json": _json, "csv": _csv}


def render(report: Report, fmt: str) -> str:
    return FORMATS[fmt](report)

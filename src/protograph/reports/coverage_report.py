"""`protograph coverage` rendered: the normative sentences a protocol's encoding leaves
unexplained (or every one) as a table, Markdown or JSON, and a line of counts."""

from __future__ import annotations

import json

from ..corpus.coverage import ProtocolCoverage
from .formats import render

COVERAGE_COLUMNS = ["line", "status", "cue", "provisions", "sentence"]


def render_coverage(report: ProtocolCoverage, fmt: str, show_all: bool = False) -> str:
    """The report in ``fmt``: JSON as ``ProtocolCoverage.as_dict`` gives it; otherwise the
    sentences shown (none: no table) and a last line counting each status."""
    if fmt == "json":
        return json.dumps(report.as_dict(show_all), indent=2, ensure_ascii=False)
    records = report.records(show_all)
    parts = [render(records, COVERAGE_COLUMNS, fmt, wrap={"sentence": 90})] if records else []
    counts = ", ".join(f"{v} {k}" for k, v in report.counts.items())
    parts.append(f"{report.protocol}: {counts}")
    return "\n".join(parts)

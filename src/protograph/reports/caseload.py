"""The caseload report: per protocol and duty, how a whole caseload fared.

For each checkable duty: how many cases triggered it, met it on time, were late (with the
median and worst lateness), were not recorded or are still open (no deadline, not done), are still pending, or did not
apply; and the compliance rate, on time over everything due. As a terminal table, Markdown,
JSON, CSV, or one self-contained HTML page whose chart is inline SVG (no script, no CDN)."""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from datetime import datetime, timedelta

from ..checking.compliance import outcomes
from ..checking.validation import CaseResult, describe_delay
from .formats import render

COLUMNS = [
    "protocol",
    "provision",
    "duty",
    "modality",
    "triggered",
    "on_time",
    "late",
    "median_late",
    "worst_late",
    "not_recorded",
    "open",
    "pending",
    "not_applicable",
    "compliance",
]


def report_rows(results: list[CaseResult]) -> list[dict[str, object]]:
    """One row per protocol and checkable duty, counted over every case of the caseload."""
    counts: dict[tuple[str, str], dict[str, object]] = {}
    lateness: dict[tuple[str, str], list[timedelta]] = defaultdict(list)
    for result in results:
        for outcome in outcomes(result):
            key = (outcome.protocol, outcome.duty)
            row = counts.setdefault(
                key,
                {
                    "protocol": outcome.protocol,
                    "provision": outcome.provision,
                    "duty": outcome.duty_label,
                    "modality": outcome.modality,
                    "triggered": 0,
                    "on_time": 0,
                    "late": 0,
                    "not_recorded": 0,
                    "open": 0,
                    "pending": 0,
                    "not_applicable": 0,
                },
            )
            if outcome.status == "not applicable":
                row["not_applicable"] += 1  # type: ignore[operator]
                continue
            row["triggered"] += 1  # type: ignore[operator]
            field = {"met": "on_time", "not recorded": "not_recorded"}.get(outcome.status, outcome.status)
            row[field] += 1  # type: ignore[operator]
            if outcome.status == "late" and outcome.actual and outcome.deadline:
                lateness[key].append(datetime.fromisoformat(outcome.actual) - datetime.fromisoformat(outcome.deadline))
    rows = []
    for key, row in counts.items():
        late = sorted(lateness[key])
        due = row["on_time"] + row["late"] + row["not_recorded"] + row["open"]  # type: ignore[operator]
        row["median_late"] = describe_delay(statistics.median_low(late)) if late else ""
        row["worst_late"] = describe_delay(late[-1]) if late else ""
        row["compliance"] = round(100 * row["on_time"] / due, 1) if due else None  # type: ignore[operator]
        rows.append(row)
    return sorted(rows, key=lambda r: (str(r["protocol"]), -int(r["triggered"]), str(r["provision"]), str(r["duty"])))


def _svg_chart(rows: list[dict[str, object]]) -> str:
    shown = [r for r in rows if r["compliance"] is not None]
    bar_height, gap, label_width, width = 16, 6, 540, 300
    height = len(shown) * (bar_height + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + width + 80}" height="{height}" role="img" '
        'aria-label="Compliance by duty and protocol">'
    ]
    for index, row in enumerate(shown):
        y = 20 + index * (bar_height + gap)
        value = float(row["compliance"])  # type: ignore[arg-type]
        colour = "#2e7d32" if value >= 90 else "#ef6c00" if value >= 60 else "#c62828"
        duty = str(row["duty"])
        label = html.escape(f"{row['protocol']} {row['provision']}: {duty[:52]}{'…' if len(duty) > 52 else ''}")
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end" font-size="11">{label}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{width * value / 100:.1f}" height="{bar_height}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_width + width * value / 100 + 4:.1f}" y="{y + 12}" font-size="11">{value:g}%</text>'
        )
    parts.append(f'<line x1="{label_width}" y1="12" x2="{label_width}" y2="{height}" stroke="#999"/></svg>')
    return "".join(parts)


def render_report(rows: list[dict[str, object]], fmt: str, cases: int) -> str:
    """The caseload report in the chosen format."""
    if fmt == "json":
        import json

        return json.dumps({"cases": cases, "duties": rows}, indent=2, ensure_ascii=False)
    if fmt == "html":
        from .policy import html_page

        head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape('' if r.get(c) is None else str(r.get(c)))}</td>" for c in COLUMNS)
            + "</tr>"
            for r in rows
        )
        intro = (
            f"<p>{cases:,} cases. Compliance is duties done on time over duties due by the review date "
            "(late, not recorded and open count against it; pending and not applicable do not).</p>"
        )
        return html_page(
            "Caseload compliance by duty and protocol",
            intro + _svg_chart(rows) + f"<table><tr>{head}</tr>{body}</table>",
        )
    return render(rows, COLUMNS, fmt, wrap={"duty": 40})

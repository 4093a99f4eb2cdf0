"""The caseload report: per protocol and duty, how a whole caseload fared.

For each checkable duty, cases and episodes in separate columns that add up: how many cases
of the caseload triggered it, did not trigger it, or where it did not apply; and how many
episodes (triggerings) were met on time, late (with the median and worst lateness), not done
by the deadline, open, or pending; and the compliance rate, on time over episodes due. As a terminal table, Markdown,
JSON, CSV, or one self-contained HTML page whose chart is inline SVG (no script, no CDN)."""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import IO

from ..cases.reading import Case
from ..checking.compliance import obligation_statuses
from ..checking.direct import collector_paused
from ..checking.in_force import IN_FORCE, ordered_by_line, standing_at, versions
from ..checking.validation import CaseResult, describe_delay
from ..corpus.duties import Duty
from ..corpus.loader import Corpus
from .explain import ReviewDates, status_label
from .findings import VERSION_COLUMNS as _VERSION_COLUMNS  # the same columns as the findings report
from .formats import render

COLUMNS = [
    "protocol",
    "version",
    "provision",
    "duty",
    "modality",
    "cases",
    "cases_triggered",
    "cases_not_triggered",
    "cases_not_applicable",
    "episodes",
    "on_time",
    "late",
    "median_late",
    "worst_late",
    "not_done",
    "open",
    "pending",
    "compliance",
]
UNITS = (
    "Cases and episodes are counted apart. cases = cases_triggered + cases_not_triggered + "
    "cases_not_applicable (each case of the caseload checked against that protocol, once). An episode is one "
    "triggering of the duty (a case can have several): episodes = on_time + late + not_done + open + pending. "
    "compliance = on_time / (on_time + late + not_done + open), over episodes; pending episodes and cases where "
    "the duty does not apply are not counted against it."
)
_EPISODE_FIELD = {
    "met": "on_time",
    "late": "late",
    "not done by the deadline": "not_done",
    "open": "open",
    "pending": "pending",
}


class CaseloadTally:
    """The caseload report's counts, added up a chunk of results at a time: every case's
    results (all its protocols) must come in one chunk, so that counts of cases add up across
    chunks; lateness is kept as a count of each distinct delay, for the median and the worst."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], dict[str, object]] = {}
        self.lateness: dict[tuple[str, str], Counter[timedelta]] = defaultdict(Counter)
        self.triggered: Counter[tuple[str, str]] = Counter()
        self.not_applicable: Counter[tuple[str, str]] = Counter()
        self.cases_of: Counter[str] = Counter()
        self.in_force_for: Counter[str] = Counter()
        self.severities = {"Violations": 0, "Warnings": 0, "Info": 0}

    def add(self, results: list[CaseResult], corpus: Corpus | None = None) -> None:
        """Count one chunk of results."""
        with collector_paused():
            self._add(results, corpus)

    def _add(self, results: list[CaseResult], corpus: Corpus | None) -> None:
        triggered: dict[tuple[str, str], set[str]] = defaultdict(set)
        inapplicable: dict[tuple[str, str], set[str]] = defaultdict(set)
        cases_of: dict[str, set[str]] = defaultdict(set)
        in_force_for: dict[str, set[str]] = defaultdict(set)
        counts = self.counts
        for result in results:
            case_id = result.case.id
            cases_of[result.protocol].add(case_id)
            if corpus is not None and standing_at(corpus, result.protocol, result.case.events[0].at) == IN_FORCE:
                in_force_for[result.protocol].add(case_id)
            # the outcomes (compliance.outcomes) counted without building them: each
            # obligation's status, then each duty that does not apply
            for obligation, status, worst, _ in obligation_statuses(result):
                duty = obligation.check.duty
                key = (duty.protocol, duty.id)
                row = counts.get(key) or self._row(key, duty)
                shown = status_label(status)
                if shown == "not applicable":
                    inapplicable[key].add(case_id)
                    continue
                triggered[key].add(case_id)
                row["episodes"] += 1  # type: ignore[operator]
                row[_EPISODE_FIELD.get(shown, "pending")] += 1  # type: ignore[operator]
                if shown == "late" and worst is not None and worst.actual and obligation.due is not None:
                    self.lateness[key][datetime.fromisoformat(worst.actual) - obligation.due] += 1
            for check, _ in result.not_applicable:
                duty = check.duty
                key = (duty.protocol, duty.id)
                if key not in counts:
                    self._row(key, duty)
                inapplicable[key].add(case_id)
        for key, hit in triggered.items():
            self.triggered[key] += len(hit)
        for key, cases in inapplicable.items():
            self.not_applicable[key] += len(cases - triggered.get(key, set()))
        for protocol, cases in cases_of.items():
            self.cases_of[protocol] += len(cases)
        for protocol, cases in in_force_for.items():
            self.in_force_for[protocol] += len(cases)
        for name, count in severity_counts(results).items():
            self.severities[name] = self.severities.get(name, 0) + count

    def _row(self, key: tuple[str, str], duty: Duty) -> dict[str, object]:
        """The counts of one duty, all zero at first."""
        row: dict[str, object] = {
            "protocol": duty.protocol,
            "provision": duty.provision,
            "duty": duty.label,
            "modality": duty.modality,
            **{field: 0 for field in ("episodes", *_EPISODE_FIELD.values())},
        }
        self.counts[key] = row
        return row

    def merge(self, other: CaseloadTally) -> None:
        """Add another tally's counts (of other cases) to this one."""
        for key, row in other.counts.items():
            mine = self.counts.setdefault(key, {**row, **{f: 0 for f in ("episodes", *_EPISODE_FIELD.values())}})
            for field in ("episodes", *_EPISODE_FIELD.values()):
                mine[field] += row[field]  # type: ignore[operator]
        for key, late in other.lateness.items():
            self.lateness[key].update(late)
        self.triggered.update(other.triggered)
        self.not_applicable.update(other.not_applicable)
        self.cases_of.update(other.cases_of)
        self.in_force_for.update(other.in_force_for)
        for name, count in other.severities.items():
            self.severities[name] = self.severities.get(name, 0) + count

    def rows(self, corpus: Corpus | None = None) -> list[dict[str, object]]:
        """The report's rows (see report_rows)."""
        rows = []
        for key, counted in self.counts.items():
            row = dict(counted)
            protocol = key[0]
            total = self.cases_of[protocol]
            hit = self.triggered[key]
            not_applicable = self.not_applicable[key]
            row["cases"] = total
            row["cases_triggered"] = hit
            row["cases_not_applicable"] = not_applicable
            row["cases_not_triggered"] = total - hit - not_applicable
            row["version"] = (
                f"in force for {self.in_force_for[protocol]} of {total} cases" if corpus is not None else ""
            )
            late = self.lateness.get(key, Counter())
            due = row["on_time"] + row["late"] + row["not_done"] + row["open"]  # type: ignore[operator]
            row["median_late"] = describe_delay(_median_low(late)) if late else ""
            row["worst_late"] = describe_delay(max(late)) if late else ""
            row["compliance"] = round(100 * row["on_time"] / due, 1) if due else None  # type: ignore[operator]
            rows.append({c: row.get(c) for c in COLUMNS})
        protocols = sorted(p for p, n in self.cases_of.items() if n)
        order = {p: i for i, p in enumerate(ordered_by_line(corpus, protocols))} if corpus is not None else {}
        return sorted(
            rows,
            key=lambda r: (
                order.get(str(r["protocol"]), 0),
                str(r["protocol"]),
                -int(r["episodes"]),  # type: ignore[call-overload]
                str(r["provision"]),
                str(r["duty"]),
            ),
        )


def _median_low(counted: Counter[timedelta]) -> timedelta:
    """statistics.median_low of the values counted."""
    position = (sum(counted.values()) - 1) // 2
    for value in sorted(counted):
        position -= counted[value]
        if position < 0:
            return value
    raise ValueError("no values")


def report_rows(results: list[CaseResult], corpus: Corpus | None = None) -> list[dict[str, object]]:
    """One row per protocol and checkable duty, counted over every case of the caseload: cases
    (triggered, not triggered, not applicable) and episodes (by outcome) in separate columns."""
    tally = CaseloadTally()
    tally.add(results, corpus)
    return tally.rows(corpus)


def _svg_chart(rows: list[dict[str, object]]) -> str:
    """Compliance bars; each label wraps at word boundaries onto up to three lines beside its
    bar (never cut mid-word), and the whole chart scales to the page width."""
    import textwrap

    shown = [r for r in rows if r["compliance"] is not None]
    line_height, gap, label_width, width, chars = 13, 8, 520, 300, 72
    entries = []
    y = 10
    for row in shown:
        text = f"{row['protocol']} {row['provision']}: {row['duty']}"
        lines = textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False)
        if len(lines) > 3:
            lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), chars, placeholder=" …")]
        height = max(16, line_height * len(lines) + 3)
        entries.append((row, lines, y, height))
        y += height + gap
    total_width = label_width + width + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_width} {y + 4}" width="{total_width}" '
        f'height="{y + 4}" style="max-width:100%;height:auto" role="img" aria-label="Compliance by duty and protocol">'
    ]
    for row, lines, top, height in entries:
        value = float(row["compliance"])  # type: ignore[arg-type]
        colour = "#2e7d32" if value >= 90 else "#ef6c00" if value >= 60 else "#c62828"
        full = html.escape(f"{row['protocol']} {row['provision']}: {row['duty']}")
        first = top + (height - line_height * len(lines)) / 2 + 10
        spans = "".join(
            f'<tspan x="{label_width - 8}" y="{first + i * line_height:.1f}">{html.escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(f'<text class="bar-label" text-anchor="end" font-size="11"><title>{full}</title>{spans}</text>')
        bar_top = top + (height - 16) / 2
        parts.append(
            f'<rect x="{label_width}" y="{bar_top:.1f}" width="{width * value / 100:.1f}" height="16" fill="{colour}"/>'
        )
        parts.append(
            f'<text class="bar-value" x="{label_width + width * value / 100 + 4:.1f}" y="{bar_top + 12:.1f}" '
            f'font-size="11">{value:g}%</text>'
        )
    parts.append(f'<line x1="{label_width}" y1="4" x2="{label_width}" y2="{y}" stroke="#999"/></svg>')
    return "".join(parts)


TABLE_CSS = (
    "body{max-width:min(96vw,86rem)}.scroll{overflow-x:auto;max-width:100%}"
    ".caseload{font-size:.82rem;width:100%;table-layout:auto}"
    ".caseload td,.caseload th{overflow-wrap:break-word;word-break:normal;padding:.3rem .35rem}"
    ".caseload td:nth-child(4){min-width:18rem}.caseload td:nth-child(n+6){text-align:right}"
    ".caseload th.group{text-align:center}"
)


def _html_table(rows: list[dict[str, object]]) -> str:
    groups = (
        '<tr><th colspan="5"></th><th class="group" colspan="4">cases</th>'
        '<th class="group" colspan="8">episodes</th><th></th></tr>'
    )
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>"
        + "".join("<td>" + html.escape("" if r.get(c) is None else str(r.get(c))) + "</td>" for c in COLUMNS)
        + "</tr>"
        for r in rows
    )
    return f'<div class="scroll"><table class="caseload">{groups}<tr>{head}</tr>{body}</table></div>'


def severity_counts(results: list[CaseResult]) -> dict[str, int]:
    """Findings of the caseload by severity, each counted apart."""
    counts = {"Violations": 0, "Warnings": 0, "Info": 0}
    names = {"Violation": "Violations", "Warning": "Warnings", "Info": "Info"}
    for result in results:
        for finding in result.findings:
            counts[names.get(finding.severity, finding.severity)] = counts.get(names.get(finding.severity, ""), 0) + 1
    return counts


_ROWS_MARKER = "\x00review dates\x00"  # encoded as \u0000...; no text of a case holds a NUL


def write_report(
    out: IO[bytes],
    rows: list[dict[str, object]],
    fmt: str,
    cases: ReviewDates,
    corpus: Corpus | None = None,
    severities: dict[str, int] | None = None,
) -> None:
    """Write render_report's text to ``out`` as UTF-8, ending in a newline. A JSON report's
    per-case review dates are written a batch at a time from where ReviewDates keeps them,
    in the very layout json.dumps(indent=2) gives the whole document."""
    try:
        if fmt != "json" or not cases.count:
            text = render_report(rows, fmt, cases, corpus, severities)
            out.write((text if text.endswith("\n") else text + "\n").encode("utf-8"))
            return
        text = render_report(rows, fmt, _Marked(cases), corpus, severities)
        head, tail = text.split(json.dumps(_ROWS_MARKER), 1)
        out.write(head.encode("utf-8"))
        batch: list[str] = []
        first = True
        for row in cases.each_row():
            batch.append("    " + json.dumps(row, indent=2, ensure_ascii=False).replace("\n", "\n    "))
            if len(batch) >= 4096:
                out.write(("[\n" if first else ",\n").encode("utf-8") + ",\n".join(batch).encode("utf-8"))
                first, batch = False, []
        if batch:
            out.write(("[\n" if first else ",\n").encode("utf-8") + ",\n".join(batch).encode("utf-8"))
            first = False
        out.write((("[]" if first else "\n  ]") + tail + "\n").encode("utf-8"))
    finally:
        cases.close()


class _Marked(ReviewDates):
    """A ReviewDates whose rows stand as one marker in the document (write_report)."""

    def __init__(self, dates: ReviewDates):
        self.__dict__.update(dates.__dict__)

    def rows(self) -> list[dict[str, object]]:  # type: ignore[override]
        return _ROWS_MARKER  # type: ignore[return-value]


def render_report(
    rows: list[dict[str, object]],
    fmt: str,
    cases: list[Case] | int | ReviewDates,
    corpus: Corpus | None = None,
    severities: dict[str, int] | None = None,
) -> str:
    """The caseload report in the chosen format: review dates, the duty rows, the protocol
    versions (grouped by line) and the legend. ``cases`` are the cases checked, their review
    dates gathered chunk by chunk (ReviewDates), or only their number."""
    from .explain import LEGEND_COLUMNS, legend_rows, legend_text, review_summary_line

    if isinstance(cases, ReviewDates):
        dates_seen: ReviewDates | None = cases
    elif isinstance(cases, list):
        dates_seen = ReviewDates(every_row=True)
        dates_seen.add(cases)
    else:
        dates_seen = None
    count = dates_seen.count if dates_seen is not None else int(cases)  # type: ignore[arg-type]
    given = dates_seen is not None and dates_seen.count > 0
    protocols = sorted({str(r["protocol"]) for r in rows})
    versions_checked = _version_rows(corpus, protocols)
    if fmt == "json":
        import json

        return json.dumps(
            {
                "cases": count,
                "findings_by_severity": severities or {},
                "review_dates": dates_seen.rows() if given else [],  # type: ignore[union-attr]
                "review_date_summary": dates_seen.summary() if given else [],  # type: ignore[union-attr]
                "units": UNITS,
                "duties": rows,
                "protocols": versions_checked,
                "legend": legend_rows(),
            },
            indent=2,
            ensure_ascii=False,
        )
    dates = review_summary_line(dates_seen) if given else ""  # type: ignore[arg-type]
    found = (
        "Findings: " + ", ".join(f"{n} {name}" for name, n in severities.items()) + " (counted apart)."
        if severities is not None
        else ""
    )
    if fmt == "csv":
        return render([{**r, "review_dates": dates} for r in rows], [*COLUMNS, "review_dates"], fmt)
    if fmt == "html":
        from .policy import html_page

        review = "".join(
            f"<tr><td>{html.escape(str(r['as_of_source']))}</td><td>{r['cases']}</td>"
            f"<td>{html.escape(str(r['as_of']))}</td><td>{html.escape(str(r['which']))}</td></tr>"
            for r in (dates_seen.summary() if given else [])  # type: ignore[union-attr]
        )
        intro = (
            f"<p>{count:,} cases. {html.escape(found)} {html.escape(UNITS)}</p>"
            "<h2>Review dates</h2><p>Pending and open are decided against each case's review date.</p>"
            '<div class="scroll"><table><tr><th>where it came from</th><th>cases</th><th>review date</th>'
            f"<th>which cases</th></tr>{review}</table></div>"
        )
        versions = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v[c]))}</td>" for c in _VERSION_COLUMNS) + "</tr>"
            for v in versions_checked
        )
        legend = "".join(
            f"<tr><td>{html.escape(str(r['kind']))}</td><td>{html.escape(str(r['term']))}</td>"
            f"<td>{html.escape(str(r['meaning']))}</td></tr>"
            for r in legend_rows()
        )
        return html_page(
            "Caseload compliance by duty and protocol",
            intro
            + "<h2>Compliance by duty</h2>"
            + _svg_chart(rows)
            + _html_table(rows)
            + "<h2>Protocol versions</h2>"
            + '<div class="scroll"><table><tr>'
            + "".join(f"<th>{c.replace('_', ' ')}</th>" for c in _VERSION_COLUMNS)
            + f"</tr>{versions}</table></div>"
            + f"<h2>Legend</h2><table><tr><th>kind</th><th>term</th><th>meaning</th></tr>{legend}</table>",
            css=TABLE_CSS,
        )
    markdown = fmt == "markdown"
    parts = [dates, "", found, UNITS, ""] if found else [dates, "", UNITS, ""]
    parts.append(render(rows, COLUMNS, fmt, wrap={"duty": 32, "version": 12}))
    if versions_checked:
        parts.append("\n## Protocol versions\n" if markdown else "\nProtocol versions (grouped by line)")
        parts.append(render(versions_checked, _VERSION_COLUMNS, fmt, wrap={"dated": 48, "area": 24}))
    if given and dates_seen.count <= 50:  # type: ignore[union-attr]
        parts.append("\n## Review dates\n" if markdown else "\nReview dates")
        parts.append(render(dates_seen.rows(), ["case", "as_of", "as_of_source"], fmt))  # type: ignore[union-attr]
    parts.append("\n## Legend\n" if markdown else "\nLegend")
    parts.append(legend_text() if markdown else render(legend_rows(), LEGEND_COLUMNS, "table", wrap={"meaning": 80}))
    return "\n".join(parts)


def _version_rows(corpus: Corpus | None, protocols: list[str]) -> list[dict[str, object]]:
    if corpus is None:
        return []
    known = versions(corpus)
    return [known[p].as_row() for p in ordered_by_line(corpus, protocols) if p in known]

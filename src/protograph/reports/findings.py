"""Validation reports: findings and the compliance matrix as table, Markdown or JSON.

Every report states each case's review date and where it came from, which protocol version
was in force when each duty was triggered (so a breach under a superseded version or a peer
area's protocol is not read as a second breach), and, once, a legend of statuses and
severities. JSON stays a list of findings (DESIGN.md); each finding carries its case's review
date and the standing of its protocol version, and ``--matrix`` JSON adds the rest."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Iterator
from datetime import timedelta
from json.encoder import encode_basestring as _encode_text  # the C encoder json.dumps uses
from operator import attrgetter
from typing import IO

from ..cases.reading import Case
from ..checking.caseload import validate_cases
from ..checking.compliance import matrix, obligation_statuses
from ..checking.direct import collector_paused
from ..checking.in_force import IN_FORCE, Version, ordered_by_line, versions
from ..checking.validation import CaseResult, Finding, describe_delay
from ..corpus.loader import Corpus
from ..errors import InputError
from .explain import (
    LEGEND_COLUMNS,
    REVIEW_COLUMNS,
    SHOWN_ORDER,
    STATUS_LABELS,
    legend_rows,
    legend_text,
    review_fields,
    review_rows,
    since,
    status_label,
)
from .formats import LaidLines, LayOut, SpilledTable, TablePart, render, spill, temporary_file

# Which duty of which protocol a finding is about and how serious it is, in the order every
# findings table shows them (the findings report here, ``frames.findings`` in notebooks).
FINDING_DUTY_COLUMNS = [
    "protocol",
    "version",
    "provision",
    "severity",
    "severity_reason",
    "status",
    "recipient",
    "duty_label",
]
FINDING_COLUMNS = ["case", *FINDING_DUTY_COLUMNS, "trigger_at", "deadline", "actual", "how_late"]
# The fields of each finding of the JSON output (finding_row), in its order.
FINDING_FIELDS = [
    "case",
    "protocol",
    "provision",
    "severity",
    "severity_reason",
    "duty",
    "duty_label",
    "modality",
    "message",
    "trigger",
    "trigger_at",
    "deadline",
    "actual",
    "late_by",
    "status",
    "open_for",
    "recipients",
    "quote",
    "status_label",
    "recipient",
    "overdue_by",
    "as_of",
    "as_of_source",
    "line",
    "area",
    "version",
    "how_late",
]
VERSION_COLUMNS = ["protocol", "line", "area", "in_force_from", "dated", "superseded_by"]


def standing(corpus: Corpus, protocol: str, when: str | None) -> str:
    """'in force', 'superseded by X' or 'not yet in force (from D)' for a version at a time."""
    from datetime import datetime

    known = versions(corpus)
    version = known.get(protocol)
    if version is None or not when:
        return ""
    moment = datetime.fromisoformat(when)
    state = version.standing(moment, known)
    if state == IN_FORCE:
        return IN_FORCE
    if state == "superseded":
        return f"superseded by {version.next}"
    return f"not yet in force (from {version.start.date().isoformat()})"


# The fields of a finding that its protocol, duty and evidence requirement fix (the same in
# every case); the rest of FINDING_FIELDS say what happened in the case.
FINDING_DUTY_FIELDS = tuple(
    "protocol provision severity severity_reason duty duty_label modality message recipients quote recipient "
    "line area".split()
)


def finding_row(corpus: Corpus, case: Case, finding: Finding) -> dict[str, object]:
    """A finding as plain data: the fields DESIGN.md fixes, unchanged, and what explains them."""
    return _row(corpus, case, finding, review_fields(case), versions(corpus).get(finding.protocol))


def _row(
    corpus: Corpus, case: Case, finding: Finding, review: dict[str, object], version: Version | None
) -> dict[str, object]:
    """finding_row, given the case's review_fields and the finding's protocol version (if known)."""
    shown = status_label(str(finding.status or ""))
    late_by = finding.late_by if shown == "late" else None  # a duty not done is overdue, never 'late by'
    overdue = since(case.as_of, finding.deadline) if shown == "not done by the deadline" else None
    overdue_by = describe_delay(overdue) if overdue is not None else None
    open_for = finding.open_for
    if shown == "open":
        opened = since(case.as_of, finding.trigger_at)
        open_for = open_for or (describe_delay(opened) if opened is not None else None)
    how_late = (
        f"late by {late_by}"
        if late_by
        else f"overdue by {overdue_by}"
        if overdue_by
        else f"open for {open_for}"
        if open_for
        else ""
    )
    return {
        "case": finding.case,
        "protocol": finding.protocol,
        "provision": finding.provision,
        "severity": finding.severity,
        "severity_reason": finding.severity_reason,
        "duty": finding.duty,
        "duty_label": finding.duty_label,
        "modality": finding.modality,
        "message": finding.message,
        "trigger": finding.trigger,
        "trigger_at": finding.trigger_at,
        "deadline": finding.deadline,
        "actual": finding.actual,
        "late_by": late_by,
        "status": finding.status,
        "open_for": open_for,
        "recipients": list(finding.recipients),
        "quote": finding.quote,
        "status_label": shown,
        "recipient": ", ".join(finding.recipients),
        "overdue_by": overdue_by,
        "as_of": review["as_of"],
        "as_of_source": review["as_of_source"],
        "line": version.line if version else "",
        "area": version.area if version else "",
        "version": standing(corpus, finding.protocol, finding.trigger_at),
        "how_late": how_late,
    }


def summary(corpus: Corpus, results: list[CaseResult]) -> list[dict[str, object]]:
    """Per case and protocol: each status counted, and Violations, Warnings and Info apart."""
    rows = []
    for result in results:
        counts = {s: 0 for s in SHOWN_ORDER}
        for _, status, _, _ in obligation_statuses(result):  # each outcome's status, in outcomes' order
            label = status_label(status)
            counts[label] = counts.get(label, 0) + 1
        if result.not_applicable:
            label = status_label("not applicable")
            counts[label] = counts.get(label, 0) + len(result.not_applicable)
        severities = {"Violation": 0, "Warning": 0, "Info": 0}
        for finding in result.findings:
            if finding.severity in severities:
                severities[finding.severity] += 1
        rows.append(
            {
                "case": result.case.id,
                "protocol": result.protocol,
                "version": standing(corpus, result.protocol, result.case.events[0].at.isoformat()),
                **counts,
                "Violations": severities["Violation"],
                "Warnings": severities["Warning"],
                "Info": severities["Info"],
            }
        )
    return rows


def version_rows(corpus: Corpus, protocols: list[str]) -> list[dict[str, object]]:
    """The protocol versions checked, grouped by line, with their in-force dates."""
    known = versions(corpus)
    return [known[p].as_row() for p in ordered_by_line(corpus, protocols) if p in known]


def _versions_note(corpus: Corpus, protocols: list[str]) -> str:
    rows = version_rows(corpus, protocols)
    lines = {r["line"] for r in rows}
    areas = {r["area"] for r in rows}
    note = []
    if len(rows) > len(lines):
        note.append(
            "Versions of one line revise each other: only the version in force when a duty was triggered "
            "applies; findings under superseded or not-yet-in-force versions are shown for comparison."
        )
    if len(areas) > 1:
        note.append(
            "Lines of different areas are peers: a case falls under its own area's protocol, so the same "
            "delay found under several areas' protocols is one delay, not several breaches."
        )
    return " ".join(note)


def _matrix_rows(corpus: Corpus, results: list[CaseResult], case: Case) -> tuple[list[dict[str, object]], list[str]]:
    """The case's matrix with its protocol columns grouped by line and headed by their standing."""
    ordered = ordered_by_line(corpus, [r.protocol for r in results])
    rows, columns = matrix(sorted(results, key=lambda r: ordered.index(r.protocol)))
    at = case.events[0].at.isoformat()
    known = versions(corpus)
    heads = {p: f"{p} ({standing(corpus, p, at)})" if p in known else p for p in columns[1:]}
    return [
        {("duty" if k == "duty" else heads[k]): (v if k == "duty" else _relabel(str(v))) for k, v in row.items()}
        for row in rows
    ], [
        "duty",
        *heads.values(),
    ]


def _standing_counts(current: dict[str, int], other: dict[str, int]) -> str:
    """The closing line from the findings counted by severity, under the versions in force and
    under others."""

    def counts(by: dict[str, int]) -> str:
        return f"{by.get('Violation', 0)} Violations, {by.get('Warning', 0)} Warnings, {by.get('Info', 0)} Info"

    line = f"Under the versions in force when each duty was triggered: {counts(current)}."
    if other:
        line += (
            f" Under superseded or not-yet-in-force versions, shown for comparison and not further breaches: "
            f"{counts(other)}."
        )
    return line


def _relabel(cell: str) -> str:
    """A matrix cell with each status shown by its legend name ('not recorded (45)' -> 'not done by the deadline (45)')."""
    parts = []
    for part in cell.split("; "):
        for raw in sorted(STATUS_LABELS, key=len, reverse=True):
            if part.startswith(raw + " ") or part == raw:
                part = STATUS_LABELS[raw] + part[len(raw) :]
                break
        parts.append(part)
    return "; ".join(parts)


def _markdown_findings(corpus: Corpus, results: list[CaseResult]) -> list[str]:
    """The Markdown lines of the findings, case by case (joined and right-stripped at the end)."""
    lines = []
    for result in results:
        case = result.case
        version = standing(corpus, result.protocol, case.events[0].at.isoformat())
        lines.append(f"## {case.id} against {result.protocol}" + (f" ({version})" if version else ""))
        lines.append("")
        lines.append(f"Review date {case.as_of.isoformat()} ({case.review_date_source}).")
        lines.append("")
        if not result.findings:
            lines.append("No duty late, not done by its deadline, or open.")
            lines.append("")
            continue
        for f in result.findings:
            row = finding_row(corpus, case, f)
            when = (
                f"due {f.deadline}, done {f.actual or 'not by the review date'}"
                if f.deadline
                else "no deadline; not done by the review date"
            )
            how = f", {row['how_late']}" if row["how_late"] else ""
            to = f" (to {row['recipient']})" if row["recipient"] else ""
            lines.append(
                f"- **{f.severity}** ({row['status_label']}) {f.duty_label}{to} — {f.protocol} {f.provision}"
                f"{' [' + str(row['version']) + ']' if row['version'] and row['version'] != IN_FORCE else ''}: "
                f"{when}{how}."
            )
            reason = getattr(f, "severity_reason", "")
            lines.append(f"  Triggered by {f.trigger} at {f.trigger_at}." + (f" Severity: {reason}." if reason else ""))
            lines.append(f"  > {f.quote}")
        lines.append("")
    return lines


def render_validation(
    corpus: Corpus,
    cases: list[Case],
    protocols: list[str],
    tolerance: timedelta,
    fmt: str,
    with_matrix: bool,
    engine: str = "reference",
    progress: bool = False,
    endpoint: object | None = None,
    in_force: bool = False,
) -> tuple[str, int]:
    """The validation output in the chosen format, and the number of violations. With
    ``in_force``, each case keeps only the versions in force when its duties were triggered."""
    results = validate_cases(corpus, cases, protocols, tolerance, engine, progress, endpoint)
    if in_force:
        from ..checking.in_force import keep_in_force

        results = keep_in_force(corpus, results)
    report = FindingsReport(corpus, fmt, with_matrix)
    report.add(cases, results)
    return report.text(), report.violations


def json_findings(corpus: Corpus, cases: list[Case], results: list[CaseResult]) -> tuple[list[bytes], int]:
    """The findings of some cases as the items of the JSON findings list (UTF-8), each already
    indented as ``json.dumps(rows, indent=2, ensure_ascii=False)`` indents it, so that items
    written one chunk after another make the very document it makes; and the number of
    violations."""
    by_id = {c.id: c for c in cases}
    known = versions(corpus)
    items = []
    violations = 0
    with collector_paused():
        for result in results:
            case = by_id.get(result.case.id, result.case)
            review = review_fields(case)
            for finding in result.findings:
                violations += finding.severity == "Violation"
                item = _finding_item(corpus, case, finding, review, known.get(finding.protocol))
                items.append(item.encode("utf-8"))
    return items, violations


def _finding_item(
    corpus: Corpus, case: Case, finding: Finding, review: dict[str, object], version: Version | None
) -> str:
    """``_json_item(finding_row(corpus, case, finding))``: the item template of the finding's
    protocol, duty and requirement (_item_template, made from the first such finding's row)
    with only the row's other fields encoded here, all at once by the C encoder."""
    key = (_duty_key(finding), version.line if version else "", version.area if version else "")
    row = _row(corpus, case, finding, review, version)
    if key in _TEMPLATES:
        template = _TEMPLATES[key]
    else:
        if len(_TEMPLATES) >= 10_000:
            _TEMPLATES.clear()
        template = _TEMPLATES[key] = _item_template(row)
    if template is not None:
        text = _VALUES_ENCODER.encode([row[name] for name in _EPISODE_FIELDS])
        # a value that is a list or a mapping is laid out otherwise: left to _json_item
        if text[1] not in "[{" and "\x02[" not in text and "\x02{" not in text:
            return template % tuple(text[1:-1].split("\x02"))
    return _json_item(row)


# The finding's attributes that its FINDING_DUTY_FIELDS are made of; the fields of
# FINDING_FIELDS that are not FINDING_DUTY_FIELDS, in their order; the item templates made so far (by the duty fields'
# values: a few hundred for the bundled protocols); and an encoder that separates the episode's
# values by a character that no encoded value holds (the encoder escapes control characters).
# ('recipient' is made from 'recipients'; 'line' and 'area' are its version's)
_duty_key = attrgetter(*(name for name in FINDING_DUTY_FIELDS if name not in ("recipient", "line", "area")))
_EPISODE_FIELDS = [name for name in FINDING_FIELDS if name not in FINDING_DUTY_FIELDS]
_TEMPLATES: dict[tuple[object, ...], str | None] = {}
_VALUES_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=("\x02", ": "))


def _item_template(row: dict[str, object]) -> str | None:
    """The JSON item (_json_item) of any finding with this finding row's duty fields, as a
    %-format with a ``%s`` where each encoded value of the _EPISODE_FIELDS goes, in their order.
    None when a duty field's text holds one of the markers the cut looks for (then items are
    made the straightforward way)."""
    markers = {name: f"\x01{name}\x01" for name in _EPISODE_FIELDS}  # encoded as \u0001...
    text = _json_item({name: markers.get(name, value) for name, value in row.items()})
    pieces = []
    for name in _EPISODE_FIELDS:
        encoded = _encode_text(markers[name])
        if text.count(encoded) != 1:
            return None
        before, text = text.split(encoded)
        pieces.append(before.replace("%", "%%"))
    pieces.append(text.replace("%", "%%"))
    return "%s".join(pieces)


# With no indent the json module encodes in C; these separators start each key (or list item)
# on its own line, indented as an item of a list laid out by json.dumps(rows, indent=2).
_ITEM_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": "))
_LIST_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",\n      ", ": "))


def _json_item(row: dict[str, object]) -> str:
    """``row`` as an item of ``json.dumps(rows, indent=2, ensure_ascii=False)``, byte for byte,
    at a third of the cost: that call indents in pure Python, so the row is encoded by the C
    encoder with separators that lay it out the same way, and each non-empty list of plain
    values (laid out one value a line, one level deeper) is put in afterwards in place of a
    marker. A row holding a mapping or a list of lists is left to json.dumps."""
    lists: dict[str, list | tuple] = {}
    for key, value in row.items():
        kind = type(value)
        if kind is dict or (
            (kind is list or kind is tuple) and any(type(v) in (list, tuple, dict) for v in value)  # type: ignore[attr-defined]
        ):
            return "  " + json.dumps(row, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        if (kind is list or kind is tuple) and value:
            lists[key] = value  # type: ignore[assignment]
    if not row:
        return "  {}"
    shown = {}
    if lists:
        row = dict(row)
        for number, (key, value) in enumerate(lists.items()):
            marker = f"\x00{number}\x00"  # encoded as \u0000...; no text of a case holds a NUL
            row[key] = marker
            shown[_encode_text(marker)] = "[\n      " + _LIST_ENCODER.encode(list(value))[1:-1] + "\n    ]"
    text = "  {\n    " + _ITEM_ENCODER.encode(row)[1:-1] + "\n  }"
    for marker, rendered in shown.items():
        text = text.replace(marker, rendered, 1)
    return text


# The findings table's columns wrapped at these widths.
FINDING_WRAP = {"duty_label": 36, "version": 14, "recipient": 18, "status": 12, "severity_reason": 24}


class _TextSpill:
    """Pieces of text gathered a chunk at a time in a temporary file (no name, dropped when
    closed), given back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._chunks = 0

    def add(self, pieces: list[str]) -> None:
        if not pieces:
            return
        if self._file is None:
            self._file = temporary_file()
        spill(self._file, pickle.dumps(pieces, pickle.HIGHEST_PROTOCOL))
        self._chunks += 1

    def pieces(self) -> Iterator[str]:
        if self._file is None:
            return
        self._file.seek(0)
        for _ in range(self._chunks):
            yield from pickle.load(self._file)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _Part:
    """What one chunk of cases adds to a table or Markdown output, reduced to text: the
    review dates, the findings (table rows, or Markdown lines), the summary rows and the
    compliance matrices, with the counts the closing line needs."""

    def __init__(self, review: TablePart, findings: TablePart | list[str], summary: TablePart, matrices: list[str]):
        self.review = review
        self.findings = findings
        self.summary = summary
        self.matrices = matrices


def _right_stripped(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` such that "\n".join of them is "\n".join(lines).rstrip(), holding back only
    the trailing blank lines seen so far."""
    held: str | None = None
    blank: list[str] = []
    for line in lines:
        if not line.rstrip():
            blank.append(line)
            continue
        if held is not None:
            yield held
        yield from blank
        blank, held = [], line
    yield held.rstrip() if held is not None else ""


class FindingsReport:
    """The validation output (table, Markdown or JSON) built a chunk of cases at a time: each
    chunk's results are reduced to what the output shows, the cells of its rows (a FindingsReport
    made in a worker process carries them to the main one, as _Part), so cases and obligations
    need not all be kept. The report they are merged into keeps the rows in temporary files while
    the tables' widths are merged, and lays the tables out at the end (write, text): memory does
    not grow with the caseload. JSON with the matrix is kept whole."""

    def __init__(self, corpus: Corpus, fmt: str, with_matrix: bool):
        self.corpus = corpus
        self.fmt = fmt
        self.with_matrix = with_matrix
        self.violations = 0
        self.checked: set[str] = set()
        # JSON (--matrix): the whole document
        self.review: list[dict[str, object]] = []
        self.rows: list[dict[str, object]] = []
        self.summary: list[dict[str, object]] = []
        self.matrices: dict[str, object] = {}
        # table and Markdown: the chunks not yet taken in, the spilled tables, the counts of the
        # closing line (findings under the versions in force, and under others, by severity)
        self.parts: list[_Part] = []
        self.severities: dict[bool, dict[str, int]] = {True: {}, False: {}}
        markdown = fmt == "markdown"
        self._review = SpilledTable(REVIEW_COLUMNS, markdown)
        self._findings = SpilledTable(FINDING_COLUMNS) if not markdown else None
        self._markdown = _TextSpill() if markdown else None
        self._summary = SpilledTable(None, markdown)
        self._matrices = _TextSpill()
        self._written = False

    def add(self, cases: list[Case], results: list[CaseResult]) -> None:
        """Add the results of some cases (all their protocols), in the order they are reported."""
        corpus, fmt = self.corpus, self.fmt
        by_id = {c.id: c for c in cases}
        shown = []
        for result in results:
            for finding in result.findings:
                self.violations += finding.severity == "Violation"
                row = finding_row(corpus, by_id.get(result.case.id, result.case), finding)
                if fmt == "json":
                    self.rows.append(row)
                    continue
                in_force = self.severities[row.get("version") == IN_FORCE]
                severity = str(row.get("severity"))
                in_force[severity] = in_force.get(severity, 0) + 1
                if fmt != "markdown":
                    shown.append({**{c: row.get(c) for c in FINDING_COLUMNS}, "status": row.get("status_label")})
        self.checked.update(r.protocol for r in results)
        if fmt == "json":
            self.review.extend(review_rows(cases))
            self.summary.extend(summary(corpus, results))
            if self.with_matrix:
                for case in cases:
                    self.matrices[case.id] = matrix([r for r in results if r.case.id == case.id])[0]
            return
        markdown = fmt == "markdown"
        matrices = []
        for case in cases if self.with_matrix else ():
            case_results = [r for r in results if r.case.id == case.id]
            if not case_results:
                continue
            matrix_rows, columns = _matrix_rows(corpus, case_results, case)
            title = (
                f"Compliance of {case.id} under each protocol, grouped by line "
                f"(review date {case.as_of.isoformat()}, {case.review_date_source})"
            )
            matrices.append(f"\n## {title}\n" if markdown else f"\n{title}")
            matrices.append(render(matrix_rows, columns, fmt, wrap={"duty": 30, **{p: 22 for p in columns[1:]}}))
        self.parts.append(
            _Part(
                TablePart.of_rows(review_rows(cases), REVIEW_COLUMNS, key="case", markdown=markdown),
                _markdown_findings(corpus, results)
                if markdown
                else TablePart.of_rows(shown, FINDING_COLUMNS, wrap=FINDING_WRAP),
                TablePart.of_rows(summary(corpus, results), markdown=markdown),
                matrices,
            )
        )

    def merge(self, other: FindingsReport) -> None:
        """Add what another report gathered (of the cases after this one's)."""
        self.violations += other.violations
        self.checked.update(other.checked)
        self.review.extend(other.review)
        self.rows.extend(other.rows)
        self.summary.extend(other.summary)
        self.matrices.update(other.matrices)
        for in_force, counts in other.severities.items():
            mine = self.severities[in_force]
            for severity, count in counts.items():
                mine[severity] = mine.get(severity, 0) + count
        self._take(self.parts)
        self._take(other.parts)
        other.parts = []

    def _take(self, parts: list[_Part]) -> None:
        """Put the chunks' rows into the temporary files and merge their widths."""
        for part in parts:
            self._review.add(part.review)
            if isinstance(part.findings, list):
                self._markdown.add(part.findings)  # type: ignore[union-attr]
            else:
                self._findings.add(part.findings)  # type: ignore[union-attr]
            self._summary.add(part.summary)
            self._matrices.add(part.matrices)
        parts.clear()

    def store(self, path: str) -> None:
        """Move the rows of the chunks added so far into a new file at ``path`` (a worker
        process's, in a folder the run removes at the end), so that only where they are travels
        back with this report, and the tables can be laid out there too (write's ``lay_out``)."""
        try:
            file = open(path, "wb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputError(f"cannot make a temporary file for the output: {exc.strerror}", path) from None
        with file:
            for part in self.parts:
                for table in (part.review, part.findings, part.summary):
                    if isinstance(table, TablePart):
                        table.store(file, path)

    def close(self) -> None:
        """Drop the temporary files (done by write and text; call it when a run is abandoned)."""
        for kept in (self._review, self._findings, self._markdown, self._summary, self._matrices):
            if kept is not None:
                kept.close()

    def write(self, out: IO[bytes], lay_out: LayOut | None = None) -> None:
        """Write the whole output to ``out`` as UTF-8, ending in a newline, a batch of lines at
        a time (the report is spent: its temporary files are gone afterwards, also on error).
        ``lay_out`` lays out the runs of rows stored apart (store), in order: by default here."""
        started, ended = False, True

        def put(data: bytes) -> None:
            nonlocal started, ended
            out.write(b"\n" + data if started else data)
            started, ended = True, data.endswith(b"\n")

        batch: list[str] = []
        try:
            for piece in self._pieces(lay_out):
                if isinstance(piece, LaidLines):  # lines laid out already, in a file
                    if batch:
                        put("\n".join(batch).encode("utf-8"))
                        batch = []
                    if started:
                        out.write(b"\n")
                    started, ended = True, False  # a line, if an empty one
                    for block in piece.blocks():
                        out.write(block)
                        ended = block.endswith(b"\n")
                    continue
                batch.append(piece)
                if len(batch) >= 2048:
                    put("\n".join(batch).encode("utf-8"))
                    batch = []
            if batch:
                put("\n".join(batch).encode("utf-8"))
            if not ended or not started:
                out.write(b"\n")
        finally:
            self.close()

    def text(self) -> str:
        """The whole output (the report is spent: its temporary files are gone afterwards)."""
        try:
            return "\n".join(
                b"".join(p.blocks()).decode("utf-8") if isinstance(p, LaidLines) else p for p in self._pieces()
            )
        finally:
            self.close()

    def _pieces(self, lay_out: LayOut | None = None) -> Iterator[str | LaidLines]:
        """The output as pieces to be joined by newlines (text, or lines laid out already)."""
        if self._written:
            raise RuntimeError("a FindingsReport is written once")
        self._written = True
        try:
            if self.fmt == "json":
                yield self._json()
                return
            self._take(self.parts)
            yield from self._laid_out(lay_out)
        finally:
            self.close()

    def _json(self) -> str:
        if not self.with_matrix:
            return json.dumps(self.rows, indent=2, ensure_ascii=False)
        document = {
            "findings": self.rows,
            "matrix": self.matrices,
            "summary": self.summary,
            "review_dates": sorted(self.review, key=lambda r: str(r["case"])),
            "protocols": version_rows(self.corpus, sorted(self.checked)),
            "legend": legend_rows(),
        }
        return json.dumps(document, indent=2, ensure_ascii=False)

    def _laid_out(self, lay_out: LayOut | None) -> Iterator[str | LaidLines]:
        corpus = self.corpus
        checked = sorted(self.checked)
        markdown = self.fmt == "markdown"
        title = "Review dates (pending and open are decided against them)"
        yield f"## {title}\n" if markdown else title
        yield from self._review.pieces(lay_out)
        yield ""
        if self._markdown is not None:
            yield from _right_stripped(self._markdown.pieces())
        elif self._findings is not None:
            yield from self._findings.pieces(lay_out)
        yield from self._matrices.pieces()
        yield "\n## Summary\n" if markdown else "\nSummary (Violations, Warnings and Info counted apart)"
        yield from self._summary.pieces(lay_out)
        yield _standing_counts(self.severities[True], self.severities[False])
        if checked:
            yield "\n## Protocol versions\n" if markdown else "\nProtocol versions (grouped by line)"
            yield render(version_rows(corpus, checked), VERSION_COLUMNS, self.fmt, wrap={"dated": 48, "area": 24})
            note = _versions_note(corpus, checked)
            if note:
                yield note
        yield "\n## Legend\n" if markdown else "\nLegend"
        yield legend_text() if markdown else render(legend_rows(), LEGEND_COLUMNS, "table", wrap={"meaning": 80})

"""Validation reports: findings and the compliance matrix as table, Markdown or JSON."""

from __future__ import annotations

import json
from datetime import timedelta

from ..cases.reading import Case
from ..checking.caseload import validate_cases
from ..checking.compliance import matrix, summary_rows
from ..checking.validation import CaseResult
from ..corpus.loader import Corpus
from .formats import render

FINDING_COLUMNS = [
    "case",
    "protocol",
    "provision",
    "severity",
    "severity_reason",
    "status",
    "duty_label",
    "trigger_at",
    "deadline",
    "actual",
    "late_by",
    "open_for",
]


def _markdown_findings(results: list[CaseResult]) -> str:
    lines = []
    for result in results:
        lines.append(f"## {result.case.id} against {result.protocol}")
        lines.append("")
        if not result.findings:
            lines.append("No breached or open duties.")
            lines.append("")
            continue
        for f in result.findings:
            when = (
                f"due {f.deadline}, done {f.actual or 'not recorded'}"
                if f.deadline
                else f"no deadline; not done by the review date, open for {f.open_for}"
            )
            late = f", late by {f.late_by}" if f.late_by else ""
            lines.append(f"- **{f.severity}** ({f.status}) {f.duty_label} — {f.protocol} {f.provision}: {when}{late}.")
            lines.append(f"  Triggered by {f.trigger} at {f.trigger_at}. Severity: {f.severity_reason}.")
            lines.append(f"  > {f.quote}")
        lines.append("")
    return "\n".join(lines).rstrip()


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
) -> tuple[str, int]:
    """The validation output in the chosen format, and the number of violations."""
    results = validate_cases(corpus, cases, protocols, tolerance, engine, progress, endpoint)
    findings = [f for r in results for f in r.findings]
    violations = sum(1 for f in findings if f.severity == "Violation")
    if fmt == "json":
        rows = [f.as_row() for f in findings]
        if with_matrix:
            matrices = {}
            for case in cases:
                rows_m, _ = matrix([r for r in results if r.case.id == case.id])
                matrices[case.id] = rows_m
            return json.dumps(
                {"findings": rows, "matrix": matrices, "summary": summary_rows(results)}, indent=2, ensure_ascii=False
            ), violations
        return json.dumps(rows, indent=2, ensure_ascii=False), violations
    parts = []
    if fmt == "markdown":
        parts.append(_markdown_findings(results))
    else:
        parts.append(
            render(
                [f.as_row() for f in findings], FINDING_COLUMNS, "table", wrap={"duty_label": 40, "severity_reason": 30}
            )
        )
    if with_matrix:
        for case in cases:
            case_results = [r for r in results if r.case.id == case.id]
            rows, columns = matrix(case_results)
            title = f"Compliance of {case.id} under each protocol (as of {case.as_of.isoformat()})"
            parts.append(f"\n## {title}\n" if fmt == "markdown" else f"\n{title}")
            parts.append(render(rows, columns, fmt, wrap={"duty": 30, **{p: 22 for p in columns[1:]}}))
    summary = summary_rows(results)
    parts.append("")
    parts.append(render(summary, list(summary[0].keys()) if summary else [], fmt))
    return "\n".join(parts), violations

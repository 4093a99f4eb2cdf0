"""What every case report explains once: the review date of each case and where it came from,
which protocol versions were in force, and a legend of statuses and severities.

Statuses are shown by their plain names whatever the checker calls them: the older
"not recorded" and "outstanding" and the newer "open" all display as the legend names them,
so reports read the same before and after the checker's renaming."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from ..cases.reading import Case

# Status as the checker gives it -> status as a reader sees it.
STATUS_LABELS = {
    "met": "met",
    "late": "late",
    "not recorded": "not done by the deadline",
    "not done": "not done by the deadline",
    "overdue": "not done by the deadline",
    "outstanding": "open",
    "open": "open",
    "pending": "pending",
    "not applicable": "not applicable",
}
SHOWN_ORDER = ["late", "not done by the deadline", "open", "pending", "met", "not applicable"]

LEGEND = [
    ("status", "met", "done on time: by its deadline, or (no deadline) done by the review date"),
    ("status", "late", "done, but after its deadline; 'late by' = done − deadline"),
    (
        "status",
        "not done by the deadline",
        "its deadline passed before the review date and nothing shows it done; "
        "'overdue by' = review date − deadline (never a 'late by')",
    ),
    (
        "status",
        "open",
        "triggered, has no deadline, and is not done by the review date; 'open for' = review date − trigger",
    ),
    ("status", "pending", "triggered, its deadline is after the review date, not done yet: not counted against"),
    ("status", "not applicable", "the case does not show the duty's conditions (the reason is given): never guessed"),
    ("severity", "Violation", "a must / will duty was not met"),
    ("severity", "Warning", "a should duty was not met (or a must duty the text softens)"),
    ("severity", "Info", "advice, or a soft timescale, was not followed"),
]
LEGEND_COLUMNS = ["kind", "term", "meaning"]


def status_label(status: str) -> str:
    """The status as the legend names it."""
    return STATUS_LABELS.get(status, status)


def legend_rows() -> list[dict[str, object]]:
    """The legend of statuses and severities, one row a term."""
    return [{"kind": kind, "term": term, "meaning": meaning} for kind, term, meaning in LEGEND]


def legend_text() -> str:
    """The legend as indented plain text (terminal and Markdown share it)."""
    return "\n".join(f"- {term}: {meaning}" for _, term, meaning in LEGEND)


# --- review dates -----------------------------------------------------------------------------

REVIEW_COLUMNS = ["case", "as_of", "as_of_source"]


def review_fields(case: Case) -> dict[str, object]:
    """The review date of a case and where it came from, as fields of a row."""
    return {"as_of": case.as_of.isoformat(), "as_of_source": case.review_date_source}


def review_rows(cases: Iterable[Case]) -> list[dict[str, object]]:
    """One row per case: its review date and where it came from."""
    return [{"case": c.id, **review_fields(c)} for c in sorted(cases, key=lambda c: c.id)]


def review_summary(cases: Sequence[Case], listed: int = 8) -> list[dict[str, object]]:
    """The review dates grouped by date and source, with the cases of each group (the first
    ``listed`` named, then a count), so a 10,000-case caseload fits on a screen."""
    groups: dict[tuple[str, str], list[str]] = {}
    for case in cases:
        groups.setdefault((case.review_date_source, case.as_of.isoformat()), []).append(case.id)
    by_source: dict[str, list[tuple[str, list[str]]]] = {}
    for (source, when), ids in sorted(groups.items()):
        by_source.setdefault(source, []).append((when, sorted(ids)))
    rows = []
    for source, entries in by_source.items():
        ids = sorted(i for _, group in entries for i in group)
        dates = sorted(when for when, _ in entries)
        shown = ", ".join(ids[:listed]) + (f" and {len(ids) - listed} more" if len(ids) > listed else "")
        rows.append(
            {
                "as_of_source": source,
                "cases": len(ids),
                "as_of": dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]} ({len(dates)} dates)",
                "which": shown,
            }
        )
    return rows


def review_summary_line(cases: Sequence[Case]) -> str:
    """One line: 'Review dates (…): given for the run: 28 cases, 2025-01-31T00:00:00+00:00; given in the case: …'."""
    parts = [
        f"{r['as_of_source']}: {r['cases']} case{'s' if r['cases'] != 1 else ''}, {r['as_of']}"
        for r in review_summary(cases)
    ]
    return "Review dates (pending and open are decided against them): " + "; ".join(parts)


# --- durations --------------------------------------------------------------------------------


def since(later: str | datetime | None, earlier: str | datetime | None) -> timedelta | None:
    """later − earlier for ISO texts or datetimes; None when either is missing."""
    if later is None or earlier is None or later == "" or earlier == "":
        return None
    a = datetime.fromisoformat(later) if isinstance(later, str) else later
    b = datetime.fromisoformat(earlier) if isinstance(earlier, str) else earlier
    return a - b

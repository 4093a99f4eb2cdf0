"""What every case report explains once: the review date of each case and where it came from,
which protocol versions were in force, and a legend of statuses and severities.

Statuses are shown by their plain names whatever the checker calls them: the older
"not recorded" and "outstanding" and the newer "open" all display as the legend names them,
so reports read the same before and after the checker's renaming."""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import IO

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


class DistinctDates:
    """How many distinct review dates (as written: the same moment at two UTC offsets is two
    dates) a caseload holds, and the first and last of them in text order, in 8 bytes a
    distinct date rather than a set of strings: a date at whole seconds is kept as one 64-bit
    number (its local time in seconds and its offset in minutes), gathered in a buffer that is
    sorted and made unique as it fills. A date with fractions of a second, or an offset that
    is not whole minutes (neither is read from a case), is kept as text."""

    _BUFFER = 1 << 16

    def __init__(self) -> None:
        from array import array

        self._buffer = array("q")
        self._unique: object = None  # a sorted numpy array of distinct numbers, once the buffer first fills
        self._odd: set[str] = set()
        self.first = self.last = ""

    def add(self, moment: datetime) -> None:
        """Count one case's review date."""
        text = moment.isoformat()
        if not self.first or text < self.first:
            self.first = text
        if text > self.last:
            self.last = text
        offset = moment.utcoffset()
        if moment.microsecond or offset is None or offset.seconds % 60 or offset.microseconds:
            self._odd.add(text)
            return
        local = moment.replace(tzinfo=None) - _EPOCH
        minutes = offset // _MINUTE  # -1439 to 1439: a UTC offset is less than a day
        self._buffer.append((local.days * 86_400 + local.seconds) << 12 | (minutes + 2048))
        if len(self._buffer) >= self._BUFFER:
            self._fold()

    def _fold(self) -> None:
        import numpy as np

        numbers = np.array(self._buffer, dtype=np.int64)  # a copy: the buffer is emptied below
        self._unique = np.unique(numbers if self._unique is None else np.concatenate((self._unique, numbers)))  # type: ignore[arg-type]
        del self._buffer[:]

    def __len__(self) -> int:
        """The number of distinct dates."""
        if self._buffer:
            self._fold()
        return (0 if self._unique is None else len(self._unique)) + len(self._odd)  # type: ignore[arg-type]


_EPOCH = datetime(1, 1, 1)
_MINUTE = timedelta(minutes=1)


class ReviewDates:
    """The review dates of a caseload, gathered a chunk of cases at a time in constant memory
    per case: per source, the cases counted, the first few ids, the earliest and latest date
    and the distinct dates; the cases' own rows only while there are few of them."""

    def __init__(self, listed: int = 8, rows_up_to: int = 50, every_row: bool = False):
        self.listed = listed
        self.rows_up_to = rows_up_to
        self.every_row = every_row
        self.count = 0
        self._ids: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}
        self._dates: dict[str, DistinctDates] = {}
        self._rows: list[dict[str, object]] = []
        # every case's row, for a JSON report: written to an unnamed temporary file while the
        # cases come in id order, so a large caseload's rows are not held
        self._spill: IO[bytes] | None = tempfile.TemporaryFile() if every_row else None  # noqa: SIM115
        self._last = ""

    def add(self, cases: Iterable[Case]) -> None:
        """Count these cases' review dates (each case once)."""
        for case in cases:
            self.count += 1
            source = case.review_date_source
            self._counts[source] = self._counts.get(source, 0) + 1
            dates = self._dates.get(source)
            if dates is None:
                dates = self._dates[source] = DistinctDates()
            dates.add(case.as_of)
            ids = self._ids.setdefault(source, [])
            ids.append(case.id)
            if len(ids) > 4 * self.listed:
                ids[:] = heapq.nsmallest(self.listed, ids)
            if self.every_row or self.count <= self.rows_up_to + 1:
                row = {"case": case.id, **review_fields(case)}
                if self._spill is not None and (not self._last or case.id >= self._last):
                    self._spill.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
                    self._last = case.id
                    continue
                self._rows.append(row)

    def rows(self) -> list[dict[str, object]]:
        """One row per case, by id (as review_rows); with more than ``rows_up_to`` cases, none
        unless ``every_row`` was asked for (a JSON report lists every case)."""
        return list(self.each_row())

    def each_row(self) -> Iterator[dict[str, object]]:
        """The rows of :meth:`rows`, one at a time: with ``every_row``, the rows of cases that
        came in id order (a CSV caseload's) wait in a temporary file, not in memory."""
        if not (self.every_row or self.count <= self.rows_up_to):
            return
        held = sorted(self._rows, key=lambda r: str(r["case"]))
        if self._spill is None:
            yield from held
            return
        self._spill.seek(0)
        spilled = (json.loads(line) for line in self._spill)
        yield from heapq.merge(spilled, held, key=lambda r: str(r["case"]))
        self._spill.seek(0, 2)

    def close(self) -> None:
        """Remove the temporary file of rows, if any."""
        if self._spill is not None:
            self._spill.close()

    def summary(self) -> list[dict[str, object]]:
        """As review_summary."""
        rows = []
        for source in sorted(self._counts):
            count = self._counts[source]
            ids = sorted(self._ids[source])[: self.listed]
            dates = self._dates[source]
            shown = ", ".join(ids) + (f" and {count - self.listed} more" if count > self.listed else "")
            distinct = len(dates)
            rows.append(
                {
                    "as_of_source": source,
                    "cases": count,
                    "as_of": dates.first if distinct == 1 else f"{dates.first} to {dates.last} ({distinct} dates)",
                    "which": shown,
                }
            )
        return rows


def review_summary(cases: Sequence[Case], listed: int = 8) -> list[dict[str, object]]:
    """The review dates grouped by date and source, with the cases of each group (the first
    ``listed`` named, then a count), so a 10,000-case caseload fits on a screen."""
    dates = ReviewDates(listed)
    dates.add(cases)
    return dates.summary()


def review_summary_line(cases: Sequence[Case] | ReviewDates) -> str:
    """One line: 'Review dates (…): given for the run: 28 cases, 2025-01-31T00:00:00+00:00; given in the case: …'."""
    parts = [
        f"{r['as_of_source']}: {r['cases']} case{'s' if r['cases'] != 1 else ''}, {r['as_of']}"
        for r in (cases.summary() if isinstance(cases, ReviewDates) else review_summary(cases))
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

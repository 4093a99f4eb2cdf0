"""Timescales: every length of time the protocols state, as rows policy leads can compare.

Fields are fixed by DESIGN.md ("Timescales"): protocol, provision, what, min, max (ISO 8601
durations, equal when not a range, PT0S for "immediately"), working_days, quote; and the
kind of time expression in words (``kind``: "deadline", "qualifying period", "scheduled
point", "cap", "step", "recurrence", "extendable period", "open-ended period", "counting
window", "risk window", "period"). Every threshold's counting window ("3 missing episodes in
90 days": its 90 days) is a row of kind "counting window". A recurrence with no stated
length ("at timely intervals") has no min and max (None)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from rdflib import TIME

from .namespace import PG
from .queries import run
from .terms import reference_key, short_id

if TYPE_CHECKING:
    from .loader import Corpus

COLUMNS = ["protocol", "provision", "what", "kind", "min", "max", "working_days", "quote"]
EXTRA_COLUMNS = ["topic", "relative_to", "immediate", "soft", "recurring", "id"]

KIND_WORDS = {
    "Deadline": "deadline",
    "QualifyingPeriod": "qualifying period",
    "ScheduledPoint": "scheduled point",
    "Cap": "cap",
    "Step": "step",
    "Recurrence": "recurrence",
    "ExtendablePeriod": "extendable period",
    "OpenEndedPeriod": "open-ended period",
    "CountingWindow": "counting window",
    "RiskWindow": "risk window",
    "Period": "period",
}
"""Each kind of time expression (an ontology class) in the words ``timescales`` shows."""
DEADLINE = KIND_WORDS["Deadline"]

HOURS_PER_UNIT = {
    TIME.unitMinute: 1 / 60,
    TIME.unitHour: 1,
    TIME.unitDay: 24,
    PG.unitWorkingDay: 24,
    TIME.unitWeek: 168,
    TIME.unitMonth: 730,
    TIME.unitYear: 8766,
}
"""Approximate hours in each unit, for comparing and ordering durations only (never for due times)."""

_DESIGNATORS = {
    TIME.unitMinute: ("T", "M"),
    TIME.unitHour: ("T", "H"),
    TIME.unitDay: ("", "D"),
    PG.unitWorkingDay: ("", "D"),
    TIME.unitWeek: ("", "W"),
    TIME.unitMonth: ("", "M"),
    TIME.unitYear: ("", "Y"),
}


def iso_duration(number: object, unit: object) -> str:
    """An ISO 8601 duration for a number of OWL-Time units ('PT24H', 'P7D', 'PT30M').
    Fractions of an hour are given in minutes; zero is 'PT0S'."""
    value = Decimal(str(number))
    if value == 0:
        return "PT0S"
    if unit == TIME.unitHour and value != value.to_integral_value():
        value, unit = value * 60, TIME.unitMinute
    time_part, designator = _DESIGNATORS[unit]
    text = format(value.normalize(), "f")
    return f"P{time_part}{text}{designator}"


@dataclass(frozen=True)
class Timescale:
    """One timescale of one protocol."""

    protocol: str
    provision: str
    what: str
    min: str | None
    max: str | None
    working_days: bool
    quote: str
    kind: str  # in words: "deadline", "qualifying period", ... (KIND_WORDS)
    topic: str
    relative_to: str
    immediate: bool
    soft: bool
    recurring: bool
    id: str

    def as_row(self) -> dict[str, object]:
        """The timescale as a plain dict (JSON-ready)."""
        return asdict(self)


def _flag(value: object) -> bool:
    return bool(value is not None and value.toPython())


def timescales(corpus: Corpus, protocols: list[str] | None = None) -> list[Timescale]:
    """Every timescale of the chosen protocols (all when None), in document order."""
    chosen = sorted(set(protocols) if protocols is not None else set(corpus.ids()))
    result: list[Timescale] = []
    for protocol_id in chosen:
        corpus.info(protocol_id)  # unknown ids fail with the list of known ones
        result.extend(
            corpus.memo(("timescales", protocol_id), lambda pid=protocol_id: _protocol_timescales(corpus, pid))
        )
    return result


def _protocol_timescales(corpus: Corpus, protocol_id: str) -> list[Timescale]:
    rows = _distinct_windows([_from_row(protocol_id, r) for r in run(corpus.graph(protocol_id), "timescales")])
    return sorted(rows, key=lambda t: (reference_key(t.provision), t.id, t.quote))


def timescales_from(engine: object, protocols: list[str]) -> list[Timescale]:
    """Every timescale of the chosen protocols as another engine (a SPARQL endpoint) answers
    the same question file; the same rows as timescales() on the embedded corpus."""
    rows = [_from_row(str(r.protocol), r) for r in engine.query("timescales") if str(r.protocol) in protocols]  # type: ignore[attr-defined]
    return sorted(_distinct_windows(rows), key=lambda t: (t.protocol, reference_key(t.provision), t.id, t.quote))


def timescale_rows(corpus: Corpus, protocols: list[str] | None = None, engine: object | None = None) -> list[dict]:
    """Every timescale of the chosen protocols (all when None) as plain rows: from the embedded
    corpus, or with ``engine`` (a SPARQL endpoint the corpus is loaded into) as it answers."""
    if engine is not None:
        found = timescales_from(engine, protocols or corpus.ids())
    else:
        found = timescales(corpus, protocols)
    return [t.as_row() for t in found]


def _distinct_windows(rows: list[Timescale]) -> list[Timescale]:
    """Drop a threshold's counting window where the encoding also states that window as a
    pg:CountingWindow of its own (same protocol, clause and length): one row a window."""

    def of_threshold(t: Timescale) -> bool:
        return t.kind == "counting window" and t.id.startswith("thr-")  # ids by kind: docs/encoding.md

    explicit = {(t.protocol, t.provision, t.max) for t in rows if t.kind == "counting window" and not of_threshold(t)}
    return [t for t in rows if not (of_threshold(t) and (t.protocol, t.provision, t.max) in explicit)]


def _duration(immediate: bool, value: object, unit: object) -> str | None:
    if immediate:
        return "PT0S"
    if value is None or unit is None:
        return None  # a recurrence with no stated length
    return iso_duration(value, unit)


def _from_row(protocol_id: str, r: object) -> Timescale:
    return Timescale(
        protocol=protocol_id,
        provision=str(r.reference),  # type: ignore[attr-defined]
        what=str(r.what),  # type: ignore[attr-defined]
        min=_duration(_flag(r.immediate), r.minValue, r.minUnit),  # type: ignore[attr-defined]
        max=_duration(_flag(r.immediate), r.maxValue, r.maxUnit),  # type: ignore[attr-defined]
        working_days=PG.unitWorkingDay in (r.minUnit, r.maxUnit),  # type: ignore[attr-defined]
        quote=str(r.quote),  # type: ignore[attr-defined]
        kind=KIND_WORDS[short_id(r.kind)],  # type: ignore[attr-defined]
        topic=short_id(r.topic),  # type: ignore[attr-defined]
        relative_to=short_id(r.relativeTo) if r.relativeTo is not None else "",  # type: ignore[attr-defined]
        immediate=_flag(r.immediate),  # type: ignore[attr-defined]
        soft=_flag(r.soft),  # type: ignore[attr-defined]
        recurring=_flag(r.recurring),  # type: ignore[attr-defined]
        id=short_id(r.timescale),  # type: ignore[attr-defined]
    )

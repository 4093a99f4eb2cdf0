"""Timescales: every length of time the protocols state, as rows policy leads can compare.

Fields are fixed by DESIGN.md ("Timescales"): protocol, provision, what, min, max (ISO 8601
durations, equal when not a range, PT0S for "immediately"), working_days, quote."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from rdflib import TIME

from .loader import Corpus
from .namespace import PG
from .queries import run
from .terms import reference_key, short_id

COLUMNS = ["protocol", "provision", "what", "min", "max", "working_days", "quote"]
EXTRA_COLUMNS = ["kind", "topic", "relative_to", "immediate", "soft", "recurring", "id"]

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
    min: str
    max: str
    working_days: bool
    quote: str
    kind: str
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
    rows = []
    for r in run(corpus.graph(protocol_id), "timescales"):
        rows.append(
            Timescale(
                protocol=protocol_id,
                provision=str(r.reference),
                what=str(r.what),
                min="PT0S" if _flag(r.immediate) else iso_duration(r.minValue, r.minUnit),
                max="PT0S" if _flag(r.immediate) else iso_duration(r.maxValue, r.maxUnit),
                working_days=PG.unitWorkingDay in (r.minUnit, r.maxUnit),
                quote=str(r.quote),
                kind=short_id(r.kind),
                topic=short_id(r.topic),
                relative_to=short_id(r.relativeTo) if r.relativeTo is not None else "",
                immediate=_flag(r.immediate),
                soft=_flag(r.soft),
                recurring=_flag(r.recurring),
                id=short_id(r.timescale),
            )
        )
    return sorted(rows, key=lambda t: (reference_key(t.provision), t.id))

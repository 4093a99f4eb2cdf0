"""Which protocol version was in force: protocol lines, in-force dates, and choosing, for each
case, the version of each line in force when a duty's trigger happened.

A *line* is a chain of versions joined by ``prov:wasRevisionOf`` (4lscb-ctp-2011 ->
4lscb-met-2013 -> 4lscb-met-guide-2018); a protocol with no revision link is a line of its own.
Lines belong to areas (``pg:area``): two lines of different areas are *peers*, and a case is
normally reviewed under one area's protocol, so a breach under a peer is not a second breach.

A version is in force from its issue date (``dcterms:issued``, else ``dcterms:date``): a month
("2013-12") counts from its first day, a year ("2016") from 1 January. An *undated* version
(its ``pg:dateNote`` says "Undated", e.g. the 2018 guide and lincs-tc-2023, dated only by the
latest document they cite) is in force from its earliest datable reference: 1 January of the
year ``dcterms:issued`` gives as the earliest possible. A version stays in force until the next
version of its line comes into force. Nothing is guessed beyond that: a trigger before the
first version of a line has no version of that line in force."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ..corpus.loader import Corpus
from .validation import CaseResult

IN_FORCE = "in force"
SUPERSEDED = "superseded"
NOT_YET = "not yet in force"


@dataclass(frozen=True)
class Version:
    """One protocol version and its place in its line."""

    id: str
    line: str  # the id of the first version of its line
    area: str  # the areas it covers, joined
    issued: str  # as the encoding gives it ("2013-12", "2018")
    start: datetime  # in force from
    dated_how: str  # how ``start`` was found, in words
    previous: str | None
    next: str | None

    def standing(self, when: datetime, versions: dict[str, Version]) -> str:
        """in force, superseded or not yet in force at ``when``."""
        if when < self.start:
            return NOT_YET
        if self.next is not None and when >= versions[self.next].start:
            return SUPERSEDED
        return IN_FORCE

    def as_row(self) -> dict[str, object]:
        """The version as plain data."""
        return {
            "protocol": self.id,
            "line": self.line,
            "area": self.area,
            "issued": self.issued,
            "in_force_from": self.start.date().isoformat(),
            "dated": self.dated_how,
            "revises": self.previous or "",
            "superseded_by": self.next or "",
        }


def _start(issued: str) -> datetime | None:
    parts = issued.strip().split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2][:2]) if len(parts) > 2 else 1
        return datetime(year, month, day, tzinfo=UTC)
    except (ValueError, IndexError):
        return None


def versions(corpus: Corpus) -> dict[str, Version]:
    """Every loaded version with its line, area and in-force date (computed once a corpus)."""
    return corpus.memo("in-force-versions", lambda: _versions(corpus))


def _versions(corpus: Corpus) -> dict[str, Version]:
    from rdflib.namespace import DCTERMS, PROV

    from ..corpus.namespace import PG
    from ..corpus.terms import short_id

    raw: dict[str, dict[str, object]] = {}
    for protocol_id in corpus.ids():
        info = corpus.info(protocol_id)
        graph = corpus.graphs[protocol_id]
        issued = graph.value(info.iri, DCTERMS.issued) or graph.value(info.iri, DCTERMS.date)
        note = str(graph.value(info.iri, PG.dateNote) or "")
        previous = graph.value(info.iri, PROV.wasRevisionOf)
        areas = sorted(str(a) for a in graph.objects(info.iri, PG.area))
        issued_text = str(issued) if issued is not None else ""
        start = _start(issued_text) if issued_text else None
        if start is None:
            dated = "no issue date: treated as in force at every date"
            start = datetime(1900, 1, 1, tzinfo=UTC)
        elif note.lower().startswith("undated"):
            dated = f"undated in its text: in force from its earliest datable reference ({issued_text})"
        else:
            dated = f"dated {issued_text} in its text: in force from {start.date().isoformat()}"
        raw[protocol_id] = {
            "issued": issued_text,
            "start": start,
            "dated": dated,
            "area": ", ".join(areas),
            "previous": short_id(previous) if previous is not None else None,
        }
    following = {str(r["previous"]): pid for pid, r in raw.items() if r["previous"] in raw}

    def first(pid: str) -> str:
        seen = set()
        while raw[pid]["previous"] in raw and pid not in seen:
            seen.add(pid)
            pid = str(raw[pid]["previous"])
        return pid

    return {
        pid: Version(
            id=pid,
            line=first(pid),
            area=str(r["area"]),
            issued=str(r["issued"]),
            start=r["start"],  # type: ignore[arg-type]
            dated_how=str(r["dated"]),
            previous=str(r["previous"]) if r["previous"] in raw else None,
            next=following.get(pid),
        )
        for pid, r in raw.items()
    }


def lines(corpus: Corpus) -> dict[str, list[str]]:
    """Each line (named by its first version) and its versions, oldest first."""
    grouped: dict[str, list[Version]] = {}
    for version in versions(corpus).values():
        grouped.setdefault(version.line, []).append(version)
    return {line: [v.id for v in sorted(vs, key=lambda v: (v.start, v.id))] for line, vs in sorted(grouped.items())}


def ordered_by_line(corpus: Corpus, protocols: list[str]) -> list[str]:
    """The protocols grouped by line (lines by name, versions oldest first)."""
    order = [pid for ids in lines(corpus).values() for pid in ids]
    return sorted(protocols, key=lambda p: order.index(p) if p in order else len(order))


def select_area(corpus: Corpus, area: str) -> list[str]:
    """The versions of the line(s) an --area names: a line's or a version's id, or an area
    name (case-insensitive, e.g. 'Hertfordshire'). Unknown: InputError with the choices."""
    from ..errors import InputError

    known = versions(corpus)
    wanted = area.strip().lower()
    chosen_lines = {v.line for v in known.values() if wanted in (v.id.lower(), v.line.lower())}
    chosen_lines |= {v.line for v in known.values() if wanted in [a.strip().lower() for a in v.area.split(",")]}
    if not chosen_lines:
        from ..corpus.suggest import did_you_mean

        names = sorted(
            {v.line for v in known.values()} | {a.strip() for v in known.values() for a in v.area.split(",")}
        )
        raise InputError(
            f"--area: unknown line or area {area!r}{did_you_mean(area, names)} (known: {', '.join(names)})"
        )
    return [pid for line, ids in lines(corpus).items() if line in chosen_lines for pid in ids]


def standing_at(corpus: Corpus, protocol_id: str, when: datetime) -> str:
    """in force, superseded or not yet in force, for one version at one moment."""
    known = versions(corpus)
    return known[protocol_id].standing(when, known)


def keep_in_force(corpus: Corpus, results: list[CaseResult]) -> list[CaseResult]:
    """For ``--protocol in-force``: each case keeps, for each protocol line, only the obligations
    whose trigger happened while that version was in force; a duty that does not apply is kept
    under the version in force at the case's first event. A version in force at no moment of
    the case (first event to review date) is dropped for that case."""
    known = versions(corpus)
    kept = []
    for result in results:
        version = known[result.protocol]
        case = result.case
        first_event = case.events[0].at
        obligations = [o for o in result.obligations if version.standing(o.trigger.at, known) == IN_FORCE]
        triggers = {(o.check.duty.id, o.trigger.at.isoformat()) for o in obligations}
        findings = [f for f in result.findings if (f.duty, f.trigger_at) in triggers]
        at_start = version.standing(first_event, known) == IN_FORCE
        at_end = version.standing(case.as_of, known) == IN_FORCE
        spans = at_start or at_end or (version.start > first_event and version.start <= case.as_of)
        if not spans:
            continue
        not_applicable = result.not_applicable if at_start or not obligations and at_end else []
        kept.append(replace(result, findings=findings, obligations=obligations, not_applicable=not_applicable))
    return kept

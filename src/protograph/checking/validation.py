"""Validate case timelines against a protocol with the SHACL shapes generated from its duties
(``shapes``): the reference engine, pySHACL case by case.

For each duty a case timeline can evidence (a trigger, evidence of completion, a scope and a
timing a case can show: deadlines.not_checkable says why a duty is not), one SHACL-SPARQL
node shape is generated (shapes.py). Due times are computed in Python (deadlines.py) and
written on the case graph (``case_graph``, ``case_ntriples``); the shapes' queries compare
xsd:dateTime values only, so the very same queries run on pySHACL, pyoxigraph and a SPARQL
server. Severity follows modality and each shape says why (severity.py): must/will ->
Violation, should -> Warning, advisory -> Info, a missed soft limit at least a Warning, an
open duty Info. Each finding is explained here (``explain_finding``): deadline, the time
actually done, how late, or how long it has been open.

The shapes are the single source of truth for what "late" means: a finding exists only
where pySHACL reports one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from urllib.parse import quote

from rdflib import RDF, XSD, Graph, URIRef
from rdflib.namespace import SH

from ..cases.reading import Case, Event
from ..corpus.loader import Corpus
from ..corpus.namespace import BASE, EVENT, PG, ROLE
from ..corpus.terms import short_id
from .deadlines import DEFAULT_IMMEDIATE_TOLERANCE, Checkable, Obligation, checkable_duties, obligations
from .evidence import Evidence
from .shapes import constraint_iri, generate_shapes

CASE_BASE = BASE + "case/"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@lru_cache(maxsize=65536)
def _segment(text: str, safe: str = "") -> str:
    """One percent-encoded IRI path segment (event and obligation ids repeat from case to case)."""
    return quote(text, safe=safe)


def case_iri(case_id: str) -> URIRef:
    """The IRI of a case."""
    return URIRef(CASE_BASE + _segment(case_id))


def event_iri(case_id: str, event_id: str) -> URIRef:
    """The IRI of one event of a case."""
    return URIRef(f"{CASE_BASE}{_segment(case_id)}/event/{_segment(event_id)}")


def obligation_iri(obligation: Obligation) -> URIRef:
    """The IRI of one obligation of a case."""
    return URIRef(_obligation_ref(CASE_BASE + _segment(obligation.case_id), obligation))


def _obligation_ref(case_ref: str, obligation: Obligation) -> str:
    return f"{case_ref}/obligation/{_segment(obligation.id, '/')}"


# --- the case graph ----------------------------------------------------------------------


def case_graph(case: Case, obligation_list: list[Obligation]) -> Graph:
    """The case's events and obligations as RDF, due times materialised as xsd:dateTime
    (the triples case_ntriples writes, parsed, so both engines see the very same data)."""
    graph = Graph()
    graph.bind("pg", PG)
    graph.parse(data="\n".join(case_ntriples(case, obligation_list)), format="nt")
    return graph


def _nt_literal(text: str, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"' + (f"^^<{datatype}>" if datatype else "")


_PG = str(PG)
_TYPE = str(RDF.type)
_DATETIME = str(XSD.dateTime)
_EVENT_BASE = str(EVENT[""])
_ROLE_BASE = str(ROLE[""])


def event_ntriples(case: Case) -> list[str]:
    """A case and its events as N-Triples lines: the same triples case_graph writes for them."""
    case_ref = CASE_BASE + _segment(case.id)
    node = f"<{case_ref}>"
    lines = [
        f"{node} <{_TYPE}> <{_PG}Case> .",
        f"{node} <{_PG}caseIdentifier> {_nt_literal(case.id)} .",
        f"{node} <{_PG}asOf> {_nt_literal(case.as_of.isoformat(), _DATETIME)} .",
    ]
    for event in case.events:
        ev = f"<{case_ref}/event/{_segment(event.id)}>"
        lines += [
            f"{ev} <{_TYPE}> <{_PG}CaseEvent> .",
            f"{ev} <{_PG}case> {node} .",
            f"{ev} <{_PG}eventType> <{_EVENT_BASE}{event.type}> .",
            f"{ev} <{_PG}at> {_nt_literal(event.at.isoformat(), _DATETIME)} .",
        ]
        if event.by:
            lines.append(f"{ev} <{_PG}by> <{_ROLE_BASE}{event.by}> .")
        if event.to:
            lines.append(f"{ev} <{_PG}to> <{_ROLE_BASE}{event.to}> .")
        if event.channel:
            lines.append(f"{ev} <{_PG}channel> {_nt_literal(event.channel)} .")
        if event.category:
            lines.append(f"{ev} <{_PG}category> {_nt_literal(event.category)} .")
    return lines


def obligation_ntriples(case: Case, obligation_list: list[Obligation], iris: list[str] | None = None) -> list[str]:
    """A case's obligations as N-Triples lines: the same triples case_graph writes for them.
    Only obligations already owed at the review time are written. With ``iris``, each
    obligation's IRI is appended to it, in order (owed or not)."""
    case_ref = CASE_BASE + _segment(case.id)
    lines: list[str] = []
    for obligation in obligation_list:
        iri = _obligation_ref(case_ref, obligation)
        if iris is not None:
            iris.append(iri)
        if not obligation.owed_by(case.as_of):
            continue  # its qualifying period or scheduled point ends after the review: pending, not checked
        ob = f"<{iri}>"
        lines += [
            f"{ob} <{_TYPE}> <{_PG}Obligation> .",
            f"{ob} <{_PG}obligationOf> <{obligation.check.iri}> .",
            f"{ob} <{_PG}triggeredBy> <{case_ref}/event/{_segment(obligation.trigger.id)}> .",
        ]
        if obligation.due is not None:
            lines.append(f"{ob} <{_PG}dueAt> {_nt_literal(obligation.due.isoformat(), _DATETIME)} .")
    return lines


def case_ntriples(case: Case, obligation_list: list[Obligation]) -> list[str]:
    """The same triples as case_graph, written straight as N-Triples lines (the batch engine
    loads a whole caseload this way; building rdflib graphs first would dominate its time)."""
    return event_ntriples(case) + obligation_ntriples(case, obligation_list)


# --- findings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One breached or open duty of one case, explained."""

    case: str
    protocol: str
    provision: str
    severity: str
    duty: str
    duty_label: str
    message: str
    trigger: str
    trigger_at: str
    deadline: str | None
    actual: str | None
    late_by: str | None
    status: str  # late | not recorded | open
    quote: str
    recipients: tuple[str, ...] = ()
    modality: str = ""
    severity_reason: str = ""  # why it has its severity: the modal words as written, a soft limit, open
    open_for: str | None = None  # for an open duty: how long it has been owed by the review time

    def as_row(self) -> dict[str, object]:
        """The finding as plain data; JSON fields as DESIGN.md fixes them, and more."""
        return {
            "case": self.case,
            "protocol": self.protocol,
            "provision": self.provision,
            "severity": self.severity,
            "severity_reason": self.severity_reason,
            "duty": self.duty,
            "duty_label": self.duty_label,
            "modality": self.modality,
            "message": self.message,
            "trigger": self.trigger,
            "trigger_at": self.trigger_at,
            "deadline": self.deadline,
            "actual": self.actual,
            "late_by": self.late_by,
            "status": self.status,
            "open_for": self.open_for,
            "recipients": list(self.recipients),
            "quote": self.quote,
        }


def describe_delay(delta: timedelta) -> str:
    """A lateness in days, hours and minutes ('2 d 3 h 5 min')."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins:
        parts.append(f"{mins} min")
    return " ".join(parts) or "0 min"


@dataclass
class CaseResult:
    """What validating one case against one protocol found."""

    case: Case
    protocol: str
    findings: list[Finding]
    obligations: list[Obligation]
    not_applicable: list[tuple[Checkable, str]]
    report_text: str = field(default="", repr=False)

    @property
    def conforms(self) -> bool:
        """True when no duty was breached or is open."""
        return not self.findings


def first_completion(
    case: Case,
    obligation: Obligation,
    evidence: Evidence,
    candidates: dict[int, Sequence[Event]] | None = None,
) -> Event | None:
    """The first case event that shows one requirement of an obligation met (evidence.py).
    ``candidates``, a dict kept for one case, keeps each requirement's candidate events (in
    time order) for the next obligation of that case."""
    trigger = obligation.trigger
    events = candidates.get(id(evidence)) if candidates is not None else None
    if events is None:
        if evidence.by_recipient and evidence.to:
            events = case.events  # an event of any type by the recipient counts
        else:
            by_type = case.events_by_type
            events = sorted((e for t in evidence.types for e in by_type.get(t, ())), key=lambda e: (e.at, e.line))
        if candidates is not None:
            candidates[id(evidence)] = events
    at = trigger.at
    for event in events:
        if event.at >= at and evidence.shows(event, trigger):
            return event
    return None


def validate_case(
    corpus: Corpus,
    case: Case,
    protocol_id: str,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    shapes: Graph | None = None,
    checks: list[Checkable] | None = None,
) -> CaseResult:
    """Validate one case against one protocol with pySHACL and explain each finding."""
    from pyshacl import validate

    checks = checks if checks is not None else checkable_duties(corpus, protocol_id)
    shapes = shapes if shapes is not None else generate_shapes(checks)
    obligation_list, not_applicable = obligations(checks, case, tolerance)
    data = case_graph(case, obligation_list)
    conforms, report, text = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,  # sh:SPARQLTarget is silently ignored without it
        do_owl_imports=False,
        allow_warnings=True,
        allow_infos=True,
    )
    by_iri = {obligation_iri(o): o for o in obligation_list}
    by_constraint = {constraint_iri(c, i): e for c in checks for i, e in enumerate(c.evidence)}
    findings: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        obligation = by_iri.get(report.value(result, SH.focusNode))
        if obligation is None:
            continue
        evidence = by_constraint[report.value(result, SH.sourceConstraint)]
        findings.append(
            explain_finding(
                case,
                obligation,
                evidence,
                str(report.value(result, SH.resultMessage) or ""),
                short_id(report.value(result, SH.resultSeverity)),
            )
        )
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.trigger_at, f.provision, f.duty, f.recipients))
    return CaseResult(case, protocol_id, findings, obligation_list, not_applicable, text)


def explain_finding(
    case: Case,
    obligation: Obligation,
    evidence: Evidence,
    message: str,
    severity: str,
    done: Event | None | bool = False,
) -> Finding:
    """A finding of one obligation and one requirement of its evidence, explained: deadline,
    the time actually done (or never), how late, or, for an open duty, how long it has been open.
    ``done`` is the requirement's first completion (first_completion) where the caller has it
    already: an Event or None; by default it is looked up here."""
    check = obligation.check
    duty = check.duty
    if done is False:
        done = first_completion(case, obligation, evidence)
    actual = done.at if done is not None else None
    due = obligation.due
    open_for = None
    if due is None:
        status, late_by = "open", None
        open_for = describe_delay(case.as_of - obligation.owed_from)
    elif actual is None:
        status, late_by = "not recorded", describe_delay(case.as_of - due)
    else:
        status, late_by = "late", describe_delay(actual - due)
    return Finding(
        case=case.id,
        protocol=duty.protocol,
        provision=duty.provision,
        severity=severity,
        duty=duty.id,
        duty_label=duty.label,
        message=message,
        trigger=obligation.trigger.type,
        trigger_at=obligation.trigger.at.isoformat(),
        deadline=due.isoformat() if due is not None else None,
        actual=actual.isoformat() if actual is not None else None,
        late_by=late_by,
        status=status,
        quote=duty.quote,
        recipients=tuple(sorted(evidence.to or ())),
        modality=duty.modality,
        severity_reason=check.severity_reason,
        open_for=open_for,
    )

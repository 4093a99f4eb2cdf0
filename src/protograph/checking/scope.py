"""Who a duty applies to: the scope an encoding states as data, read here and nowhere else.

A duty's scope is triples (DESIGN.md, "Validation"), never prose. For one trigger event of
one case, a duty applies when all of these hold:

* **Conditions** (``pg:condition``: looked after, UASC, foster care, consent, ...): the case
  shows each holds *at the trigger*. Where the case does not say, the duty does not apply
  (never guessed). A case fact can end at an event: an event type with
  ``pg:endsCondition`` (a closed care episode, ``care-ended``, ends "looked after") changes
  the fact from its instant, unless a protocol's **status rule** keeps it: 4lscb-met-guide-2018
  100, "UASC who are in the care of the local authority and who go missing continue to remain
  Looked After children" (``pg:StatusRule``: a child meeting its conditions when its event
  happens keeps its resulting condition until its closing event).
* **Age**, one rule for every duty: "a child" means under 18, so a duty applies to anyone the
  case does not show to be 18 or over (an age under 18, or no age at all). A bound the text
  itself states (``pg:ageAtLeast``, ``pg:ageBelow``) replaces the default one and must be
  shown by the case; a duty for those 18 and over (``pg:ageAtLeast 18``) has no upper bound.
  A duty with ``pg:includesAgeDisputed true`` applies whatever the recorded age when the case
  says ``age_disputed: true`` (the text's own rule for people whose age is uncertain). The
  age is the case's ``age``, or else the age at the trigger from ``date_of_birth``.
* **Prior events** (``pg:requiresPriorEvent``): the case shows each at or before the trigger
  (a referral starts the clock of a trafficking assessment only where trafficking is
  suspected).

Trigger qualifiers (recipient, channel, category, threshold) decide which events are
triggers at all; see deadlines.trigger_events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rdflib import RDF, Graph, URIRef

from ..cases.reading import Case, Child, Event
from ..corpus.namespace import COND, PG
from ..corpus.terms import short_id

ADULT_AGE = 18
"""'A child' is a person under 18: a duty applies to anyone the case does not show to be 18 or over."""

Condition = tuple[str, str, object]
"""A shared condition as (id, case field, value the field must have)."""


@dataclass(frozen=True)
class StatusRule:
    """A protocol's rule about a case's facts (pg:StatusRule), with its clause."""

    id: str
    protocol: str
    provision: str
    quote: str
    conditions: tuple[Condition, ...]
    event: str
    keeps: Condition
    until: str = ""


@dataclass(frozen=True)
class CaseFacts:
    """How the case facts that events can end are read: which event types end which case
    field (pg:endsCondition), and the status rules of one protocol that keep them."""

    endings: tuple[tuple[str, str, object], ...] = ()  # (event type, case field, value it ends)
    rules: tuple[StatusRule, ...] = ()


def condition_of(ontology: Graph, condition: URIRef) -> Condition | None:
    """A shared condition as (id, case field, value), or None when no case field shows it."""
    field_name = ontology.value(condition, PG.caseField)
    value = ontology.value(condition, PG.caseValue)
    if field_name is None or value is None:
        return None
    return short_id(condition), str(field_name), value.toPython()


def case_facts(ontology: Graph, graph: Graph, protocol_id: str) -> CaseFacts:
    """The event types that end case facts (ontology) and one protocol's status rules."""
    endings = []
    for event_type, condition in ontology.subject_objects(PG.endsCondition):
        read = condition_of(ontology, condition)
        case_id = ontology.value(event_type, PG.caseId)
        if read is not None and case_id is not None:
            endings.append((str(case_id), read[1], read[2]))
    rules = []
    for rule in graph.subjects(RDF.type, PG.StatusRule):
        keeps = condition_of(ontology, graph.value(rule, PG.resultingCondition))
        event = graph.value(rule, PG.statusEvent)
        if keeps is None or event is None:
            continue
        conditions = tuple(
            sorted(c for c in (condition_of(ontology, x) for x in graph.objects(rule, PG.condition)) if c)
        )
        provision = graph.value(rule, PG.provision)
        until = graph.value(rule, PG.holdsUntil)
        rules.append(
            StatusRule(
                id=short_id(rule),
                protocol=protocol_id,
                provision=str(graph.value(provision, PG.reference) or ""),
                quote=str(graph.value(provision, PG.quote) or ""),
                conditions=conditions,
                event=_case_id(ontology, event),
                keeps=keeps,
                until=_case_id(ontology, until) if until is not None else "",
            )
        )
    return CaseFacts(tuple(sorted(endings)), tuple(sorted(rules, key=lambda r: r.id)))


def _case_id(ontology: Graph, term: URIRef) -> str:
    return str(ontology.value(term, PG.caseId) or short_id(term))


def _ended_value(value: object) -> object:
    """What a case field holds once an event ends the condition that wanted ``value``."""
    return (not value) if isinstance(value, bool) else None


def fact_at(
    case: Case, facts: CaseFacts, field_name: str, at: datetime, _outer: frozenset[str] = frozenset()
) -> tuple[object, str]:
    """The value of a child's field at an instant, and a note when a status rule kept it.

    The case's child record gives the value; an event that ends a condition of that field
    (pg:endsCondition) changes it from its instant, unless a status rule holds then: the
    child met the rule's conditions when the rule's event happened, and the rule's closing
    event (the return) has not happened since."""
    value = case.child.get(field_name)
    enders = {e: v for e, f, v in facts.endings if f == field_name}
    if value is None or not enders or field_name in _outer or not any(t in case.events_by_type for t in enders):
        return value, ""
    inner = _outer | {field_name}
    note = ""
    held: dict[str, Event] = {}  # rule id -> the event from which it holds
    for event in case.events:
        if event.at > at:
            break
        for rule in facts.rules:
            if rule.keeps[1] != field_name:
                continue
            if rule.id in held and event.type == rule.until:
                del held[rule.id]
            elif event.type == rule.event and all(
                _holds(case, facts, c, event.at, inner) if c[1] != field_name else value == c[2]
                for c in rule.conditions
            ):
                held[rule.id] = event
        if event.type in enders and value == enders[event.type]:
            keeping = [r for r in facts.rules if r.id in held and r.keeps[2] == value]
            if keeping:
                rule = keeping[0]
                note = (
                    f"{rule.keeps[0]} kept by {rule.protocol} {rule.provision} after {event.type} at "
                    f"{event.at.isoformat()} ({held[rule.id].type} at {held[rule.id].at.isoformat()})"
                )
                continue
            value = _ended_value(value)
    return value, note


def _holds(case: Case, facts: CaseFacts, condition: Condition, at: datetime, outer: frozenset[str]) -> bool:
    value, _ = fact_at(case, facts, condition[1], at, outer)
    return value == condition[2]


def age_at(child: Child, at: datetime) -> int | None:
    """The person's age in whole years: the case's ``age``, or else from ``date_of_birth`` at ``at``."""
    if child.age is not None:
        return child.age
    born: date | None = child.date_of_birth
    if born is None:
        return None
    day = at.date()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_applies(
    child: Child, at: datetime, at_least: int | None, below: int | None, includes_age_disputed: bool
) -> tuple[bool, str]:
    """The one age rule: whether a duty with these bounds applies to the case's person at ``at``."""
    if includes_age_disputed and child.age_disputed:
        return True, ""
    upper = below if below is not None else (None if at_least is not None and at_least >= ADULT_AGE else ADULT_AGE)
    age = age_at(child, at)
    if age is None:
        if at_least is not None and at_least > 0:
            return False, f"case does not give the child's age (the duty applies from {at_least})"
        if upper is not None and upper < ADULT_AGE:
            return False, f"case does not give the child's age (the duty applies under {upper})"
        return True, ""  # not shown to be 18 or over: a child
    if at_least is not None and age < at_least:
        return False, f"child is under {at_least}"
    if upper is not None and age >= upper:
        if below is None:
            return False, f"the case shows the person is {ADULT_AGE} or over: a duty to a child does not apply"
        return False, f"child is {below} or over"
    return True, ""


def holds_at(
    conditions: tuple[Condition, ...],
    at_least: int | None,
    below: int | None,
    includes_age_disputed: bool,
    case: Case,
    facts: CaseFacts,
    at: datetime,
) -> tuple[bool, str]:
    """Whether a duty's conditions and the age rule hold for the case's child at an instant:
    (True, a note when a status rule kept a condition) or (False, why not)."""
    notes = []
    for condition, field_name, value in conditions:
        actual, note = fact_at(case, facts, field_name, at)
        if actual is None:
            return False, f"case does not say {field_name} (condition {condition})"
        if actual != value:
            return False, f"condition {condition} does not hold"
        if note:
            notes.append(note)
    ok, why = age_applies(case.child, at, at_least, below, includes_age_disputed)
    if not ok:
        return False, why
    return True, "; ".join(notes)


def fixed_in_time(case: Case, facts: CaseFacts) -> bool:
    """True when no event of the case can change its child's facts or age between triggers
    (no event that ends a condition, and no age to work out from a date of birth)."""
    if case.child.age is None and case.child.date_of_birth is not None:
        return False
    return not any(event_type in case.events_by_type for event_type, _, _ in facts.endings)


def missing_prior_events(requires: tuple[str, ...], case: Case, trigger: Event) -> str:
    """Why a duty needing prior events does not apply to this trigger ('' when the case shows them)."""
    by_type = case.events_by_type
    missing = [r for r in requires if not any(e.at <= trigger.at for e in by_type.get(r, ()))]
    return f"no {', '.join(missing)} before {trigger.type} at {trigger.at.isoformat()}" if missing else ""


def applies_at(
    conditions: tuple[Condition, ...],
    at_least: int | None,
    below: int | None,
    includes_age_disputed: bool,
    requires: tuple[str, ...],
    case: Case,
    facts: CaseFacts,
    trigger: Event,
) -> tuple[bool, str]:
    """Whether a duty with this scope applies to one trigger event of a case, and if not, why;
    with a note when a status rule kept a condition."""
    ok, why = holds_at(conditions, at_least, below, includes_age_disputed, case, facts, trigger.at)
    if not ok:
        return False, why
    missing = missing_prior_events(requires, case, trigger)
    return (False, missing) if missing else (True, why)


def conditions_of(ontology: Graph, condition_ids: tuple[str, ...]) -> tuple[Condition, ...]:
    """A duty's shared conditions that a case field shows (the others are not checkable)."""
    return tuple(c for c in (condition_of(ontology, COND[i]) for i in condition_ids) if c is not None)

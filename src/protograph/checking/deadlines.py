"""Obligations: which duties of a protocol a case triggers, and when each is due.

Due times are computed here, in Python, and written on the case graph as xsd:dateTime;
the SHACL shapes only compare dateTimes (DESIGN.md, Non-negotiables: date arithmetic in
SPARQL is wrong in rdflib and in pyoxigraph, each differently). The rules:

* A deadline runs from the trigger event's instant. A range ("within the first 24 – 48
  hours") is late only after its maximum.
* "Immediately" is due within a tolerance the run sets (default one hour).
* Hours, minutes and calendar days are exact elapsed time; weeks, months and years are
  calendar arithmetic.
* Working days skip Saturdays, Sundays and England and Wales bank holidays: "within 7
  working days of the referral" is due at the end (23:59:59 UK time) of the 7th working day
  after the day of the referral.
* A threshold ("3 missing episodes in 90 days") counts its own event type and categories and
  triggers at the episode that brings the count within the window to the threshold (whatever
  the duty's pg:trigger); counting then starts afresh, so each further crossing triggers
  again. A missing episode with no recorded category counts as "missing".
* Severity follows modality (must, will: Violation; should: Warning; advisory: Info), and a
  soft timescale ("usually", "although individual circumstances will impact") gives Info.
* A duty with ``pg:requiresPriorEvent`` applies to a trigger only when the case shows that
  event at or before it (a referral starts a trafficking assessment's clock only where
  trafficking is suspected).
* A duty with ``pg:cancelledBy`` is no longer owed when that event happens after the
  trigger and by the due time (a child back within 24 hours is not "missing more than 24
  hours").
* A duty whose trigger is its own completion event (a decision "triggered" by that decision)
  is met by definition and left out.
* A notification or referral to a role no case file can name (a lead officer) is not
  checkable from a timeline and is left out.
* A duty applies only when the case shows its conditions hold (looked after, UASC, age,
  ...); where the case does not say, the duty is reported as not applicable, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ..cases.reading import Case, Event
from ..corpus.duties import Duty, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import ACTION, COND, PG, ROLE
from ..corpus.terms import short_id
from ..corpus.timescales import Timescale

UK = ZoneInfo("Europe/London")
DEFAULT_IMMEDIATE_TOLERANCE = timedelta(hours=1)


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.UK(subdiv="ENG", years=[year]).keys())


def is_working_day(day: date) -> bool:
    """True for a weekday that is not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime, count: int) -> datetime:
    """The end (23:59:59 UK time) of the ``count``-th working day after ``start``'s UK date."""
    return _working_day_end(start.astimezone(UK).date(), count)


@cache
def _working_day_end(day: date, count: int) -> datetime:
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    if count == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK)


@cache
def _duration_parts(iso: str) -> tuple[bool, float, str]:
    import re

    match = re.fullmatch(r"P(T?)(\d+(?:\.\d+)?)([SMHDWY])", iso)
    if not match:
        raise ValueError(f"unsupported duration {iso!r}")
    is_time, number_text, unit = match.groups()
    return bool(is_time), float(number_text), unit


def add_duration(start: datetime, iso: str, working_days: bool) -> datetime:
    """``start`` plus an ISO 8601 duration of one unit ('PT72H', 'P7D', 'P12M')."""
    is_time, number, unit = _duration_parts(iso)
    if is_time:
        seconds = {"S": 1, "M": 60, "H": 3600}[unit] * number
        return start + timedelta(seconds=seconds)
    if unit == "D":
        if working_days:
            return add_working_days(start, int(number))
        return start + timedelta(days=number)
    if unit == "W":
        return start + timedelta(weeks=number)
    from dateutil.relativedelta import relativedelta

    months = {"M": 1, "Y": 12}[unit] * int(number)
    return start + relativedelta(months=months)


@dataclass(frozen=True)
class Checkable:
    """A duty that a case timeline can show was met: it has a trigger and a completion event."""

    duty: Duty
    iri: URIRef
    completion: str
    recipients: tuple[frozenset[str], ...]
    trigger_roles: frozenset[str]
    conditions: tuple[tuple[str, str, object], ...]
    threshold: tuple[int, timedelta, frozenset[str], str] | None
    severity: str


@dataclass(frozen=True)
class Obligation:
    """One checkable duty made applicable to a case by one trigger event."""

    case_id: str
    protocol: str
    check: Checkable
    trigger: Event
    due: datetime | None  # None: the duty has no deadline
    id: str = field(default="")


def _narrower_case_roles(ontology: Graph, role: URIRef) -> frozenset[str]:
    """The case role ids a role covers: itself and every role below it (skos:broader)."""
    found: set[str] = set()
    stack = [role]
    seen: set[URIRef] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        case_id = ontology.value(current, PG.caseId)
        if case_id is not None:
            found.add(str(case_id))
        stack.extend(s for s in ontology.subjects(SKOS.broader, current) if isinstance(s, URIRef))
    return frozenset(found)


def _window(iso: str) -> timedelta:
    start = datetime(2000, 1, 1, tzinfo=UK)
    return add_duration(start, iso, False) - start


def _threshold_info(graph: Graph, ontology: Graph, threshold: URIRef) -> tuple[int, timedelta, frozenset[str], str]:
    from rdflib import TIME

    from ..corpus.timescales import iso_duration

    count = int(graph.value(threshold, PG.count))
    window = graph.value(threshold, PG.window)
    iso = iso_duration(graph.value(window, TIME.numericDuration), graph.value(window, TIME.unitType))
    categories = frozenset(str(c) for c in graph.objects(threshold, PG.countsCategory))
    counted = graph.value(threshold, PG.countsEvent)
    return count, _window(iso), categories, str(ontology.value(counted, PG.caseId) or short_id(counted))


def checkable_duties(corpus: Corpus, protocol_id: str) -> list[Checkable]:
    """The duties of one protocol that a case timeline can evidence, in document order."""
    ontology = corpus.ontology
    graph = corpus.graph(protocol_id)
    local = {short_id(s): s for s in graph.subjects(PG.provision, None) if isinstance(s, URIRef)}
    result = []
    for duty in duties(corpus, [protocol_id]):
        if not duty.trigger and not duty.threshold:
            continue
        iri = local[duty.id]
        completion_node = graph.value(iri, PG.completionEvent) or ontology.value(ACTION[duty.action], PG.evidencedBy)
        if completion_node is None:
            continue
        completion = str(ontology.value(completion_node, PG.caseId) or short_id(completion_node))
        if completion == duty.trigger and not duty.recipients:
            continue  # met by its own trigger event: nothing a timeline could show late
        recipients: tuple[frozenset[str], ...] = ()
        if completion in ("notify", "referral") and duty.recipients:
            recipients = tuple(_narrower_case_roles(ontology, ROLE[r]) for r in duty.recipients)
            if not all(recipients):
                continue  # a recipient no case file can name (a lead officer): not checkable from a timeline
        trigger_roles = (
            _narrower_case_roles(ontology, ROLE[duty.trigger_recipient]) if duty.trigger_recipient else frozenset()
        )
        conditions = tuple(
            (c, str(ontology.value(COND[c], PG.caseField)), ontology.value(COND[c], PG.caseValue).toPython())
            for c in duty.conditions
            if ontology.value(COND[c], PG.caseField) is not None
        )
        threshold = None
        if duty.threshold:
            threshold = _threshold_info(graph, ontology, local[duty.threshold])
        severity = short_id(ontology.value(PG[duty.modality], PG.severity))
        if duty.deadline is not None and duty.deadline.soft:
            severity = "Info"  # a qualified timescale ('usually', 'although circumstances will impact'): advisory
        result.append(Checkable(duty, iri, completion, recipients, trigger_roles, conditions, threshold, severity))
    return result


def applies(check: Checkable, case: Case) -> tuple[bool, str]:
    """Whether a duty applies to the case's child, and if not, why."""
    duty = check.duty
    for condition, field_name, value in check.conditions:
        actual = case.child.get(field_name)
        if actual is None:
            return False, f"case does not say {field_name} (condition {condition})"
        if actual != value:
            return False, f"condition {condition} does not hold"
    if duty.age_at_least is not None or duty.age_below is not None:
        age = case.child.age
        if age is None:
            return False, "case does not give the child's age"
        if duty.age_at_least is not None and age < duty.age_at_least:
            return False, f"child is under {duty.age_at_least}"
        if duty.age_below is not None and age >= duty.age_below:
            return False, f"child is {duty.age_below} or over"
    return True, ""


def _matches_trigger(check: Checkable, event: Event) -> bool:
    duty = check.duty
    if event.type != duty.trigger:
        return False
    if duty.trigger_channel and event.channel != duty.trigger_channel:
        return False
    if duty.trigger_category and event.category != duty.trigger_category:
        return False
    if check.trigger_roles and event.to not in check.trigger_roles:
        return False
    return True


def _category(event: Event) -> str:
    """A missing episode with no recorded category counts as 'missing' (its event type)."""
    return event.category or ("missing" if event.type == "missing" else "")


def _threshold_triggers(check: Checkable, case: Case) -> list[Event]:
    count, window, categories, counted_type = check.threshold  # type: ignore[misc]
    counted = [e for e in case.events_by_type.get(counted_type, ()) if not categories or _category(e) in categories]
    triggers: list[Event] = []
    since = 0
    for i, event in enumerate(counted):
        recent = [e for e in counted[since : i + 1] if event.at - e.at <= window]
        if len(recent) >= count:
            triggers.append(event)
            since = i + 1
    return triggers


def trigger_events(check: Checkable, case: Case) -> list[Event]:
    """The case events that make the duty applicable, in time order."""
    if check.threshold is not None:
        return _threshold_triggers(check, case)
    candidates = case.events_by_type.get(check.duty.trigger)
    if not candidates:
        return []
    return [e for e in candidates if _matches_trigger(check, e)]


def _cancelled(check: Checkable, case: Case, trigger: Event, due: datetime | None) -> Event | None:
    """The event that ended the duty after its trigger and by its due time, if any."""
    if not check.duty.cancelled_by:
        return None
    for event in case.events:
        if event.type in check.duty.cancelled_by and event.at >= trigger.at and (due is None or event.at <= due):
            return event
    return None


def due_time(deadline: Timescale | None, start: datetime, tolerance: timedelta) -> datetime | None:
    """When a duty triggered at ``start`` is due (None when it has no deadline)."""
    if deadline is None:
        return None
    if deadline.immediate:
        return start + tolerance
    return add_duration(start, deadline.max, deadline.working_days)


def obligations(
    checks: list[Checkable], case: Case, tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE
) -> tuple[list[Obligation], list[tuple[Checkable, str]]]:
    """The obligations a case triggers, and the checkable duties that do not apply (with why)."""
    result: list[Obligation] = []
    not_applicable: list[tuple[Checkable, str]] = []
    by_type = case.events_by_type
    for check in checks:
        triggers = trigger_events(check, case)
        if not triggers:
            not_applicable.append((check, "not triggered"))
            continue
        ok, why = applies(check, case)
        if not ok:
            not_applicable.append((check, why))
            continue
        duty = check.duty
        for event in triggers:
            if duty.requires:
                missing = [r for r in duty.requires if not any(e.at <= event.at for e in by_type.get(r, ()))]
                if missing:
                    not_applicable.append(
                        (check, f"no {', '.join(missing)} before {event.type} at {event.at.isoformat()}")
                    )
                    continue
            due = due_time(duty.deadline, event.at, tolerance)
            ended = _cancelled(check, case, event, due)
            if ended is not None:
                not_applicable.append((check, f"ended by {ended.type} at {ended.at.isoformat()}"))
                continue
            result.append(
                Obligation(case.id, duty.protocol, check, event, due, f"{duty.protocol}/{duty.id}/{event.id}")
            )
    return result, not_applicable

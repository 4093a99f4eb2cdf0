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
* Severity follows modality and says why (severity.py): must, will: Violation; should:
  Warning; advisory: Info; a missed soft timescale ("usually") is at least a Warning; an open
  duty (no deadline, not yet done) is Info.
* Each kind of time expression has its own meaning (time_kinds.py): only a deadline makes a
  duty late; a qualifying period or a scheduled point says from when it is owed; a cap or a
  step alone makes a duty not checkable; the other kinds leave it open.
* Scope (scope.py): conditions hold at the trigger, the one age rule ("a child" is anyone not
  shown to be 18 or over), age-disputed people, prior events, and status rules that keep a
  condition (a missing UASC in care remains looked after).
* Evidence of completion (evidence.py): the event types the shared vocabulary names for the
  action, directed at the duty's recipient, or an event by the recipient itself.
* A duty with ``pg:cancelledBy`` is no longer owed when that event happens after the
  trigger and by the due time, or, for a qualifying period, within the period (a child back
  within 24 hours is not "missing more than 24 hours").
* A duty whose trigger is its own completion event (a decision "triggered" by that decision)
  is met by definition and left out; so is a duty with ``pg:notCheckable``, a recipient no
  case file can name, or a condition no case field shows (not_checkable() says which and why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from rdflib import Graph, URIRef

from ..cases.reading import Case, Event
from ..corpus.duties import Duty, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import PG, ROLE
from ..corpus.terms import short_id
from ..corpus.timescales import Timescale
from .evidence import Evidence, case_roles, evidence_of
from .scope import (
    CaseFacts,
    Condition,
    applies_at,
    case_facts,
    conditions_of,
    fixed_in_time,
    holds_at,
    missing_prior_events,
)
from .severity import severity_of
from .time_kinds import Timing, timing

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


@cache
def _elapsed(iso: str, working_days: bool) -> timedelta | None:
    """The exact elapsed time an ISO 8601 duration of one unit adds (hours, minutes, seconds,
    calendar days, weeks), or None where it is calendar arithmetic (working days, months, years)."""
    is_time, number, unit = _duration_parts(iso)
    if is_time:
        return timedelta(seconds={"S": 1, "M": 60, "H": 3600}[unit] * number)
    if unit == "D" and not working_days:
        return timedelta(days=number)
    if unit == "W":
        return timedelta(weeks=number)
    return None


def add_duration(start: datetime, iso: str, working_days: bool) -> datetime:
    """``start`` plus an ISO 8601 duration of one unit ('PT72H', 'P7D', 'P12M')."""
    elapsed = _elapsed(iso, working_days)
    if elapsed is not None:
        return start + elapsed
    _, number, unit = _duration_parts(iso)
    if unit == "D":
        return add_working_days(start, int(number))
    from dateutil.relativedelta import relativedelta

    months = {"M": 1, "Y": 12}[unit] * int(number)
    return start + relativedelta(months=months)


@dataclass(frozen=True)
class Checkable:
    """A duty that a case timeline can show was met: it has a trigger, evidence of its
    completion (evidence.py), a scope a case can show (scope.py) and a timing (time_kinds.py)."""

    duty: Duty
    iri: URIRef
    evidence: tuple[Evidence, ...]  # one requirement per recipient the evidence must reach
    trigger_roles: frozenset[str]
    conditions: tuple[Condition, ...]
    threshold: tuple[int, timedelta, frozenset[str], str] | None
    severity: str
    severity_reason: str = ""
    timing: Timing = field(default_factory=Timing)
    facts: CaseFacts = field(default_factory=CaseFacts, repr=False)

    @property
    def completions(self) -> frozenset[str]:
        """The event types that can show the duty done."""
        return frozenset(t for e in self.evidence for t in e.types)

    @property
    def recipients(self) -> tuple[frozenset[str], ...]:
        """The case roles each recipient covers, where evidence must be directed at it."""
        return tuple(e.to for e in self.evidence if e.to)


@dataclass(frozen=True)
class Obligation:
    """One checkable duty made applicable to a case by one trigger event."""

    case_id: str
    protocol: str
    check: Checkable
    trigger: Event
    due: datetime | None  # None: the duty has no deadline (it is open until done)
    id: str = field(default="")
    arises: datetime | None = None  # when it is owed from (after a qualifying period or scheduled point)
    note: str = ""  # how it came to apply, where a status rule kept a condition

    @property
    def owed_from(self) -> datetime:
        """When the duty is owed from: its trigger, or the end of its qualifying period or scheduled point."""
        return self.arises or self.trigger.at

    def owed_by(self, as_of: datetime) -> bool:
        """Whether the duty is already owed at the review time (else it is pending, not yet checked)."""
        return self.owed_from <= as_of


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
    return [c for c in _checkability(corpus, protocol_id) if isinstance(c, Checkable)]


def not_checkable(corpus: Corpus, protocol_id: str) -> dict[str, str]:
    """Why each duty of a protocol that could be checked is not: encoded as ``pg:notCheckable``,
    or a trigger, recipient, condition or time expression that no case timeline can show.
    Duties with no trigger at all (standing duties, prohibitions) are not listed."""
    return {c[0].id: c[1] for c in _checkability(corpus, protocol_id) if not isinstance(c, Checkable)}


def checkability(corpus: Corpus, protocol_id: str) -> list[Checkable | tuple[Duty, str]]:
    """Every duty of one protocol with a trigger: a Checkable, or the duty and why it is not
    checkable; computed once a corpus (and cached on disk by plan.load_checking_corpus)."""
    return corpus.memo(("checkability", protocol_id), lambda: _read_checkability(corpus, protocol_id))


_checkability = checkability


def _read_checkability(corpus: Corpus, protocol_id: str) -> list[Checkable | tuple[Duty, str]]:
    ontology = corpus.ontology
    graph = corpus.graph(protocol_id)
    local = {short_id(s): s for s in graph.subjects(PG.provision, None) if isinstance(s, URIRef)}
    facts = case_facts(ontology, graph, protocol_id)
    result: list[Checkable | tuple[Duty, str]] = []
    for duty in duties(corpus, [protocol_id]):
        if duty.not_checkable:
            result.append((duty, duty.not_checkable))
            continue
        if not duty.trigger and not duty.threshold:
            continue
        iri = local[duty.id]
        evidence = evidence_of(ontology, duty.action, duty.recipients, graph.value(iri, PG.completionEvent))
        if isinstance(evidence, str):
            result.append((duty, evidence))
            continue
        if duty.trigger and all(e.types == {duty.trigger} and e.to is None for e in evidence):
            result.append((duty, "its trigger is its own completion event: met by definition"))
            continue
        conditions = conditions_of(ontology, duty.conditions)
        if len(conditions) < len(duty.conditions):
            shown = {c[0] for c in conditions}
            missing = ", ".join(c for c in duty.conditions if c not in shown)
            result.append((duty, f"no case field shows its condition {missing}"))
            continue
        when = timing(duty)
        if isinstance(when, str):
            result.append((duty, when))
            continue
        trigger_roles = case_roles(ontology, ROLE[duty.trigger_recipient]) if duty.trigger_recipient else frozenset()
        threshold = _threshold_info(graph, ontology, local[duty.threshold]) if duty.threshold else None
        severity, reason = severity_of(ontology, duty, when)
        result.append(
            Checkable(duty, iri, evidence, trigger_roles, conditions, threshold, severity, reason, when, facts)
        )
    return result


def applies(check: Checkable, case: Case, trigger: Event) -> tuple[bool, str]:
    """Whether a duty applies to one trigger event of the case, and if not, why (scope.py)."""
    duty = check.duty
    return applies_at(
        check.conditions,
        duty.age_at_least,
        duty.age_below,
        duty.includes_age_disputed,
        duty.requires,
        case,
        check.facts,
        trigger,
    )


def _holds(check: Checkable, case: Case, at: datetime) -> tuple[bool, str]:
    duty = check.duty
    return holds_at(
        check.conditions, duty.age_at_least, duty.age_below, duty.includes_age_disputed, case, check.facts, at
    )


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
    """The case events that make the duty applicable, in time order.

    A duty with a threshold and a trigger (4lscb-met-2013 5.3.1: an assessment for a child
    "notified by the police ... as having 3 absent or missing episodes in 90 days") is
    triggered by the first trigger event at or after each crossing of the threshold (and
    before the next crossing); with a threshold alone, by the crossing episode itself."""
    if check.threshold is not None:
        crossings = _threshold_triggers(check, case)
        if not check.duty.trigger:
            return crossings
        candidates = [e for e in case.events_by_type.get(check.duty.trigger, ()) if _matches_trigger(check, e)]
        found = []
        for index, crossing in enumerate(crossings):
            until = crossings[index + 1].at if index + 1 < len(crossings) else None
            first = next((e for e in candidates if e.at >= crossing.at and (until is None or e.at < until)), None)
            if first is not None:
                found.append(first)
        return found
    duty = check.duty
    candidates = case.events_by_type.get(duty.trigger)
    if not candidates:
        return []
    if not (duty.trigger_channel or duty.trigger_category or check.trigger_roles):
        return list(candidates)  # of the trigger's type, and nothing more asked (_matches_trigger)
    return [e for e in candidates if _matches_trigger(check, e)]


def _cancelled(check: Checkable, case: Case, trigger: Event, until: datetime | None) -> Event | None:
    """The event that ended the duty after its trigger and by ``until`` (its due time, or the
    end of its qualifying period), if any."""
    if not check.duty.cancelled_by:
        return None
    for event in case.events:
        if event.type in check.duty.cancelled_by and event.at >= trigger.at and (until is None or event.at <= until):
            return event
    return None


def due_time(deadline: Timescale | None, start: datetime, tolerance: timedelta) -> datetime | None:
    """When a duty owed from ``start`` is due (None when it has no deadline)."""
    if deadline is None:
        return None
    if deadline.immediate:
        return start + tolerance
    return add_duration(start, deadline.max, deadline.working_days)


def obligations(
    checks: list[Checkable], case: Case, tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE
) -> tuple[list[Obligation], list[tuple[Checkable, str]]]:
    """The obligations a case triggers, and the checkable duties that do not apply (with why).

    An obligation whose qualifying period or scheduled point ends after the review time is
    listed (it is pending) but not yet owed: validation writes only owed obligations."""
    result: list[Obligation] = []
    not_applicable: list[tuple[Checkable, str]] = []
    # per protocol's case facts (keyed by identity: hashing them is costly): nothing in the
    # case changes them over time
    steady: dict[int, bool] = {}
    # where they are steady, whether the conditions and age rule hold is the same at every
    # instant: worked out once for each scope (many duties share one, often the empty one)
    holding: dict[tuple[object, ...], tuple[bool, str]] = {}
    by_type = case.events_by_type
    for check in checks:
        duty = check.duty
        if check.threshold is None and duty.trigger not in by_type:
            not_applicable.append((check, "not triggered"))  # what trigger_events finds, without the call
            continue
        triggers = trigger_events(check, case)
        if not triggers:
            not_applicable.append((check, "not triggered"))
            continue
        start = check.timing.start
        facts = id(check.facts)
        if facts not in steady:
            steady[facts] = fixed_in_time(case, check.facts)
        fixed = None
        if steady[facts]:
            scope = (id(check.conditions), duty.age_at_least, duty.age_below, duty.includes_age_disputed, facts)
            fixed = holding.get(scope)
            if fixed is None:
                fixed = holding[scope] = _holds(check, case, triggers[0].at)
        if fixed is not None and not fixed[0]:
            not_applicable.append((check, fixed[1]))  # the same for every trigger: said once
            continue
        for event in triggers:
            ok, why = fixed if fixed is not None else _holds(check, case, event.at)
            missing = missing_prior_events(duty.requires, case, event) if ok and duty.requires else ""
            if not ok or missing:
                not_applicable.append((check, missing or why))
                continue
            arises = add_duration(event.at, start.max, start.working_days) if start is not None else None
            due = due_time(check.timing.deadline, arises or event.at, tolerance)
            ended = _cancelled(check, case, event, arises if check.timing.qualifying else due)
            if ended is not None:
                not_applicable.append((check, f"ended by {ended.type} at {ended.at.isoformat()}"))
                continue
            result.append(
                Obligation(
                    case.id, duty.protocol, check, event, due, f"{duty.protocol}/{duty.id}/{event.id}", arises, why
                )
            )
    return result, not_applicable

"""The question a board member asks: when a child goes missing (or trafficking is suspected, a
referral is made, a child returns, ...), who must do what, by when?

For one starting event and one protocol, a timeline holds a card per duty that the event
starts: lanes by who bears it, columns by how long after the event it is due. A duty is
started by an event when the event is its ``pg:trigger``, or when it has no trigger and its
deadline runs from the event (``pg:relativeTo``). Every card keeps the protocol's own words:
the modal wording as written, the clause and the verbatim quote, and its scope in words from
the structured fields (conditions, prior events, trigger qualifiers, age bounds).

With several protocols, cards are paired through the shared list of obligations
(``pg:alignedTo``, ``protocols/alignment/<id>.ttl``): a card whose obligation another protocol
also states says whether that protocol's deadline, modality or bearer differs; a duty with no
alignment yet says "no counterpart found", never that the other protocol lacks it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from rdflib import RDF, RDFS, URIRef

from ..comparing.alignment import alignment, obligations
from ..comparing.by_obligation import MODALITY_WORDS, counterparts
from ..corpus.duties import Duty, duration_words, duties, span_phrase
from ..corpus.loader import Corpus
from ..corpus.namespace import EVENT, PG
from ..corpus.terms import label, reference_key, short_id
from ..corpus.timescales import KIND_WORDS, Timescale, timescales

# --- columns: how long after the event a duty is due -------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the timeline: duties due no later than ``bound`` after the event
    (an ISO 8601 duration, in working days when ``working_days``); the last two have none."""

    id: str
    title: str
    bound: str = ""
    working_days: bool = False


COLUMNS = (
    Column("immediately", "Immediately", "PT0S"),
    Column("1h", "Within 1 hour", "PT1H"),
    Column("24h", "Within 24 hours", "PT24H"),
    Column("72h", "Within 72 hours", "PT72H"),
    Column("7wd", "Within 7 working days", "P7D", working_days=True),
    Column("longer", "Longer"),
    Column("none", "No deadline stated"),
)
COLUMN_IDS = tuple(c.id for c in COLUMNS)

# Every event instant a column is checked against: the first and last second of each day of
# ten years, in UK time. Ten years hold every weekday pattern, every Easter and Christmas run
# of bank holidays and the one-off ones (2022's two), so a working-day deadline meets its
# longest stretch (a Thursday before Good Friday) and a calendar bound its shortest.
_SWEEP_YEARS = (2020, 2030)


@cache
def _sweep() -> tuple[datetime, ...]:
    from ..checking.deadlines import UK

    day, end = date(_SWEEP_YEARS[0], 1, 1), date(_SWEEP_YEARS[1], 1, 1)
    starts = []
    while day < end:
        starts += [datetime.combine(day, time(0, 0), tzinfo=UK), datetime.combine(day, time(23, 59, 59), tzinfo=UK)]
        day += timedelta(days=1)
    return tuple(starts)


@cache
def _fits(duration: str, working_days: bool, column: Column) -> bool:
    """True when a deadline of ``duration`` falls due no later than the column's bound,
    whatever instant the event happens at."""
    from ..checking.deadlines import add_duration

    if column.bound == "PT0S":
        return duration == "PT0S"
    return all(
        add_duration(start, duration, working_days) <= add_duration(start, column.bound, column.working_days)
        for start in _sweep()
    )


def column_of(deadline: Timescale | None) -> str:
    """The column a deadline belongs in: the first whose bound it never passes.

    A range is placed by its maximum (it is late only after it), a soft deadline by its length
    (the card says "usually"), "immediately" in the first column. Working days are placed by
    the time they really take, not converted at 24 hours a day: the due time of N working days
    is computed (deadlines.add_duration: weekends and England and Wales bank holidays skipped,
    due at 23:59:59 on the last working day) for an event at the first and the last second of
    every day of ten years, and compared with each bound at the same instant. So 1 working day
    (from a Friday: Monday night, 72 hours and more) is never "within 72 hours" and sits with
    "within 7 working days", while 5 calendar days do too (7 working days never take fewer
    than 9 days) and 10 calendar days are "longer"."""
    if deadline is None:
        return "none"
    if deadline.immediate:
        return "immediately"
    for column in COLUMNS:
        if column.bound and _fits(deadline.max, deadline.working_days, column):
            return column.id
    return "longer"


# --- words ------------------------------------------------------------------------------

# What the starting event means for a board member: "When a child goes missing, ..."
EVENT_QUESTIONS = {
    "missing": "a child goes missing",
    "trafficking-suspected": "trafficking is suspected",
    "referral": "a referral is made",
    "returned": "a child returns or is found",
    "exploitation-suspected": "exploitation is suspected",
    "arrived-uk": "a child arrives in the UK",
    "child-safeguarded": "a child is taken to a place of safety",
    "notify": "an agency is notified",
    "nrm-referral": "an NRM referral is made",
    "strategy-meeting": "a strategy meeting is held",
    "strategy-discussion": "a strategy discussion is held",
    "return-interview": "a return interview is held",
}
LEADING_EVENTS = ("missing", "trafficking-suspected", "referral", "returned")

# A prior event a duty requires (pg:requiresPriorEvent), as the scope it sets
REQUIRES_WORDS = {
    "trafficking-suspected": "if trafficking is suspected",
    "exploitation-suspected": "if exploitation is suspected",
    "safety-plan": "once a safety plan is in place",
    "missing": "after a missing episode",
    "referral": "after a referral",
    "nrm-referral": "after an NRM referral",
    "arrived-uk": "after arrival in the UK",
}

# A condition (pg:condition) as the child it applies to
CONDITION_WORDS = {
    "looked-after": "looked-after child",
    "not-looked-after": "child living with parents or family",
    "uasc": "unaccompanied asylum-seeking child",
    "disabled": "disabled child",
    "allocated-social-worker": "child with an allocated social worker",
    "residential-care": "child in residential care",
    "foster-care": "child in foster care",
    "consent": "with consent",
    "parental-responsibility": "local authority holds parental responsibility",
    "not-english-speaking": "English not the child's preferred language",
    "emergency-protection-order": "under an emergency protection order",
    "early-adopter-site": "in an ICTA early adopter site",
}


def event_label(corpus: Corpus, event: str) -> str:
    """An event type's label ('went missing')."""
    return label(corpus.ontology, EVENT[event])


def event_question(corpus: Corpus, event: str) -> str:
    """The event as the page's question puts it: 'When a child goes missing, ...'."""
    return EVENT_QUESTIONS.get(event, f"“{event_label(corpus, event)}” happens")


def when_in_words(deadline: Timescale | None, event: str, event_labels: dict[str, str]) -> str:
    """A deadline as a board member reads it: 'immediately', 'within 24 hours', 'within
    24–48 hours', 'within 7 working days', 'usually within 72 hours' (a soft deadline), with
    'of <event>' when it runs from an event other than the one that starts the timeline."""
    if deadline is None:
        return "no deadline stated"
    text = span_phrase(deadline)
    if deadline.soft:
        text = "usually " + text
    if deadline.relative_to and deadline.relative_to != event:
        text += f" of {event_labels.get(deadline.relative_to, deadline.relative_to)}"
    return text


def _amount(ts: Timescale) -> str:
    """A timescale's length in words: '24 hours', '6–8 hours', '7 working days' ('' when it states none)."""
    return duration_words(ts)


TIME_KIND_WORDS = {
    KIND_WORDS["QualifyingPeriod"]: "only after more than {amount} (not a due time)",
    KIND_WORDS["ScheduledPoint"]: "after {usually}{amount} (not a due time)",
    KIND_WORDS["Cap"]: "no more than {amount} at a time",
    KIND_WORDS["Step"]: "in steps of {amount}",
    KIND_WORDS["Recurrence"]: "every {amount}",
    KIND_WORDS["ExtendablePeriod"]: "for {amount}, which can be extended",
    KIND_WORDS["OpenEndedPeriod"]: "more than {amount}",
    KIND_WORDS["CountingWindow"]: "counted over {amount}",
}
"""How a time expression that is not a deadline reads on a card (BRIEF: kinds of time expression),
keyed by the kind in words (``Timescale.kind``)."""


def time_words(ts: Timescale) -> str:
    """A time expression other than a deadline, in words: 'only after more than 24 hours
    (not a due time)', 'after usually 6–8 hours (not a due time)'; other kinds, and a
    recurrence with no stated length ('at timely intervals'), by their label."""
    pattern = TIME_KIND_WORDS.get(ts.kind)
    amount = _amount(ts)
    if pattern is None or not amount:
        return ts.what
    return pattern.format(amount=amount, usually="usually " if ts.soft else "")


# --- what the Duty record does not carry, read from the protocol graph ---------------------


@dataclass(frozen=True)
class _Extras:
    """Facts of a duty beside the Duty record: its threshold in words, age-disputed scope,
    time expressions other than a deadline, alignment and why it is unique."""

    threshold: str = ""
    age_disputed: bool = False
    timescales: tuple[str, ...] = ()
    obligations: tuple[str, ...] = ()
    obligation_label: str = ""
    unique_reason: str = ""


def _extras(corpus: Corpus, protocol: str) -> dict[str, _Extras]:
    def compute() -> dict[str, _Extras]:
        graph = corpus.graph(protocol)
        records = {t.id: t for t in timescales(corpus, [protocol])}
        listed = obligations(corpus)
        result = {}
        for duty in sorted(graph.subjects(RDF.type, PG.Duty)):
            threshold = graph.value(duty, PG.triggerThreshold)
            aligned = alignment(corpus).get((protocol, short_id(duty)), ())
            spans = [
                time_words(records[short_id(ts)]) if short_id(ts) in records else label(graph, ts)
                for ts in sorted(graph.objects(duty, PG.timescale))
            ]
            disputed = graph.value(duty, PG.includesAgeDisputed)
            result[short_id(duty)] = _Extras(
                threshold=str(graph.value(threshold, RDFS.label) or short_id(threshold)) if threshold else "",
                age_disputed=bool(disputed is not None and disputed.toPython() is True),
                timescales=tuple(spans),
                obligations=aligned,
                obligation_label="; ".join(listed[o].label for o in aligned if o in listed),
                unique_reason=" ".join(sorted(str(v) for v in graph.objects(duty, PG.uniqueReason))),
            )
        return result

    return corpus.memo(("timeline-extras", protocol), compute)


def has_alignment(corpus: Corpus, protocol: str) -> bool:
    """True when any duty of the protocol is aligned to a shared obligation or marked unique."""
    return any(e.obligations or e.unique_reason for e in _extras(corpus, protocol).values())


def conditions_in_words(corpus: Corpus, duty: Duty) -> list[str]:
    """The scope of a duty in words, from its structured fields only: trigger qualifiers,
    threshold, prior events, conditions, age bounds, time expressions that are not a due time;
    and the condition as the text words it, in quotation marks."""
    extras = _extras(corpus, duty.protocol).get(duty.id, _Extras())
    labels = duty.labels
    words: list[str] = []
    if duty.trigger_category:
        words.append(f"recorded by the police as {duty.trigger_category}")
    if duty.trigger_recipient:
        role = labels.get(duty.trigger_recipient) or label(corpus.ontology, _role(duty.trigger_recipient))
        words.append(f"when the {event_label(corpus, duty.trigger)} is to {role}")
    if duty.trigger_channel:
        words.append(f"{event_label(corpus, duty.trigger)} by {duty.trigger_channel}")
    if extras.threshold:
        words.append("threshold: " + extras.threshold[:1].lower() + extras.threshold[1:])
    for event in duty.requires:
        words.append(REQUIRES_WORDS.get(event, f"after: {event_label(corpus, event)}"))
    for condition in duty.conditions:
        words.append(CONDITION_WORDS.get(condition, condition.replace("-", " ")))
    if duty.age_at_least is not None:
        words.append(f"aged {duty.age_at_least} or over")
    if duty.age_below is not None:
        words.append(f"aged under {duty.age_below}")
    if extras.age_disputed:
        words.append("including a young person whose age is disputed")
    words.extend(extras.timescales)
    if duty.condition_text:
        words.append(f"“{duty.condition_text}”")
    return words


def _role(role: str) -> URIRef:
    from ..corpus.namespace import ROLE

    return ROLE[role]


# --- cards, lanes, timelines ----------------------------------------------------------------


@dataclass(frozen=True)
class Counterpart:
    """How another protocol states the same obligation as a card (or that none was found).

    ``status`` is 'differs' (deadline, modality or bearer differ: ``differs`` names which),
    'same', 'not-found' (the duty is not aligned yet, or the other protocol has no duty
    aligned to its obligation) or 'unique' (the duty is marked unique to its protocol; ``note``
    says why)."""

    protocol: str
    status: str
    differs: tuple[str, ...] = ()
    text: str = ""
    duty: str = ""
    provision: str = ""
    who: str = ""
    when: str = ""
    modality: str = ""
    wording: str = ""
    starts: str = ""
    quote: str = ""
    note: str = ""


@dataclass(frozen=True)
class Card:
    """One duty on the timeline: who, what, to whom, by when, how binding, under which clause."""

    protocol: str
    duty: str
    event: str
    column: str
    lane: str
    who: str
    what: str
    to_whom: str
    when: str
    modality: str
    wording: str
    provision: str
    conditions: tuple[str, ...]
    quote: str
    obligation: str = ""
    counterparts: tuple[Counterpart, ...] = ()

    @property
    def clause(self) -> str:
        """Protocol and provision: '4lscb-met-guide-2018 42'."""
        return f"{self.protocol} {self.provision}"

    def as_row(self) -> dict[str, object]:
        """The card as a flat dict (a DataFrame row)."""
        return {
            "protocol": self.protocol,
            "column": dict((c.id, c.title) for c in COLUMNS)[self.column],
            "who": self.who,
            "what": self.what,
            "to whom": self.to_whom,
            "by when": self.when,
            "modality": self.modality,
            "as written": self.wording,
            "clause": self.provision,
            "conditions": "; ".join(self.conditions),
            "other protocols": "; ".join(dict.fromkeys(c.text for c in self.counterparts)),
            "duty": self.duty,
        }

    def as_data(self) -> dict[str, object]:
        """The card as plain JSON-ready data."""
        data = asdict(self)
        data["clause"] = self.clause
        return data


@dataclass(frozen=True)
class Lane:
    """The cards one bearer (or bearers jointly) owe after the event."""

    key: str
    title: str
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Timeline:
    """One protocol's answer for one starting event."""

    protocol: str
    title: str
    date: str
    event: str
    lanes: tuple[Lane, ...] = field(default=())

    @property
    def cards(self) -> list[Card]:
        """Every card, lane by lane."""
        return [card for lane in self.lanes for card in lane.cards]


def starts(duty: Duty) -> str:
    """The event that starts a duty: its trigger, else the event its deadline runs from."""
    return duty.trigger or (duty.deadline.relative_to if duty.deadline is not None else "")


def starting_events(corpus: Corpus, protocols: list[str]) -> list[str]:
    """Every event that starts a duty in any of the protocols: missing, trafficking
    suspected, referral and return first, then the others by label."""
    found = {starts(d) for d in duties(corpus, protocols)} - {""}
    rest = sorted(found - set(LEADING_EVENTS), key=lambda e: (event_label(corpus, e).lower(), e))
    return [e for e in LEADING_EVENTS if e in found] + rest


def _hours_key(deadline: Timescale | None) -> tuple:
    if deadline is None:
        return (1, 0.0)
    if deadline.immediate:
        return (0, 0.0)
    return (0, _approx_hours(deadline.max, deadline.working_days))


def _approx_hours(iso: str, working_days: bool) -> float:
    from ..checking.deadlines import _duration_parts

    is_time, number, unit = _duration_parts(iso)
    hours = {"S": 1 / 3600, "M": 1 / 60, "H": 1}[unit] if is_time else {"D": 24, "W": 168, "M": 730, "Y": 8766}[unit]
    return number * hours * (7 / 5 if working_days else 1)  # order within one column only


def _people(duty: Duty, roles: tuple[str, ...]) -> str:
    return " and ".join(duty.labels.get(r, r) for r in roles)


def _same_deadline(a: Timescale | None, b: Timescale | None) -> bool:
    def key(t: Timescale | None) -> tuple | None:
        return None if t is None else (t.immediate, t.min, t.max, t.working_days, t.soft)

    return key(a) == key(b)


def _counterparts(corpus: Corpus, duty: Duty, others: list[str], event_labels: dict[str, str]) -> tuple:
    extras = _extras(corpus, duty.protocol).get(duty.id, _Extras())
    result = []
    for other in others:
        if extras.unique_reason and not extras.obligations:
            result.append(Counterpart(other, "unique", text=f"Only in {duty.protocol}", note=extras.unique_reason))
            continue
        if not extras.obligations:
            result.append(Counterpart(other, "not-found", text=f"No counterpart found in {other}"))
            continue
        theirs = counterparts(corpus, duty, other)
        if not theirs:
            result.append(Counterpart(other, "not-found", text=f"No counterpart found in {other}"))
            continue
        for match in sorted(theirs, key=lambda d: (reference_key(d.provision), d.id)):
            differs = []
            if not _same_deadline(duty.deadline, match.deadline):
                differs.append("deadline")
            if duty.modality != match.modality:
                differs.append("modality")
            if set(duty.bearers) != set(match.bearers):
                differs.append("bearer")
            when = when_in_words(match.deadline, starts(match), event_labels)
            who = _people(match, match.bearers)
            there = {
                "deadline": "deadline there: " + ("none stated" if match.deadline is None else when),
                "modality": f"there it is “{match.wording}” ({MODALITY_WORDS.get(match.modality, match.modality)})",
                "bearer": f"borne there by {who}",
            }
            if differs:
                text = f"Differs in {other} {match.provision}: " + "; ".join(there[d] for d in differs)
            else:
                text = f"Same deadline, modality and bearer in {other} {match.provision}"
            if starts(match) != starts(duty):
                first = event_labels.get(starts(match), starts(match))
                text += f" (there it starts from: {first})" if first else " (there no event starts it)"
            result.append(
                Counterpart(
                    protocol=other,
                    status="differs" if differs else "same",
                    differs=tuple(differs),
                    text=text,
                    duty=match.id,
                    provision=match.provision,
                    who=who,
                    when=when,
                    modality=MODALITY_WORDS.get(match.modality, match.modality),
                    wording=match.wording,
                    starts=starts(match),
                    quote=match.quote,
                )
            )
    return tuple(result)


def _card(corpus: Corpus, duty: Duty, event: str, others: list[str], event_labels: dict[str, str]) -> Card:
    extras = _extras(corpus, duty.protocol).get(duty.id, _Extras())
    return Card(
        protocol=duty.protocol,
        duty=duty.id,
        event=event,
        column=column_of(duty.deadline),
        lane="+".join(duty.bearers),
        who=_people(duty, duty.bearers),
        what=duty.label,
        to_whom=_people(duty, duty.recipients),
        when=when_in_words(duty.deadline, event, event_labels),
        modality=MODALITY_WORDS.get(duty.modality, duty.modality),
        wording=duty.wording,
        provision=duty.provision,
        conditions=tuple(conditions_in_words(corpus, duty)),
        quote=duty.quote,
        obligation=extras.obligation_label,
        counterparts=_counterparts(corpus, duty, others, event_labels) if others else (),
    )


def _event_labels(corpus: Corpus, protocols: list[str]) -> dict[str, str]:
    events = {starts(d) for d in duties(corpus, protocols)} | {
        d.deadline.relative_to for d in duties(corpus, protocols) if d.deadline is not None
    }
    return {e: event_label(corpus, e) for e in sorted(events - {""})}


def timeline(corpus: Corpus, protocol: str, event: str, compare_with: list[str] | None = None) -> Timeline:
    """One protocol's duties that ``event`` starts, as lanes of cards (a lane per bearer, or
    bearers jointly; lanes with the earliest deadlines first), each card compared with the
    protocols in ``compare_with`` through the alignment of duties."""
    info = corpus.info(protocol)
    others = [p for p in (compare_with or []) if p != protocol]
    labels = _event_labels(corpus, [protocol, *others])
    chosen = [d for d in duties(corpus, [protocol]) if starts(d) == event]
    cards = [_card(corpus, d, event, others, labels) for d in chosen]
    order = {c: i for i, c in enumerate(COLUMN_IDS)}
    deadline_of = {d.id: d.deadline for d in chosen}
    cards.sort(key=lambda c: (order[c.column], _hours_key(deadline_of[c.duty]), reference_key(c.provision), c.duty))
    lanes: dict[str, list[Card]] = {}
    for card in cards:
        lanes.setdefault(card.lane, []).append(card)
    built = [Lane(key, group[0].who, tuple(group)) for key, group in lanes.items()]
    built.sort(key=lambda lane: (order[lane.cards[0].column], lane.title.lower(), lane.key))
    return Timeline(protocol=protocol, title=info.title, date=info.date, event=event, lanes=tuple(built))


def due_within(corpus: Corpus, protocol: str, event: str, hours: float) -> list[Duty]:
    """The duties ``event`` starts that fall due within ``hours`` of it, whatever instant it
    happens at ('immediately' included): the answer to "who must do what within 24 hours"."""
    bound = Column("ask", "", f"PT{hours:g}H")
    return [
        d
        for d in duties(corpus, [protocol])
        if starts(d) == event
        and d.deadline is not None
        and (d.deadline.immediate or _fits(d.deadline.max, d.deadline.working_days, bound))
    ]


def newest_date(corpus: Corpus) -> str:
    """The newest version date of the loaded protocols ('2023'): the default 'produced' date,
    so that the page is the same bytes on every run."""
    return max((corpus.info(p).date for p in corpus.ids()), default="")

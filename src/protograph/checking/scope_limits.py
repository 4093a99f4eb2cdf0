"""Limits a duty's wording names that its structured scope does not carry.

The checker reads a duty's scope only from triples (scope.py). A limit that stands only in
free text is a false alarm waiting to happen: "contact the police and social care
IMMEDIATELY if the child goes missing" under the heading "Barnardo's Immediate Safety Plan"
fires for every fostered child who goes missing unless the plan is in the scope. So
``protograph check`` reads the words of every checkable duty (one that gets a shape): its
``pg:conditionText``, its ``rdfs:label`` and the ``pg:heading`` of its provisions, and fails
the duty when they name a limit (a row of ``LIMITS``) that none of its structured facts meets.

``pg:scopeNote`` on the duty is the explicit, reviewed escape: a note that names the same
limit (the row's pattern matches the note) says how the limit is met by the structured scope
or why it does not restrict the duty. Condition text that names no known limit still needs
a scope note, since condition text is a limit by definition."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..corpus.duties import Duty
from ..corpus.loader import Corpus
from ..corpus.namespace import PG
from ..corpus.terms import reference_key
from .deadlines import Checkable, checkable_duties

TRAFFICKING_EVENTS = frozenset(
    {"trafficking-suspected", "nrm-referral", "icta-referral", "reasonable-grounds-decision", "conclusive-decision"}
)
"""Events that a case shows only where trafficking is suspected: as a trigger or prior event they carry that limit."""
EXPLOITATION_EVENTS = frozenset({"exploitation-suspected", "seraf-assessment", "exploitation-screening"})
MISSING_EVENTS = frozenset({"missing", "returned", "return-interview", "safe-and-well-check"})
REFERRAL_EVENTS = frozenset({"referral", "notify", "police-alert-form", "referral-confirmed-in-writing"})
REFERRAL_ACTIONS = frozenset({"refer", "notify", "report-missing", "issue-police-alert-form"})


def _events(duty: Duty) -> frozenset[str]:
    """The events a case must show for the duty to apply: its trigger and its prior events."""
    return frozenset({duty.trigger, *duty.requires} - {""})


def _threshold_counts(check: Checkable, event_type: str) -> bool:
    return check.threshold is not None and check.threshold[3] == event_type


def _age_met(check: Checkable, text: str) -> bool:
    """Every age the wording states is a bound of the duty; 'under 18' is the default rule."""
    duty = check.duty
    for match in _AGE.finditer(text):
        number = int(next(g for g in match.groups() if g))
        lower = bool(re.search(r"over|and above|at least|\+|from", match.group(0), re.IGNORECASE))
        if number == 18 and not lower:
            continue  # "under 18", "aged 0 to 18": a child, the checker's default
        if number not in (duty.age_at_least, duty.age_below):
            return False
    return True


_AGE = re.compile(
    r"\b(?:under|below|over|aged?|from|up to)\s+(?:the\s+age\s+of\s+)?(\d{1,2})\b(?:\s*(?:years?|yrs)(?:\s+(?:old|of age))?)?(?:\s+(?:and|or)\s+(?:over|above|under))?"
    r"|\b(\d{1,2})\s*(?:years?|yrs)\s+(?:old\s+)?(?:and|or)\s+(?:over|above|under)\b"
    r"|\b(\d{1,2})\s*\+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Limit:
    """A kind of limit a duty's wording can name, and the structured facts that carry it."""

    name: str
    pattern: re.Pattern[str]
    needs: str  # what would carry it, in encoding terms
    met: Callable[[Checkable, str], bool]
    unless: re.Pattern[str] | None = None  # wording that looks like the limit but is not one


def _rx(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


def _condition_limit(name: str, pattern: str, condition: str, unless: re.Pattern[str] | None = None) -> Limit:
    """A limit that one condition of the duty's scope carries (``pg:condition cond:...``)."""
    return Limit(
        name,
        _rx(pattern),
        f"pg:condition cond:{condition}",
        lambda c, t: condition in c.duty.conditions,
        unless,
    )


LIMITS: tuple[Limit, ...] = (
    Limit(
        "trafficking",
        _rx(r"traffick|modern slavery"),
        "pg:requiresPriorEvent event:trafficking-suspected, or a trigger that implies it (trafficking-suspected, nrm-referral, icta-referral, a trafficking decision)",
        lambda c, t: bool(_events(c.duty) & TRAFFICKING_EVENTS),
    ),
    Limit(
        "exploitation",
        _rx(r"exploit|\bCSE\b|\bCCE\b|county lines"),
        "pg:requiresPriorEvent event:exploitation-suspected (or event:trafficking-suspected where the wording is about trafficking), or such a trigger",
        lambda c, t: (
            bool(_events(c.duty) & EXPLOITATION_EVENTS)
            or (bool(_events(c.duty) & TRAFFICKING_EVENTS) and bool(re.search("traffick", t, re.IGNORECASE)))
        ),
    ),
    Limit(
        "a safety plan",
        _rx(r"safety plan"),
        "pg:requiresPriorEvent event:safety-plan (or the trigger), or a pg:condition; unless the duty is to make the plan",
        lambda c, t: "safety-plan" in _events(c.duty) or c.duty.action == "put-safety-plan-in-place",
    ),
    Limit(
        "looked after",
        _rx(r"looked[- ]after|\bin care\b|children in care|in the care of|local authority care|\bLAC\b"),
        "pg:condition cond:looked-after (or cond:foster-care / cond:residential-care); unless the duty is to accommodate the child",
        lambda c, t: (
            bool({"looked-after", "foster-care", "residential-care"} & set(c.duty.conditions))
            or c.duty.action == "accommodate-child"
        ),
    ),
    _condition_limit("UASC", r"\bUASC\b|unaccompanied|asylum", "uasc"),
    _condition_limit("foster care", r"\bfoster", "foster-care", unless=_rx(r"private(ly)?[- ]foster")),
    Limit(
        "private fostering",
        _rx(r"private(ly)?[- ]foster"),
        "a trigger event:private-fostering-known (or the duty's action is to report it)",
        lambda c, t: (
            bool(_events(c.duty) & {"private-fostering-known", "private-fostering-notified"})
            or c.duty.action == "report-private-fostering"
        ),
    ),
    _condition_limit("residential care", r"residential|children'?s home", "residential-care"),
    Limit(
        "consent",
        _rx(r"\bconsent"),
        "pg:condition cond:consent (or pg:notCheckable when consent cannot be shown)",
        lambda c, t: "consent" in c.duty.conditions,
    ),
    Limit(
        "an age",
        _AGE,
        "pg:ageAtLeast / pg:ageBelow with the age the text states ('under 18' is the default and needs none)",
        lambda c, t: _age_met(c, t),
    ),
    Limit(
        "a disputed age",
        _rx(
            r"age (?:is )?(?:disputed|uncertain|unknown|in doubt)|(?:disputed|uncertain) age|age[- ]disputed|age dispute"
        ),
        "pg:includesAgeDisputed true",
        lambda c, t: c.duty.includes_age_disputed,
    ),
    _condition_limit("a disability", r"disab", "disabled"),
    Limit(
        "children's social care or the MASH as the receiver of a referral",
        _rx(r"children'?s (?:social )?(?:care|services)|social care|\bMASH\b|multi[- ]agency safeguarding hub"),
        "pg:triggerRecipient (a referral to them) or pg:recipient (a referral by the duty)",
        lambda c, t: bool(c.duty.trigger_recipient) or bool(c.duty.recipients),
    ),
    Limit(
        "a missing episode",
        _rx(r"\bmissing\b|\babsent\b|run(?:s|ning)? away|runaway|abscond"),
        "a trigger or prior event missing or returned, or a threshold counting missing episodes",
        lambda c, t: bool(_events(c.duty) & MISSING_EVENTS) or _threshold_counts(c, "missing"),
    ),
    Limit(
        "the child's return",
        _rx(r"\breturn(?:s|ed)?\b|\bcomes? back\b"),
        "a trigger or prior event returned, or pg:cancelledBy event:returned ('not returned')",
        lambda c, t: "returned" in _events(c.duty) or "returned" in c.duty.cancelled_by,
        unless=_rx(r"return(?:ing|ed)?\b[^.;]{0,40}\bcountry|safe return|return interview"),
    ),
    Limit(
        "police protection",
        _rx(r"police protection"),
        "a trigger or prior event police-protection",
        lambda c, t: "police-protection" in _events(c.duty),
    ),
    _condition_limit("an allocated social worker", r"allocated social worker", "allocated-social-worker"),
    _condition_limit("an ICTA early adopter site", r"early adopter", "early-adopter-site"),
    _condition_limit("parental responsibility", r"parental responsibility", "parental-responsibility"),
    _condition_limit(
        "an emergency protection order", r"emergency protection order|\bEPO\b", "emergency-protection-order"
    ),
    _condition_limit(
        "a language other than English",
        r"interpret|first language|preferred language|English is not",
        "not-english-speaking",
    ),
    Limit(
        "repeated episodes",
        _rx(r"\b(?:3|three) (?:times|episodes|missing|absent)|repeat(?:ed(?:ly)?)? (?:missing|episodes|absence)"),
        "pg:triggerThreshold",
        lambda c, t: c.threshold is not None,
    ),
    Limit(
        "a section 47 enquiry",
        _rx(r"section 47|\bs\.? ?47\b"),
        "a trigger or prior event section-47-enquiry(-completed), unless the duty is to start it or hold its strategy meeting",
        lambda c, t: (
            bool(_events(c.duty) & {"section-47-enquiry", "section-47-enquiry-completed"})
            or c.duty.action in ("start-section-47-enquiry", "hold-strategy-meeting", "hold-strategy-discussion")
        ),
    ),
    Limit(
        "a circumstance no case timeline records",
        _rx(
            r"suffered harm|significant harm|returned harmed|prosecution is likely|where prosecution|"
            r"if suspicions are confirmed|if (?:this|it) is not appropriate|where there are issues"
        ),
        "pg:notCheckable (a timeline cannot show it)",
        lambda c, t: False,
    ),
)


@dataclass(frozen=True, order=True)
class UnstructuredLimit:
    """One limit a checkable duty's wording names that its structured scope does not carry."""

    protocol: str
    provision: str
    duty: str
    limit: str
    words: str  # the words that name it, as written
    source: str  # condition text | label | heading
    needs: str

    def __str__(self) -> str:
        return (
            f"{self.protocol} {self.provision} {self.duty}: {self.source} names {self.limit} "
            f"('{self.words}') with no structured counterpart; needs {self.needs}, or a pg:scopeNote that says how it is met"
        )


def _named(limit: Limit, text: str) -> str:
    """The words of ``text`` naming the limit ('' when it names none)."""
    for match in limit.pattern.finditer(text):
        if limit.unless is not None and any(u.start() <= match.start() < u.end() for u in limit.unless.finditer(text)):
            continue
        return match.group(0)
    return ""


def duty_limits(check: Checkable, headings: list[str]) -> list[UnstructuredLimit]:
    """The limits a checkable duty's condition text, label or headings name and its scope lacks."""
    duty = check.duty
    note = duty.scope_note
    sources = [("condition text", duty.condition_text), ("label", duty.label)] + [("heading", h) for h in headings]
    words = " ".join(text for _, text in sources)
    found: list[UnstructuredLimit] = []
    for limit in LIMITS:
        if limit.name.startswith("children's social care") and not (
            duty.trigger in REFERRAL_EVENTS or duty.action in REFERRAL_ACTIONS
        ):
            continue  # naming the bearer ("Children's Services to visit") is not a limit
        for source, text in sources:
            named = _named(limit, text) if text else ""
            if not named or limit.met(check, words) or _named(limit, note):
                continue
            found.append(
                UnstructuredLimit(duty.protocol, duty.provision, duty.id, limit.name, named, source, limit.needs)
            )
            break
    if duty.condition_text and not note and not any(_named(limit, duty.condition_text) for limit in LIMITS):
        found.append(
            UnstructuredLimit(
                duty.protocol,
                duty.provision,
                duty.id,
                "a condition in its own words",
                duty.condition_text,
                "condition text",
                "a structured counterpart (condition, prior event, trigger qualifier), pg:notCheckable",
            )
        )
    return found


def unstructured_limits(corpus: Corpus, protocol_id: str) -> list[UnstructuredLimit]:
    """Every limit named in the words of a checkable duty of one protocol and missing from its scope."""
    graph = corpus.graph(protocol_id)
    found: list[UnstructuredLimit] = []
    for check in checkable_duties(corpus, protocol_id):
        headings = sorted(
            {str(h) for p in graph.objects(check.iri, PG.provision) for h in graph.objects(p, PG.heading)}
        )
        found.extend(duty_limits(check, headings))
    return sorted(found, key=lambda u: (reference_key(u.provision), u.duty, u.limit))

"""Which case events show that a duty was done: read from the shared vocabulary in one place.

``ontology/vocab/actions.ttl`` says, for each action, the event types that evidence it
(``pg:evidencedBy``, its principal evidence, and ``pg:alsoEvidencedBy``) and how the event's ``to`` and ``by`` must match the
duty's recipient:

* ``pg:evidenceToRecipient true``: for a duty that names a recipient, an evidencing event
  counts only when it is directed (``to``) at that recipient or a role under it; each
  recipient is a separate requirement ("contact the police and social care").
* ``pg:metByRecipientEvent true``: an event of any type done *by* the recipient itself, at
  or after the trigger, shows the recipient already knows (the police found the child), so
  the bearer need not tell it: it is not a failure.

A referral and a notification *to* a role both evidence contacting, notifying, referring or
reporting to it. A duty's own ``pg:completionEvent`` replaces the action's evidence where
the text names a different completion. The event that triggered a duty never counts as its
completion by its type (a referral does not discharge the duty it starts); an event by the
recipient does, the trigger included.

The same facts give the Python test (``Evidence.shows``, used to explain findings and to
report met duties) and the SPARQL pattern of the generated shapes (``Evidence.pattern``), so
both engines read evidence exactly as the vocabulary says."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ..cases.reading import Event
from ..corpus.namespace import ACTION, EVENT, PG, ROLE
from ..corpus.terms import short_id


@dataclass(frozen=True)
class Evidence:
    """What shows one requirement of a duty was met: the event types, the roles such an
    event must be directed at (None: any), and whether an event by those roles also shows it."""

    types: frozenset[str]
    to: frozenset[str] | None = None
    by_recipient: bool = False

    def shows(self, event: Event, trigger: Event) -> bool:
        """Whether a case event shows the requirement met for the obligation ``trigger`` started."""
        if event.at < trigger.at:
            return False
        if self.by_recipient and self.to and event.by in self.to:
            return True
        if event.type not in self.types or event.id == trigger.id:
            return False
        return self.to is None or event.to in self.to

    def pattern(self) -> str:
        """The SPARQL group binding ``?done`` / ``?doneAt`` to each event that could show this
        requirement met in the obligation's case (``?case``). The caller filters on time and
        on ``?done != ?trigger`` unless ``?doneBy`` is bound (see ``condition``): a FILTER
        inside a UNION branch cannot see the obligation's variables."""
        branches = []
        for event_type in sorted(self.types):
            lines = [f"?done pg:case ?case ; pg:eventType <{EVENT[event_type]}> ; pg:at ?doneAt ."]
            if self.to:
                lines.append(f"?done pg:to ?doneTo . FILTER (?doneTo IN ({_roles(self.to)}))")
            branches.append(" ".join(lines))
        if self.by_recipient and self.to:
            branches.append(
                f"?done pg:case ?case ; pg:by ?doneBy ; pg:at ?doneAt . FILTER (?doneBy IN ({_roles(self.to)}))"
            )
        if len(branches) == 1:
            return branches[0]
        return "\n      UNION\n      ".join(f"{{ {b} }}" for b in branches)

    def condition(self) -> str:
        """The part of the OPTIONAL's filter that keeps the trigger itself from counting by type."""
        if self.by_recipient and self.to:
            return "(?done != ?trigger || BOUND(?doneBy))"
        return "?done != ?trigger"


def _roles(roles: frozenset[str]) -> str:
    return ", ".join(f"<{ROLE[r]}>" for r in sorted(roles))


def case_roles(ontology: Graph, role: URIRef) -> frozenset[str]:
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


def _flag(graph: Graph, subject: URIRef, prop: URIRef) -> bool:
    value = graph.value(subject, prop)
    return bool(value is not None and value.toPython() is True)


def evidence_of(
    ontology: Graph, action: str, recipients: tuple[str, ...], completion_event: URIRef | None = None
) -> tuple[Evidence, ...] | str:
    """The evidence a duty's completion needs, one requirement per recipient where the
    vocabulary matches recipients, or why no case timeline can show it (a string)."""
    action_iri = ACTION[action]
    evidencing = {
        _case_id(ontology, e)
        for prop in (PG.evidencedBy, PG.alsoEvidencedBy)
        for e in ontology.objects(action_iri, prop)
    }
    if completion_event is not None:
        types = frozenset({_case_id(ontology, completion_event)})
    elif evidencing:
        types = frozenset(evidencing)
    else:
        return f"no case event shows the action '{action}' done (no pg:evidencedBy, no pg:completionEvent)"
    to_recipient = _flag(ontology, action_iri, PG.evidenceToRecipient) and bool(types & evidencing)
    if not (to_recipient and recipients):
        return (Evidence(types),)
    by_recipient = _flag(ontology, action_iri, PG.metByRecipientEvent)
    groups = []
    for recipient in recipients:
        roles = case_roles(ontology, ROLE[recipient])
        if not roles:
            return f"the recipient '{recipient}' is a role no case file can name"
        groups.append(Evidence(types, roles, by_recipient))
    return tuple(groups)


def _case_id(ontology: Graph, term: URIRef) -> str:
    return str(ontology.value(term, PG.caseId) or short_id(term))

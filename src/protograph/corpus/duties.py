"""Duties as records: who must / should / may do what, for whom, by when, under which clause."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import Graph

from .loader import Corpus
from .queries import run
from .terms import label, reference_key, short_id
from .timescales import Timescale, timescales

MODALITY_ORDER = ["must", "will", "mustNot", "should", "shouldNot", "may", "recommended"]


@dataclass(frozen=True)
class Duty:
    """One duty of one protocol, with shared terms as short ids and labels resolved."""

    protocol: str
    id: str
    label: str
    provision: str
    quote: str
    bearers: tuple[str, ...]
    action: str
    recipients: tuple[str, ...]
    modality: str
    wording: str
    trigger: str = ""
    trigger_channel: str = ""
    trigger_category: str = ""
    trigger_recipient: str = ""
    threshold: str = ""
    deadline: Timescale | None = None
    conditions: tuple[str, ...] = ()
    age_at_least: int | None = None
    age_below: int | None = None
    condition_text: str = ""
    forms: tuple[str, ...] = ()
    note: str = ""
    completion_event: str = ""
    cancelled_by: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    timescales: tuple[Timescale, ...] = ()  # time expressions other than the deadline (pg:timescale)
    not_checkable: str = ""  # why no case timeline can show it (pg:notCheckable)
    scope_note: str = ""  # how a limit its wording names is met, or why it does not restrict (pg:scopeNote)
    includes_age_disputed: bool = False  # applies to an age-disputed person whatever the age recorded
    labels: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def when(self) -> str:
        """The deadline in plain words ('within 24–48 hours of joint-visit trigger')."""
        if self.deadline is None:
            return ""
        return due_phrase(self.deadline)

    def as_row(self) -> dict[str, object]:
        """The duty as a plain dict (JSON-ready)."""
        row = asdict(self)
        row.pop("labels")
        row["deadline"] = self.deadline.as_row() if self.deadline else None
        row["timescales"] = [t.as_row() for t in self.timescales]
        row["when"] = self.when()
        return row


def duration_words(ts: Timescale) -> str:
    """A timescale's length as words: '72 hours', '24–48 hours', '7 working days' ('' when it states none)."""
    if ts.min is None or ts.max is None:
        return ""
    low, high = _words(ts.min, ts.working_days), _words(ts.max, ts.working_days)
    return high if low == high else f"{low.split(' ')[0]}–{high}"


def due_phrase(ts: Timescale) -> str:
    """A timescale as words: 'immediately', 'within 72 hours', 'within 24–48 hours'."""
    text = span_phrase(ts)
    if ts.relative_to:
        text += f" of {ts.relative_to}"
    if ts.soft:
        text += " (soft)"
    return text


def span_phrase(ts: Timescale) -> str:
    """How long a timescale gives, as words: 'immediately', 'within 72 hours', 'within 24–48
    hours', 'within 7 working days'."""
    if ts.immediate:
        return "immediately"
    words = duration_words(ts)
    return f"within {words}" if words else "no stated length"


def _words(iso: str, working: bool) -> str:
    import re

    match = re.fullmatch(r"P(T?)([\d.]+)([MHDWY])", iso)
    if not match:
        return iso
    is_time, number, unit = match.groups()
    names = {
        ("T", "M"): "minute",
        ("T", "H"): "hour",
        ("", "D"): "working day" if working else "day",
        ("", "W"): "week",
        ("", "M"): "month",
        ("", "Y"): "year",
    }
    name = names[(is_time, unit)]
    return f"{number} {name}{'' if number == '1' else 's'}"


def duties(corpus: Corpus, protocols: list[str] | None = None) -> list[Duty]:
    """Every duty of the chosen protocols (all when None), in document order."""
    chosen = sorted(set(protocols) if protocols is not None else set(corpus.ids()))
    result: list[Duty] = []
    for protocol_id in chosen:
        corpus.info(protocol_id)
        result.extend(corpus.memo(("duties", protocol_id), lambda pid=protocol_id: _protocol_duties(corpus, pid)))
    return result


def _protocol_duties(corpus: Corpus, protocol_id: str) -> list[Duty]:
    graph = corpus.graph(protocol_id)
    deadlines = {t.id: t for t in timescales(corpus, [protocol_id])}
    ontology: Graph = corpus.ontology
    core: dict[str, dict[str, object]] = {}
    rows = sorted(
        run(graph, "duties"), key=lambda r: (str(r.duty), reference_key(str(r.reference)), str(r.quote), str(r.bearer))
    )
    for r in rows:
        row = core.setdefault(
            str(r.duty),
            {
                "label": str(r.label),
                "provision": str(r.reference),
                "quote": str(r.quote),
                "action": r.action,
                "modality": short_id(r.modality),
                "wording": str(r.wording),
                "bearers": set(),
            },
        )
        row["bearers"].add(r.bearer)  # type: ignore[union-attr]
    facets: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in run(graph, "duty-facets"):
        facets[str(r.duty)][short_id(r.facet)].append(r.value)
    result = []
    for iri, row in core.items():
        facet = facets[iri]

        def one(name: str, facet: dict = facet) -> object:
            values = sorted(facet.get(name, []))
            return values[0] if values else None

        labels = {
            short_id(t): label(ontology, t) for t in [*row["bearers"], *facet.get("recipient", []), row["action"]]
        }
        deadline = one("deadline")
        result.append(
            Duty(
                protocol=protocol_id,
                id=short_id(iri),
                label=row["label"],
                provision=row["provision"],
                quote=row["quote"],
                bearers=tuple(sorted(short_id(b) for b in row["bearers"])),
                action=short_id(row["action"]),
                recipients=tuple(sorted(short_id(v) for v in facet.get("recipient", []))),
                modality=row["modality"],
                wording=row["wording"],
                trigger=short_id(one("trigger")) if one("trigger") is not None else "",
                trigger_channel=str(one("triggerChannel") or ""),
                trigger_category=str(one("triggerCategory") or ""),
                trigger_recipient=short_id(one("triggerRecipient")) if one("triggerRecipient") is not None else "",
                threshold=short_id(one("triggerThreshold")) if one("triggerThreshold") is not None else "",
                deadline=deadlines.get(short_id(deadline)) if deadline is not None else None,
                conditions=tuple(sorted(short_id(v) for v in facet.get("condition", []))),
                age_at_least=int(one("ageAtLeast")) if one("ageAtLeast") is not None else None,
                age_below=int(one("ageBelow")) if one("ageBelow") is not None else None,
                condition_text=" ".join(str(v) for v in sorted(facet.get("conditionText", []))),
                forms=tuple(sorted(short_id(v) for v in facet.get("form", []))),
                note=" ".join(str(v) for v in sorted(facet.get("editorialNote", []))),
                completion_event=short_id(one("completionEvent")) if one("completionEvent") is not None else "",
                cancelled_by=tuple(sorted(short_id(v) for v in facet.get("cancelledBy", []))),
                requires=tuple(sorted(short_id(v) for v in facet.get("requiresPriorEvent", []))),
                timescales=tuple(
                    deadlines[short_id(v)] for v in sorted(facet.get("timescale", [])) if short_id(v) in deadlines
                ),
                not_checkable=" ".join(str(v) for v in sorted(facet.get("notCheckable", []))),
                scope_note=" ".join(str(v) for v in sorted(facet.get("scopeNote", []))),
                includes_age_disputed=any(v.toPython() is True for v in facet.get("includesAgeDisputed", [])),
                labels=labels,
            )
        )
    return sorted(result, key=lambda d: (reference_key(d.provision), d.id))


def modality_rank(modality: str) -> int:
    """Order modalities from most to least binding."""
    return MODALITY_ORDER.index(modality) if modality in MODALITY_ORDER else len(MODALITY_ORDER)

"""Duties as records: who must / should / may do what, for whom, by when, under which clause."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rdflib import Graph, URIRef

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
        row["when"] = self.when()
        return row


def due_phrase(ts: Timescale) -> str:
    """A timescale as words: 'immediately', 'within 72 hours', 'within 24–48 hours'."""
    if ts.immediate:
        text = "immediately"
    else:
        low, high = _words(ts.min, ts.working_days), _words(ts.max, ts.working_days)
        text = f"within {high}" if low == high else f"within {low.split(' ')[0]}–{high}"
    if ts.relative_to:
        text += f" of {ts.relative_to}"
    if ts.soft:
        text += " (soft)"
    return text


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


def _ids(value: object) -> tuple[str, ...]:
    return tuple(sorted(short_id(v) for v in str(value).split())) if value else ()


def duties(corpus: Corpus, protocols: list[str] | None = None) -> list[Duty]:
    """Every duty of the chosen protocols (all when None), in document order."""
    chosen = set(protocols) if protocols is not None else set(corpus.ids())
    for protocol_id in chosen:
        corpus.info(protocol_id)
    deadlines = {(t.protocol, t.id): t for t in timescales(corpus, sorted(chosen))}
    ontology: Graph = corpus.ontology
    result = []
    for r in run(corpus.dataset, "duties"):
        protocol = str(r.protocol)
        if protocol not in chosen:
            continue
        labels = {}
        for iri in [*str(r.bearers).split(), *str(r.recipients).split(), str(r.action)]:
            if iri:
                labels[short_id(iri)] = label(ontology, URIRef(iri))
        result.append(
            Duty(
                protocol=protocol,
                id=short_id(r.duty),
                label=str(r.label),
                provision=str(r.reference),
                quote=str(r.quote),
                bearers=_ids(r.bearers),
                action=short_id(r.action),
                recipients=_ids(r.recipients),
                modality=short_id(r.modality),
                wording=str(r.wording),
                trigger=short_id(r.trigger) if r.trigger is not None else "",
                trigger_channel=str(r.channel or ""),
                trigger_category=str(r.category or ""),
                trigger_recipient=short_id(r.triggerRecipient) if r.triggerRecipient is not None else "",
                threshold=short_id(r.threshold) if r.threshold is not None else "",
                deadline=deadlines.get((protocol, short_id(r.deadline))) if r.deadline is not None else None,
                conditions=_ids(r.conditions),
                age_at_least=int(r.ageAtLeast) if r.ageAtLeast is not None else None,
                age_below=int(r.ageBelow) if r.ageBelow is not None else None,
                condition_text=str(r.conditionText or ""),
                forms=_ids(r.forms),
                note=str(r.note or ""),
                labels=labels,
            )
        )
    return sorted(result, key=lambda d: (d.protocol, reference_key(d.provision), d.id))


def modality_rank(modality: str) -> int:
    """Order modalities from most to least binding."""
    return MODALITY_ORDER.index(modality) if modality in MODALITY_ORDER else len(MODALITY_ORDER)

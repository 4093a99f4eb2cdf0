"""A readable summary of one protocol (`protograph show`): what it encodes (counted by
``corpus.catalogue.fact_counts``), and its duties by role with deadlines and clauses."""

from __future__ import annotations

import json
from collections import defaultdict

from rdflib import Graph
from rdflib.namespace import PROV

from ..corpus.catalogue import fact_counts
from ..corpus.duties import Duty, duties, modality_rank
from ..corpus.loader import Corpus
from ..corpus.namespace import COND
from ..corpus.terms import label, short_id
from .formats import render


def duties_by_role(corpus: Corpus, protocol_id: str) -> dict[str, list[Duty]]:
    """The protocol's duties grouped by bearer role label; most binding first."""
    groups: dict[str, list[Duty]] = defaultdict(list)
    for duty in duties(corpus, [protocol_id]):
        for bearer in duty.bearers:
            groups[duty.labels.get(bearer, bearer)].append(duty)
    return {
        role: sorted(items, key=lambda d: (modality_rank(d.modality), d.provision, d.id))
        for role, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    }


def _details(duty: Duty, ontology: Graph, uncheckable: dict[str, str]) -> str:
    from ..checking.time_kinds import kind_phrase

    parts = []
    if duty.recipients:
        parts.append("to " + ", ".join(duty.labels.get(r, r) for r in duty.recipients))
    if duty.trigger:
        trigger = duty.trigger
        qualifiers = [q for q in (duty.trigger_channel, duty.trigger_category) if q]
        if duty.trigger_recipient:
            qualifiers.append(f"to {duty.trigger_recipient}")
        parts.append("when " + trigger + (f" ({', '.join(qualifiers)})" if qualifiers else ""))
    if duty.requires:
        parts.append("after " + ", ".join(duty.requires))
    if duty.threshold:
        parts.append(f"threshold {duty.threshold}")
    if duty.when():
        parts.append("due " + duty.when())
    parts.extend(kind_phrase(t) for t in duty.timescales)
    conditions = [label(ontology, COND[c]) for c in duty.conditions]
    if duty.age_at_least is not None:
        conditions.append(f"aged {duty.age_at_least}+")
    if duty.age_below is not None:
        conditions.append(f"under {duty.age_below}")
    if conditions:
        parts.append("if " + ", ".join(conditions))
    if duty.includes_age_disputed:
        parts.append("also where the age is disputed")
    if duty.forms:
        parts.append("using " + ", ".join(duty.forms))
    if duty.id in uncheckable:
        parts.append(f"not checkable: {uncheckable[duty.id]}")
    return "; ".join(parts)


def render_show(corpus: Corpus, protocol_id: str, fmt: str) -> str:
    """The readable summary of one protocol in the chosen format."""
    info = corpus.info(protocol_id)
    graph = corpus.graph(protocol_id)
    counts = fact_counts(graph)
    previous = graph.value(info.iri, PROV.wasRevisionOf)
    groups = duties_by_role(corpus, protocol_id)
    from ..checking.deadlines import not_checkable

    uncheckable = not_checkable(corpus, protocol_id)
    if fmt == "json":
        return json.dumps(
            {
                "protocol": protocol_id,
                "title": info.title,
                "issuer": info.issuer,
                "date": info.date,
                "revision_of": short_id(previous) if previous is not None else None,
                "counts": counts,
                "duties_by_role": {
                    role: [{**d.as_row(), "not_checkable": uncheckable.get(d.id, "")} for d in items]
                    for role, items in groups.items()
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    encoded = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
    header = [
        f"{protocol_id}: {info.title}",
        f"Issuer: {info.issuer}    Date: {info.date or 'undated'}"
        + (f"    Revision of: {short_id(previous)}" if previous is not None else ""),
        f"Encoded: {encoded}",
    ]
    if fmt == "markdown":
        lines = [f"# {protocol_id}", "", f"**{info.title}**", "", *(f"- {h}" for h in header[1:]), ""]
        for role, items in groups.items():
            lines.append(f"## {role} ({len(items)})")
            lines.append("")
            rows = [
                {
                    "modality": d.modality,
                    "duty": d.label,
                    "details": _details(d, corpus.ontology, uncheckable),
                    "clause": d.provision,
                }
                for d in items
            ]
            lines.append(render(rows, ["modality", "duty", "details", "clause"], "markdown"))
            lines.append("")
        return "\n".join(lines).rstrip()
    lines = [*header, ""]
    for role, items in groups.items():
        lines.append(f"== {role} ({len(items)}) ==")
        for d in items:
            lines.append(f"  [{d.modality}] {d.label}  ({protocol_id} {d.provision})")
            details = _details(d, corpus.ontology, uncheckable)
            if details:
                lines.append(f"      {details}")
        lines.append("")
    return "\n".join(lines).rstrip()

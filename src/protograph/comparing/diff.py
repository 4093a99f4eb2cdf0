"""What changed between two protocol versions: added, removed and changed duties, timescales,
definitions, indicators and forms, each with clause references and quotes on both sides.

Facts are matched across versions by what they are about, not by id (ids carry each
version's own clause numbers): a duty by its action, trigger and bearers (then by action and
trigger alone when that is unambiguous), a timescale by its topic, kind and starting event,
a definition by the concept it defines, an indicator by its list kind and normalised text,
a form by its shared kind. An agency named differently in the two versions is a rename, not a
change (see conflicts.renames)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SKOS

from ..corpus.duties import Duty, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import PG
from ..corpus.terms import first_provision, label, reference_key, short_id
from ..corpus.timescales import Timescale, timescales
from ..store.engines import OxigraphEngine
from .conflicts import _definition_value, renames

AREAS = ["duty", "timescale", "definition", "indicator", "form", "rename"]


@dataclass(frozen=True)
class Change:
    """One difference between version A and version B."""

    kind: str  # added | removed | changed | rename
    area: str  # duty | timescale | definition | indicator | form | rename
    topic: str
    before: tuple[str, str, str] | None  # (provision, value, quote) in A
    after: tuple[str, str, str] | None  # (provision, value, quote) in B

    def as_row(self, a: str, b: str) -> dict[str, object]:
        """The change as plain data, sides as in conflicts (protocol, provision, value, quote)."""
        sides = []
        for protocol, side in ((a, self.before), (b, self.after)):
            if side is not None:
                sides.append({"protocol": protocol, "provision": side[0], "value": side[1], "quote": side[2]})
            else:
                sides.append({"protocol": protocol, "provision": "", "value": "(none)", "quote": ""})
        return {"kind": self.kind, "area": self.area, "topic": f"{self.area}: {self.topic}", "sides": sides}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def duty_summary(d: Duty) -> str:
    """A duty in one line: modality and wording, bearers, recipients, deadline, conditions."""
    parts = [f"{d.modality} ({d.wording})", "by " + ", ".join(d.bearers)]
    if d.recipients:
        parts.append("to " + ", ".join(d.recipients))
    if d.when():
        parts.append(d.when())
    if d.conditions:
        parts.append("if " + ", ".join(d.conditions))
    return "; ".join(parts)


def _duty_change(kind: str, a: Duty | None, b: Duty | None) -> Change:
    """One duty change, each side with its clause, summary and quote."""
    either = a if a is not None else b
    assert either is not None
    return Change(
        kind,
        "duty",
        f"{either.action} after {either.trigger or '—'}",
        (a.provision, duty_summary(a), a.quote) if a is not None else None,
        (b.provision, duty_summary(b), b.quote) if b is not None else None,
    )


def _duty_changes(a: list[Duty], b: list[Duty]) -> list[Change]:
    def key(d: Duty) -> tuple:
        return (d.action, d.trigger, d.bearers)

    def compare(d: Duty) -> tuple:
        return (
            d.modality,
            d.recipients,
            d.deadline.max if d.deadline else None,
            d.deadline.immediate if d.deadline else None,
            d.conditions,
            d.age_at_least,
            d.age_below,
        )

    changes: list[Change] = []
    left: dict[tuple, list[Duty]] = defaultdict(list)
    right: dict[tuple, list[Duty]] = defaultdict(list)
    for d in a:
        left[key(d)].append(d)
    for d in b:
        right[key(d)].append(d)
    unmatched_a: list[Duty] = []
    unmatched_b: list[Duty] = []
    for k in sorted(set(left) | set(right), key=str):
        la = sorted(left.get(k, []), key=lambda d: reference_key(d.provision))
        rb = sorted(right.get(k, []), key=lambda d: reference_key(d.provision))
        pairs = _pair_by_wording(la, rb, unique_pairs=bool(k[1]))
        for da, db in pairs:
            if compare(da) != compare(db):
                changes.append(_duty_change("changed", da, db))
        paired = {id(d) for pair in pairs for d in pair}
        unmatched_a += [d for d in la if id(d) not in paired]
        unmatched_b += [d for d in rb if id(d) not in paired]
    by_action_a: dict[tuple, list[Duty]] = defaultdict(list)
    by_action_b: dict[tuple, list[Duty]] = defaultdict(list)
    for d in unmatched_a:
        by_action_a[(d.action, d.trigger)].append(d)
    for d in unmatched_b:
        by_action_b[(d.action, d.trigger)].append(d)
    for k in sorted(set(by_action_a) | set(by_action_b), key=str):
        la, rb = by_action_a.get(k, []), by_action_b.get(k, [])
        pairs = _pair_by_wording(la, rb, unique_pairs=bool(k[1]))
        for da, db in pairs:
            changes.append(_duty_change("changed", da, db))
        paired_a = {id(da) for da, _ in pairs}
        paired_b = {id(db) for _, db in pairs}
        changes += [_duty_change("removed", d, None) for d in la if id(d) not in paired_a]
        changes += [_duty_change("added", None, d) for d in rb if id(d) not in paired_b]
    return changes


def _similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def _pair_by_wording(la: list[Duty], rb: list[Duty], unique_pairs: bool) -> list[tuple[Duty, Duty]]:
    """Pair duties of the same action that one version carried over to the next: a lone
    triggered duty on each side, or else the closest wording (at least half alike)."""
    if unique_pairs and len(la) == 1 and len(rb) == 1:
        return [(la[0], rb[0])]
    scored = sorted(
        ((_similarity(da.quote, db.quote), i, j) for i, da in enumerate(la) for j, db in enumerate(rb)), reverse=True
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score < 0.5 or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((la[i], rb[j]))
    return pairs


def _ts_value(t: Timescale) -> str:
    span = "immediately" if t.immediate else (t.max if t.min == t.max else f"{t.min}–{t.max}")
    extra = (" working days" if t.working_days else "") + (" (soft)" if t.soft else "")
    after = f" of {t.relative_to}" if t.relative_to else ""
    return f"{span}{extra}{after}: {t.what}"


def _timescale_changes(a: list[Timescale], b: list[Timescale]) -> list[Change]:
    def key(t: Timescale) -> tuple:
        return (t.topic, t.kind, t.relative_to)

    def compare(t: Timescale) -> tuple:
        return (t.min, t.max, t.working_days, t.immediate, t.soft, t.relative_to)

    left, right = defaultdict(list), defaultdict(list)
    for t in a:
        left[key(t)].append(t)
    for t in b:
        right[key(t)].append(t)
    for k in sorted(set(left) | set(right)):
        if left.get(k) and right.get(k):
            continue
        others_a = [o for o in left if o[:2] == k[:2] and o not in right]
        others_b = [o for o in right if o[:2] == k[:2] and o not in left]
        if len(others_a) == 1 and len(others_b) == 1 and len(left[others_a[0]]) == 1 and len(right[others_b[0]]) == 1:
            merged = (k[0], k[1], "*")
            left[merged], right[merged] = left.pop(others_a[0]), right.pop(others_b[0])
    changes = []
    for k in sorted(set(left) | set(right)):
        la = sorted(left.get(k, []), key=lambda t: (compare(t), reference_key(t.provision)))
        rb = sorted(right.get(k, []), key=lambda t: (compare(t), reference_key(t.provision)))
        values_a, values_b = {compare(t) for t in la}, {compare(t) for t in rb}
        topic = f"{k[0]} ({k[1]})"
        if la and rb and values_a != values_b:
            changes.append(
                Change(
                    "changed",
                    "timescale",
                    topic,
                    (la[0].provision, _ts_value(la[0]), la[0].quote),
                    (rb[0].provision, _ts_value(rb[0]), rb[0].quote),
                )
            )
        elif la and not rb:
            changes += [Change("removed", "timescale", topic, (t.provision, _ts_value(t), t.quote), None) for t in la]
        elif rb and not la:
            changes += [Change("added", "timescale", topic, None, (t.provision, _ts_value(t), t.quote)) for t in rb]
    return changes


def _definitions(graph: Graph, ontology: Graph, protocol_id: str) -> dict[str, list[tuple[str, str, str]]]:
    engine = OxigraphEngine(graph)
    facets: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    meta: dict[str, tuple[str, str, str]] = {}
    for r in engine.query("definition-differs-for-same-concept"):
        row = (str(r.concept), str(r.reference), str(r.quote))  # a definition citing several passages:
        earlier = meta.get(str(r.definition), row)  # the first in document order, the same every run
        meta[str(r.definition)] = min(earlier, row, key=lambda m: (reference_key(m[1]), m))
        if r.value is not None and short_id(r.facet) != "definedBy":
            facets[str(r.definition)][short_id(r.facet)].add(r.value)
    result: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for definition, (concept, reference, quote) in meta.items():
        result[label(ontology, concept_iri(concept))].append(
            (reference, _definition_value(engine, ontology, facets[definition]), quote)
        )
    return result


def concept_iri(text: str):  # noqa: ANN201 - an rdflib URIRef
    """A concept's IRI from its text."""
    from rdflib import URIRef

    return URIRef(text)


def _definition_changes(a: dict, b: dict) -> list[Change]:
    changes = []
    for concept in sorted(set(a) | set(b)):
        la, rb = sorted(a.get(concept, [])), sorted(b.get(concept, []))
        if la and rb:
            if {v for _, v, _ in la} != {v for _, v, _ in rb}:
                changes.append(Change("changed", "definition", concept, la[0], rb[0]))
        elif la:
            changes += [Change("removed", "definition", concept, side, None) for side in la]
        else:
            changes += [Change("added", "definition", concept, None, side) for side in rb]
    return changes


def _indicators(graph: Graph, ontology: Graph) -> dict[tuple[str, str], tuple[str, str, str]]:
    items: dict[tuple[str, str], tuple[str, str, str]] = {}
    for indicator_list in graph.subjects(RDF.type, PG.IndicatorList):
        kind = label(ontology, graph.value(indicator_list, PG.listKind))
        for member in graph.objects(indicator_list, SKOS.member):
            text = str(graph.value(member, RDFS.label) or short_id(member))
            provision = graph.value(member, PG.provision)
            reference = str(graph.value(provision, PG.reference) or "")
            quote = str(graph.value(provision, PG.quote) or "")
            items.setdefault((kind, _norm(text)), (reference, text, quote))
    return items


def _indicator_changes(a: dict, b: dict) -> list[Change]:
    changes = []
    for key in sorted(set(a) - set(b)):
        changes.append(Change("removed", "indicator", key[0], a[key], None))
    for key in sorted(set(b) - set(a)):
        changes.append(Change("added", "indicator", key[0], None, b[key]))
    return changes


def _forms(graph: Graph, ontology: Graph) -> dict[str, tuple[str, str, str]]:
    forms: dict[str, tuple[str, str, str]] = {}
    for instrument in sorted(graph.subjects(PG.instrumentKind, None)):
        kind = label(ontology, graph.value(instrument, PG.instrumentKind))
        purposes = ", ".join(sorted(label(ontology, p) for p in graph.objects(instrument, PG.purpose)))
        provision = first_provision(graph, graph.objects(instrument, PG.provision))
        forms.setdefault(
            kind,
            (
                str(graph.value(provision, PG.reference) or ""),
                f"{kind} — for: {purposes}",
                str(graph.value(provision, PG.quote) or ""),
            ),
        )
    return forms


def _form_changes(a: dict, b: dict) -> list[Change]:
    changes = []
    for kind in sorted(set(a) | set(b)):
        if kind in a and kind in b:
            if a[kind][1] != b[kind][1]:
                changes.append(Change("changed", "form", kind, a[kind], b[kind]))
        elif kind in a:
            changes.append(Change("removed", "form", kind, a[kind], None))
        else:
            changes.append(Change("added", "form", kind, None, b[kind]))
    return changes


def diff(corpus: Corpus, a: str, b: str, areas: list[str] | None = None) -> list[Change]:
    """Every change from version ``a`` to version ``b``, grouped by area then kind."""
    corpus.info(a)
    corpus.info(b)
    wanted = areas or AREAS
    ontology = corpus.ontology
    changes: list[Change] = []
    if "duty" in wanted:
        changes += _duty_changes(duties(corpus, [a]), duties(corpus, [b]))
    if "timescale" in wanted:
        changes += _timescale_changes(timescales(corpus, [a]), timescales(corpus, [b]))
    if "definition" in wanted:
        changes += _definition_changes(
            _definitions(corpus.graph(a), ontology, a), _definitions(corpus.graph(b), ontology, b)
        )
    if "indicator" in wanted:
        changes += _indicator_changes(_indicators(corpus.graph(a), ontology), _indicators(corpus.graph(b), ontology))
    if "form" in wanted:
        changes += _form_changes(_forms(corpus.graph(a), ontology), _forms(corpus.graph(b), ontology))
    if "rename" in wanted:
        from .conflicts import engine_for

        for rename in renames(engine_for(corpus, sorted({a, b})), ontology):
            before = next((s for s in rename.sides if s.protocol == a), None)
            after = next((s for s in rename.sides if s.protocol == b), None)
            if before and after:
                changes.append(
                    Change(
                        "rename",
                        "rename",
                        rename.concept,
                        (before.provision, before.value, before.quote),
                        (after.provision, after.value, after.quote),
                    )
                )
    order = {"changed": 0, "added": 1, "removed": 2, "rename": 3}
    return sorted(changes, key=lambda c: (AREAS.index(c.area), order[c.kind], c.topic, c.before or (), c.after or ()))

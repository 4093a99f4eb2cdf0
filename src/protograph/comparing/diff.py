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
from dataclasses import dataclass, replace

from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SKOS

from ..corpus.duties import Duty, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import PG, TOPIC
from ..corpus.terms import first_provision, label, reference_key, short_id
from ..corpus.timescales import Timescale, timescales
from ..errors import EncodingError
from ..store.engines import OxigraphEngine
from .alignment import alignment, carried_over, normalised
from .by_obligation import (
    FORBIDDING,
    MODALITY_WORDS,
    STRENGTH,
    _event_words,
    _term,
    deadline_words,
    hours_of,
    role_words,
    same_body,
    scope_words,
)
from .conflicts import _definition_value, definition_citation, definition_key, renames

AREAS = ["duty", "timescale", "threshold", "definition", "indicator", "form", "rename"]


@dataclass(frozen=True)
class Change:
    """One difference between version A and version B."""

    kind: str  # added | removed | changed | moved | rename
    area: str  # duty | timescale | threshold | definition | indicator | form | rename
    topic: str
    before: tuple[str, str, str] | None  # (provision, value, quote) in A
    after: tuple[str, str, str] | None  # (provision, value, quote) in B
    facets: tuple[str, ...] = ()  # what changed, 'deadline: 24 hours → 48 hours'
    obligation: str = ""
    summary: str = ""
    rank: int = 0
    weight: tuple = ()

    def as_row(self, a: str, b: str) -> dict[str, object]:
        """The change as plain data, sides as in conflicts (protocol, provision, value, quote)."""
        sides = []
        for protocol, side in ((a, self.before), (b, self.after)):
            if side is not None:
                sides.append({"protocol": protocol, "provision": side[0], "value": side[1], "quote": side[2]})
            else:
                sides.append({"protocol": protocol, "provision": "", "value": "(none)", "quote": ""})
        return {
            "kind": self.kind,
            "area": self.area,
            "topic": f"{self.area}: {self.topic}",
            "sides": sides,
            "facets": list(self.facets),
            "rank": self.rank,
            "summary": self.summary,
            "obligation": self.obligation,
        }


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def duty_summary(corpus: Corpus, d: Duty) -> str:
    """A duty in one line, in words: modality and wording, act, bearers, recipients, deadline,
    conditions."""
    ontology = corpus.ontology
    parts = [
        f"{MODALITY_WORDS.get(d.modality, d.modality)} (“{d.wording}”) {d.labels.get(d.action, d.action)}",
        "by " + role_words(ontology, d.bearers),
    ]
    if d.recipients:
        parts.append("to " + role_words(ontology, d.recipients))
    if d.when():
        parts.append(d.when())
    if d.conditions:
        parts.append("if " + ", ".join(_term(ontology, "condition", c) for c in d.conditions))
    return "; ".join(parts)


def form_words(corpus: Corpus, protocol_id: str, forms: tuple[str, ...]) -> str:
    """The forms a duty names, each by its label and clause: 'police Children and Young
    People form (CYP) (5.2)'."""

    def build() -> dict[str, str]:
        graph = corpus.graph(protocol_id)
        named = {}
        for instrument in graph.subjects(PG.instrumentKind, None):
            provision = first_provision(graph, graph.objects(instrument, PG.provision))
            clause = str(graph.value(provision, PG.reference) or "") if provision is not None else ""
            words = label(graph, instrument)
            named[short_id(instrument)] = f"{words} ({clause})" if clause else words
        return named

    named = corpus.memo(("form-words", protocol_id), build)
    return ", ".join(sorted(named.get(f, f) for f in forms)) or "none named"


def duty_facets(corpus: Corpus, d: Duty) -> dict[str, tuple[object, str]]:
    """The facets of a duty a change is reported on: per facet, what is compared (modality by
    strength, a form by its kind) and its words (modality as written: 'will')."""
    ontology = corpus.ontology
    modal = MODALITY_WORDS.get(d.modality, d.modality)
    graph = corpus.graph(d.protocol)
    kinds = set()
    for f in d.forms:
        for instrument in graph.subjects(PG.instrumentKind, None):
            if short_id(instrument) == f:
                kinds.add(str(graph.value(instrument, PG.instrumentKind)))
    return {
        "modality": ((STRENGTH.get(d.modality, 0), d.modality in FORBIDDING), modal),
        "deadline": (deadline_words(d.deadline),) * 2,
        "bearer": (role_words(ontology, d.bearers),) * 2,
        "recipient": (role_words(ontology, d.recipients) or "none named",) * 2,
        "scope": (scope_words(d, ontology),) * 2,
        "form": (tuple(sorted(kinds)) or tuple(d.forms), form_words(corpus, d.protocol, d.forms)),
    }


def _same_bodies(corpus: Corpus, p: tuple[str, ...], q: tuple[str, ...]) -> bool:
    """Whether every role of each side is, or is within or above, a role of the other (the
    local authority, its children's services: one body)."""
    ontology = corpus.ontology
    return all(same_body(ontology, {r}, q) for r in p) and all(same_body(ontology, {r}, p) for r in q)


def _facet_changes(corpus: Corpus, da: Duty, db: Duty) -> tuple[str, ...]:
    fa, fb = duty_facets(corpus, da), duty_facets(corpus, db)
    changed = []
    for name in fa:
        if fa[name][0] == fb[name][0]:
            continue
        if name in ("bearer", "recipient"):
            attribute = "bearers" if name == "bearer" else "recipients"
            p, q = getattr(da, attribute), getattr(db, attribute)
            if p and q and _same_bodies(corpus, p, q):
                continue  # children's services → local authority: the same body named more widely
        changed.append(f"{name}: {fa[name][1]} → {fb[name][1]}")
    return tuple(changed)


def _duty_change(corpus: Corpus, kind: str, a: Duty | None, b: Duty | None, facets: tuple[str, ...] = ()) -> Change:
    """One duty change, each side with its clause, summary and quote."""
    either = a if a is not None else b
    assert either is not None
    topic = either.label
    obligations_of = alignment(corpus)
    obligation = ", ".join(obligations_of.get((either.protocol, either.id), ()))
    safety = 0 if (either.trigger or either.deadline) else 1
    gap = 0.0
    if a is not None and b is not None:
        ha, hb = hours_of(a.deadline), hours_of(b.deadline)
        gap = abs(ha - hb) if ha is not None and hb is not None else (10_000.0 if (ha is None) != (hb is None) else 0.0)
    strong = 0 if STRENGTH.get(either.modality, 0) >= 3 else 1
    return Change(
        kind,
        "duty",
        topic,
        (a.provision, duty_summary(corpus, a), a.quote) if a is not None else None,
        (b.provision, duty_summary(corpus, b), b.quote) if b is not None else None,
        facets,
        obligation,
        weight=(safety, {"changed": 0, "removed": 1, "added": 2, "moved": 3}[kind], strong, -gap),
    )


def _duty_changes(corpus: Corpus, a_id: str, b_id: str) -> list[Change]:
    """Duties paired on the alignment: a sentence carried over, else duties aligned to one
    obligation, closest wording first. A duty left unpaired is added or removed only when its
    sentence does not stand in the other version's text."""
    a, b = duties(corpus, [a_id]), duties(corpus, [b_id])
    pairs: list[tuple[Duty, Duty]] = [
        (p.older, p.newer) for p in carried_over(corpus) if p.older.protocol == a_id and p.newer.protocol == b_id
    ]
    paired_a = {d.id for d, _ in pairs}
    paired_b = {d.id for _, d in pairs}
    found = alignment(corpus)
    by_obligation_a: dict[str, list[Duty]] = defaultdict(list)
    by_obligation_b: dict[str, list[Duty]] = defaultdict(list)
    for d in a:
        if d.id not in paired_a:
            for o in found.get((d.protocol, d.id), ()):
                by_obligation_a[o].append(d)
    for d in b:
        if d.id not in paired_b:
            for o in found.get((d.protocol, d.id), ()):
                by_obligation_b[o].append(d)
    # a duty aligned to several obligations (guide 91 "contact to the local Multi-Agency
    # Safeguarding Hub" for exploitation and for trafficking) may meet, under each obligation,
    # the other version's duty for it (met-2013 5.2 encodes the referral once per kind);
    # carried-over pairs are fixed, and a pair needs at least one side not yet paired
    carried = set(paired_a) | set(paired_b)
    text_a, text_b = _source(corpus, a_id), _source(corpus, b_id)
    for obligation in sorted(set(by_obligation_a) & set(by_obligation_b)):
        la = [d for d in by_obligation_a[obligation] if d.id not in carried]
        rb = [d for d in by_obligation_b[obligation] if d.id not in carried]
        fresh = {d.id for d in la if d.id not in paired_a} | {d.id for d in rb if d.id not in paired_b}
        for da, db in _pair_by_wording(corpus.ontology, la, rb, fresh, (text_a, text_b)):
            pairs.append((da, db))
            paired_a.add(da.id)
            paired_b.add(db.id)
    changes: list[Change] = []
    for da, db in sorted(pairs, key=lambda p: (reference_key(p[0].provision), p[0].id)):
        facets = _facet_changes(corpus, da, db)
        if facets and normalised(da.quote) == normalised(db.quote):
            facets = ()  # the same sentence: the encoders read it differently, the text did not change
        if facets:
            changes.append(_duty_change(corpus, "changed", da, db, facets))
        elif da.provision != db.provision:
            changes.append(_duty_change(corpus, "moved", da, db, (f"clause: {da.provision} → {db.provision}",)))
    for d in a:
        if d.id not in paired_a and not _stands_in(d.quote, text_b):
            changes.append(_duty_change(corpus, "removed", d, None))
    for d in b:
        if d.id not in paired_b and not _stands_in(d.quote, text_a):
            changes.append(_duty_change(corpus, "added", None, d))
    return changes


def _source(corpus: Corpus, protocol_id: str) -> str | None:
    def build() -> str | None:
        from ..corpus.encoding_checks import source_text_for

        try:
            return " " + normalised(source_text_for(corpus.graph(protocol_id), corpus.info(protocol_id).path)[1]) + " "
        except EncodingError:
            return None

    return corpus.memo(("normalised-source", protocol_id), build)


def _stands_in(quote: str, text: str | None) -> bool:
    """Whether every fragment of a quote stands (normalised) in a source text."""
    if text is None:
        return False
    parts = [normalised(part) for part in quote.split("[...]") if normalised(part)]
    return bool(parts) and all(f" {part} " in text for part in parts)


def _similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def _agreement(ontology: Graph, a: Duty, b: Duty) -> int:
    """How many of action, recipient, bearer, trigger and naming a form two duties share (roles on one
    skos:broader chain count as one body: the MASH is children's services' front door)."""
    return (
        (a.action == b.action)
        + (same_body(ontology, a.recipients, b.recipients) or not (a.recipients or b.recipients))
        + same_body(ontology, a.bearers, b.bearers)
        + (a.trigger == b.trigger)
        + (bool(a.forms) == bool(b.forms))
    )


def _pair_by_wording(
    ontology: Graph, la: list[Duty], rb: list[Duty], fresh: set[str], texts: tuple[str | None, str | None]
) -> list[tuple[Duty, Duty]]:
    """Pair duties of one obligation: a lone duty on each side, or else the pair agreeing on
    most of action, recipient, bearer, trigger and form, then the closest wording (at least a third
    alike). One sentence encoded as two duties (guide 91: contact the MASH, and the police in
    an emergency) pairs each with its like, not by the order they were written in. A pair
    needs a duty in ``fresh`` (not yet paired under another obligation), and a duty paired
    again must do the same act. A sentence that stands in both versions (``texts``: A's and
    B's normalised source) is unchanged: it pairs only with much the same words."""

    def unchanged(d: Duty, other_text: str | None) -> bool:
        return _stands_in(d.quote, other_text)

    def allowed(da: Duty, db: Duty) -> bool:
        qa, qb = normalised(da.quote), normalised(db.quote)
        if (unchanged(da, texts[1]) or unchanged(db, texts[0])) and not (
            qa in qb or qb in qa or _similarity(da.quote, db.quote) >= 0.5
        ):
            return False  # the other sentence stands unchanged: this one is not its new wording
        return da.id in fresh and db.id in fresh or bool({da.id, db.id} & fresh) and da.action == db.action

    if len(la) == 1 and len(rb) == 1:
        return [(la[0], rb[0])] if allowed(la[0], rb[0]) else []
    scored = sorted(
        (-_agreement(ontology, da, db), -round(_similarity(da.quote, db.quote), 6), i, j)
        for i, da in enumerate(la)
        for j, db in enumerate(rb)
        if allowed(da, db)
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, negative_score, i, j in scored:
        if -negative_score < 0.34 or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((la[i], rb[j]))
    return pairs


def _ts_value(ontology: Graph, t: Timescale) -> str:
    """A timescale in words: '48 hours (approximate) from child safeguarded: what it is'."""
    span = "no stated length" if t.max is None and not t.immediate else deadline_words(t)  # type: ignore[arg-type]
    extra = " (approximate)" if t.soft else ""
    after = f" {'on' if t.immediate else 'from'} {_event_words(ontology, t.relative_to)}" if t.relative_to else ""
    return f"{span}{extra}{after}: {t.what}"


def topic_words(ontology: Graph, topic: str) -> str:
    """A topic in words, the question it answers ('how soon a trafficked child may go missing'),
    never its id in prose."""
    return label(ontology, TOPIC[topic]) if topic else "no stated topic"


def _timescale_changes(ontology: Graph, a: list[Timescale], b: list[Timescale]) -> list[Change]:
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
        # a version that leaves the starting event unsaid is paired with the other's only
        # timescale on the topic; two different starting events are different timescales
        # (48 hours of safeguarding, 24 hours of entering the UK): one removed, one added
        others_a = [o for o in left if o[:2] == k[:2] and o not in right]
        others_b = [o for o in right if o[:2] == k[:2] and o not in left]
        if (
            len(others_a) == 1
            and len(others_b) == 1
            and len(left[others_a[0]]) == 1
            and len(right[others_b[0]]) == 1
            and not (others_a[0][2] and others_b[0][2])
        ):
            merged = (k[0], k[1], "*")
            left[merged], right[merged] = left.pop(others_a[0]), right.pop(others_b[0])
    changes = []
    for k in sorted(set(left) | set(right)):
        la = sorted(left.get(k, []), key=lambda t: (compare(t), reference_key(t.provision)))
        rb = sorted(right.get(k, []), key=lambda t: (compare(t), reference_key(t.provision)))
        values_a, values_b = {compare(t) for t in la}, {compare(t) for t in rb}
        topic = f"{topic_words(ontology, k[0])} ({k[1]})"
        if la and rb and values_a != values_b:
            changes.append(
                Change(
                    "changed",
                    "timescale",
                    topic,
                    (la[0].provision, _ts_value(ontology, la[0]), la[0].quote),
                    (rb[0].provision, _ts_value(ontology, rb[0]), rb[0].quote),
                )
            )
        elif la and not rb:
            changes += [
                Change("removed", "timescale", topic, (t.provision, _ts_value(ontology, t), t.quote), None) for t in la
            ]
        elif rb and not la:
            changes += [
                Change("added", "timescale", topic, None, (t.provision, _ts_value(ontology, t), t.quote)) for t in rb
            ]
    return changes


def _definitions(graph: Graph, ontology: Graph, protocol_id: str) -> dict[str, list[tuple[str, str, str, tuple]]]:
    """Per concept, a version's definitions: clause, facets in words, quote, and what it states
    (``conflicts.definition_key``) for comparing."""
    engine = OxigraphEngine(graph)
    facets: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    meta: dict[str, tuple[str, str, str]] = {}
    cited: dict[str, tuple] = {}
    for r in engine.query("definition-differs-for-same-concept"):
        row = (definition_citation(r), (str(r.concept), str(r.reference), str(r.quote)))  # a definition
        earlier = cited.get(str(r.definition), row)  # citing several passages: its own sentence first,
        cited[str(r.definition)] = min(earlier, row)  # then document order, the same every run
        meta[str(r.definition)] = cited[str(r.definition)][1]
        if r.value is not None and short_id(r.facet) != "definedBy":
            facets[str(r.definition)][short_id(r.facet)].add(r.value)
    result: dict[str, list[tuple[str, str, str, tuple]]] = defaultdict(list)
    for definition, (concept, reference, quote) in meta.items():
        result[label(ontology, concept_iri(concept))].append(
            (
                reference,
                _definition_value(engine, ontology, facets[definition]),
                quote,
                definition_key(ontology, facets[definition]),
            )
        )
    return result


def concept_iri(text: str):  # noqa: ANN201 - an rdflib URIRef
    """A concept's IRI from its text."""
    from rdflib import URIRef

    return URIRef(text)


def _definition_distance(d: tuple, e: tuple) -> tuple:
    """How far apart two definitions are: facets both state differently, then wording."""
    x, y = dict(d[3]), dict(e[3])
    differing = sum(1 for facet in x if facet in y and x[facet] != y[facet])
    return (differing, -_similarity(d[2], e[2]), d[:3], e[:3])


def _definition_changes(a: dict, b: dict, text_a: str | None, text_b: str | None) -> list[Change]:
    """Per concept: a definition the other version also states (the same facets, or its
    sentence standing in the other text) is unchanged; of the rest, the closest pair is a
    change when they state some facet differently; one side only is added or removed."""
    changes = []
    for concept in sorted(set(a) | set(b)):
        la, rb = sorted(a.get(concept, [])), sorted(b.get(concept, []))
        left = [d for d in la if not any(d[3] == e[3] for e in rb) and not _stands_in(d[2], text_b)]
        right = [e for e in rb if not any(e[3] == d[3] for d in la) and not _stands_in(e[2], text_a)]
        if left and right:  # shown by the closest pair: fewest facets both state differently;
            # none at all (one only states less, or words it otherwise) is silence, not a change
            d, e = min(((d, e) for d in left for e in right), key=lambda pair: _definition_distance(*pair))
            if _definition_distance(d, e)[0]:
                changes.append(Change("changed", "definition", concept, d[:3], e[:3]))
        else:
            changes += [Change("removed", "definition", concept, side[:3], None) for side in left]
            changes += [Change("added", "definition", concept, None, side[:3]) for side in right]
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
    """Per purpose, the forms and tools a version names for it (with the first clause)."""
    named: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for instrument in sorted(graph.subjects(PG.instrumentKind, None)):
        kind = label(ontology, graph.value(instrument, PG.instrumentKind))
        provision = first_provision(graph, graph.objects(instrument, PG.provision))
        for purpose in graph.objects(instrument, PG.purpose):
            named[label(ontology, purpose)].append(
                (str(graph.value(provision, PG.reference) or ""), kind, str(graph.value(provision, PG.quote) or ""))
            )
    result = {}
    for purpose, entries in named.items():
        entries.sort(key=lambda e: (reference_key(e[0]), e))
        kinds = ", ".join(sorted({e[1] for e in entries}))
        result[purpose] = (entries[0][0], kinds, entries[0][2])
    return result


def _form_changes(a: dict, b: dict) -> list[Change]:
    """One change per purpose: a form replaced by another for the same purpose is one change."""
    changes = []
    for purpose in sorted(set(a) | set(b)):
        if purpose in a and purpose in b:
            if a[purpose][1] != b[purpose][1]:
                changes.append(
                    Change(
                        "changed",
                        "form",
                        purpose,
                        a[purpose],
                        b[purpose],
                        (f"form: {a[purpose][1]} → {b[purpose][1]}",),
                    )
                )
        elif purpose in a:
            changes.append(Change("removed", "form", purpose, a[purpose], None))
        else:
            changes.append(Change("added", "form", purpose, None, b[purpose]))
    return changes


def _threshold_changes(corpus: Corpus, a: str, b: str) -> list[Change]:
    from .conflicts import engine_for, threshold_sides

    changes = []
    for topic_id, sides in sorted(threshold_sides(engine_for(corpus, sorted({a, b}))).items()):
        topic = topic_words(corpus.ontology, topic_id)
        before = sorted((s for s in sides if s.protocol == a), key=lambda s: (reference_key(s.provision), s.value))
        after = sorted((s for s in sides if s.protocol == b), key=lambda s: (reference_key(s.provision), s.value))
        side_a = (before[0].provision, before[0].value, before[0].quote) if before else None
        side_b = (after[0].provision, after[0].value, after[0].quote) if after else None
        if side_a and side_b and {s.value for s in before} != {s.value for s in after}:
            changes.append(
                Change("changed", "threshold", topic, side_a, side_b, (f"threshold: {side_a[1]} → {side_b[1]}",))
            )
        elif side_a and not side_b:
            changes.append(Change("removed", "threshold", topic, side_a, None))
        elif side_b and not side_a:
            changes.append(Change("added", "threshold", topic, None, side_b))
    return changes


def diff(corpus: Corpus, a: str, b: str, areas: list[str] | None = None) -> list[Change]:
    """Every change from version ``a`` to version ``b``, grouped by area then kind."""
    corpus.info(a)
    corpus.info(b)
    wanted = areas or AREAS
    ontology = corpus.ontology
    changes: list[Change] = []
    if "duty" in wanted:
        changes += _duty_changes(corpus, a, b)
    if "timescale" in wanted:
        changes += _timescale_changes(ontology, timescales(corpus, [a]), timescales(corpus, [b]))
    if "threshold" in wanted:
        changes += _threshold_changes(corpus, a, b)
    if "definition" in wanted:
        changes += _definition_changes(
            _definitions(corpus.graph(a), ontology, a),
            _definitions(corpus.graph(b), ontology, b),
            _source(corpus, a),
            _source(corpus, b),
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
    text_a, text_b = _source(corpus, a), _source(corpus, b)
    changes = [
        c
        for c in changes
        if not (c.kind == "added" and c.after and _stands_in(c.after[2], text_a))
        and not (c.kind == "removed" and c.before and _stands_in(c.before[2], text_b))
    ]
    order = {"changed": 0, "removed": 1, "added": 2, "moved": 3, "rename": 4}
    area_order = {"duty": 0, "threshold": 1, "timescale": 2, "form": 3, "definition": 4, "indicator": 5, "rename": 6}
    ranked = sorted(
        changes,
        key=lambda c: (
            c.weight[:1] or (1,),
            order[c.kind] if c.kind != "moved" else 9,
            area_order[c.area],
            c.weight[1:],
            c.topic,
            c.before or (),
            c.after or (),
        ),
    )
    return [
        replace(c, rank=i, summary=c.summary or change_sentence(corpus, c, a, b)) for i, c in enumerate(ranked, start=1)
    ]


def change_sentence(corpus: Corpus, change: Change, a: str, b: str) -> str:
    """One plain sentence saying what changed."""
    from .conflicts import protocol_name

    name_a, name_b = protocol_name(corpus, a), protocol_name(corpus, b)
    where_a = f"{name_a} {change.before[0]}" if change.before else name_a
    where_b = f"{name_b} {change.after[0]}" if change.after else name_b
    if change.kind == "added":
        return f"{where_b} adds: {change.topic}"
    if change.kind == "removed":
        return f"{where_a} had: {change.topic}; {name_b} no longer states it"
    if change.kind == "moved":
        return f"{change.topic}: unchanged, moved from {where_a} to {change.after[0] if change.after else ''}"
    if change.kind == "rename":
        return f"{change.topic}: {where_a} says {change.before[1] if change.before else ''}; {where_b} says {change.after[1] if change.after else ''}"
    return f"{change.topic}: " + "; ".join(change.facets) + f" ({where_a} → {where_b})"


CHANGE_KINDS = ("changed", "added", "removed", "moved", "rename")


def change_counts(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind, in report order (changed, added, removed, moved, rename)."""
    return {kind: sum(1 for c in changes if c.kind == kind) for kind in CHANGE_KINDS}


def diff_intro(corpus: Corpus, a: str, b: str, changes: list[Change]) -> str:
    """The line opening a diff report: both versions by name and id, and the counts."""
    from .conflicts import protocol_name

    return (
        f"From {protocol_name(corpus, a)} ({a}) to {protocol_name(corpus, b)} ({b}): "
        + ", ".join(f"{v} {k}" for k, v in change_counts(changes).items())
        + ". A sentence that stands in both versions is never listed as added or removed."
    )

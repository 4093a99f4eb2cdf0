"""Conflicts across protocols (and inside one): each a kind, a topic and its sides, every side
citing its clause and quoting the text.

The questions are SPARQL files under ``queries/`` (one question a file, standard SPARQL 1.1);
this module runs them over the chosen protocols and groups their rows into conflicts. Two
things are decided here rather than in SPARQL, because they need the shared vocabularies:

* durations are compared by length, so "24 hours" and "1 day" agree and "immediately"
  agrees with "immediately";
* inside one document, only deadlines, modality and definitions can contradict each
  other: two periods of one scheme (SERAF's 6 and 6-12 months) or two tools named for one
  purpose are not contradictions;
* two duties conflict only when they apply in the same circumstances (the same shared
  conditions, condition text, age bounds and trigger qualifiers): "decide within 24 hours,
  or without delay if there is immediate concern" is one rule, not a contradiction.

Renames (UKBA and UK Visas and Immigration, CRB and DBS) are reported as renames, never as
conflicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import combinations

from rdflib import RDFS, Graph, URIRef
from rdflib.namespace import SKOS, TIME

from ..corpus.loader import Corpus
from ..corpus.namespace import PG
from ..corpus.terms import label, reference_key, short_id
from ..corpus.timescales import HOURS_PER_UNIT
from ..store.engines import OxigraphEngine, RdflibEngine
from .alignment import superseded
from .by_obligation import MODALITY_WORDS, STRENGTH, Absence, Finding, absences, obligation_findings
from .kinds import KINDS
from .positions import Clash, clashes

_UNIT_WORDS = {
    TIME.unitMinute: "minute",
    TIME.unitHour: "hour",
    TIME.unitDay: "day",
    PG.unitWorkingDay: "working day",
    TIME.unitWeek: "week",
    TIME.unitMonth: "month",
    TIME.unitYear: "year",
}


@dataclass(frozen=True, order=True)
class Side:
    """One protocol's position in a conflict: its clause, what it says, and its words."""

    protocol: str
    provision: str
    value: str
    quote: str

    def as_row(self) -> dict[str, str]:
        """The side as plain data."""
        return {"protocol": self.protocol, "provision": self.provision, "value": self.value, "quote": self.quote}


@dataclass(frozen=True)
class Conflict:
    """A difference between protocols, or inside one, on one topic."""

    kind: str
    topic: str
    sides: tuple[Side, ...]
    scope: str = "across"  # across | within
    note: str = ""
    obligation: str = ""
    summary: str = ""
    rank: int = 0
    order: tuple = ()

    @property
    def protocols(self) -> tuple[str, ...]:
        """The protocols the sides come from, sorted."""
        return tuple(sorted({s.protocol for s in self.sides}))

    def as_row(self) -> dict[str, object]:
        """The conflict as plain data (DESIGN.md fixes kind, topic, sides)."""
        return {
            "kind": self.kind,
            "topic": self.topic,
            "scope": self.scope,
            "sides": [s.as_row() for s in self.sides],
            "note": self.note,
            "rank": self.rank,
            "summary": self.summary,
            "obligation": self.obligation,
        }


def _sort_sides(sides: set[Side] | list[Side]) -> tuple[Side, ...]:
    return tuple(sorted(set(sides), key=lambda s: (s.protocol, reference_key(s.provision), s.value, s.quote)))


def hours(value: object, unit: object) -> float:
    """A duration in hours (working days count as days of 24 hours, for comparing only)."""
    return float(value.toPython() if hasattr(value, "toPython") else value) * HOURS_PER_UNIT[unit]


def duration_words(value: object, unit: object, immediate: object = None) -> str:
    """A duration as words: '48 hours', '7 working days', 'immediately'."""
    if immediate is not None and immediate.toPython():
        return "immediately"
    number = value.toPython() if hasattr(value, "toPython") else value
    text = format(number, "g") if isinstance(number, float) else str(number)
    word = _UNIT_WORDS.get(unit, short_id(unit))
    return f"{text} {word}{'' if text == '1' else 's'}"


def _merged(corpus: Corpus, protocols: list[str]) -> Graph:
    def build() -> Graph:
        graph = Graph()
        for protocol_id in protocols:
            graph += corpus.graph(protocol_id)
        return graph

    return corpus.memo(("merged", tuple(protocols)), build)


Engine = OxigraphEngine | RdflibEngine


class _ChosenOnly:
    """An engine whose rows are kept only when every protocol they name is one of the chosen
    (a SPARQL endpoint holds every protocol loaded into it)."""

    def __init__(self, engine: object, protocols: list[str]) -> None:
        self.engine, self.protocols = engine, set(protocols)

    def query(self, name: str, bindings: object = None) -> list:
        rows = self.engine.query(name, bindings)  # type: ignore[attr-defined]
        return [
            r
            for r in rows
            if all(
                str(v) in self.protocols for k, v in r.asdict().items() if k.startswith("protocol") and v is not None
            )
        ]


def engine_for(corpus: Corpus, protocols: list[str], engine: object = "oxigraph") -> Engine:
    """The chosen protocols' facts in a SPARQL engine: embedded pyoxigraph (once per corpus),
    rdflib, or a SPARQL endpoint the corpus has been loaded into."""
    if not isinstance(engine, str):
        return _ChosenOnly(engine, protocols)  # type: ignore[return-value]
    if engine == "rdflib":
        return RdflibEngine(_merged(corpus, protocols))
    return corpus.memo(("oxigraph", tuple(protocols)), lambda: OxigraphEngine(_merged(corpus, protocols)))


def _scope(p1: str, p2: str) -> str:
    return "within" if p1 == p2 else "across"


def _topic(action: object, trigger: object) -> str:
    return f"{short_id(action)} after {short_id(trigger)}"


def _grouped(pairs: list[tuple[str, str, Side, Side]], kind: str, note: str = "") -> list[Conflict]:
    """Pairs (topic, scope, side1, side2) -> one conflict a topic and scope, or a pair when within."""
    across: dict[str, set[Side]] = defaultdict(set)
    result = []
    for topic, scope, side1, side2 in pairs:
        if scope == "within":
            result.append(Conflict(kind, topic, _sort_sides([side1, side2]), "within", note))
        else:
            across[topic].update((side1, side2))
    for topic, sides in across.items():
        if len({s.value for s in sides}) > 1:
            result.append(Conflict(kind, topic, _sort_sides(sides), "across", note))
    return result


def timescale_conflicts(graph: Engine) -> list[Conflict]:
    """Risk windows or periods on the same topic with different lengths."""
    pairs = []
    for r in graph.query("timescale-differs-for-same-topic"):
        if hours(r.value1, r.unit1) == hours(r.value2, r.unit2) or str(r.protocol1) == str(r.protocol2):
            continue  # equal, or two periods of one scheme in one document (SERAF's 6 and 6-12 months)
        if r.relativeTo1 != r.relativeTo2:
            continue  # counted from different events (48 hours of safeguarding, 24 hours of entering the UK)

        def value(v: object, u: object, rel: object, what: object) -> str:
            after = f" of {short_id(rel)}" if rel is not None else ""
            return f"{duration_words(v, u)}{after} ({what})"

        side1 = Side(
            str(r.protocol1), str(r.reference1), value(r.value1, r.unit1, r.relativeTo1, r.what1), str(r.quote1)
        )
        side2 = Side(
            str(r.protocol2), str(r.reference2), value(r.value2, r.unit2, r.relativeTo2, r.what2), str(r.quote2)
        )
        topic = f"{short_id(r.topic)} ({short_id(r.kind)})"
        pairs.append((topic, _scope(side1.protocol, side2.protocol), side1, side2))
    return _grouped(pairs, "timescale")


def _definition_value(graph: Engine, ontology: Graph, facets: dict[str, set]) -> str:
    parts = []
    if facets.get("component"):
        parts.append("components: " + ", ".join(sorted(label(ontology, c) for c in facets["component"])))
    if facets.get("riskLevel"):
        parts.append("risk levels: " + ", ".join(sorted(label(ontology, c) for c in facets["riskLevel"])))
    for name, words in (
        ("ageBelow", "under"),
        ("ageAtLeast", "aged at least"),
        ("ageBelowIfDisabled", "under, if disabled,"),
    ):
        if facets.get(name):
            parts.append(f"{words} {min(int(v) for v in facets[name])}")
    if any(v.toPython() for v in facets.get("consentIrrelevant", ())):
        parts.append("consent irrelevant")
    if facets.get("definedBy"):
        parts.append("per " + "; ".join(sorted(str(v) for v in facets["definedBy"])))
    return "; ".join(parts) or "no components, ages or consent rule stated"


# The facets a definition states that another definition of the same concept can contradict.
# A facet one of them does not state is silence, not disagreement.
COMPARED_FACETS = ("component", "riskLevel", "ageBelow", "ageAtLeast", "ageBelowIfDisabled", "consentIrrelevant")


def definition_citation(row: object) -> tuple:
    """How a definition's cited provisions are ordered: its own provision (the defining
    sentence, a named provision) before the list items it cites inline, then in document order."""
    inline = getattr(row, "inline", None)
    return (bool(inline is not None and inline.toPython()), reference_key(str(row.reference)), str(row.quote))  # type: ignore[attr-defined]


def _one_name(ontology: Graph, value: object) -> object:
    """A component under one name: a component and its skos:closeMatch (Palermo's "means",
    the UNHCR's "control") are one element."""
    names = {value, *ontology.objects(value, SKOS.closeMatch), *ontology.subjects(SKOS.closeMatch, value)}  # type: ignore[arg-type]
    return min(names, key=str)


def definition_key(ontology: Graph, facets: dict[str, set]) -> tuple:
    """What a definition states, for comparing: each compared facet it states, its values
    under one name each."""
    return tuple(
        (facet, tuple(sorted(str(_one_name(ontology, v)) for v in facets[facet])))
        for facet in COMPARED_FACETS
        if facets.get(facet)
    )


def definitions_disagree(ontology: Graph, a: dict[str, set], b: dict[str, set]) -> bool:
    """Whether two definitions state some facet differently: a facet both state (components
    both list, age bounds both give) with different values."""
    for facet in COMPARED_FACETS:
        if a.get(facet) and b.get(facet):
            if {_one_name(ontology, v) for v in a[facet]} != {_one_name(ontology, v) for v in b[facet]}:
                return True
    return False


def definition_conflicts(graph: Engine, ontology: Graph) -> list[Conflict]:
    """One concept defined differently: components, risk levels, age bounds or consent that
    two definitions both state and state differently (inside one document, or across)."""
    facets: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    meta: dict[tuple, tuple] = {}
    for r in graph.query("definition-differs-for-same-concept"):
        key = (str(r.concept), str(r.protocol), str(r.definition))
        cited = (definition_citation(r), str(r.reference), str(r.quote))
        if key not in meta or cited[0] < meta[key][0]:
            meta[key] = cited  # a definition citing several provisions is shown with its own sentence
        if r.value is not None:
            facets[key][short_id(r.facet)].add(r.value)
    by_concept: dict[str, list[tuple]] = defaultdict(list)
    for key in meta:
        by_concept[key[0]].append(key)
    result = []
    for concept, keys in sorted(by_concept.items()):
        topic = label(ontology, URIRef(concept))
        across: set[tuple] = set()
        within: dict[str, set[tuple]] = defaultdict(set)

        def agree(k1: tuple, k2: tuple) -> bool:
            shared = any(facets[k1].get(f) and facets[k2].get(f) for f in COMPARED_FACETS)
            return shared and not definitions_disagree(ontology, facets[k1], facets[k2])

        for k1, k2 in combinations(sorted(keys), 2):
            if not definitions_disagree(ontology, facets[k1], facets[k2]):
                continue
            if k1[1] == k2[1]:
                within[k1[1]].update((k1, k2))
            elif not any(agree(k, k2) for k in keys if k[1] == k1[1]) and not any(
                agree(k1, k) for k in keys if k[1] == k2[1]
            ):
                across.update((k1, k2))  # not when the text also agrees elsewhere: that is its own contradiction

        def side(key: tuple) -> Side:
            _, reference, quote = meta[key]
            return Side(key[1], reference, _definition_value(graph, ontology, facets[key]), quote)

        if across:
            result.append(Conflict("definition", topic, _sort_sides([side(k) for k in across])))
        for _protocol, inside in sorted(within.items()):
            result.append(Conflict("definition", topic, _sort_sides([side(k) for k in inside]), "within"))
    return result


def threshold_sides(graph: Engine) -> dict[str, list[Side]]:
    """Each threshold topic's sides: how many of which events in what window, per protocol."""
    rows: dict[str, dict] = {}
    for r in graph.query("threshold-differs-for-same-topic"):
        entry = rows.setdefault(
            str(r.threshold),
            {
                "topic": short_id(r.topic),
                "protocol": str(r.protocol),
                "reference": str(r.reference),
                "quote": str(r.quote),
                "count": int(r["count"]),
                "window": (r.window, r.unit),
                "event": short_id(r.event),
                "categories": set(),
            },
        )
        if (reference_key(str(r.reference)), str(r.quote)) < (reference_key(entry["reference"]), entry["quote"]):
            entry["reference"], entry["quote"] = str(r.reference), str(r.quote)  # cite its first provision
        if r.category is not None:
            entry["categories"].add(str(r.category))
    by_topic: dict[str, list[Side]] = defaultdict(list)
    for entry in rows.values():
        counted = " or ".join(sorted(entry["categories"])) or entry["event"]
        value = f"{entry['count']} × {counted} in {duration_words(*entry['window'])}"
        by_topic[entry["topic"]].append(Side(entry["protocol"], entry["reference"], value, entry["quote"]))
    return by_topic


def threshold_conflicts(graph: Engine) -> list[Conflict]:
    """Thresholds on one topic that count a different number, window or category of events."""
    return [
        Conflict("threshold", topic, _sort_sides(sides))
        for topic, sides in threshold_sides(graph).items()
        if len({s.value for s in sides}) > 1 and len({s.protocol for s in sides}) > 1
    ]


def form_conflicts(graph: Engine, ontology: Graph) -> list[Conflict]:
    """Different forms or tools named for the same purpose."""
    pairs = []
    for r in graph.query("form-differs-for-same-purpose"):
        if str(r.protocol1) == str(r.protocol2):
            continue  # a document naming two tools for one purpose is not contradicting itself
        side1 = Side(str(r.protocol1), str(r.reference1), label(ontology, r.kind1), str(r.quote1))
        side2 = Side(str(r.protocol2), str(r.reference2), label(ontology, r.kind2), str(r.quote2))
        pairs.append((label(ontology, r.purpose), _scope(side1.protocol, side2.protocol), side1, side2))
    return _grouped(pairs, "form")


@dataclass(frozen=True)
class Rename:
    """A shared concept named differently by protocols: a rename, not a conflict."""

    concept: str
    sides: tuple[Side, ...]
    names: tuple[str, ...] = field(default=())

    def as_row(self) -> dict[str, object]:
        """The rename as plain data."""
        return {
            "kind": "rename",
            "topic": self.concept,
            "sides": [s.as_row() for s in self.sides],
            "names": list(self.names),
        }


def _dated_name(ontology: Graph, concept: URIRef, term: str) -> str | None:
    words = term.lower()
    best = None
    for node in ontology.objects(concept, PG.historicalName):
        names = [str(ontology.value(node, RDFS.label))] + [str(a) for a in ontology.objects(node, SKOS.altLabel)]
        if any(n.lower() in words or words in n.lower() for n in names if n):
            start, end = ontology.value(node, PG.usedFrom), ontology.value(node, PG.usedUntil)
            best = f"{ontology.value(node, RDFS.label)} ({start or '…'} to {end or 'now'})"
    return best


def renames(graph: Engine, ontology: Graph) -> list[Rename]:
    """Concepts protocols name by names from different periods (UKBA then UK Visas and Immigration)."""
    groups: dict[str, set[Side]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for r in graph.query("renamed-between-protocols"):
        concept = URIRef(str(r.concept))
        n1, n2 = _dated_name(ontology, concept, str(r.term1)), _dated_name(ontology, concept, str(r.term2))
        if n1 is not None and n1 == n2:
            continue  # two spellings of one name (UKBA, United Kingdom Border Agency): not even a rename
        topic = label(ontology, concept)
        groups[topic].update(
            {
                Side(str(r.protocol1), str(r.reference1), str(r.term1), str(r.quote1)),
                Side(str(r.protocol2), str(r.reference2), str(r.term2), str(r.quote2)),
            }
        )
        names[topic].update(n for n in (n1, n2) if n)
    return [Rename(topic, _sort_sides(sides), tuple(sorted(names[topic]))) for topic, sides in sorted(groups.items())]


def compared_protocols(
    corpus: Corpus, protocols: list[str] | None = None, include_superseded: bool = False
) -> list[str]:
    """The protocols a comparison covers: those named, else the current version of each line
    (every loaded version with ``include_superseded``)."""
    if protocols:
        for protocol_id in protocols:
            corpus.info(protocol_id)
        return sorted(set(protocols))
    old = set() if include_superseded else superseded(corpus)
    return [p for p in corpus.ids() if p not in old]


def conflicts(
    corpus: Corpus,
    protocols: list[str] | None = None,
    kinds: list[str] | None = None,
    engine: object = "oxigraph",
    include_superseded: bool = False,
) -> list[Conflict]:
    """Every conflict among the chosen protocols (by default the current version of each
    line), most serious first, each with its rank and a plain sentence."""
    chosen = compared_protocols(corpus, protocols, include_superseded)
    graph = engine_for(corpus, chosen, engine)
    ontology = corpus.ontology
    wanted = kinds or KINDS
    result: list[Conflict] = []
    opposed = clashes(corpus, chosen)
    # where two texts take opposed positions on an obligation, how strongly each words its own
    # position is not a second disagreement
    positioned = {(c.matter.id, frozenset(s.protocol for s in c.sides)) for c in opposed}
    if set(wanted) & set(OBLIGATION_KINDS):
        found = [
            f
            for f in obligation_findings(corpus, chosen)
            if f.kind in wanted
            and not (f.kind == "modality" and (f.obligation.id, frozenset(p for _, p, _ in f.sides)) in positioned)
        ]
        result += _merged_findings(corpus, [_from_finding(corpus, f) for f in found])
    if set(wanted) & set(POSITION_KINDS):
        result += _merged_findings(corpus, [_from_clash(corpus, c) for c in opposed if c.kind in wanted])
    builders = {
        "timescale": lambda: timescale_conflicts(graph),
        "definition": lambda: definition_conflicts(graph, ontology),
        "threshold": lambda: threshold_conflicts(graph),
        "form": lambda: form_conflicts(graph, ontology),
        "absent": lambda: [_from_absence(corpus, a) for a in absences(corpus, chosen)],
    }
    for kind in KINDS:
        if kind in wanted and kind in builders:
            result += [c if c.summary else _with_summary(corpus, c) for c in builders[kind]()]
    if len(chosen) == 1:
        result = [c for c in result if c.scope == "within"]
    ordered = sorted(result, key=lambda c: (c.order, KINDS.index(c.kind), c.topic, c.sides))
    return [replace(c, rank=i) for i, c in enumerate(ordered, start=1)]


OBLIGATION_KINDS = ["forbidden", "deadline", "modality", "scope", "bearer", "recipient", "time-kind", "order"]
POSITION_KINDS = ["forbidden", "consent", "order"]
_TIER = {kind: i for i, kind in enumerate(KINDS)}


def protocol_name(corpus: Corpus, protocol_id: str) -> str:
    """A protocol's name for sentences and headings: its short title (pg:shortTitle, with its
    year), else its title with the year it was issued."""
    info = corpus.info(protocol_id)
    if info.short_title:
        return info.short_title
    year = (info.date or "")[:4]
    return f"{info.name} ({year})" if year and year not in info.name else info.name


def protocol_label(corpus: Corpus, protocol_id: str) -> str:
    """The name with the id beside it: 'Hertfordshire Trafficked Children Protocol 2016 (herts-tc-2016)'."""
    return f"{protocol_name(corpus, protocol_id)} ({protocol_id})"


def _where(corpus: Corpus, side: Side) -> str:
    return f"{protocol_label(corpus, side.protocol)} {side.provision}".strip()


_VERBS = {
    "deadline": "gives",
    "modality": "says",
    "forbidden": "says",
    "consent": "says",
    "order": "says",
    "bearer": "puts it on",
    "recipient": "owes it to",
    "time-kind": "sets",
}


def _sentence(corpus: Corpus, kind: str, sides: tuple[Side, ...]) -> str:
    verb = _VERBS.get(kind)
    parts = []
    for side in sides:
        if kind == "absent" and side.value == "no such duty":
            parts.append(f"{protocol_label(corpus, side.protocol)} has no duty or sentence stating it")
        elif kind == "absent":
            parts.append(f"{_where(corpus, side)} requires it ({side.value})")
        elif verb:
            parts.append(f"{_where(corpus, side)} {verb} {side.value}")
        else:
            parts.append(f"{_where(corpus, side)}: {side.value}")
    return "; ".join(parts)


def _with_summary(corpus: Corpus, conflict: Conflict) -> Conflict:
    order = (1 if conflict.kind == "absent" else 0, 1, _TIER[conflict.kind], 0.0)
    return replace(conflict, summary=_sentence(corpus, conflict.kind, conflict.sides), order=order)


def _from_finding(corpus: Corpus, finding: Finding) -> Conflict:
    sides = tuple(
        Side(protocol, duty.provision if duty else "", value, duty.quote if duty else "")
        for duty, protocol, value in finding.sides
    )
    child_safety = any(duty is not None and (duty.trigger or duty.deadline) for duty, _, _ in finding.sides)
    strong = any(duty is not None and STRENGTH.get(duty.modality, 0) >= 3 for duty, _, _ in finding.sides)
    order = (0, 0 if child_safety else 1, _TIER[finding.kind], 0 if strong else 1, -finding.gap_hours)
    return Conflict(
        finding.kind,
        finding.obligation.label,
        sides,
        finding.scope,
        finding.note,
        obligation=finding.obligation.id,
        summary=_sentence(corpus, finding.kind, sides),
        order=order,
    )


def _from_clash(corpus: Corpus, clash: Clash) -> Conflict:
    sides = tuple(Side(s.protocol, s.provision, s.position.label, s.quote) for s in clash.sides)
    return Conflict(
        clash.kind,
        clash.matter.label,
        sides,
        clash.scope,
        obligation=clash.matter.id,
        summary=_sentence(corpus, clash.kind, sides),
        order=(0, 0, _TIER[clash.kind], 0, 0.0),
    )


def _merged_findings(corpus: Corpus, found: list[Conflict]) -> list[Conflict]:
    """One conflict per obligation, kind and scope across protocols, holding every side."""
    groups: dict[tuple, list[Conflict]] = defaultdict(list)
    result = []
    for conflict in found:
        if conflict.scope == "within":
            result.append(conflict)
        else:
            groups[(conflict.kind, conflict.obligation)].append(conflict)
    for members in groups.values():
        sides: dict[str, Side] = {}
        for conflict in members:
            for side in conflict.sides:
                sides.setdefault(side.protocol, side)
        first = min(members, key=lambda c: c.order)
        ordered = _sort_sides(list(sides.values()))
        result.append(replace(first, sides=ordered, summary=_sentence(corpus, first.kind, ordered)))
    return result


def _from_absence(corpus: Corpus, absence: Absence) -> Conflict:
    sides = tuple(
        Side(d.protocol, d.provision, MODALITY_WORDS.get(d.modality, d.modality), d.quote) for d in absence.present
    ) + tuple(Side(p, "", "no such duty", "") for p in absence.lacking)
    return Conflict(
        "absent",
        absence.obligation.label,
        sides,
        obligation=absence.obligation.id,
        summary=_sentence(corpus, "absent", sides),
        order=(1, 0, _TIER["absent"], 0.0),
    )


def protocol_renames(
    corpus: Corpus, protocols: list[str] | None = None, engine: object = "oxigraph", include_superseded: bool = False
) -> list[Rename]:
    """The renames among the chosen protocols."""
    chosen = compared_protocols(corpus, protocols, include_superseded)
    return renames(engine_for(corpus, chosen, engine), corpus.ontology)


def conflict_entries(
    corpus: Corpus,
    protocols: list[str],
    kinds: list[str] | None = None,
    scope: str | None = None,
    engine: object = "oxigraph",
    renames: bool = True,
    for_json: bool = False,
) -> tuple[list[Conflict], list[dict[str, object]]]:
    """The conflicts among the protocols (``scope`` 'within' or 'across' keeps only those), and
    the rows a report shows: each conflict, then the renames, which are never conflicts. In
    JSON a rename row says so in its note and is left out when only some kinds are asked for."""
    found = [c for c in conflicts(corpus, protocols, kinds, engine) if scope is None or c.scope == scope]
    entries: list[dict[str, object]] = [c.as_row() for c in found]
    if renames and not for_json:
        entries += [r.as_row() for r in protocol_renames(corpus, protocols, engine)]
    elif renames and not kinds:
        entries += [
            {**r.as_row(), "scope": "across", "note": "a rename, not a conflict"}
            for r in protocol_renames(corpus, protocols, engine)
        ]
    return found, entries

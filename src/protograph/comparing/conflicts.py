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
from dataclasses import dataclass, field

from rdflib import RDFS, Graph, URIRef
from rdflib.namespace import SKOS, TIME

from ..corpus.duties import Duty, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import PG
from ..corpus.terms import label, reference_key, short_id
from ..corpus.timescales import HOURS_PER_UNIT
from ..store.engines import OxigraphEngine, RdflibEngine

KINDS = ["deadline", "timescale", "modality", "bearer", "definition", "threshold", "form", "absent"]
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


def _circumstances(duty: Duty) -> tuple:
    return (
        duty.conditions,
        " ".join(duty.condition_text.lower().split()),
        duty.age_at_least,
        duty.age_below,
        duty.trigger_channel,
        duty.trigger_category,
        duty.trigger_recipient,
    )


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


def deadline_conflicts(corpus: Corpus, graph: Engine, records: dict[str, Duty]) -> list[Conflict]:
    """Same action after the same trigger, in the same circumstances, with a different deadline."""
    pairs = []
    for r in graph.query("deadline-differs-for-same-action"):
        d1, d2 = records.get(str(r.duty1)), records.get(str(r.duty2))
        if d1 is None or d2 is None or _circumstances(d1) != _circumstances(d2):
            continue
        zero1 = r.immediate1 is not None and r.immediate1.toPython()
        zero2 = r.immediate2 is not None and r.immediate2.toPython()
        h1 = 0.0 if zero1 else hours(r.value1, r.unit1)
        h2 = 0.0 if zero2 else hours(r.value2, r.unit2)
        if h1 == h2 and (r.unit1 == PG.unitWorkingDay) == (r.unit2 == PG.unitWorkingDay):
            continue
        side1 = Side(
            str(r.protocol1),
            str(r.reference1),
            f"{d1.modality}: within {duration_words(r.value1, r.unit1, r.immediate1)}",
            str(r.quote1),
        )
        side2 = Side(
            str(r.protocol2),
            str(r.reference2),
            f"{d2.modality}: within {duration_words(r.value2, r.unit2, r.immediate2)}",
            str(r.quote2),
        )
        pairs.append((_topic(r.action, r.trigger), _scope(side1.protocol, side2.protocol), side1, side2))
    return _grouped(pairs, "deadline")


def timescale_conflicts(graph: Engine) -> list[Conflict]:
    """Risk windows or periods on the same topic with different lengths."""
    pairs = []
    for r in graph.query("timescale-differs-for-same-topic"):
        if hours(r.value1, r.unit1) == hours(r.value2, r.unit2) or str(r.protocol1) == str(r.protocol2):
            continue  # equal, or two periods of one scheme in one document (SERAF's 6 and 6-12 months)

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


def modality_conflicts(graph: Engine, records: dict[str, Duty]) -> list[Conflict]:
    """The same bearer, action and trigger, in the same circumstances, with different modality."""
    pairs = []
    for r in graph.query("modality-differs-for-same-duty"):
        d1, d2 = records.get(str(r.duty1)), records.get(str(r.duty2))
        if d1 is None or d2 is None or _circumstances(d1) != _circumstances(d2):
            continue
        side1 = Side(str(r.protocol1), str(r.reference1), f"{short_id(r.modality1)} ({d1.wording})", str(r.quote1))
        side2 = Side(str(r.protocol2), str(r.reference2), f"{short_id(r.modality2)} ({d2.wording})", str(r.quote2))
        topic = f"{_topic(r.action, r.trigger)}, by {short_id(r.bearer)}"
        pairs.append((topic, _scope(side1.protocol, side2.protocol), side1, side2))
    return _grouped(pairs, "modality")


def bearer_conflicts(graph: Engine, records: dict[str, Duty]) -> list[Conflict]:
    """The same action after the same trigger, owed by different roles in different protocols."""
    groups: dict[str, set[Side]] = defaultdict(set)
    for r in graph.query("bearer-differs-for-same-duty"):
        topic = _topic(r.action, r.trigger)
        for duty_iri, protocol, reference, quote in (
            (r.duty1, r.protocol1, r.reference1, r.quote1),
            (r.duty2, r.protocol2, r.reference2, r.quote2),
        ):
            duty = records.get(str(duty_iri))
            if duty is not None:
                groups[topic].add(Side(str(protocol), str(reference), "by " + ", ".join(duty.bearers), str(quote)))
    result = []
    for topic, sides in groups.items():
        by_protocol: dict[str, set[str]] = defaultdict(set)
        for side in sides:
            by_protocol[side.protocol].update(side.value[3:].split(", "))
        if len({frozenset(v) for v in by_protocol.values()}) > 1:
            result.append(Conflict("bearer", topic, _sort_sides(sides)))
    return result


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
    return "; ".join(parts) or "(no structured facets)"


def definition_conflicts(graph: Engine, ontology: Graph) -> list[Conflict]:
    """One concept defined differently: components, risk levels, age bounds, consent."""
    facets: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    meta: dict[tuple, tuple[str, str]] = {}
    for r in graph.query("definition-differs-for-same-concept"):
        key = (str(r.concept), str(r.protocol), str(r.definition))
        cited = (str(r.reference), str(r.quote))
        if key not in meta or (reference_key(cited[0]), cited[1]) < (reference_key(meta[key][0]), meta[key][1]):
            meta[key] = cited  # a definition citing several provisions is shown with its first
        if r.value is not None:
            facets[key][short_id(r.facet)].add(r.value)
    by_concept: dict[str, list[Side]] = defaultdict(list)
    comparable: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, (reference, quote) in meta.items():
        concept, protocol, _ = key
        structured = {k: v for k, v in facets[key].items() if k != "definedBy"}
        value = _definition_value(graph, ontology, facets[key])
        by_concept[concept].append(Side(protocol, reference, value, quote))
        comparable[concept].append((protocol, _definition_value(graph, ontology, structured)))
    result = []
    for concept, sides in by_concept.items():
        topic = label(ontology, URIRef(concept))
        values = {v for _, v in comparable[concept]}
        if len(values) > 1 and len({p for p, _ in comparable[concept]}) > 1:
            result.append(Conflict("definition", topic, _sort_sides(sides)))
        per_protocol: dict[str, set[str]] = defaultdict(set)
        for protocol, value in comparable[concept]:
            per_protocol[protocol].add(value)
        for protocol, protocol_values in per_protocol.items():
            if len(protocol_values) > 1:
                inside = [s for s in sides if s.protocol == protocol]
                result.append(Conflict("definition", topic, _sort_sides(inside), "within"))
    return result


def threshold_conflicts(graph: Engine) -> list[Conflict]:
    """Thresholds on one topic that count a different number, window or category of events."""
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
    return [
        Conflict("threshold", topic, _sort_sides(sides))
        for topic, sides in by_topic.items()
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


def absent_conflicts(graph: Engine, protocols: list[str]) -> list[Conflict]:
    """Checkable duties (an action after a trigger) one protocol imposes and another lacks."""
    present: dict[str, set[Side]] = defaultdict(set)
    missing: dict[str, set[str]] = defaultdict(set)
    for r in graph.query("duty-absent-from-other-protocol"):
        if str(r.protocol2) not in protocols:
            continue
        topic = _topic(r.action, r.trigger)
        present[topic].add(Side(str(r.protocol1), str(r.reference1), short_id(r.modality1), str(r.quote1)))
        missing[topic].add(str(r.protocol2))
    result = []
    for topic, sides in present.items():
        lacking = sorted(missing[topic] - {s.protocol for s in sides})
        if not lacking:
            continue
        all_sides = list(sides) + [Side(p, "", "no such duty", "") for p in lacking]
        result.append(Conflict("absent", topic, _sort_sides(all_sides)))
    return result


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


def conflicts(
    corpus: Corpus, protocols: list[str] | None = None, kinds: list[str] | None = None, engine: object = "oxigraph"
) -> list[Conflict]:
    """Every conflict among the chosen protocols (all by default), sorted by kind and topic."""
    chosen = sorted(protocols or corpus.ids())
    for protocol_id in chosen:
        corpus.info(protocol_id)
    graph = engine_for(corpus, chosen, engine)
    ontology = corpus.ontology
    records = {f"https://w3id.org/protograph/protocol/{d.protocol}/{d.id}": d for d in duties(corpus, chosen)}
    wanted = kinds or KINDS
    builders = {
        "deadline": lambda: deadline_conflicts(corpus, graph, records),
        "timescale": lambda: timescale_conflicts(graph),
        "modality": lambda: modality_conflicts(graph, records),
        "bearer": lambda: bearer_conflicts(graph, records),
        "definition": lambda: definition_conflicts(graph, ontology),
        "threshold": lambda: threshold_conflicts(graph),
        "form": lambda: form_conflicts(graph, ontology),
        "absent": lambda: absent_conflicts(graph, chosen),
    }
    result = [c for kind in KINDS if kind in wanted for c in builders[kind]()]
    if len(chosen) == 1:
        result = [c for c in result if c.scope == "within"]
    return sorted(result, key=lambda c: (KINDS.index(c.kind), c.scope, c.topic, c.sides))


def protocol_renames(corpus: Corpus, protocols: list[str] | None = None, engine: object = "oxigraph") -> list[Rename]:
    """The renames among the chosen protocols."""
    chosen = sorted(protocols or corpus.ids())
    return renames(engine_for(corpus, chosen, engine), corpus.ontology)

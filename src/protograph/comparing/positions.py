"""Opposed positions on a shared matter, read from the data: the positions and which oppose
each other are vocabulary (``ontology/vocab/positions.ttl``); each protocol takes a position
with a ``pg:PositionStatement`` citing its provision (reference and verbatim quote). Two
chosen protocols taking opposed positions on one matter disagree; the kind of disagreement
follows from the two stances:

* required against forbidden (``forbidden``): 4lscb-ctp-2011 8.2 "Do not allow the child
  victim to make phone calls direct to family" against herts-tc-2016 8.4 "help the children
  to get in touch with their family";
* consent sought against consent forgone where seeking it is a risk (``consent``):
  4lscb-met-guide-2018 104 against herts-tc-2016 8.1;
* one step first against the same step only after another (``order``): 4lscb-ctp-2011 12.4
  involves immigration officials from the outset, lincs-tc-2023 only once the child's
  protection has been addressed.

Nothing here reads the wording to guess a position: a passage takes one only when its
encoder says so."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from ..corpus.loader import Corpus
from ..corpus.namespace import PG
from ..corpus.terms import reference_key, short_id
from .alignment import Obligation, obligations

# The kind of disagreement two opposed stances make.
STANCE_KINDS = {
    frozenset({"requiresIt", "forbidsIt"}): "forbidden",
    frozenset({"seeksConsent", "forgoesConsent"}): "consent",
    frozenset({"stepFirst", "stepAfter"}): "order",
}


@dataclass(frozen=True)
class Position:
    """One answer of the vocabulary on a shared matter."""

    id: str
    label: str
    definition: str
    matter: str
    stance: str
    other_step: str = ""


@dataclass(frozen=True, order=True)
class Stated:
    """A protocol's passage taking a position: where, in which words, carried by which duty."""

    protocol: str
    provision: str
    quote: str
    position: Position
    duty: str = ""


@dataclass(frozen=True)
class Clash:
    """Two protocols (or one, twice) taking opposed positions on one matter."""

    kind: str
    matter: Obligation
    sides: tuple[Stated, ...]
    scope: str = "across"


def positions(corpus: Corpus) -> dict[str, Position]:
    """The vocabulary of positions, by short id."""

    def build() -> dict[str, Position]:
        ontology = corpus.ontology
        result = {}
        for node in ontology.subjects(RDF.type, PG.Position):
            other = ontology.value(node, PG.otherStep)
            result[short_id(node)] = Position(
                short_id(node),
                str(ontology.value(node, RDFS.label) or short_id(node)),
                str(ontology.value(node, SKOS.definition) or ""),
                short_id(ontology.value(node, PG.onMatter)),
                short_id(ontology.value(node, PG.stance)),
                short_id(other) if other is not None else "",
            )
        return dict(sorted(result.items()))

    return corpus.memo("positions", build)


def opposed(corpus: Corpus) -> set[frozenset[str]]:
    """The pairs of positions the vocabulary says oppose each other (pg:opposes, either way)."""
    ontology = corpus.ontology
    return {frozenset({short_id(a), short_id(b)}) for a, b in ontology.subject_objects(PG.opposes) if a != b}


def statements(corpus: Corpus, protocols: list[str]) -> list[Stated]:
    """Every position the chosen protocols take, with provision and quote, sorted."""
    known = positions(corpus)
    found = []
    for protocol_id in protocols:
        graph = corpus.graph(protocol_id)
        for node in graph.subjects(RDF.type, PG.PositionStatement):
            position = graph.value(node, PG.takesPosition)
            if position is None or short_id(position) not in known:
                continue  # the encoding shapes report a statement without a known position
            provision = graph.value(node, PG.provision)
            duty = graph.value(node, PG.statedBy)
            found.append(
                Stated(
                    protocol_id,
                    str(graph.value(provision, PG.reference) or ""),
                    str(graph.value(provision, PG.quote) or ""),
                    known[short_id(position)],
                    short_id(duty) if isinstance(duty, URIRef) else "",
                )
            )
    return sorted(found, key=lambda s: (s.protocol, reference_key(s.provision), s.position.id, s.duty))


def clashes(corpus: Corpus, protocols: list[str]) -> list[Clash]:
    """Opposed positions taken by two chosen protocols (across) or by one document (within)
    on the same matter, each pair once."""
    pairs = opposed(corpus)
    matters = obligations(corpus)
    result = []
    for a, b in combinations(statements(corpus, protocols), 2):
        if a.position.matter != b.position.matter or frozenset({a.position.id, b.position.id}) not in pairs:
            continue
        kind = STANCE_KINDS.get(frozenset({a.position.stance, b.position.stance}), "forbidden")
        scope = "within" if a.protocol == b.protocol else "across"
        result.append(Clash(kind, matters[a.position.matter], (a, b), scope))
    return result

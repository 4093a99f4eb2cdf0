"""The protocol list: a row a protocol version (id, title, issuer, date, what it revises, how
many duties and timescales), from a loaded corpus (``protocol_rows``) or, for the bundled
files, without rdflib (``bundled_protocol_rows``); ``protocol_list`` picks the fast path when
it can. ``fact_counts`` counts what a protocol graph encodes, by kind (``FACT_KINDS``).

``protograph list`` is the first command a newcomer runs, and rdflib's Turtle parser needs
about a second for the bundled corpus. Here pyoxigraph (Rust) parses the bundled files in a
few hundredths of a second and one SPARQL query reads each protocol's title, issuer, date,
previous version and typed nodes. Only the bundled files take this path: protocol files of
one's own (``--corpus``) are loaded in full, because they are checked against the encoding
shapes and their source text as they load. A test holds both paths to the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EncodingError
from ..paths import data_dir
from .ids import short_id

if TYPE_CHECKING:
    from rdflib import Graph

    from .loader import Corpus

PG = "https://w3id.org/protograph/ns#"

# What ``list`` and ``show`` count, by the classes (with their subclasses) that make a kind.
FACT_KINDS: dict[str, tuple[str, ...]] = {
    "duties": ("Duty",),
    "timescales": (
        "Timescale",
        "Deadline",
        "QualifyingPeriod",
        "ScheduledPoint",
        "Cap",
        "Step",
        "Recurrence",
        "ExtendablePeriod",
        "OpenEndedPeriod",
        "CountingWindow",
        "RiskWindow",
        "Period",
    ),
    "thresholds": ("Threshold",),
    "definitions": ("Definition",),
    "indicator_lists": ("IndicatorList",),
    "indicators": ("Indicator",),
    "forms_and_tools": ("Instrument", "Form", "Tool"),
    "mentions": ("Mention",),
    "process_stages": ("ProcessStage",),
    "provisions": ("Provision",),
}

# The columns of a protocol row, in the order `protograph list` shows them.
PROTOCOL_COLUMNS = ["id", "title", "issuer", "date", "revision_of", "duties", "timescales", "source"]


def fact_counts(graph: Graph) -> dict[str, int]:
    """How many facts of each kind a protocol graph encodes."""
    from rdflib import RDF

    from .namespace import PG as PG_TERMS

    return {
        name: len({s for c in classes for s in graph.subjects(RDF.type, PG_TERMS[c])})
        for name, classes in FACT_KINDS.items()
    }


def protocol_rows(corpus: Corpus) -> list[dict[str, object]]:
    """One row a loaded protocol: id, title, issuer, date, what it revises, counts."""
    from rdflib.namespace import PROV

    rows = []
    for protocol_id in corpus.ids():
        info = corpus.info(protocol_id)
        graph = corpus.graph(protocol_id)
        previous = graph.value(info.iri, PROV.wasRevisionOf)
        counts = fact_counts(graph)
        rows.append(
            {
                "id": protocol_id,
                "title": info.title,
                "issuer": info.issuer,
                "date": info.date,
                "revision_of": short_id(previous) if previous is not None else "",
                "duties": counts["duties"],
                "timescales": counts["timescales"],
                "source": "bundled" if info.bundled else str(info.path),
            }
        )
    return rows


def protocol_list(corpus_dirs: Sequence[Path] = (), bundled: bool = True) -> list[dict[str, object]]:
    """The rows of `protograph list`: the bundled protocols read without rdflib when no folder
    of one's own is given, else the rows of the loaded (and checked) corpus."""
    if not corpus_dirs:
        return bundled_protocol_rows()
    from .loader import load_corpus

    return protocol_rows(load_corpus(list(corpus_dirs), bundled=bundled))


_QUERY = """
PREFIX pg: <https://w3id.org/protograph/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?id ?title ?issuer ?issued ?dateNote ?previous WHERE {
  GRAPH ?g {
    ?p a pg:ProtocolVersion ; dcterms:identifier ?id .
    OPTIONAL { ?p dcterms:title ?title }
    OPTIONAL { ?p pg:issuer ?issuer }
    OPTIONAL { ?p dcterms:issued ?issued }
    OPTIONAL { ?p pg:dateNote ?dateNote }
    OPTIONAL { ?p prov:wasRevisionOf ?previous }
  }
}"""


def _value(solution: object, name: str) -> str:
    term = solution[name]  # type: ignore[index]
    return "" if term is None else term.value


def bundled_protocol_rows() -> list[dict[str, object]]:
    """One row a bundled protocol, as ``protocol_rows`` gives it, sorted by id."""
    import pyoxigraph as ox

    from ..guard import network as netguard

    netguard.install(rdflib=False)
    store = ox.Store()
    for path in sorted(data_dir("protocols").glob("*.ttl")):
        try:
            store.load(
                path=str(path),
                format=ox.RdfFormat.TURTLE,
                base_iri=path.resolve().as_uri(),
                to_graph=ox.NamedNode(path.resolve().as_uri()),
            )
        except (SyntaxError, OSError) as exc:
            raise EncodingError(f"not valid Turtle: {str(exc).splitlines()[0]}", Path(path)) from None
    kinds = {PG + cls: kind for kind, classes in FACT_KINDS.items() for cls in classes}
    typed: dict[str, dict[str, set[str]]] = {}
    for solution in store.query(
        f"SELECT ?g ?s ?c WHERE {{ GRAPH ?g {{ ?s a ?c . FILTER (STRSTARTS(STR(?c), '{PG}')) }} }}"
    ):
        kind = kinds.get(solution["c"].value)
        if kind is not None:
            typed.setdefault(solution["g"].value, {}).setdefault(kind, set()).add(str(solution["s"]))
    rows = []
    for solution in store.query(_QUERY):
        graph = solution["g"].value
        counts = typed.get(graph, {})
        previous = _value(solution, "previous")
        rows.append(
            {
                "id": _value(solution, "id"),
                "title": _value(solution, "title"),
                "issuer": _value(solution, "issuer"),
                "date": _value(solution, "issued") or _value(solution, "dateNote"),
                "revision_of": short_id(previous) if previous else "",
                "duties": len(counts.get("duties", ())),
                "timescales": len(counts.get("timescales", ())),
                "source": "bundled",
            }
        )
    return sorted(rows, key=lambda row: str(row["id"]))

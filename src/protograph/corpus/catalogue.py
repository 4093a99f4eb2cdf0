"""The protocol list, read without rdflib.

``protograph list`` is the first command a newcomer runs, and rdflib's Turtle parser needs
about a second for the bundled corpus. Here pyoxigraph (Rust) parses the bundled files in a
few hundredths of a second and one SPARQL query reads each protocol's title, issuer, date,
previous version and typed nodes. Only the bundled files take this path: protocol files of
one's own (``--corpus``) are loaded in full, because they are checked against the encoding
shapes and their source text as they load. A test holds both paths to the same rows."""

from __future__ import annotations

from pathlib import Path

from ..errors import EncodingError
from ..paths import data_dir
from .ids import short_id

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
    """One row a bundled protocol, as ``summary.protocol_rows`` gives it, sorted by id."""
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

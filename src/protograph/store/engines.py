"""Run the SPARQL question files on an engine: pyoxigraph (embedded, fast) or rdflib.

Rows come back with rdflib terms whichever engine answered, so callers do not care. The
questions are standard SPARQL 1.1, and pyoxigraph answers the pairwise ones (two duties,
two timescales) in milliseconds where rdflib takes tens of seconds. Values are passed as
substitutions (pyoxigraph) or initBindings (rdflib), never formatted into query text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from ..corpus.queries import load_query
from ..guard.network import check_sparql


class Row:
    """One solution: attribute and item access to its variables (None when unbound)."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._values.get(name)

    def asdict(self) -> dict[str, Any]:
        """The bound variables."""
        return dict(self._values)


def _to_rdflib(term: Any) -> Any:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def _to_oxigraph(term: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


class OxigraphEngine:
    """An in-memory pyoxigraph store holding one rdflib graph's triples."""

    def __init__(self, graph: Graph) -> None:
        import pyoxigraph as ox

        self.store = ox.Store()
        self.store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)

    def query(self, name: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
        """Run the named question and return its rows."""
        import pyoxigraph as ox

        substitutions = {ox.Variable(k): _to_oxigraph(v) for k, v in (bindings or {}).items()}
        solutions = self.store.query(check_sparql(load_query(name)), substitutions=substitutions or None)
        names = [v.value for v in solutions.variables]
        return [Row({n: _to_rdflib(solution[n]) for n in names}) for solution in solutions]


class RdflibEngine:
    """rdflib's own SPARQL engine over a graph (the reference; slow on pairwise questions)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def query(self, name: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
        """Run the named question and return its rows."""
        result = self.graph.query(check_sparql(load_query(name)), initBindings=dict(bindings or {}))
        names = [str(v) for v in result.vars]
        return [Row({n: row[n] for n in names}) for row in result]

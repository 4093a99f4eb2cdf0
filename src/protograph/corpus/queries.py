"""SPARQL questions, one per file under ``queries/``, loaded by name and run with
bindings passed as ``initBindings`` (never by formatting input into query text)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from rdflib import Graph
from rdflib.query import Result

from ..errors import InputError
from ..guard.network import check_sparql
from ..paths import queries_dir


@cache
def load_query(name: str) -> str:
    """Return the text of ``queries/<name>.rq``."""
    path = queries_dir() / f"{name}.rq"
    if not path.is_file():
        raise InputError(f"no query named {name!r}", path)
    return path.read_text(encoding="utf-8")


def run(graph: Graph, name: str, bindings: Mapping[str, object] | None = None) -> Result:
    """Run the named query on an rdflib graph or dataset."""
    return graph.query(check_sparql(load_query(name)), initBindings=dict(bindings or {}))

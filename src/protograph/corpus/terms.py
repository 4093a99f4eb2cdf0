"""Shared terms: labels, short ids and natural ordering of provision references."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import RDFS, Graph, URIRef

from .ids import short_id

__all__ = ["short_id"]

_NUMBER = re.compile(r"(\d+)")


def label(graph: Graph, iri: object) -> str:
    """The rdfs:label of a term, or its short id when it has none."""
    if not isinstance(iri, URIRef):
        return "" if iri is None else str(iri)
    value = graph.value(iri, RDFS.label)
    return str(value) if value is not None else short_id(iri)


def reference_key(reference: str) -> tuple:
    """Sort key putting references in document order: 2 < 10 < 10.1 < app-1; slugs last."""
    text = str(reference)
    appendix = text.startswith("app-")
    numeric = bool(re.match(r"^\d", text)) or appendix
    parts = tuple(int(p) if p.isdigit() else p for p in _NUMBER.split(text) if p not in ("", ".", "-"))
    return (0 if numeric and not appendix else 1 if appendix else 2, parts)


def first_provision(graph: Graph, provisions: Iterable[object]) -> object | None:
    """Of the passages a fact cites, the first in document order (the same one every run,
    whatever order the graph returns them in); None when it cites none."""
    from .namespace import PG

    return min(provisions, key=lambda p: (reference_key(str(graph.value(p, PG.reference) or "")), str(p)), default=None)

"""Readable ids from IRIs (no rdflib, so that light commands need not import it)."""

from __future__ import annotations


def short_id(iri: object) -> str:
    """The readable id of a shared term or fact: its last path segment ('police', 'must')."""
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text

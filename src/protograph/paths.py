"""Where the bundled data lives: ontology, protocols, shapes, queries and the sources."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def data_dir(name: str) -> Path:
    """Return the bundled folder ``name`` (ontology, protocols, shapes): the checkout's copy
    when running from source, the wheel's copy (``protograph/_data``) when installed."""
    checkout = _CHECKOUT / name
    if checkout.is_dir():
        return checkout
    return _PACKAGE / "_data" / name


def queries_dir() -> Path:
    """Return the folder of SPARQL files (one question a file)."""
    return _PACKAGE / "queries"


def sources_dir() -> Path:
    """Return the folder of protocol source texts: $PROTOGRAPH_SOURCES, else
    ``../shared/protocol-sources`` beside the project root."""
    env = os.environ.get("PROTOGRAPH_SOURCES")
    if env:
        return Path(env)
    return _CHECKOUT.parent / "shared" / "protocol-sources"

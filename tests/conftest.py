"""Shared fixtures: the bundled corpus, loaded once per test session."""

from __future__ import annotations

import pytest

from protograph.loader import Corpus, load_corpus
from protograph.paths import sources_dir

SOURCES_MISSING = not sources_dir().is_dir()
needs_sources = pytest.mark.skipif(
    SOURCES_MISSING, reason=f"protocol source texts not found at {sources_dir()} (set PROTOGRAPH_SOURCES)"
)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """Every bundled protocol and the ontology, as one Dataset."""
    return load_corpus()

"""The question files are standard SPARQL 1.1: rdflib and pyoxigraph give the same rows."""

from __future__ import annotations

import pytest

from protograph.comparing.conflicts import _merged
from protograph.store.engines import OxigraphEngine, RdflibEngine

# rdflib needs tens of seconds for the pairwise questions (two duties joined on action and
# trigger), so those are compared on one protocol's graph, where they still find rows.
WHOLE_CORPUS = [
    "timescale-differs-for-same-topic",
    "definition-differs-for-same-concept",
    "threshold-differs-for-same-topic",
    "renamed-between-protocols",
    "duty-absent-from-other-protocol",
    "timescales",
    "duties",
    "duty-facets",
]
ONE_PROTOCOL = ["modality-differs-for-same-duty", "form-differs-for-same-purpose", "deadline-differs-for-same-action"]


def _rows(engine, name):
    return sorted(
        tuple(sorted((k, str(v)) for k, v in row.asdict().items() if v is not None)) for row in engine.query(name)
    )


@pytest.fixture(scope="module")
def corpus_engines(corpus):
    graph = _merged(corpus, corpus.ids())
    return RdflibEngine(graph), OxigraphEngine(graph)


@pytest.mark.parametrize("name", WHOLE_CORPUS)
def test_question_gives_the_same_rows_on_rdflib_and_pyoxigraph(corpus_engines, name):
    reference, oxigraph = corpus_engines
    rows = _rows(oxigraph, name)
    assert rows, f"{name} found nothing to compare"
    assert _rows(reference, name) == rows


@pytest.mark.parametrize("name", ONE_PROTOCOL)
def test_pairwise_question_gives_the_same_rows_on_both_engines(corpus, name):
    graph = corpus.graph("4lscb-met-2013")
    assert _rows(RdflibEngine(graph), name) == _rows(OxigraphEngine(graph), name)

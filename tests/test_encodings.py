"""Every bundled protocol encoding conforms to the encoding shapes and uses only defined terms."""

from __future__ import annotations

import pytest
from rdflib import RDF

from conftest import needs_sources
from protograph.corpus.coverage import coverage, summary
from protograph.corpus.encoding_checks import shape_problems, source_text_for, timescale_problems, undefined_terms
from protograph.corpus.loader import bundled_protocol_files, parse_file
from protograph.corpus.namespace import PG

PROTOCOL_FILES = bundled_protocol_files()
EXPECTED = ["4lscb-ctp-2011", "4lscb-met-2013", "4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"]


@pytest.fixture(scope="module", params=PROTOCOL_FILES, ids=lambda p: p.stem)
def encoded(request, corpus):
    return request.param, parse_file(request.param), corpus.ontology


def test_all_five_protocols_are_bundled(corpus):
    assert corpus.ids() == EXPECTED


def test_protocol_file_is_named_after_its_id(encoded):
    path, graph, _ = encoded
    version = next(graph.subjects(RDF.type, PG.ProtocolVersion))
    assert str(version).rsplit("/", 1)[1] == path.stem


def test_encoding_conforms_to_the_encoding_shapes(encoded):
    path, graph, ontology = encoded
    problems = shape_problems(graph, ontology)
    assert not problems, "\n".join(map(str, problems[:20]))


def test_encoding_uses_only_terms_the_vocabularies_define(encoded):
    path, graph, ontology = encoded
    assert not undefined_terms(graph, ontology)


def test_timescales_are_well_ordered_and_immediate_ones_are_zero(encoded):
    path, graph, _ = encoded
    assert not timescale_problems(graph)


def test_every_duty_has_its_provision_with_reference_and_quote(encoded):
    path, graph, _ = encoded
    duties = list(graph.subjects(RDF.type, PG.Duty))
    assert duties
    for duty in duties:
        provision = graph.value(duty, PG.provision)
        assert graph.value(provision, PG.reference) is not None, duty
        assert len(str(graph.value(provision, PG.quote))) > 10, duty


@needs_sources
def test_coverage_leaves_no_normative_sentence_unexplained(encoded):
    path, graph, _ = encoded
    _, text = source_text_for(graph, path)
    rows = coverage(graph, text)
    gaps = [f"line {r.line}: {r.sentence[:100]}" for r in rows if r.status == "unexplained"]
    counts = summary(rows)
    assert counts["normative"] > 0
    assert not gaps, f"{len(gaps)} unexplained:\n" + "\n".join(gaps[:15])


def test_a_position_statement_without_provision_or_quote_fails_the_shapes(corpus):
    # herts-tc-2016 8.4 takes a position ("help the children to get in touch with their family"):
    # conforming as encoded; without its provision, or with a provision that has no quote, refused
    from protograph.corpus.loader import bundled_protocol_files

    (path,) = [p for p in bundled_protocol_files() if p.stem == "herts-tc-2016"]
    graph = parse_file(path)
    (statement,) = [
        s
        for s in graph.subjects(RDF.type, PG.PositionStatement)
        if str(s).endswith("position-8.4-help-contact-with-family")
    ]
    assert not shape_problems(graph, corpus.ontology)
    provision = graph.value(statement, PG.provision)
    quote = graph.value(provision, PG.quote)
    graph.remove((provision, PG.quote, quote))
    assert any("verbatim quote" in p.problem for p in shape_problems(graph, corpus.ontology))
    graph.add((provision, PG.quote, quote))
    graph.remove((statement, PG.provision, provision))
    messages = [p.problem for p in shape_problems(graph, corpus.ontology)]
    assert any("position statement cites exactly one provision" in m for m in messages), messages

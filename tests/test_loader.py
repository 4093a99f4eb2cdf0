"""The corpus loader: named graphs, OWL-RL closure, user corpora, and no network, ever."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Dataset

from protograph.corpus.loader import load_corpus, owl_rl_closure, parse_file
from protograph.corpus.namespace import ONTOLOGY_GRAPH, PG, protocol_iri
from protograph.corpus.queries import run
from protograph.errors import EncodingError, NetworkRefused
from protograph.guard import network as netguard
from support import Listener


@pytest.fixture
def listener():
    netguard.install()
    server = Listener()
    yield server
    server.close()


MINI = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix pg: <https://w3id.org/protograph/ns#> .
@prefix p: <https://w3id.org/protograph/protocol/mini-2024/> .
<https://w3id.org/protograph/protocol/mini-2024> a pg:ProtocolVersion ;
    dcterms:identifier "mini-2024" ; dcterms:title "Mini protocol" ; pg:issuer "Test board" ;
    pg:sourceFile "mini-2024.txt" .
p:prov-1-aim a pg:Provision ; pg:reference "1" ; pg:quote "The aim of this protocol is to protect children." ;
    pg:coverageNote "States the protocol's aim; addresses no one." .
"""


def test_each_protocol_has_its_own_named_graph_and_the_ontology_one(corpus):
    names = {g.identifier for g in corpus.dataset.graphs()}
    assert ONTOLOGY_GRAPH in names
    for protocol_id in corpus.ids():
        assert protocol_iri(protocol_id) in names
        assert (protocol_iri(protocol_id), RDF.type, PG.ProtocolVersion) in corpus.graph(protocol_id)


def test_every_typed_node_knows_its_protocol(corpus):
    for protocol_id in corpus.ids():
        graph = corpus.graph(protocol_id)
        for duty in graph.subjects(RDF.type, PG.Duty):
            assert (duty, PG.inProtocol, protocol_iri(protocol_id)) in graph


def test_owl_rl_closure_adds_the_roles_a_duty_involves(corpus):
    """pg:involvesRole is only ever inferred (from pg:bearer / pg:recipient), so the
    duties-involving-role question has no answer until the OWL-RL closure runs."""
    protocol_id, duty, recipient = next(
        (pid, d, r) for pid in corpus.ids() for d, r in corpus.graph(pid).subject_objects(PG.recipient)
    )
    graph = corpus.with_ontology(protocol_id)
    before = {row.duty for row in run(graph, "duties-involving-role", {"role": recipient})}
    assert duty not in before
    owl_rl_closure(graph)
    after = {row.duty for row in run(graph, "duties-involving-role", {"role": recipient})}
    assert duty in after
    assert (recipient, PG.roleIn, duty) in graph
    deadline = next(graph.subjects(RDF.type, PG.Deadline))
    assert (deadline, RDF.type, PG.Timescale) in graph and (deadline, RDF.type, PG.EncodedFact) in graph


def test_owl_imports_in_a_protocol_is_refused_naming_its_line_and_never_followed(listener, tmp_path: Path):
    imports = f"    owl:imports <http://127.0.0.1:{listener.port}/ontology.ttl> ;\n    dcterms:identifier"
    (tmp_path / "mini-2024.ttl").write_text(MINI.replace("    dcterms:identifier", imports, 1), encoding="utf-8")
    (tmp_path / "mini-2024.txt").write_text("1. The aim of this protocol is to protect children.\n", encoding="utf-8")
    with pytest.raises(
        EncodingError, match=r"mini-2024\.ttl:7: owl:imports <http://127\.0\.0\.1:\d+/ontology\.ttl> is refused"
    ):
        load_corpus([tmp_path], bundled=False)
    assert listener.hits == 0


def test_a_protocol_without_imports_loads_and_its_closure_fetches_nothing(listener, tmp_path: Path):
    (tmp_path / "mini-2024.ttl").write_text(MINI, encoding="utf-8")
    (tmp_path / "mini-2024.txt").write_text("1. The aim of this protocol is to protect children.\n", encoding="utf-8")
    corpus = load_corpus([tmp_path], bundled=False)
    owl_rl_closure(corpus.with_ontology("mini-2024"))
    assert corpus.ids() == ["mini-2024"]
    assert listener.hits == 0


def test_sparql_service_is_refused_without_a_request(listener, corpus):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(NetworkRefused):
        list(corpus.dataset.query(query))
    assert listener.hits == 0


def test_sparql_load_and_from_fetch_nothing(listener):
    dataset = Dataset()
    dataset.update(f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>")
    assert len(dataset) == 0
    list(dataset.query(f"SELECT * FROM <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ ?s ?p ?o }}"))
    assert listener.hits == 0


def test_a_user_protocol_failing_the_encoding_shapes_is_refused_with_one_line(tmp_path: Path):
    broken = MINI.replace("{port}", "9").replace('pg:issuer "Test board" ;', "")
    (tmp_path / "mini-2024.ttl").write_text(broken, encoding="utf-8")
    (tmp_path / "mini-2024.txt").write_text("The aim of this protocol is to protect children.", encoding="utf-8")
    with pytest.raises(EncodingError) as caught:
        load_corpus([tmp_path], bundled=False)
    message = str(caught.value)
    assert "mini-2024.ttl" in message and "issuer" in message and "\n" not in message


def test_a_user_protocol_quoting_text_not_in_its_source_is_refused(tmp_path: Path):
    (tmp_path / "mini-2024.ttl").write_text(MINI.replace("{port}", "9"), encoding="utf-8")
    (tmp_path / "mini-2024.txt").write_text("The aim of this protocol is to safeguard children.", encoding="utf-8")
    with pytest.raises(EncodingError, match="not in source"):
        load_corpus([tmp_path], bundled=False)


def test_broken_turtle_names_file_and_line(tmp_path: Path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix pg: <https://w3id.org/protograph/ns#> .\n\npg:a pg:b pg:c ;\n   pg:d .\n pg:e ] .\n")
    with pytest.raises(EncodingError) as caught:
        parse_file(path)
    assert str(caught.value).startswith(f"{path}:")

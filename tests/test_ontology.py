"""The shared ontology and vocabularies: well-formed, labelled, defined, and fixed ids present."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, Graph, Literal
from rdflib.namespace import SKOS

from protograph.corpus.loader import ontology_files, parse_file
from protograph.corpus.namespace import CONCEPT, EVENT, PG, ROLE
from protograph.paths import data_dir

ROOT = Path(__file__).resolve().parents[1]
DESIGN_EVENT_TYPES = [
    "trafficking-suspected",
    "arrived-uk",
    "child-safeguarded",
    "notify",
    "referral",
    "referral-confirmed-in-writing",
    "decision",
    "strategy-discussion",
    "strategy-meeting",
    "joint-visit",
    "initial-assessment",
    "trafficking-assessment",
    "seraf-assessment",
    "health-assessment",
    "age-assessment",
    "nrm-referral",
    "icta-referral",
    "conclusive-decision",
    "fingerprints-taken",
    "photograph-taken",
    "dna-taken",
    "missing",
    "returned",
    "return-interview",
    "safe-and-well-check",
    "national-missing-bureau-notified",
    "safety-plan",
    "abe-interview",
]
DESIGN_CASE_ROLES = [
    "police",
    "childrens-services",
    "mash",
    "health",
    "education",
    "border-force",
    "ukhtc",
    "home-office",
    "icta-service",
    "foster-carer",
    "residential-carer",
    "social-worker",
    "interpreter",
    "professional",
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        parse_file(path, graph)
    return graph


def test_every_ontology_and_vocabulary_term_has_a_label_and_one_definition(ontology):
    shapes = Graph().parse(data_dir("shapes") / "vocabulary.shapes.ttl")
    conforms, _, text = validate(ontology, shacl_graph=shapes, inference="none", do_owl_imports=False)
    assert conforms, text


def test_vocabulary_shapes_catch_a_term_without_definition(ontology):
    shapes = Graph().parse(data_dir("shapes") / "vocabulary.shapes.ttl")
    broken = Graph()
    broken += ontology
    broken.remove((ROLE.police, SKOS.definition, None))
    conforms, _, text = validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms and "definition" in text


def test_every_event_type_id_fixed_by_design_is_in_the_vocabulary(ontology):
    ids = {str(o) for s in ontology.subjects(RDF.type, PG.EventType) for o in ontology.objects(s, PG.caseId)}
    assert set(DESIGN_EVENT_TYPES) <= ids
    for event_id in DESIGN_EVENT_TYPES:
        assert (EVENT[event_id], PG.caseId, Literal(event_id)) in ontology


def test_every_case_role_id_fixed_by_design_is_a_role(ontology):
    for role_id in DESIGN_CASE_ROLES:
        assert (ROLE[role_id], RDF.type, PG.Role) in ontology
        assert (ROLE[role_id], PG.caseId, Literal(role_id)) in ontology


def _names(ontology: Graph, term) -> dict[str, tuple]:
    names = {}
    for node in ontology.objects(term, PG.historicalName):
        labels = {str(ontology.value(node, RDFS.label)), *map(str, ontology.objects(node, SKOS.altLabel))}
        span = (ontology.value(node, PG.usedFrom), ontology.value(node, PG.usedUntil))
        for name in labels:
            names[name] = tuple(str(v) if v is not None else None for v in span)
    return names


def test_ukba_and_uk_visas_and_immigration_are_dated_names_of_one_immigration_role(ontology):
    names = _names(ontology, ROLE["border-force"])
    assert names["UKBA"][1] == "2013-03-31"
    assert names["UK Visas and Immigration"][0] == "2013-04-01"


def test_pct_lscb_ukhtc_and_crb_renames_are_recorded_with_dates(ontology):
    assert _names(ontology, ROLE.health)["PCT"][1] == "2013-03-31"
    assert "LSCB" in _names(ontology, ROLE["safeguarding-board"])
    assert "Single Competent Authority" in _names(ontology, ROLE.ukhtc)
    checks = _names(ontology, CONCEPT["criminal-records-check"])
    assert checks["CRB"][1] == "2012-11-30" and checks["DBS"][0] == "2012-12-01"


def test_every_case_visible_action_is_evidenced_by_an_event_type(ontology):
    for action in ontology.subjects(PG.evidencedBy, None):
        event = ontology.value(action, PG.evidencedBy)
        assert (event, RDF.type, PG.EventType) in ontology, action


def test_modality_severity_follows_must_should_and_advisory(ontology):
    sh = "http://www.w3.org/ns/shacl#"
    assert str(ontology.value(PG.must, PG.severity)) == sh + "Violation"
    assert str(ontology.value(PG.will, PG.severity)) == sh + "Violation"
    assert str(ontology.value(PG.should, PG.severity)) == sh + "Warning"
    assert str(ontology.value(PG.recommended, PG.severity)) == sh + "Info"


def test_ontology_imports_nothing(ontology):
    assert not list(ontology.triples((None, OWL.imports, None)))
    text = (data_dir("ontology") / "protograph.ttl").read_text(encoding="utf-8")
    assert not re.search(r"^\s*[^#\n]*owl:imports", text, re.MULTILINE)


def test_generated_namespace_matches_the_ontology():
    spec = importlib.util.spec_from_file_location("gen_namespace", ROOT / "tools" / "gen_namespace.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "src" / "protograph" / "corpus" / "namespace.py").read_text(encoding="utf-8")
    assert module.render() == committed, "run: python tools/gen_namespace.py"


def test_closed_namespace_rejects_a_misspelt_term():
    with pytest.raises(AttributeError):
        PG.Dutty  # noqa: B018

"""The coverage report finds normative sentences and matches them to provisions."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from protograph.corpus.coverage import coverage, normative_sentences, sentences
from protograph.corpus.namespace import PG

SOURCE = """- 7.5. If professionals suspect a child may have been trafficked they should immediately contact the
Local Authority Children's Service Department and Hampshire Constabulary.
- 7.6. The local arrangements for safeguarding and promoting the welfare of trafficked children should be consistent with the approaches used for safeguarding and promoting the welfare of all children.
- 7.7. In the event of a suspected trafficked child being found a multi agency approach is required.
- 7.8. Trafficked children are likely to be uncommunicative.
"""


def _graph(*provisions: tuple[str, str, bool, str]) -> Graph:
    graph = Graph()
    for i, (reference, quote, used, note) in enumerate(provisions):
        node = URIRef(f"urn:test:prov{i}")
        graph.add((node, PG.reference, Literal(reference)))
        graph.add((node, PG.quote, Literal(quote)))
        if used:
            graph.add((URIRef(f"urn:test:fact{i}"), PG.provision, node))
        if note:
            graph.add((node, PG.coverageNote, Literal(note)))
    return graph


def test_bullets_and_wrapped_lines_become_whole_sentences():
    texts = [s.text for s in sentences(SOURCE)]
    assert (
        "If professionals suspect a child may have been trafficked they should immediately contact the "
        "Local Authority Children's Service Department and Hampshire Constabulary." in texts
    )


def test_only_sentences_with_normative_words_are_listed():
    found = [s.text for s in normative_sentences(SOURCE)]
    assert len(found) == 3
    assert not any("uncommunicative" in t for t in found)


def test_a_sentence_is_encoded_explained_or_unexplained():
    graph = _graph(
        (
            "7.5",
            "they should immediately contact the Local Authority Children's Service Department and Hampshire Constabulary",
            True,
            "",
        ),
        (
            "7.6",
            "The local arrangements for safeguarding and promoting the welfare of trafficked children should be consistent with the approaches used for safeguarding and promoting the welfare of all children.",
            False,
            "A principle for local arrangements, not a duty of any agency in a case.",
        ),
    )
    rows = {r.sentence[:10]: r for r in coverage(graph, SOURCE)}
    assert rows["If profess"].status == "encoded" and rows["If profess"].references == ("7.5",)
    assert rows["The local "].status == "explained"
    assert rows["In the eve"].status == "unexplained"


def test_a_short_fragment_does_not_count_as_covering_a_long_sentence():
    graph = _graph(("7.5", "they should immediately contact", True, ""))
    rows = coverage(graph, SOURCE)
    assert rows[0].status == "unexplained"

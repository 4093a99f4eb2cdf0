"""Quote fidelity: normalisation rules, and every quote of every bundled protocol in its source."""

from __future__ import annotations

import pytest

from conftest import needs_sources
from protograph.corpus.encoding_checks import quote_problems, source_text_for
from protograph.corpus.loader import bundled_protocol_files, parse_file
from protograph.corpus.quotes import locate, normalise


def test_white_space_runs_and_line_breaks_count_as_one_space():
    assert normalise("within a maximum of\n\n 72   hours") == "within a maximum of 72 hours"


def test_markdown_markup_is_dropped():
    assert normalise("conducted within a maximum of **72** hours") == "conducted within a maximum of 72 hours"
    assert normalise("contact [Hampshire Constabulary](#) now") == "contact Hampshire Constabulary now"
    assert normalise("*Section 46(1)* of the Children Act") == "Section 46(1) of the Children Act"


def test_a_word_hyphenated_at_a_line_end_is_joined_but_a_dash_is_kept():
    assert normalise("the risk of re-\ntrafficking") == "the risk of re-trafficking"
    assert normalise("two components – movement") == "two components – movement"


def test_elided_fragments_must_occur_in_order():
    source = normalise("they may still appear to submit willingly to what\nFOOTER LINE\nthey believe to be the will")
    assert locate("submit willingly to what [...] they believe to be the will", source).found
    assert not locate("they believe to be the will [...] submit willingly", source).found


def test_a_paraphrase_is_not_found():
    source = normalise("The Local Authority will decide on a course of action within 24 hours.")
    check = locate("The Local Authority must decide within 24 hours.", source)
    assert not check.found and check.missing


@needs_sources
@pytest.mark.parametrize("path", bundled_protocol_files(), ids=lambda p: p.stem)
def test_every_quote_occurs_verbatim_in_the_protocol_source(path):
    graph = parse_file(path)
    _, text = source_text_for(graph, path)
    assert len(set(graph.objects(None, None))) > 0
    problems = quote_problems(graph, text)
    assert not problems, "\n".join(map(str, problems[:20]))

"""A policy lead's second reading of `conflicts` and `diff` against the five source texts.

Each test pins one entry that the reading found wrong (or one encoding that made it wrong),
names the clause(s) it is about, and asserts the corrected behaviour on the real corpus.
READING.md has the tally; these are its regressions."""

from __future__ import annotations

import pytest

from protograph.comparing.alignment import alignment
from protograph.comparing.conflicts import conflicts
from protograph.comparing.diff import diff
from protograph.corpus.duties import duties


@pytest.fixture(scope="module")
def current(corpus):
    return conflicts(corpus)


@pytest.fixture(scope="module")
def every_version(corpus):
    return conflicts(corpus, include_superseded=True)


@pytest.fixture(scope="module")
def met_to_guide(corpus):
    return diff(corpus, "4lscb-met-2013", "4lscb-met-guide-2018")


def _of(found, kind, obligation):
    return [c for c in found if c.kind == kind and c.obligation == obligation]


def _duty(corpus, protocol, duty_id):
    (found,) = [d for d in duties(corpus, [protocol]) if d.id == duty_id]
    return found


def _aligned(corpus, protocol, duty_id):
    return set(alignment(corpus).get((protocol, duty_id), ()))


def _sides(conflict):
    return {(s.protocol, s.provision) for s in conflict.sides}


# --- modality: prohibitions that admit no exception -------------------------------------


def test_interpreter_prohibition_is_the_same_strength_in_herts_9_and_lincs_s47_section(current, corpus):
    """herts-tc-2016 9 'should ... never use anyone connected with the child' and lincs-tc-2023
    strategy-discussion-and-section-47-enquiries 'Under no circumstances should the interpreter be
    the sponsor' both forbid without exception: the same strength, so no modality conflict."""
    assert _duty(corpus, "herts-tc-2016", "duty-9-never-connected-interpreter").modality == "mustNot"
    assert not _of(current, "modality", "never-use-a-connected-adult-as-interpreter")


def test_at_no_stage_should_reads_the_same_in_met_2013_5_6_3_guide_69_and_lincs(corpus, every_version):
    """'Separate interviews - at no stage should adults purporting to be the child's parent, sponsor
    or carer be present' stands in 4lscb-met-2013 5.6.3, 4lscb-met-guide-2018 69 and lincs-tc-2023
    what-trafficked-children-need: one sentence, one modality. herts-tc-2016 9 ('should try to see
    the child on their own where possible') is the only softer text, and stays reported."""
    strengths = {
        _duty(corpus, "4lscb-met-2013", "duty-5.6.3-no-purported-carer-at-interviews").modality,
        _duty(corpus, "4lscb-met-guide-2018", "duty-69-no-purported-carer-at-interviews").modality,
        _duty(corpus, "lincs-tc-2023", "duty-what-trafficked-children-need-separate-interviews").modality,
    }
    assert strengths == {"mustNot"}
    (apart,) = _of(every_version, "modality", "see-the-child-apart-from-the-adults-with-them")
    assert ("herts-tc-2016", "9") in _sides(apart)

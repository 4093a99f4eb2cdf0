"""The question-first timeline (who must do what, by when, after an event), on the real
encodings: which duties an event starts, the column each deadline falls in, the words on each
card, the pairing of cards across protocols, and the `timeline` command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from rdflib import RDFS, Literal

from protograph.corpus.duties import duties
from protograph.corpus.loader import load_corpus
from protograph.corpus.namespace import OBL, PG
from protograph.corpus.timescales import timescales
from protograph.graphs.timeline import (
    COLUMN_IDS,
    column_of,
    newest_date,
    starting_events,
    timeline,
)
from support import run_protograph

PAGE_DATA = re.compile(r'<script type="application/json" id="pg-data">(.*?)</script>', re.S)


def started_by(corpus, protocol: str, event: str) -> set[str]:
    """The duties the encoding says an event starts: its trigger, or (with no trigger) the
    event its deadline runs from."""
    found = set()
    for duty in duties(corpus, [protocol]):
        start = duty.trigger or (duty.deadline.relative_to if duty.deadline is not None else "")
        if start == event:
            found.add(duty.id)
    return found


def a_deadline(corpus, **changes):
    """A real deadline of the corpus with some of its fields changed."""
    base = next(t for t in timescales(corpus, ["herts-tc-2016"]) if t.kind == "Deadline")
    return replace(base, **{"immediate": False, "soft": False, "relative_to": "", **changes})


@pytest.mark.parametrize(
    ("duration", "working_days", "column"),
    [
        ("PT30M", False, "1h"),
        ("PT1H", False, "1h"),
        ("PT61M", False, "24h"),
        ("PT24H", False, "24h"),
        ("PT25H", False, "72h"),
        ("PT72H", False, "72h"),
        ("PT73H", False, "7wd"),
        ("P1D", True, "7wd"),  # from a Friday, one working day ends on Monday night: not 'within 72 hours'
        ("P5D", False, "7wd"),
        ("P7D", True, "7wd"),
        ("P9D", False, "7wd"),  # 7 working days never take fewer than 9 days
        ("PT217H", False, "longer"),
        ("P8D", True, "longer"),
        ("P30D", False, "longer"),
    ],
)
def test_a_deadline_sits_in_the_first_column_it_never_passes_working_days_by_the_time_they_take(
    corpus, duration, working_days, column
):
    deadline = a_deadline(corpus, min=duration, max=duration, working_days=working_days)
    assert column_of(deadline) == column


def test_immediately_a_range_by_its_maximum_and_no_deadline_have_their_own_columns(corpus):
    assert column_of(a_deadline(corpus, min="PT0S", max="PT0S", immediate=True)) == "immediately"
    assert column_of(a_deadline(corpus, min="PT24H", max="PT48H")) == "72h"
    assert column_of(None) == "none"


def test_4lscb_met_guide_2018_missing_timeline_holds_every_duty_a_child_going_missing_starts(corpus):
    built = timeline(corpus, "4lscb-met-guide-2018", "missing")
    shown = [card.duty for card in built.cards]
    assert len(shown) == len(set(shown))
    assert set(shown) == started_by(corpus, "4lscb-met-guide-2018", "missing")
    assert len(shown) >= 10
    by_id = {d.id: d for d in duties(corpus, ["4lscb-met-guide-2018"])}
    for lane in built.lanes:
        for card in lane.cards:
            duty = by_id[card.duty]
            assert lane.key == "+".join(duty.bearers)
            assert card.column == column_of(duty.deadline)
            assert (card.quote, card.provision, card.wording, card.what) == (
                duty.quote,
                duty.provision,
                duty.wording,
                duty.label,
            )
    # lanes with the most urgent duty come first
    firsts = [COLUMN_IDS.index(lane.cards[0].column) for lane in built.lanes]
    assert firsts == sorted(firsts)


def test_every_event_that_starts_a_duty_is_offered_with_missing_and_trafficking_first(corpus):
    events = starting_events(corpus, ["4lscb-met-guide-2018", "lincs-tc-2023"])
    every = {
        d.trigger or (d.deadline.relative_to if d.deadline else "")
        for d in duties(corpus, ["4lscb-met-guide-2018", "lincs-tc-2023"])
    } - {""}
    assert len(events) == len(set(events)) and set(events) == every
    assert events[:3] == ["missing", "trafficking-suspected", "referral"]


def test_4lscb_met_2013_trafficking_assessment_card_says_7_working_days_and_if_trafficking_is_suspected(corpus):
    ctat = [d for d in duties(corpus, ["4lscb-met-2013"]) if d.trigger == "referral" and d.deadline]
    ctat = [d for d in ctat if d.deadline.working_days and "trafficking-suspected" in d.requires]
    assert ctat, "4lscb-met-2013 5.3.3: a trafficking assessment within 7 working days of a referral"
    cards = {c.duty: c for c in timeline(corpus, "4lscb-met-2013", "referral").cards}
    for duty in ctat:
        card = cards[duty.id]
        assert card.when == "within 7 working days"
        assert card.column == "7wd"
        assert "if trafficking is suspected" in card.conditions
        assert card.clause == f"4lscb-met-2013 {duty.provision}"


def test_a_soft_deadline_reads_usually_and_a_looked_after_child_is_named(corpus):
    soft = [d for d in duties(corpus, ["4lscb-met-guide-2018"]) if d.trigger == "returned" and d.deadline]
    soft = [d for d in soft if d.deadline.soft]
    assert soft, "4lscb-met-guide-2018 47: a return interview usually within 72 hours"
    cards = {c.duty: c for c in timeline(corpus, "4lscb-met-guide-2018", "returned").cards}
    for duty in soft:
        assert cards[duty.id].when.startswith("usually within ")
        if "looked-after" in duty.conditions:
            assert "looked-after child" in cards[duty.id].conditions


def test_every_card_states_its_age_bounds_and_scope_from_the_structured_fields(corpus):
    for protocol in corpus.ids():
        for event in starting_events(corpus, [protocol]):
            for card in timeline(corpus, protocol, event).cards:
                duty = next(d for d in duties(corpus, [protocol]) if d.id == card.duty)
                if duty.age_below is not None:
                    assert f"aged under {duty.age_below}" in card.conditions
                if duty.age_at_least is not None:
                    assert f"aged {duty.age_at_least} or over" in card.conditions
                if "trafficking-suspected" in duty.requires:
                    assert "if trafficking is suspected" in card.conditions
                if duty.trigger_category:
                    assert f"recorded by the police as {duty.trigger_category}" in card.conditions


ALIGNED = {
    # obligation: the duties of two protocols that state it (as protocols/alignment/<id>.ttl would say)
    "police-review-missing-child": [
        ("4lscb-met-2013", "duty-5.3.1-police-review-absent"),
        ("4lscb-met-guide-2018", "duty-43-police-review-and-recontact"),
    ],
    "decide-on-referral-within-24-hours": [
        ("4lscb-ctp-2011", "duty-12.5-decide-course-of-action"),
        ("herts-tc-2016", "duty-8.2-mash-decision-24h"),
    ],
}


@pytest.fixture(scope="module")
def aligned():
    """A corpus of its own in which pairs of duties of two protocols are aligned to one
    shared obligation each."""
    corpus = load_corpus()
    for obligation, members in ALIGNED.items():
        for protocol, duty_id in members:
            graph = corpus.graph(protocol)
            iri = next(s for s in graph.subjects(PG.provision, None) if str(s).endswith("/" + duty_id))
            graph.add((iri, PG.alignedTo, OBL[obligation]))
            graph.add((OBL[obligation], RDFS.label, Literal(obligation.replace("-", " "))))
    return corpus


def _duty(corpus, protocol, duty_id):
    return next(d for d in duties(corpus, [protocol]) if d.id == duty_id)


@pytest.mark.parametrize("obligation", ALIGNED)
def test_aligned_cards_of_two_protocols_name_each_other_and_say_what_differs(aligned, obligation):
    (pa, ida), (pb, idb) = ALIGNED[obligation]
    mine, theirs = _duty(aligned, pb, idb), _duty(aligned, pa, ida)
    (card,) = [c for c in timeline(aligned, pb, mine.trigger, [pa]).cards if c.duty == idb]
    (other,) = card.counterparts
    assert (other.protocol, other.duty, other.provision, other.quote) == (pa, ida, theirs.provision, theirs.quote)
    differs = [
        name
        for name, same in (
            ("deadline", (mine.deadline.max, mine.deadline.soft) == (theirs.deadline.max, theirs.deadline.soft)),
            ("modality", mine.modality == theirs.modality),
            ("bearer", set(mine.bearers) == set(theirs.bearers)),
        )
        if not same
    ]
    assert list(other.differs) == differs
    assert other.status == ("differs" if differs else "same")
    assert card.obligation == obligation.replace("-", " ")
    if "bearer" in differs:
        assert f"bearer {other.who}" in other.text and other.who


def test_the_two_aligned_peers_differ_in_who_decides_on_a_referral(aligned):
    (card,) = [
        c
        for c in timeline(aligned, "herts-tc-2016", "referral", ["4lscb-ctp-2011"]).cards
        if c.duty == "duty-8.2-mash-decision-24h"
    ]
    assert card.counterparts[0].status == "differs" and "bearer" in card.counterparts[0].differs


def test_a_duty_with_no_alignment_has_no_counterpart_found_and_never_a_conflict(aligned):
    corpus = aligned
    bureau = [d for d in duties(corpus, ["4lscb-met-guide-2018"]) if "bureau" in d.id and d.trigger == "missing"]
    cards = {c.duty: c for c in timeline(corpus, "4lscb-met-guide-2018", "missing", ["4lscb-met-2013"]).cards}
    assert bureau
    for duty in bureau:
        (other,) = cards[duty.id].counterparts
        assert other.status == "not-found"
        assert other.text == "No counterpart found in 4lscb-met-2013"
        assert other.differs == ()


def test_produced_date_defaults_to_the_newest_protocol_date(corpus):
    assert newest_date(corpus) == max(corpus.info(p).date for p in corpus.ids())


def page_data(text: str) -> dict:
    return json.loads(PAGE_DATA.search(text).group(1))


def test_timeline_command_writes_one_self_contained_page_with_every_starting_event(tmp_path, corpus):
    out = tmp_path / "t.html"
    result = run_protograph(
        ["timeline", "4lscb-met-guide-2018", "lincs-tc-2023", "--event", "referral", "--output", str(out)], tmp_path
    )
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page, re.I)
    assert "@import" not in page and "url(" not in page and "innerHTML" not in page
    data = page_data(page)
    assert data["selected"] == "referral"
    assert data["produced"] == newest_date(corpus)
    assert [e["id"] for e in data["events"]] == starting_events(corpus, ["4lscb-met-guide-2018", "lincs-tc-2023"])
    for protocol in ("4lscb-met-guide-2018", "lincs-tc-2023"):
        shown = {c["duty"] for lane in data["timelines"][protocol]["missing"] for c in lane["cards"]}
        assert shown == started_by(corpus, protocol, "missing")


def test_timeline_page_is_byte_identical_across_runs_and_hash_seeds(tmp_path):
    outputs = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"t-{seed}.html"
        subprocess.run(
            [sys.executable, "-m", "protograph", "timeline", "4lscb-met-2013", "herts-tc-2016", "--output", str(out)],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_produced_option_is_printed_and_a_bad_date_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "t.html"
    result = run_protograph(["timeline", "herts-tc-2016", "--produced", "2024-05-01", "--output", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert page_data(out.read_text(encoding="utf-8"))["produced"] == "2024-05-01"
    bad = run_protograph(["timeline", "herts-tc-2016", "--produced", "May 2024", "--output", str(out)], tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "is not a date" in bad.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-protocol"], "unknown protocol id 'no-such-protocol'"),
        (["herts-tc-2016", "--event", "vanished"], "unknown event type 'vanished'"),
        (["herts-tc-2016", "lincs-tc-2023", "4lscb-met-2013"], "one or two protocol ids"),
    ],
)
def test_timeline_command_refuses_bad_arguments_with_one_line_and_exit_2(tmp_path, args, message):
    out = tmp_path / "t.html"
    result = run_protograph(["timeline", *args, "--output", str(out)], tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not out.exists()

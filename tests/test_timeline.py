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

from protograph.corpus.duties import duties
from protograph.corpus.loader import load_corpus
from protograph.corpus.namespace import PG
from protograph.corpus.timescales import timescales
from protograph.graphs.timeline import (
    COLUMN_IDS,
    COLUMNS,
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
    base = next(t for t in timescales(corpus, ["herts-tc-2016"]) if t.kind == "deadline")
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


def test_a_time_expression_that_is_not_a_deadline_is_said_in_words_and_never_given_a_due_column(corpus):
    seen = set()
    for protocol in corpus.ids():
        graph = corpus.graph(protocol)
        kinds = {t.id: t for t in timescales(corpus, [protocol])}
        linked = {}
        for duty, ts in graph.subject_objects(PG.timescale):
            linked.setdefault(str(duty).rsplit("/", 1)[1], []).append(kinds.get(str(ts).rsplit("/", 1)[1]))
        for event in starting_events(corpus, [protocol]):
            for card in timeline(corpus, protocol, event).cards:
                for ts in linked.get(card.duty, []):
                    if ts is None or ts.kind not in ("qualifying period", "scheduled point"):
                        continue
                    seen.add(ts.kind)
                    words = [c for c in card.conditions if c.endswith("(not a due time)")]
                    assert words, (protocol, card.duty)
                    if ts.kind == "qualifying period":
                        assert any(w.startswith("only after more than ") for w in words)
                    if ts.soft:
                        assert any("usually" in w for w in words)
                    duty = next(d for d in duties(corpus, [protocol]) if d.id == card.duty)
                    if duty.deadline is None:
                        assert card.column == "none" and card.when == "no deadline stated"
    assert seen == {"qualifying period", "scheduled point"}  # 4lscb-met-guide-2018 97 and 43


def aligned_to(corpus, protocol: str) -> dict[str, set[str]]:
    """Each duty of a protocol and the shared obligations it is aligned to, read from its graph."""
    graph = corpus.graph(protocol)
    found: dict[str, set[str]] = {}
    for duty, obligation in graph.subject_objects(PG.alignedTo):
        found.setdefault(str(duty).rsplit("/", 1)[1], set()).add(str(obligation))
    return found


@pytest.mark.parametrize(
    ("protocol", "other"), [("4lscb-met-guide-2018", "4lscb-met-2013"), ("herts-tc-2016", "lincs-tc-2023")]
)
def test_cards_are_paired_only_with_duties_aligned_to_the_same_obligation_and_say_what_differs(corpus, protocol, other):
    mine, theirs = aligned_to(corpus, protocol), aligned_to(corpus, other)
    assert mine and theirs, "protocols/alignment/<id>.ttl is loaded into each protocol's graph"
    by_id = {d.id: d for d in duties(corpus, [protocol, other])}
    paired = differing = 0
    for event in starting_events(corpus, [protocol]):
        for card in timeline(corpus, protocol, event, [other]).cards:
            duty = by_id[card.duty]
            expected = sorted(d for d, obls in theirs.items() if obls & mine.get(card.duty, set()))
            found = [c for c in card.counterparts if c.duty]
            assert sorted(c.duty for c in found) == expected
            if not expected:
                (none,) = card.counterparts
                assert none.status in ("not-found", "unique") and none.differs == ()
            for counterpart in found:
                match = by_id[counterpart.duty]
                differs = [
                    name
                    for name, same in (
                        (
                            "deadline",
                            (duty.deadline and (duty.deadline.max, duty.deadline.soft))
                            == (match.deadline and (match.deadline.max, match.deadline.soft)),
                        ),
                        ("modality", duty.modality == match.modality),
                        ("bearer", set(duty.bearers) == set(match.bearers)),
                    )
                    if not same
                ]
                assert list(counterpart.differs) == differs
                assert counterpart.status == ("differs" if differs else "same")
                assert (counterpart.provision, counterpart.quote) == (match.provision, match.quote)
                if "bearer" in differs:
                    assert f"borne there by {counterpart.who}" in counterpart.text
                paired += 1
                differing += bool(differs)
    assert paired > 0


def test_guide_2018_foster_carer_calling_the_police_immediately_differs_from_2013_which_sets_no_deadline(corpus):
    cards = timeline(corpus, "4lscb-met-guide-2018", "missing", ["4lscb-met-2013"]).cards
    immediate = [c for c in cards if c.column == "immediately" and any(o.status == "differs" for o in c.counterparts)]
    assert immediate
    for card in immediate:
        for other in card.counterparts:
            if "deadline" in other.differs and other.when == "no deadline stated":
                assert "deadline there: none stated" in other.text


def test_a_duty_with_no_alignment_has_no_counterpart_found_and_never_a_conflict():
    corpus = load_corpus()  # a corpus of its own: the alignment of two duties is taken out
    cards = timeline(corpus, "4lscb-met-guide-2018", "missing", ["4lscb-met-2013"]).cards
    chosen = [c.duty for c in cards if c.obligation][:2]
    graph = corpus.graph("4lscb-met-guide-2018")
    for duty, obligation in list(graph.subject_objects(PG.alignedTo)):
        if str(duty).rsplit("/", 1)[1] in chosen:
            graph.remove((duty, PG.alignedTo, obligation))
    corpus._memo.clear()
    cards = {c.duty: c for c in timeline(corpus, "4lscb-met-guide-2018", "missing", ["4lscb-met-2013"]).cards}
    assert len(chosen) == 2
    for duty_id in chosen:
        (other,) = cards[duty_id].counterparts
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


def test_the_notebook_table_lists_every_card_soonest_column_first(corpus):
    from protograph import frames

    table = frames.timeline(corpus, "4lscb-met-guide-2018", "missing", ["4lscb-met-2013"])
    built = timeline(corpus, "4lscb-met-guide-2018", "missing", ["4lscb-met-2013"])
    assert sorted(table["duty"]) == sorted(c.duty for c in built.cards)
    titles = [c.title for c in COLUMNS]
    order = [titles.index(t) for t in table["column"]]
    assert order == sorted(order)
    assert table["other protocols"].str.len().min() > 0

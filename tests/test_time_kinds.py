"""Each kind of time expression means what it says; only a deadline makes a duty late.

* qualifying period (4lscb-met-guide-2018 97, "details of individuals missing more than 24
  hours are automatically sent"): nothing is owed before 24 hours; details sent at 25 hours
  are met, not late; a child back within 24 hours is owed nothing; with no due time of its
  own the duty is *open* once the period has passed;
* scheduled point (4lscb-met-2013 5.3.1, "after a defined period of time, usually 6-8
  hours"): not owed before the point, an action before it is not late;
* cap and step (4lscb-met-guide-2018 74): never a due time; a duty whose only time expression
  is one of them is not checkable; a recurrence alone leaves a duty open;
* ``protograph timescales`` names each kind in words and lists every threshold's counting
  window."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from rdflib import RDF

from protograph.cases.reading import Case, Child, Event, read_case
from protograph.checking.batch import validate_batch
from protograph.checking.compliance import outcomes
from protograph.checking.deadlines import checkable_duties, not_checkable, obligations
from protograph.checking.time_kinds import Timing, timing
from protograph.checking.validation import validate_case
from protograph.corpus.duties import duties
from protograph.corpus.namespace import PG
from protograph.corpus.timescales import timescales
from support import run_protograph

GUIDE = "4lscb-met-guide-2018"
BUREAU = "duty-97-notify-national-bureau"


def _missing_child(tmp_path, *extra: str, as_of: str = "2024-05-14T12:00+01:00"):
    lines = [
        "id: missing-more-than-24-hours",
        f"as_of: {as_of}",
        "child: {age: 14, looked_after: false, placement: home}",
        "events:",
        "  - {at: 2024-05-10T18:00+01:00, type: missing, category: missing}",
        "  - {at: 2024-05-10T18:20+01:00, type: notify, by: professional, to: police}",
        *(f"  - {e}" for e in extra),
    ]
    path = tmp_path / "case.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_case(path)


def _bureau(corpus, case):
    reference = validate_case(corpus, case, GUIDE)
    (batch,) = validate_batch(corpus, [case], [GUIDE])
    assert sorted(str(f.as_row()) for f in reference.findings) == sorted(str(f.as_row()) for f in batch.findings)
    (outcome,) = [o for o in outcomes(reference) if o.duty == BUREAU]
    return outcome, [f for f in reference.findings if f.duty == BUREAU]


def test_the_guide_97_twenty_four_hours_are_a_qualifying_period_not_a_deadline(corpus):
    (check,) = [c for c in checkable_duties(corpus, GUIDE) if c.duty.id == BUREAU]
    assert check.timing.deadline is None
    assert check.timing.qualifying and check.timing.start.max == "PT24H"


def test_guide_97_details_sent_at_25_hours_are_met_not_late(corpus, tmp_path):
    case = _missing_child(
        tmp_path,
        "{at: 2024-05-11T19:00+01:00, type: national-missing-bureau-notified, by: police}",
        "{at: 2024-05-12T08:00+01:00, type: returned}",
    )
    outcome, found = _bureau(corpus, case)
    assert found == [] and (outcome.status, outcome.actual) == ("met", "2024-05-11T19:00:00+01:00")


def test_guide_97_details_sent_before_24_hours_to_a_child_still_missing_count(corpus, tmp_path):
    case = _missing_child(tmp_path, "{at: 2024-05-10T23:00+01:00, type: national-missing-bureau-notified, by: police}")
    outcome, found = _bureau(corpus, case)
    assert found == [] and outcome.status == "met"


def test_guide_97_a_child_back_within_24_hours_is_owed_nothing(corpus, tmp_path):
    outcome, found = _bureau(corpus, _missing_child(tmp_path, "{at: 2024-05-11T17:59+01:00, type: returned}"))
    assert found == [] and outcome.status == "not applicable" and outcome.reason.startswith("ended by returned")


def test_guide_97_before_24_hours_have_passed_the_duty_is_pending_not_a_finding(corpus, tmp_path):
    outcome, found = _bureau(corpus, _missing_child(tmp_path, as_of="2024-05-11T17:00+01:00"))
    assert found == []
    assert outcome.status == "pending" and outcome.reason == "not owed before 2024-05-11T18:00:00+01:00"


def test_guide_97_never_sent_is_open_from_the_24th_hour_for_information(corpus, tmp_path):
    outcome, found = _bureau(corpus, _missing_child(tmp_path))
    (finding,) = found
    assert (finding.status, finding.severity, finding.deadline, finding.late_by) == ("open", "Info", None, None)
    assert finding.open_for == "2 d 18 h"  # from 11 May 18:00 (24 hours after) to the review on 14 May 12:00
    assert finding.severity_reason.startswith("open: the text sets no time by which it is late")


def _scheduled_point_check(corpus):
    """4lscb-met-2013 5.3.1's police review 'after a defined period of time, usually 6-8 hours',
    given to a checkable duty of the same paragraph in place of any deadline."""
    (review,) = [d for d in duties(corpus, ["4lscb-met-2013"]) if d.id == "duty-5.3.1-police-review-absent"]
    point = timing(review).start
    assert point is not None and point.kind == "scheduled point" and (point.min, point.max) == ("PT6H", "PT8H")
    check = next(
        c
        for c in checkable_duties(corpus, "4lscb-met-2013")
        if c.duty.id == "duty-5.2-contact-police-not-where-expected"
    )
    return replace(check, timing=Timing(start=point)), point


def test_a_scheduled_point_is_not_owed_before_it_and_an_action_before_it_is_not_late(corpus):
    check, _ = _scheduled_point_check(corpus)
    start = datetime(2024, 7, 1, 18, 0, tzinfo=UTC)
    missing = Event("m", start, "missing", category="missing", line=1)
    child = Child(age=15)
    early = Case("sp", child, (missing,), start + timedelta(hours=7))
    (obligation,), _ = obligations([check], early)
    assert not obligation.owed_by(early.as_of)  # 7 hours: the point (up to 8 hours) is not reached
    late = Case("sp", child, (missing,), start + timedelta(hours=9))
    (obligation,), _ = obligations([check], late)
    assert obligation.owed_by(late.as_of) and obligation.due is None  # owed from the point, then open
    told = Event("t", start + timedelta(hours=1), "notify", to="police", line=2)
    assert all(e.shows(told, missing) for e in check.evidence)  # done before the point: met, not late


def test_a_cap_or_a_step_alone_is_never_a_due_time_so_the_duty_is_not_checkable(corpus):
    guide = {d.id: d for d in duties(corpus, [GUIDE])}
    cap = guide["duty-74-start-half-hour-unsupervised"]
    step = guide["duty-74-rise-half-hour-intervals"]
    assert [t.kind for t in cap.timescales] == ["cap"] and [t.kind for t in step.timescales] == ["step"]
    assert timing(cap).startswith("its only timing is a cap")
    assert timing(step).startswith("its only timing is a step")
    # a recurrence alone leaves a duty open (owed from its trigger, never late)
    meetings = guide["duty-70-s47-meetings-while-missing"]
    assert [t.kind for t in meetings.timescales] == ["recurrence"] and timing(meetings) == Timing()


def test_a_duty_whose_time_expression_makes_it_uncheckable_gets_no_shape_and_says_why(corpus):
    guide = {d.id: d for d in duties(corpus, [GUIDE])}
    cap = replace(guide["duty-74-start-half-hour-unsupervised"], trigger="placement")
    assert isinstance(timing(cap), str)
    assert "duty-74-start-half-hour-unsupervised" not in {c.duty.id for c in checkable_duties(corpus, GUIDE)}
    assert not_checkable(corpus, GUIDE)["duty-50-initial-assessment-three-missing"]


def test_timescales_name_each_kind_in_words_and_list_every_thresholds_counting_window(corpus, tmp_path):
    rows = {(t.protocol, t.id): t for t in timescales(corpus)}
    assert rows[(GUIDE, "ts-97-missing-more-than-24h")].kind == "qualifying period"
    assert rows[(GUIDE, "ts-74-unsupervised-half-hour")].kind == "cap"
    windows = [t for t in rows.values() if t.kind == "counting window"]
    # met-2013 5.2 states its window as a pg:CountingWindow of its own; the guide's 95 only as
    # its threshold's pg:window: both are listed, once each
    met = next(t for t in windows if t.protocol == "4lscb-met-2013" and t.provision == "5.2")
    assert (met.min, met.max, met.relative_to) == ("P90D", "P90D", "missing")
    (guide,) = {(t.id, t.what, t.max) for t in windows if t.protocol == GUIDE and t.provision == "95"}
    assert guide == ("thr-95-missing-3-in-90-days", "Recorded as missing 3 times in 90 days", "P90D")
    assert not [t for t in windows if t.protocol == "4lscb-met-2013" and t.id.startswith("thr-5.2")]
    # every threshold of every protocol has its window listed
    for protocol in corpus.ids():
        graph = corpus.graph(protocol)
        thresholds = set(graph.subjects(RDF.type, PG.Threshold))
        assert len({w.provision for w in windows if w.protocol == protocol}) >= (1 if thresholds else 0), protocol
    result = run_protograph(["timescales", "--protocols", "4lscb-met-2013", "--format", "json"], tmp_path)
    listed = json.loads(result.stdout)
    assert {"protocol", "provision", "what", "min", "max", "working_days", "quote", "kind"} <= set(listed[0])
    assert {r["kind"] for r in listed} >= {"deadline", "qualifying period", "counting window", "risk window"}
    table = run_protograph(["timescales", "--protocols", "4lscb-met-2013"], tmp_path).stdout
    assert table.splitlines()[0].split()[:5] == ["protocol", "provision", "what", "kind", "min"]
    assert "counting window" in table and "qualifying period" in table

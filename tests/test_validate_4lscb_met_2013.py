"""Exact findings of case timelines checked against 4lscb-met-2013 (and, where the protocols
disagree, 4lscb-ctp-2011), worked out by hand from the protocol text first.

Hand reckoning (4lscb-met-2013):
* 5.2 "the police that must be contacted" when a child is not where expected: every missing
  event, no timescale (must -> Violation if never).
* 5.2 National Missing People Bureau: details of a child recorded MISSING for more than 24 hours.
  The 24 hours are a qualifying period, not a deadline: the details are owed once the child has been
  missing 24 hours, a return before then ends the duty (pg:cancelledBy returned), and no time is set
  by which they are sent after that (an open duty until sent, never late).
* 5.2 CYP "missing and not returned": owed while the child is missing; any return ends it.
* 5.3.1 return interview for a looked-after child "within a maximum of 72 hours" of return
  (should, but soft: 'although individual circumstances will impact on this timescale' -> Info;
  exactly 72 h is on time, 72 h 1 min is late).
Nothing else in 4lscb-met-2013 is owed on every missing or return event: the CYP for harm, the
joint safe and well check, the pre-placement interview and the "if this is not appropriate"
notice depend on circumstances a timeline does not record.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protograph.cases.reading import read_case
from protograph.checking.compliance import outcomes
from protograph.checking.validation import validate_case

CASES = Path(__file__).parent / "data" / "cases"
PID = "4lscb-met-2013"


def _case(name: str):
    return read_case(CASES / f"{name}.yaml")


def _rows(result):
    return sorted((f.provision, f.severity, f.duty, f.status, f.deadline, f.actual, f.late_by) for f in result.findings)


def test_compliant_looked_after_missing_episode_has_no_findings_return_interview_at_exactly_72_hours(corpus):
    case = _case("case-met-2013-compliant-looked-after-missing-episode")
    result = validate_case(corpus, case, PID)
    assert result.findings == []
    met = {o.duty: o for o in outcomes(result) if o.status == "met"}
    assert {"duty-5.2-contact-police-not-where-expected", "duty-5.3.1-return-interview-looked-after"} <= set(met)
    ri = met["duty-5.3.1-return-interview-looked-after"]
    assert ri.deadline == "2024-05-15T19:00:00+01:00" == ri.actual  # exactly on the 72-hour boundary
    # the CYP for a child "missing and not returned" ended when the child came back
    ended = {o.duty: o.reason for o in outcomes(result) if o.status == "not applicable"}
    assert ended["duty-5.2-cyp-missing-not-returned"] == "ended by returned at 2024-05-12T19:00:00+01:00"
    # owed only in circumstances a timeline does not record: not checked at all
    for duty in (
        "duty-5.2-cyp-returned-harmed",
        "duty-5.3.1-joint-safe-and-well-check",
        "duty-5.3.1-return-interview-before-placement",
        "duty-5.2-inform-police-bureau-not-appropriate",
    ):
        assert duty not in {o.duty for o in outcomes(result)}


def test_return_interview_one_minute_past_72_hours_is_late_and_a_missed_soft_limit_is_a_warning(corpus):
    result = validate_case(corpus, _case("case-met-2013-return-interview-one-minute-late"), PID)
    assert _rows(result) == [
        (
            "5.3.1",
            "Warning",
            "duty-5.3.1-return-interview-looked-after",
            "late",
            "2024-06-08T09:00:00+01:00",
            "2024-06-08T09:01:00+01:00",
            "1 min",
        )
    ]


@pytest.mark.parametrize(
    ("name", "sent"),
    [
        ("case-met-2013-compliant-looked-after-missing-episode", "2024-05-11T21:30:00+01:00"),
        ("case-met-2013-return-interview-one-minute-late", "2024-06-04T16:00:00+01:00"),
    ],
)
def test_bureau_details_for_a_child_missing_more_than_24_hours_are_met_and_not_ended_by_a_later_return(
    corpus, name, sent
):
    # both children were still missing at 24 hours and came back later: the details were owed and sent
    bureau = next(
        o for o in outcomes(validate_case(corpus, _case(name), PID)) if o.duty == "duty-5.2-notify-national-bureau"
    )
    assert (bureau.status, bureau.deadline, bureau.actual) == ("met", None, sent)


def test_return_interview_at_80_hours_late_under_met_2013_but_ctp_2011_sets_no_return_interview(corpus):
    case = _case("case-met-2013-return-interview-80h-trafficked-looked-after")
    met = validate_case(corpus, case, PID)
    assert _rows(met) == [
        (
            "5.3.1",
            "Warning",  # 'should ... within a maximum of 72 hours, although ...': a missed soft limit is a Warning
            "duty-5.3.1-return-interview-looked-after",
            "late",
            "2024-09-13T07:00:00+01:00",
            "2024-09-13T15:00:00+01:00",
            "8 h",
        )
    ]
    # back after 11 hours: not "missing more than 24 hours", so nothing is owed to the Bureau
    bureau = next(o for o in outcomes(met) if o.duty == "duty-5.2-notify-national-bureau")
    assert bureau.status == "not applicable"
    assert bureau.reason == "ended by returned at 2024-09-10T07:00:00+01:00"
    ctp = validate_case(corpus, case, "4lscb-ctp-2011")
    assert ctp.findings == []
    assert not [o for o in outcomes(ctp) if o.action == "conduct-return-interview"]
    # ctp-2011 17.1 and 14.3 are owed for a child victim of trafficking ("a child victim",
    # "a potentially trafficked child"); this timeline records no trafficking suspicion
    assert {o.duty: o.reason for o in outcomes(ctp) if o.duty.startswith(("duty-17.1-", "duty-14.3-"))} == {
        "duty-17.1-notify-missing-immediately": "no trafficking-suspected before missing at 2024-09-09T20:00:00+01:00",
        "duty-14.3-notify-police-ukba-if-missing": "no trafficking-suspected before missing at 2024-09-09T20:00:00+01:00",
    }


def test_absent_child_is_not_reported_to_the_national_bureau(corpus, tmp_path):
    path = tmp_path / "absent.yaml"
    path.write_text(
        "id: absent-two-days\n"
        "as_of: 2024-07-10T12:00+01:00\n"
        "child: {age: 15, looked_after: false}\n"
        "events:\n"
        "  - {at: 2024-07-01T18:00+01:00, type: missing, category: absent}\n"
        "  - {at: 2024-07-01T18:10+01:00, type: notify, by: professional, to: police}\n"
        "  - {at: 2024-07-03T18:00+01:00, type: returned}\n",
        encoding="utf-8",
    )
    result = validate_case(corpus, read_case(path), PID)
    assert result.findings == []


def test_uasc_trafficking_case_017_raises_no_alarm_for_duties_owed_only_in_unrecorded_circumstances(corpus):
    result = validate_case(corpus, _case("case-017-uasc-trafficked"), PID)
    assert _rows(result) == [
        # no deadline and not done: open, for information, never a violation on its own
        ("5.2", "Info", "duty-5.2-contact-police-not-where-expected", "open", None, None, None),
        ("5.2", "Info", "duty-5.2-uasc-safety-plan", "open", None, None, None),
        (
            "5.3.1",
            "Warning",
            "duty-5.3.1-return-interview-looked-after",
            "late",
            "2024-03-05T21:00:00+00:00",
            "2024-03-06T10:00:00+00:00",
            "13 h",
        ),
    ]


def test_initial_assessment_owed_after_police_notify_three_episodes_in_90_days(corpus, tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text(
        "id: three-episodes\n"
        "as_of: 2024-04-30T12:00+01:00\n"
        "child: {age: 14, looked_after: false}\n"
        "events:\n"
        "  - {at: 2024-03-01T20:00+00:00, type: missing, category: absent}\n"
        "  - {at: 2024-03-01T20:10+00:00, type: notify, by: professional, to: police}\n"
        "  - {at: 2024-03-02T08:00+00:00, type: returned}\n"
        "  - {at: 2024-03-20T20:00+00:00, type: missing, category: absent}\n"
        "  - {at: 2024-03-20T20:10+00:00, type: notify, by: professional, to: police}\n"
        "  - {at: 2024-03-21T08:00+00:00, type: returned}\n"
        "  - {at: 2024-04-10T20:00+01:00, type: missing, category: missing}\n"
        "  - {at: 2024-04-10T20:10+01:00, type: notify, by: professional, to: police}\n"
        "  - {at: 2024-04-11T08:00+01:00, type: returned}\n"
        "  - {at: 2024-04-11T10:00+01:00, type: police-alert-form, by: police, to: childrens-services}\n",
        encoding="utf-8",
    )
    result = validate_case(corpus, read_case(path), PID)
    assert "duty-5.3.1-initial-assessment-three-episodes" in {f.duty for f in result.findings}

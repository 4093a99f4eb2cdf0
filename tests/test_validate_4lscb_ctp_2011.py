"""Exact findings of case timelines checked against 4lscb-ctp-2011, worked out by hand first.

Hand reckoning (4lscb-ctp-2011) for a suspected trafficked child:
* 7.5 contact children's services and the police immediately (should; tolerance 1 h);
* 20.1 police, children's services and health notified immediately (will);
* 12.1 CYPR submitted and a section 47 investigation initiated (must; no timescale);
* 12.5 the Local Authority decides on a course of action within 24 hours of the referral;
* 7.17 child removed to a place of safety; 13.1 strategy discussion; 13.3 NRM commenced;
* 14.2 joint police / children's services visit "Within the first 24 – 48 hours" of being
  safeguarded: late only after 48 h (exactly 48 h is on time; 48 h 1 min is late).
"""

from __future__ import annotations

from pathlib import Path

from protograph.cases.reading import read_case
from protograph.checking.compliance import outcomes
from protograph.checking.validation import validate_case

CASES = Path(__file__).parent / "data" / "cases"
PID = "4lscb-ctp-2011"
NAME = "case-ctp-2011-compliant-joint-visit-at-48-hours"


def test_compliant_trafficking_case_joint_visit_at_exactly_48_hours_has_no_findings(corpus):
    result = validate_case(corpus, read_case(CASES / f"{NAME}.yaml"), PID)
    assert result.findings == []
    met = {o.duty: o for o in outcomes(result) if o.status == "met"}
    assert {
        "duty-7.5-contact-childrens-services-and-police",
        "duty-20.1-notify-agencies-immediately",
        "duty-12.1-submit-cypr",
        "duty-12.1-initiate-section-47",
        "duty-12.5-decide-course-of-action",
        "duty-7.17-remove-to-place-of-safety",
        "duty-13.1-convene-strategy-discussion",
        "duty-13.3-commence-nrm",
        "duty-14.2-joint-visit",
    } == set(met)
    visit = met["duty-14.2-joint-visit"]
    assert visit.deadline == visit.actual == "2024-10-09T16:00:00+01:00"
    assert met["duty-12.5-decide-course-of-action"].deadline == "2024-10-08T11:00:00+01:00"


def test_joint_visit_one_minute_past_48_hours_is_late(corpus, tmp_path):
    text = (CASES / f"{NAME}.yaml").read_text(encoding="utf-8")
    late = text.replace("2024-10-09T16:00+01:00, type: joint-visit", "2024-10-09T16:01+01:00, type: joint-visit")
    assert late != text
    path = tmp_path / "late.yaml"
    path.write_text(late, encoding="utf-8")
    result = validate_case(corpus, read_case(path), PID)
    assert [(f.provision, f.severity, f.duty, f.status, f.deadline, f.actual, f.late_by) for f in result.findings] == [
        (
            "14.2",
            "Violation",
            "duty-14.2-joint-visit",
            "late",
            "2024-10-09T16:00:00+01:00",
            "2024-10-09T16:01:00+01:00",
            "1 min",
        )
    ]


def test_missing_episode_alone_does_not_make_missing_people_helpline_owed(corpus):
    case = read_case(CASES / "case-met-2013-return-interview-80h-trafficked-looked-after.yaml")
    result = validate_case(corpus, case, PID)
    assert "duty-14.3-contact-missing-people-helpline" not in {o.duty for o in outcomes(result)}
    assert result.findings == []

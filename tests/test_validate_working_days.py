"""Working days on the England and Wales calendar, in a realistic case across Easter 2024.

A trafficking referral on Thursday 28 March 2024: Good Friday, the weekend and Easter
Monday are not working days, so '7 working days of the referral' ends on Wednesday 10
April. 4lscb-met-2013 5.3.3 (Child Trafficking Assessment Tool) is met on 10 April; the
2018 guide's paragraph 81 (initial assessment) is late, done on 11 April."""

from __future__ import annotations

from pathlib import Path

import pytest

from protograph.cases.reading import read_case
from protograph.checking.compliance import outcomes
from protograph.checking.validation import validate_case

CASE = Path(__file__).parent / "data" / "cases" / "case-working-days-across-easter-2024.yaml"


@pytest.fixture(scope="module")
def case():
    return read_case(CASE)


def _rows(result):
    return sorted((f.provision, f.severity, f.status, f.duty, f.deadline, f.actual, f.late_by) for f in result.findings)


def test_4lscb_met_2013_trafficking_assessment_on_the_7th_working_day_after_easter_is_on_time(corpus, case):
    result = validate_case(corpus, case, "4lscb-met-2013")
    tool = next(o for o in outcomes(result) if o.duty == "duty-5.3.3-ctat-within-7-working-days")
    assert (tool.status, tool.deadline) == ("met", "2024-04-10T23:59:59+01:00")
    # the SERAF duty needs an exploitation concern, which this case does not show
    seraf = next(o for o in outcomes(result) if o.duty == "duty-5.3.2-seraf-within-7-working-days")
    assert seraf.status == "not applicable" and "exploitation-suspected" in seraf.reason
    # no deadline and not done by the review date: open, for information (not a violation)
    assert _rows(result) == [
        ("app-3", "Info", "open", "duty-app-3-reasonable-grounds-test", None, None, None),
    ]


def test_4lscb_met_guide_2018_initial_assessment_a_day_after_the_7th_working_day_is_late(corpus, case):
    result = validate_case(corpus, case, "4lscb-met-guide-2018")
    # 70 and app-3 have no deadline: open, Info. 71's safety plan is the foster carer's
    # (pg:condition cond:foster-care) and this child is not shown to be in foster care.
    assert _rows(result) == [
        ("70", "Info", "open", "duty-70-s47-strategy-meeting", None, None, None),
        (
            "81",
            "Warning",
            "late",
            "duty-81-initial-assessment",
            "2024-04-10T23:59:59+01:00",
            "2024-04-11T10:00:00+01:00",
            "10 h",
        ),
        ("app-3", "Info", "open", "duty-app-3-stage-three-reasonable-grounds", None, None, None),
    ]


def test_a_referral_without_a_prior_trafficking_concern_does_not_start_the_clock(corpus, tmp_path):
    text = CASE.read_text(encoding="utf-8").replace("type: trafficking-suspected", "type: exploitation-suspected")
    path = tmp_path / "no-trafficking.yaml"
    path.write_text(text, encoding="utf-8")
    result = validate_case(corpus, read_case(path), "4lscb-met-guide-2018")
    assessment = next(o for o in outcomes(result) if o.duty == "duty-81-initial-assessment")
    assert assessment.status == "not applicable"

"""Case timelines validated against lincs-tc-2023: the exact findings its text implies.

Worked out by hand from the text before running the tool:

* referrals: 'should immediately make a referral' on a concern of possible trafficking; with
  the default one-hour tolerance for 'immediately', a referral 61 minutes after the suspicion
  is 1 minute late (should: a warning); 20 or 30 minutes is on time.
* referrals: 'Prompt decisions are needed': a decision on each referral to children's
  services, no number given, so a decision 30 hours after the referral is not a finding.
* national-referral-mechanism-nrm: 'Agencies have a duty to notify the Home Office ... For
  potential victims, under 18, this duty is satisfied through the completion of the NRM':
  no timescale; a suspicion with no NRM referral by the review date is ONE open duty
  (Info: no deadline, so not a violation on its own), not one for each NRM sentence ('An NRM referral must be made for any CSE or CCE
  victim ...' needs circumstances no timeline records; 'A first responder can make a
  referral' is a permission and never a finding).
* lincs-tc-2023 has no written-confirmation duty: a telephone referral confirmed 60 hours
  later is not a finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protograph.cases.reading import read_case
from protograph.checking.validation import validate_case

ID = "lincs-tc-2023"
CASES = Path(__file__).parent / "data" / "cases"

EXPECTED = {
    "case-herts-telephone-referral-confirmed-exactly-48h.yaml": [],
    "case-herts-telephone-referral-confirmed-48h-1min-late.yaml": [],
    "case-herts-lincs-telephone-referral-confirmed-after-60h.yaml": [],
    "case-lincs-referral-61-minutes-after-suspicion.yaml": [
        (
            "referrals",
            "Warning",
            "duty-referrals-immediate-referral",
            "late",
            "2024-02-12T11:00:00+00:00",
            "2024-02-12T11:01:00+00:00",
            "1 min",
        ),
    ],
    "case-herts-lincs-mash-decision-after-30h-no-nrm-referral.yaml": [
        (
            "national-referral-mechanism-nrm",
            "Info",
            "duty-national-referral-mechanism-nrm-notify-home-office",
            "open",
            None,
            None,
            None,
        ),
    ],
}


def _rows(result):
    return [(f.provision, f.severity, f.duty, f.status, f.deadline, f.actual, f.late_by) for f in result.findings]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lincs_tc_2023_findings_are_exactly_those_the_text_implies(corpus, name):
    result = validate_case(corpus, read_case(CASES / name), ID)
    assert _rows(result) == EXPECTED[name]
    assert all(f.protocol == ID for f in result.findings)


def test_lincs_tc_2023_late_immediate_referral_is_not_a_finding_under_herts(corpus):
    case = read_case(CASES / "case-lincs-referral-61-minutes-after-suspicion.yaml")
    lincs = validate_case(corpus, case, ID)
    herts = validate_case(corpus, case, "herts-tc-2016")
    assert [(f.duty, f.modality, f.recipients) for f in lincs.findings] == [
        ("duty-referrals-immediate-referral", "should", ("childrens-services", "mash", "social-worker"))
    ]
    assert herts.conforms


def test_lincs_tc_2023_one_missing_nrm_referral_is_reported_once(corpus):
    result = validate_case(
        corpus, read_case(CASES / "case-herts-lincs-mash-decision-after-30h-no-nrm-referral.yaml"), ID
    )
    nrm = [f for f in result.findings if f.provision == "national-referral-mechanism-nrm"]
    assert len(nrm) == 1
    assert nrm[0].duty == "duty-national-referral-mechanism-nrm-notify-home-office"
    # no permission is ever reported
    assert all(f.modality not in ("may", "recommended") for f in result.findings)


def test_lincs_tc_2023_checked_duties(corpus):
    from protograph.checking.deadlines import checkable_duties

    assert {c.duty.id for c in checkable_duties(corpus, ID)} == {
        "duty-referrals-immediate-referral",
        "duty-referrals-prompt-decisions",
        "duty-national-referral-mechanism-nrm-notify-home-office",
        "duty-national-referral-mechanism-nrm-complete-screening-tool",
        "duty-multi-agency-meeting-after-section-47",
    }

"""Case timelines validated against herts-tc-2016: the exact findings its text implies.

Worked out by hand from the text before running the tool:

* 8.2 'these must be confirmed in writing within 48 hours': a telephone referral to the
  MASH at 09:30 is on time if confirmed at 09:30 two days later, late at 09:31 (must: a
  violation); 60 hours after the call it is 12 hours late.
* 8.2 'The MASH team manager will make a decision on the case within 24 hours': a decision
  30 hours after the referral to the MASH is 6 hours late (will: a violation).
* 4.3 'Agencies who suspect that a child may be trafficked will make a referral to Children's
  Services': no timescale; met by any referral to Children's Services or the MASH after the
  suspicion.
* 4.3 'to decide within 30 days': the UKHTC's decision runs 30 days from the NRM referral;
  still running at the review date in these cases, so not a finding.
* Written referrals need no confirmation; the UKHTC referral (4.3, 6.2, 8.3), the child and
  family assessment (8.3), the trafficking assessment (4.3) and the police notification via
  the MASH (6.7) are not checked against cases (their circumstances are not on a timeline),
  so a timeline without them has no finding for them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protograph.cases.reading import read_case
from protograph.checking.validation import validate_case

ID = "herts-tc-2016"
CASES = Path(__file__).parent / "data" / "cases"

EXPECTED = {
    "case-herts-telephone-referral-confirmed-exactly-48h.yaml": [],
    "case-herts-telephone-referral-confirmed-48h-1min-late.yaml": [
        (
            "8.2",
            "Violation",
            "duty-8.2-confirm-telephone-referral-in-writing",
            "late",
            "2024-05-15T09:30:00+01:00",
            "2024-05-15T09:31:00+01:00",
            "1 min",
        ),
    ],
    "case-herts-lincs-telephone-referral-confirmed-after-60h.yaml": [
        (
            "8.2",
            "Violation",
            "duty-8.2-confirm-telephone-referral-in-writing",
            "late",
            "2024-03-06T22:00:00+00:00",
            "2024-03-07T10:00:00+00:00",
            "12 h",
        ),
    ],
    "case-lincs-referral-61-minutes-after-suspicion.yaml": [],
    "case-herts-lincs-mash-decision-after-30h-no-nrm-referral.yaml": [
        (
            "8.2",
            "Violation",
            "duty-8.2-mash-decision-24h",
            "late",
            "2024-04-09T11:15:00+01:00",
            "2024-04-09T17:15:00+01:00",
            "6 h",
        ),
    ],
    # the UASC case of the first validation run: no false alarms from referral-triggered
    # assessments or from another agency's suspicion (6.7); the telephone referral went to
    # children's services, not the MASH, so 8.2 is not triggered
    "case-017-uasc-trafficked.yaml": [],
}


def _rows(result):
    return [(f.provision, f.severity, f.duty, f.status, f.deadline, f.actual, f.late_by) for f in result.findings]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_herts_tc_2016_findings_are_exactly_those_the_text_implies(corpus, name):
    result = validate_case(corpus, read_case(CASES / name), ID)
    assert _rows(result) == EXPECTED[name]
    assert all(f.protocol == ID for f in result.findings)


def test_herts_tc_2016_written_confirmation_exactly_48_hours_after_the_call_is_on_time(corpus):
    result = validate_case(corpus, read_case(CASES / "case-herts-telephone-referral-confirmed-exactly-48h.yaml"), ID)
    assert result.conforms
    met = {o.check.duty.id: o for o in result.obligations}
    confirm = met["duty-8.2-confirm-telephone-referral-in-writing"]
    assert confirm.trigger.at.isoformat() == "2024-05-13T09:30:00+01:00"
    assert confirm.due.isoformat() == "2024-05-15T09:30:00+01:00"
    assert met["duty-8.2-mash-decision-24h"].due.isoformat() == "2024-05-14T09:30:00+01:00"
    # the UKHTC's 30 days run from the NRM referral and are still running at the review date
    assert met["duty-4.3-ukhtc-decision-30-days"].due.isoformat() == "2024-06-16T15:00:00+01:00"


def test_herts_tc_2016_sixty_hours_is_late_under_herts_only(corpus):
    case = read_case(CASES / "case-herts-lincs-telephone-referral-confirmed-after-60h.yaml")
    herts = validate_case(corpus, case, ID)
    lincs = validate_case(corpus, case, "lincs-tc-2023")
    assert [f.duty for f in herts.findings] == ["duty-8.2-confirm-telephone-referral-in-writing"]
    assert herts.findings[0].modality == "must"
    assert lincs.conforms  # lincs-tc-2023 has no written-confirmation duty


def test_herts_tc_2016_checks_no_duty_triggered_by_every_referral_without_a_deadline(corpus):
    from protograph.checking.deadlines import checkable_duties

    checked = {c.duty.id for c in checkable_duties(corpus, ID)}
    for duty in (
        "duty-4.3-local-trafficking-assessment",
        "duty-6.2-assess-needs",
        "duty-6.2-deal-with-referrals",
        "duty-8.3-child-and-family-assessment",
        "duty-6.7-police-notify-childrens-services-via-mash",
        "duty-5.2-ukba-refer-to-childrens-social-care",
        "duty-4.3-refer-to-ukhtc",
        "duty-6.2-refer-to-ukhtc",
        "duty-8.3-refer-to-ukhtc",
        "duty-8.2-mash-notify-referrer",
        "duty-8.2-pass-to-assessment-team",
    ):
        assert duty not in checked, duty
    assert checked == {
        "duty-4.3-refer-to-local-competent-authority",
        "duty-4.3-ukhtc-decision-30-days",
        "duty-6.7-immediate-referral-after-police-protection",
        "duty-8.2-confirm-telephone-referral-in-writing",
        "duty-8.2-mash-decision-24h",
        "duty-10.1-report-private-fostering",
    }

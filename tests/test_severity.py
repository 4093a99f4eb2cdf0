"""Every finding says why it has its severity; a missed soft limit is at least a Warning; a
duty with no deadline that is not done is *open* (Info), never a violation on its own."""

from __future__ import annotations

import json
from pathlib import Path

from protograph.cases.reading import read_case
from protograph.checking.validation import validate_case
from support import run_protograph

CASES = Path(__file__).parent / "data" / "cases"


def _case(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_4lscb_met_2013_5_3_1_a_return_interview_45_hours_past_a_soft_72_hours_is_a_warning_and_says_why(
    corpus, tmp_path
):
    path = _case(
        tmp_path,
        "return-interview-45h-late",
        "id: return-interview-45h-late\n"
        "as_of: 2024-09-20T12:00+01:00\n"
        "child: {age: 14, looked_after: true, placement: foster}\n"
        "events:\n"
        "  - {at: 2024-09-09T20:00+01:00, type: missing, category: missing}\n"
        "  - {at: 2024-09-09T20:10+01:00, type: notify, by: foster-carer, to: police}\n"
        "  - {at: 2024-09-10T07:00+01:00, type: returned}\n"
        "  - {at: 2024-09-15T04:00+01:00, type: return-interview, by: childrens-services}\n",
    )
    result = validate_case(corpus, read_case(path), "4lscb-met-2013")
    (late,) = [f for f in result.findings if f.duty == "duty-5.3.1-return-interview-looked-after"]
    assert (late.status, late.late_by, late.severity) == ("late", "1 d 21 h", "Warning")
    assert late.severity_reason == (
        "should (as written: 'should'); soft limit: 'although individual circumstances will impact on this "
        "timescale', so at least a Warning"
    )


def test_a_must_duty_late_by_thirty_minutes_is_a_violation_quoting_its_modal_words(corpus):
    result = validate_case(
        corpus, read_case(CASES / "case-met-2013-compliant-looked-after-missing-episode.yaml"), "4lscb-met-guide-2018"
    )
    (late,) = [f for f in result.findings if f.duty == "duty-45-safe-and-well-interview"]
    assert (late.severity, late.late_by) == ("Violation", "30 min")
    assert late.severity_reason == "must (as written: 'are responsible for')"


def test_an_open_duty_is_info_with_how_long_it_has_been_open_and_does_not_fail_the_run(tmp_path):
    """lincs-tc-2023: 'Agencies have a duty to notify the Home Office', no timescale: a suspicion
    with no NRM referral by the review date is open, not a violation."""
    case = str(CASES / "case-herts-lincs-mash-decision-after-30h-no-nrm-referral.yaml")
    result = run_protograph(["validate", case, "--protocol", "lincs-tc-2023", "--format", "json"], tmp_path)
    findings = json.loads(result.stdout)
    assert [(f["status"], f["severity"]) for f in findings] == [("open", "Info")]
    assert findings[0]["open_for"] and findings[0]["late_by"] is None and findings[0]["deadline"] is None
    assert (
        findings[0]["severity_reason"]
        == "open: the text sets no time by which it is late; must (as written: 'have a duty')"
    )
    assert result.returncode == 0  # an open duty is not a violation: exit status 0


def test_every_output_format_says_why_a_finding_has_its_severity(tmp_path):
    case = str(CASES / "case-met-2013-return-interview-one-minute-late.yaml")
    as_json = json.loads(
        run_protograph(["validate", case, "--protocol", "4lscb-met-2013", "--format", "json"], tmp_path).stdout
    )
    assert all(f["severity_reason"] for f in as_json)
    table = run_protograph(["validate", case, "--protocol", "4lscb-met-2013"], tmp_path).stdout
    assert "severity_reason" in table and "soft limit" in table
    markdown = run_protograph(
        ["validate", case, "--protocol", "4lscb-met-2013", "--format", "markdown"], tmp_path
    ).stdout
    assert "Severity: should (as written: 'should'); soft limit" in markdown

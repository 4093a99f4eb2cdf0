"""Issue #18: statuses and severities explained once in every report, a recipient column,
Violations, Warnings and Info counted apart, and a duty not done by its deadline shown as
overdue (against the review date), never as 'late by'."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from protograph.reports.explain import LEGEND, status_label
from support import run_protograph

CASE = str(Path(__file__).parent / "data" / "cases" / "case-017-uasc-trafficked.yaml")
TERMS = [term for _, term, _ in LEGEND]


def test_old_and_new_status_names_show_as_the_legend_names_them():
    # the checker's older names and its newer 'open' read the same in every report
    assert status_label("outstanding") == status_label("open") == "open"
    assert status_label("not recorded") == "not done by the deadline"
    assert {status_label(s) for s in ("met", "late", "pending", "not applicable")} <= set(TERMS)


@pytest.mark.parametrize(
    "args",
    [
        ["validate", CASE],
        ["validate", CASE, "--format", "markdown"],
        ["validate", CASE, "--report"],
        ["validate", CASE, "--report", "--format", "markdown"],
        ["validate", CASE, "--report", "--format", "html"],
    ],
    ids=["table", "markdown", "report-table", "report-markdown", "report-html"],
)
def test_every_report_explains_each_status_and_severity_once(tmp_path, args):
    out = run_protograph([*args, "--quiet"], tmp_path).stdout
    legend = out[out.rindex("Legend") :]
    for term in TERMS:
        assert term in legend, term
    assert out.count("Legend") == 1  # once per report


def test_json_carries_the_legend_and_each_row_its_status_label(tmp_path):
    document = json.loads(run_protograph(["validate", CASE, "--format", "json", "--matrix"], tmp_path).stdout)
    assert [r["term"] for r in document["legend"]] == TERMS
    assert all(f["status_label"] in TERMS for f in document["findings"])
    report = json.loads(run_protograph(["validate", CASE, "--report", "--format", "json"], tmp_path).stdout)
    assert [r["term"] for r in report["legend"]] == TERMS


def test_a_duty_not_done_by_its_deadline_is_overdue_never_late_by(tmp_path):
    findings = json.loads(run_protograph(["validate", CASE, "--format", "json"], tmp_path).stdout)
    overdue = [f for f in findings if f["status_label"] == "not done by the deadline"]
    assert overdue
    for f in overdue:
        assert f["late_by"] is None and f["overdue_by"] and f["actual"] is None
        assert f["how_late"] == f"overdue by {f['overdue_by']}"
    # 4lscb-met-guide-2018 45: the safe and well interview due within an hour of the return at 21:00 on 2 March,
    # never recorded; reviewed on 12 March at 17:00
    safe = next(f for f in overdue if f["protocol"] == "4lscb-met-guide-2018" and f["provision"] == "45")
    assert safe["overdue_by"] == "9 d 19 h"
    table = run_protograph(["validate", CASE, "--protocol", "4lscb-met-guide-2018", "--quiet"], tmp_path).stdout
    rows = [line for line in table.splitlines() if "not done by" in line and line.startswith("case-017")]
    assert rows and all("overdue by" in line and "late by" not in line for line in rows)
    opened = [f for f in findings if f["status_label"] == "open"]
    assert opened and all(f["open_for"] and f["deadline"] is None for f in opened)


def test_findings_that_differ_by_recipient_say_so_and_severities_are_counted_apart(tmp_path):
    findings = json.loads(run_protograph(["validate", CASE, "--format", "json"], tmp_path).stdout)
    same = Counter((f["protocol"], f["duty"], f["trigger_at"]) for f in findings)
    twins = [f for f in findings if same[(f["protocol"], f["duty"], f["trigger_at"])] > 1]
    for key in {(f["protocol"], f["duty"], f["trigger_at"]) for f in twins}:
        recipients = [f["recipient"] for f in twins if (f["protocol"], f["duty"], f["trigger_at"]) == key]
        assert len(set(recipients)) == len(recipients), key  # the recipient tells them apart
    document = json.loads(run_protograph(["validate", CASE, "--format", "json", "--matrix"], tmp_path).stdout)
    for row in document["summary"]:
        mine = [f for f in findings if f["protocol"] == row["protocol"]]
        assert row["Violations"] == sum(f["severity"] == "Violation" for f in mine)
        assert row["Warnings"] == sum(f["severity"] == "Warning" for f in mine)
        assert row["Info"] == sum(f["severity"] == "Info" for f in mine)
    report = json.loads(run_protograph(["validate", CASE, "--report", "--format", "json"], tmp_path).stdout)
    assert report["findings_by_severity"] == {
        "Violations": sum(f["severity"] == "Violation" for f in findings),
        "Warnings": sum(f["severity"] == "Warning" for f in findings),
        "Info": sum(f["severity"] == "Info" for f in findings),
    }

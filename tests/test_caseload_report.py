"""The caseload report: per protocol and duty, counts, lateness and compliance, in every format."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import timedelta

import pytest

from protograph.cases.synthetic import caseload
from protograph.checking.caseload import validate_cases
from protograph.reports.caseload import report_rows


@pytest.fixture(scope="module")
def csv_caseload(tmp_path_factory):
    folder = tmp_path_factory.mktemp("caseload")
    cases = caseload(120, seed=5)
    with (folder / "events.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "at", "type", "by", "to", "channel", "category"])
        for case in cases:
            for e in case.events:
                writer.writerow([case.id, e.at.isoformat(), e.type, e.by, e.to, e.channel, e.category])
    with (folder / "children.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "age", "looked_after", "uasc"])
        for case in cases:
            writer.writerow(
                [case.id, case.child.age, case.child.looked_after, "" if case.child.uasc is None else case.child.uasc]
            )
    return folder, cases


def run(*args):
    return subprocess.run(
        [sys.executable, "-c", "from protograph.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_report_counts_add_up_for_every_duty(corpus):
    cases = caseload(60, seed=9)
    results = validate_cases(corpus, cases, ["herts-tc-2016"], timedelta(hours=1), engine="batch")
    rows = report_rows(results, corpus)
    # cases and episodes are counted apart, and each adds up
    for row in rows:
        assert row["cases"] == len(cases)
        assert row["cases_triggered"] + row["cases_not_triggered"] + row["cases_not_applicable"] == len(cases)
        assert row["episodes"] == row["on_time"] + row["late"] + row["not_done"] + row["open"] + row["pending"]
        assert row["episodes"] >= row["cases_triggered"]
    confirm = next(r for r in rows if r["provision"] == "8.2" and "in writing" in str(r["duty"]))
    assert confirm["cases_triggered"] > 0
    due = confirm["episodes"] - confirm["pending"]
    assert confirm["compliance"] == round(100 * confirm["on_time"] / due, 1)
    late = [
        f
        for r in results
        for f in r.findings
        if f.duty == "duty-8.2-confirm-telephone-referral-in-writing" and f.status == "late"
    ]
    assert confirm["late"] == len(late)


def test_report_as_json_and_csv_from_a_csv_caseload(csv_caseload):
    folder, cases = csv_caseload
    as_json = run("validate", str(folder), "--report", "--format", "json", "--protocol", "4lscb-met-2013", "--quiet")
    assert as_json.returncode in (0, 1), as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["cases"] == len(cases)
    assert all(r["protocol"] == "4lscb-met-2013" for r in data["duties"])
    as_csv = run("validate", str(folder), "--report", "--format", "csv", "--protocol", "4lscb-met-2013", "--quiet")
    header = as_csv.stdout.splitlines()[0]
    assert header.startswith(
        "protocol,version,provision,duty,modality,cases,cases_triggered,cases_not_triggered,cases_not_applicable,"
        "episodes,on_time,late,median_late,worst_late,not_done,open,pending,compliance,review_dates"
    )
    assert as_csv.stderr == ""  # no progress bar when stderr is not a terminal


def test_report_html_is_one_page_with_an_inline_chart_and_no_remote_resource(csv_caseload, tmp_path):
    folder, _ = csv_caseload
    out = tmp_path / "report.html"
    result = run("validate", str(folder), "--report", "--format", "html", "--output", str(out), "--quiet")
    assert result.returncode in (0, 1), result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<rect" in page
    assert "<script" not in page and "http://" not in page.split("<body>")[0] and "src=" not in page


def test_csv_and_html_formats_need_the_report(csv_caseload):
    folder, _ = csv_caseload
    result = run("validate", str(folder), "--format", "html")
    assert result.returncode == 2 and "add --report" in result.stderr


def test_a_missing_episode_duty_counts_episodes_beside_the_cases_that_had_them(corpus):
    # the looked-after children who go missing several times: more episodes than cases
    cases = caseload(40, seed=3)
    results = validate_cases(corpus, cases, ["4lscb-met-2013"], timedelta(hours=1), engine="batch")
    rows = report_rows(results, corpus)
    interview = next(r for r in rows if r["provision"] == "5.3.1")
    assert interview["episodes"] > interview["cases_triggered"] > 0
    assert interview["cases"] == 40
    assert interview["cases_triggered"] + interview["cases_not_triggered"] + interview["cases_not_applicable"] == 40

"""Issue #18, input help for reviewers: 'did you mean …?' with the closest valid ids, the
vocabulary listed with meanings, every fault of a CSV caseload (up to 20) in one run, a sample
caseload from the command line, and a folder holding one case in two formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from protograph.cases.reading import read_caseload, suggest_time
from protograph.corpus.suggest import closest
from protograph.errors import InputError
from support import run_protograph

DATA = Path(__file__).parent / "data"
README = Path(__file__).parent.parent / "README.md"

EVENTS = """case,at,type,by,to,channel,category
m1,2024-04-02T19:00+01:00,missing,residential-carer,,,missing
m1,2024-04-02T19:40+01:00,notify,residential-carer,police,,
m1,2024-04-03T10:00+01:00,returned,,,,
m1,2024-04-04T15:00+01:00,return-interview,social-worker,,,
"""


def test_closest_ids_forgive_underscores_case_and_typos():
    assert closest("return_interview", ["return-interview", "returned", "referral"]) == ["return-interview"]
    assert closest("Returned", ["return-interview", "returned"]) == ["returned"]
    assert closest("refferal", ["referral", "return-interview"])[0] == "referral"
    assert closest("zzz", ["referral", "returned"]) == []


@pytest.mark.parametrize(
    "change, fragment",
    [
        (
            ("return-interview,social", "return_interview,social"),
            "unknown event type 'return_interview' (did you mean 'return-interview'?); list them with: protograph vocab events",
        ),
        ((",returned,", ",Returned,"), "unknown event type 'Returned' (did you mean 'returned'?)"),
        (
            ("residential-carer,police", "residential-carer,polise"),
            "unknown role 'polise' in 'to' (did you mean 'police'?); list them with: protograph vocab roles",
        ),
        ((",,missing", ",,mising"), "unknown category 'mising' (did you mean 'missing'?) (missing or absent)"),
    ],
)
def test_a_misspelt_id_gets_the_closest_valid_ones(tmp_path, change, fragment):
    (tmp_path / "events.csv").write_text(EVENTS.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_caseload(tmp_path)
    assert fragment in str(caught.value)


def test_a_misspelt_protocol_gets_the_closest_ids(tmp_path):
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    result = run_protograph(["validate", "--quiet", "--protocol", "herts-tc-2061", str(tmp_path)], tmp_path)
    assert result.returncode == 2
    assert "unknown protocol id 'herts-tc-2061' (did you mean 'herts-tc-2016'" in result.stderr


@pytest.mark.parametrize(
    "kind, some_id, words",
    [
        ("events", "return-interview", "return"),
        ("roles", "childrens-services", "local authority"),
        ("categories", "absent", "not where they should be"),
    ],
)
def test_vocab_lists_the_ids_with_their_meanings(tmp_path, kind, some_id, words):
    result = run_protograph(["vocab", kind, "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert words in rows[some_id]["meaning"].lower()
    assert all(r["meaning"] for r in rows.values())


def test_time_suggestions_are_valid_times():
    assert suggest_time("2024-03-08") == "2024-03-08T00:00+00:00"
    assert suggest_time("2024-03-08+00:00") == "2024-03-08T00:00+00:00"
    assert suggest_time("2024-03-08+0100") == "2024-03-08T00:00+01:00"
    assert suggest_time("2024-03-08T09:30") == "2024-03-08T09:30+00:00"
    assert suggest_time("next tuesday") is None


def test_a_csv_reports_every_faulty_row_up_to_20_then_stops(tmp_path):
    rows = [EVENTS.strip()]
    # 25 rows, each wrong in its own way a spreadsheet makes easy: a naive time, a typo, an empty type
    for i in range(25):
        kind = i % 3
        at = "2024-04-05T10:00" if kind == 0 else "2024-04-05T10:00+01:00"
        typ = "return_interview" if kind == 1 else ("" if kind == 2 else "returned")
        rows.append(f"m{i + 2},{at},{typ},,,,")
    (tmp_path / "events.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_protograph(["validate", "--quiet", str(tmp_path)], tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    events = str(tmp_path / "events.csv")
    assert lines[0] == (
        f"protograph: {events}:6:2: event time '2024-04-05T10:00' has no UTC offset (write e.g. 2024-04-05T10:00+00:00)"
    )
    assert lines[1].startswith(f"protograph: {events}:7:3: unknown event type 'return_interview'")
    assert all(line.startswith(f"protograph: {events}:") for line in lines[:20])
    assert lines[20] == f"protograph: {tmp_path}: 20 errors; stopped after the first 20"


def test_a_csv_with_three_faults_reports_all_three_and_a_count(tmp_path):
    text = EVENTS.replace("2024-04-02T19:40+01:00", "2024-04-02T19:40").replace("return-interview", "interview")
    (tmp_path / "events.csv").write_text(text, encoding="utf-8")
    (tmp_path / "children.csv").write_text("case,age,looked_after\nm1,14,maybe\n", encoding="utf-8")
    result = run_protograph(["validate", "--quiet", str(tmp_path)], tmp_path)
    assert result.returncode == 2
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == [
        f"{tmp_path}/events.csv:3:2",
        f"{tmp_path}/events.csv:5:3",
        f"{tmp_path}/children.csv:2:3",
        f"{tmp_path}",
    ]
    assert result.stderr.splitlines()[-1].endswith(": 3 errors")


def test_sample_caseload_writes_a_realistic_caseload_that_validates(tmp_path):
    folder = tmp_path / "sample"
    made = run_protograph(["sample-caseload", "12", str(folder)], tmp_path)
    assert made.returncode == 0, made.stderr
    with (folder / "events.csv").open(encoding="utf-8") as handle:
        events = list(csv.DictReader(handle))
    assert {e["case"] for e in events} == {f"synthetic-{i:06d}" for i in range(12)}
    assert {"missing", "trafficking-suspected", "referral", "exploitation-suspected"} <= {e["type"] for e in events}
    report = run_protograph(["validate", "--quiet", "--report", "--format", "json", str(folder)], tmp_path)
    assert report.returncode in (0, 1), report.stderr
    data = json.loads(report.stdout)
    assert data["cases"] == 12 and {r["as_of_source"] for r in data["review_dates"]} == {"given in the case"}
    again = run_protograph(["sample-caseload", "12", str(folder)], tmp_path)
    assert again.returncode == 2 and "never overwritten" in again.stderr


def test_validate_the_cases_folder_checks_both_copies_of_case_017(tmp_path):
    result = run_protograph(["validate", "--quiet", "--format", "json", str(DATA / "cases")], tmp_path)
    assert result.returncode == 1, result.stderr
    cases = {f["case"] for f in json.loads(result.stdout)}
    assert {"case-017@case-017-uasc-trafficked.yaml", "case-017@case-017-uasc-trafficked.ttl"} <= cases
    assert "each is checked, shown as case-017@<file>" in result.stderr


def test_the_readme_documents_every_csv_column():
    from protograph.cases.reading import CHILD_COLUMNS, EVENT_COLUMNS

    text = README.read_text(encoding="utf-8")
    section = text[text.index("### events.csv and children.csv") :]
    for column in {*EVENT_COLUMNS, *CHILD_COLUMNS}:
        assert f"| `{column}` |" in section, column  # one row a column

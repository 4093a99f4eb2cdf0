"""Caseloads: folders of case files or events.csv + children.csv, and the batch engine,
which must give exactly the reference (pySHACL) engine's findings."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from protograph.cases.reading import read_any_case, read_caseload
from protograph.cases.synthetic import caseload
from protograph.checking.batch import validate_batch
from protograph.checking.caseload import validate_cases
from protograph.errors import InputError

DATA = Path(__file__).parent / "data" / "cases"
HOUR = timedelta(hours=1)


def _key(results):
    return sorted(
        (r.case.id, r.protocol, tuple(tuple(sorted((k, str(v)) for k, v in f.as_row().items())) for f in r.findings))
        for r in results
    )


def test_batch_engine_gives_the_reference_findings_for_every_case_in_tests(corpus):
    cases = [read_any_case(p) for p in sorted(DATA.glob("*.yaml"))]
    reference = validate_cases(corpus, cases, corpus.ids(), HOUR)
    batch = validate_batch(corpus, cases, corpus.ids(), HOUR)
    assert sum(len(r.findings) for r in reference) > 50
    assert _key(batch) == _key(reference)


def test_batch_engine_gives_the_reference_findings_for_a_generated_caseload(corpus):
    cases = caseload(300, seed=7)  # a few hundred: pySHACL takes about half a second a case
    assert len(cases) == 300
    statuses = {e.type for c in cases for e in c.events}
    assert {"trafficking-suspected", "missing", "referral-confirmed-in-writing", "seraf-assessment"} <= statuses
    reference = validate_cases(corpus, cases, corpus.ids(), HOUR)
    batch = validate_batch(corpus, cases, corpus.ids(), HOUR)
    found = [f for r in reference for f in r.findings]
    assert {f.status for f in found} == {"late", "not recorded", "open"}
    assert any(f.late_by == "1 min" for f in found)  # a boundary: one minute past the deadline
    assert len(found) > 1000  # agreement on many findings, not on none
    assert _key(batch) == _key(reference)


def test_generated_caseloads_are_deterministic():
    assert caseload(20, seed=3) == caseload(20, seed=3)
    assert caseload(20, seed=3) != caseload(20, seed=4)


def test_a_detailed_caseload_is_the_fuller_record_of_the_same_cases(corpus):
    plain, detailed = caseload(400, seed=5), caseload(400, seed=5, detailed=True)
    for short, full in zip(plain, detailed, strict=True):
        assert short.id == full.id and short.child == full.child
        assert {(e.at, e.type, e.by, e.to) for e in short.events} < {(e.at, e.type, e.by, e.to) for e in full.events}
    per_case = sum(len(c.events) for c in detailed) / len(detailed)
    assert 11 < per_case < 14  # as the 10,000-case caseload (123,000 events)
    types = {e.type for c in detailed for e in c.events} - {e.type for c in plain for e in c.events}
    assert {"strategy-discussion", "placement", "care-plan", "police-alert-form", "safety-plan"} <= types
    sample = detailed[:24]  # pySHACL takes about half a second a case
    reference = validate_cases(corpus, sample, corpus.ids(), HOUR)
    assert sum(len(r.findings) for r in reference) > 50
    assert _key(validate_batch(corpus, sample, corpus.ids(), HOUR)) == _key(reference)
    assert _key(validate_cases(corpus, detailed, corpus.ids(), HOUR, "batch")) == _key(
        validate_cases(corpus, detailed, corpus.ids(), HOUR, "shapes")
    )


EVENTS = """case,at,type,by,to,channel,category
c1,2024-05-13T09:30+01:00,referral,police,mash,telephone,
c1,2024-05-15T09:31+01:00,referral-confirmed-in-writing,police,mash,,
c2,2024-05-13T09:30+01:00,trafficking-suspected,education,,,
c2,2024-05-13T09:45+01:00,referral,education,childrens-services,written,
"""
CHILDREN = "case,age,looked_after,uasc\nc1,14,no,no\nc2,16,yes,true\n"


def _folder(tmp_path, events=EVENTS, children=CHILDREN):
    (tmp_path / "events.csv").write_text(events, encoding="utf-8")
    if children is not None:
        (tmp_path / "children.csv").write_text(children, encoding="utf-8")
    return tmp_path


def test_a_csv_caseload_reads_every_row_into_cases(tmp_path):
    cases = read_caseload(_folder(tmp_path))
    assert [(c.id, c.child.age, c.child.looked_after, len(c.events)) for c in cases] == [
        ("c1", 14, False, 2),
        ("c2", 16, True, 2),
    ]


@pytest.mark.parametrize(
    "events, children, place, problem",
    [
        (EVENTS.replace("case,at,type,", "case,at,"), CHILDREN, "1", "missing column 'type'"),
        (EVENTS.replace("category\n", "category,colour\n"), CHILDREN, "1:8", "unknown column 'colour'"),
        (
            EVENTS.replace("2024-05-13T09:30+01:00,referral", "2024-05-13T09:30,referral"),
            CHILDREN,
            "2:2",
            "has no UTC offset",
        ),
        (EVENTS.replace("referral,education", "refferal,education"), CHILDREN, "5:3", "unknown event type 'refferal'"),
        (EVENTS.replace("c2,2024-05-13T09:45+01:00", 'c2,"2024-05-13\nT09:45+01:00"'), CHILDREN, "5:2", "line break"),
        (EVENTS + "c3,2024-05-13T09:30+01:00,missing\n", CHILDREN, "6", "row has 3 fields, the header has 7"),
        (EVENTS, CHILDREN + "c9,12,no,no\n", "4", "case 'c9' has no events"),
        (EVENTS, CHILDREN + "c1,12,no,no\n", "4", "case 'c1' has a second row"),
        (EVENTS, CHILDREN.replace("c2,16", "c2,sixteen"), "3:2", "whole number"),
    ],
)
def test_bad_csv_rows_are_reported_with_file_row_and_column(tmp_path, events, children, place, problem):
    folder = _folder(tmp_path, events, children)
    with pytest.raises(InputError) as caught:
        read_caseload(folder)
    message = str(caught.value)
    assert f".csv:{place}: " in message and problem in message, message


def test_as_of_applies_to_the_whole_caseload(tmp_path):
    from datetime import datetime

    when = datetime(2024, 6, 1, tzinfo=UTC)
    assert {c.as_of for c in read_caseload(_folder(tmp_path), when)} == {when}


def test_validate_a_csv_caseload_and_a_folder_without_modifying_them(tmp_path):
    # herts-tc-2016 applies where a child may be trafficked (2): c1's police suspicion comes first
    folder = _folder(tmp_path, EVENTS + "c1,2024-05-13T09:10+01:00,trafficking-suspected,police,,,\n")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from protograph.cli import main; main()",
            "validate",
            str(folder),
            "--protocol",
            "herts-tc-2016",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    findings = json.loads(result.stdout)
    assert result.returncode == 1
    # c1: written confirmation one minute past 48 hours, and no MASH decision within 24 hours
    # a duty not done by its deadline is overdue (against the review date), never 'late by'
    assert sorted((f["case"], f["provision"], f["status"], f["late_by"], f["overdue_by"]) for f in findings) == [
        ("c1", "8.2", "late", "1 min", None),
        ("c1", "8.2", "not recorded", None, "1 d 1 min"),
    ]
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before


def test_a_folder_with_two_files_for_one_case_checks_both_under_ids_made_unique_by_file_name():
    # tests/data/cases holds case-017 in YAML and in Turtle: a reviewer expects the folder to validate
    cases = read_caseload(DATA)
    ids = [c.id for c in cases]
    assert "case-017@case-017-uasc-trafficked.yaml" in ids and "case-017@case-017-uasc-trafficked.ttl" in ids
    assert "case-017" not in ids and len(set(ids)) == len(ids)
    yaml_case = next(c for c in cases if c.id.endswith(".yaml"))
    ttl_case = next(c for c in cases if c.id.endswith(".ttl"))

    def timeline(case):
        return [(e.at, e.type, e.by, e.to, e.channel, e.category) for e in case.events]

    assert timeline(yaml_case) == timeline(ttl_case)

"""The validation engine: generated SHACL shapes, pySHACL, due times and findings.

These tests hold for every checkable duty of every bundled protocol, so a new or changed
encoding is checked too: each generated shape must fire on a case where its duty is not
done, and stay silent where it is done on time."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from pyshacl import validate

from protograph.cases.reading import Case, Child, Event
from protograph.checking.deadlines import checkable_duties, obligations
from protograph.checking.validation import case_graph, generate_shapes, validate_case

START = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)  # a Monday, no bank holiday near
ALL = ["4lscb-ctp-2011", "4lscb-met-2013", "4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"]


def _child_for(check) -> Child:
    values: dict[str, object] = {"age": 15}
    for _, field_name, value in check.conditions:
        values[field_name] = value
    if check.duty.age_at_least is not None:
        values["age"] = max(check.duty.age_at_least, 5)
    if check.duty.age_below is not None:
        values["age"] = min(int(values["age"]), check.duty.age_below - 1)
    return Child(**values)


def _trigger_events(check) -> list[Event]:
    duty = check.duty
    to = sorted(check.trigger_roles)[0] if check.trigger_roles else ""
    if check.threshold is not None:
        count, window, categories, counted_type = check.threshold
        category = (sorted(categories)[0] if categories else "") if counted_type == "missing" else ""
        step = window / (count + 1)
        episodes = [Event(f"t{i}", START + step * i, counted_type, category=category, line=i + 1) for i in range(count)]
        if duty.trigger:  # a threshold and a trigger: the first trigger event at or after the crossing
            episodes.append(Event("t-after", episodes[-1].at + timedelta(hours=1), duty.trigger, to=to, line=40))
        return episodes
    prior = [Event(f"p{i}", START - timedelta(hours=1), r, line=50 + i) for i, r in enumerate(duty.requires)]
    return prior + [
        Event("t0", START, duty.trigger, to=to, channel=duty.trigger_channel, category=duty.trigger_category, line=1)
    ]


def _completions(check, at: datetime) -> list[Event]:
    return [
        Event(f"c{i}", at, sorted(e.types)[0], to=sorted(e.to)[0] if e.to else "", line=100 + i)
        for i, e in enumerate(check.evidence)
    ]


def _case(check, events: list[Event], as_of: datetime) -> Case:
    return Case("synthetic", _child_for(check), tuple(sorted(events, key=lambda e: e.at)), as_of)


def _checks():
    from protograph.corpus.loader import load_corpus

    corpus = load_corpus()
    return [(pid, check) for pid in ALL for check in checkable_duties(corpus, pid)]


CHECKS = _checks()


def test_every_protocol_has_checkable_duties():
    assert {pid for pid, _ in CHECKS} == set(ALL)


@pytest.mark.parametrize("protocol_id, check", CHECKS, ids=[f"{p}:{c.duty.id}" for p, c in CHECKS])
def test_each_generated_shape_fires_when_its_duty_is_not_done_and_not_when_it_is(corpus, protocol_id, check):
    triggers = _trigger_events(check)
    last = triggers[-1].at
    late_review = last + timedelta(days=400)
    missed = validate_case(corpus, _case(check, triggers, late_review), protocol_id, checks=[check])
    assert [f.duty for f in missed.findings] and {f.duty for f in missed.findings} == {check.duty.id}
    assert all(f.severity == check.severity for f in missed.findings)
    done = _completions(check, last + timedelta(minutes=1))
    met = validate_case(corpus, _case(check, triggers + done, late_review), protocol_id, checks=[check])
    assert not met.findings, [f.message for f in met.findings]


def test_sparql_targets_are_silently_ignored_without_advanced_mode(corpus):
    """The pySHACL trap DESIGN.md records: without advanced=True a late case 'conforms'."""
    pid, check = next((p, c) for p, c in CHECKS if c.duty.deadline is not None and not c.threshold)
    case = _case(check, _trigger_events(check), START + timedelta(days=400))
    shapes = generate_shapes([check])
    obligation_list, _ = obligations([check], case)
    data = case_graph(case, obligation_list)
    conforms_basic, _, _ = validate(data, shacl_graph=shapes, inference="none")
    conforms_advanced, _, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms_basic and not conforms_advanced


def _deadline_check():
    return next(
        (p, c)
        for p, c in CHECKS
        if c.duty.deadline is not None
        and not c.duty.deadline.immediate
        and not c.duty.deadline.working_days
        and not c.threshold
        and not c.recipients
    )


def test_done_exactly_on_the_deadline_is_on_time_and_one_minute_later_is_late(corpus):
    pid, check = _deadline_check()
    triggers = _trigger_events(check)
    obligation_list, _ = obligations([check], _case(check, triggers, START + timedelta(days=400)))
    due = obligation_list[0].due
    on_time = validate_case(
        corpus, _case(check, triggers + _completions(check, due), due + timedelta(days=1)), pid, checks=[check]
    )
    assert not on_time.findings
    late = validate_case(
        corpus,
        _case(check, triggers + _completions(check, due + timedelta(minutes=1)), due + timedelta(days=1)),
        pid,
        checks=[check],
    )
    assert [(f.status, f.late_by) for f in late.findings] == [("late", "1 min")]
    assert late.findings[0].deadline == due.isoformat()


def test_a_duty_not_yet_due_is_not_reported(corpus):
    pid, check = _deadline_check()
    triggers = _trigger_events(check)
    result = validate_case(corpus, _case(check, triggers, triggers[-1].at + timedelta(minutes=1)), pid, checks=[check])
    assert not result.findings and result.obligations


def test_immediately_is_checked_with_the_tolerance_the_run_sets(corpus):
    pid, check = next(
        (p, c) for p, c in CHECKS if c.duty.deadline is not None and c.duty.deadline.immediate and not c.threshold
    )
    triggers = _trigger_events(check)
    done = _completions(check, triggers[-1].at + timedelta(minutes=45))
    case = _case(check, triggers + done, START + timedelta(days=2))
    assert not validate_case(corpus, case, pid, checks=[check]).findings
    strict = validate_case(corpus, case, pid, tolerance=timedelta(minutes=30), checks=[check])
    assert [f.late_by for f in strict.findings] == ["15 min"] * len(strict.findings)


def test_validate_exit_status_is_1_with_violations_and_json_has_the_fixed_fields(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from protograph.cli import main; main()",
            "validate",
            "tests/data/cases/case-017-uasc-trafficked.yaml",
            "--protocol",
            "4lscb-met-guide-2018",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    findings = json.loads(result.stdout)
    violations = [f for f in findings if f["severity"] == "Violation"]
    assert result.returncode == (1 if violations else 0)
    for field in ("protocol", "provision", "severity", "duty", "message", "deadline", "actual"):
        assert all(field in f for f in findings)


def test_validate_bad_input_exits_2_with_one_line(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("id: a\nevents:\n  - {at: 2024-03-01T09:00, type: missing}\n")
    result = subprocess.run(
        [sys.executable, "-c", "from protograph.cli import main; main()", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"protograph: {path}:3: event time '2024-03-01T09:00' has no UTC offset (write e.g. 2024-03-01T09:00+00:00)"
    )


def test_the_batch_engines_n_triples_are_exactly_the_reference_case_graph(corpus):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from protograph.cases.synthetic import caseload
    from protograph.checking.validation import case_ntriples

    for case in caseload(12, seed=11):
        checks = checkable_duties(corpus, "4lscb-met-2013")
        obligation_list, _ = obligations(checks, case)
        written = Graph().parse(data="\n".join(case_ntriples(case, obligation_list)), format="nt")
        assert isomorphic(written, case_graph(case, obligation_list))

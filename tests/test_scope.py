"""Every checkable duty fires inside its scope and stays silent just outside it, on both engines.

For each protocol with a scope test file (``tests/data/scope/<protocol-id>.yaml``, read by
scope_files.py), one entry per checkable duty: the *inside* case, within the limit the
duty's paragraph and section give it, must get a finding from that duty (late, not done by
its deadline, or open); the *outside* case, realistic and close to the edge of the scope,
must get none from it. Both the reference engine (pySHACL, case by case) and the batch
engine (pyoxigraph, one query a duty over the whole file's cases) run every case, and they
must agree finding for finding. A checkable duty with no entry fails the protocol's file;
a protocol with no file yet is skipped, saying so."""

from __future__ import annotations

from functools import cache

import pytest

from conftest import needs_sources
from protograph.cases.reading import Case
from protograph.checking.batch import validate_batch
from protograph.checking.deadlines import checkable_duties
from protograph.checking.validation import CaseResult, Finding, validate_case
from protograph.corpus.loader import load_corpus
from protograph.errors import InputError
from scope_files import SCOPE_DIR, ScopeEntry, read_scope_file

PROTOCOLS = ["4lscb-ctp-2011", "4lscb-met-2013", "4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"]

pytestmark = needs_sources


@cache
def _entries(protocol_id: str) -> list[ScopeEntry]:
    path = SCOPE_DIR / f"{protocol_id}.yaml"
    return read_scope_file(path) if path.is_file() else []


def _cases() -> list[tuple[str, ScopeEntry, str]]:
    return [(p, e, side) for p in PROTOCOLS for e in _entries(p) for side in ("inside", "outside")]


CASES = _cases()


@cache
def _batch(protocol_id: str) -> dict[str, CaseResult]:
    cases = [getattr(e, side).case for e in _entries(protocol_id) for side in ("inside", "outside")]
    return {r.case.id: r for r in validate_batch(load_corpus(), cases, [protocol_id])}


def _rows(findings: list[Finding]) -> list[dict]:
    return sorted((f.as_row() for f in findings), key=lambda r: sorted((k, str(v)) for k, v in r.items()))


def _from(result: CaseResult, duty: str) -> list[str]:
    return [
        f"{f.status} {f.late_by or f.open_for or ''} ({', '.join(f.recipients)})"
        for f in result.findings
        if f.duty == duty
    ]


@pytest.mark.parametrize("protocol_id", PROTOCOLS)
def test_every_checkable_duty_has_a_scope_test(corpus, protocol_id):
    if not (SCOPE_DIR / f"{protocol_id}.yaml").is_file():
        pytest.skip(f"no scope test file yet: tests/data/scope/{protocol_id}.yaml (the second reading writes it)")
    checkable = {c.duty.id for c in checkable_duties(corpus, protocol_id)}
    tested = {e.duty for e in _entries(protocol_id)}
    assert not sorted(checkable - tested), f"checkable duties of {protocol_id} with no scope test"
    assert not sorted(tested - checkable), f"scope tests of {protocol_id} for duties that get no shape"


@pytest.mark.parametrize("protocol_id, entry, side", CASES, ids=[f"{p}:{e.duty}:{side}" for p, e, side in CASES])
def test_a_duty_fires_inside_its_scope_and_not_outside_on_both_engines(corpus, protocol_id, entry, side):
    case: Case = getattr(entry, side).case
    reference = validate_case(corpus, case, protocol_id)
    batch = _batch(protocol_id)[case.id]
    assert _rows(reference.findings) == _rows(batch.findings), "the engines disagree"
    found = _from(reference, entry.duty)
    why = {c.duty.id: w for c, w in reference.not_applicable}.get(entry.duty, "")
    if side == "inside":
        assert found, f"{entry.duty} gave no finding inside its scope ({getattr(entry, side).why}); {why}"
    else:
        assert not found, f"{entry.duty} fired outside its scope ({getattr(entry, side).why}): {found}"


def test_the_scope_file_reader_names_file_line_and_problem(tmp_path):
    path = tmp_path / "x.yaml"
    good_case = "{id: c1, child: {age: 15}, events: [{at: 2024-01-01T09:00+00:00, type: missing}]}"
    faults = {
        "- {duty: p:duty-1, reading: r, inside: {why: w, case: CASE}, outside: {why: w, case: CASE2}}": (
            1,
            "duty 'p:duty-1' must be the local id, without a prefix",
        ),
        "- {duty: d, reading: r, inside: {why: w, case: CASE}}": (1, "an entry has no 'outside'"),
        "- {duty: d, reading: r, inside: {why: w, case: CASE}, outside: {why: w, case: CASE}}": (
            1,
            "case id 'c1' is used twice (first on line 1)",
        ),
        "- {duty: d, readin: r}": (1, "unknown key 'readin' in an entry"),
        "- {duty: d, reading: '', inside: {why: w, case: CASE}, outside: {why: w, case: CASE2}}": (
            1,
            "reading must be non-empty text",
        ),
        "- {duty: d, reading: r, inside: {why: w, case: {id: c3, events: []}}, outside: {why: w, case: CASE2}}": (
            1,
            "'events' is empty",
        ),
    }
    for text, (line, problem) in faults.items():
        path.write_text(text.replace("CASE2", good_case.replace("c1", "c2")).replace("CASE", good_case) + "\n")
        with pytest.raises(InputError) as raised:
            read_scope_file(path)
        assert str(raised.value).startswith(f"{path}:{line}: {problem}"), str(raised.value)

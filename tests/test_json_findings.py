"""The JSON findings items made from precomputed duty templates (json_findings) are, byte for
byte, ``json.dumps(rows, indent=2, ensure_ascii=False)`` of the findings' rows (finding_row):
on the five bundled protocols, the test case files, a synthetic caseload, and findings whose
case ids and duty texts hold non-ASCII, quotes, backslashes, control characters and '%'."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import pytest

from protograph.cases.reading import read_caseloads
from protograph.cases.synthetic import caseload
from protograph.checking.caseload import validate_cases
from protograph.checking.validation import CaseResult
from protograph.reports.findings import FINDING_FIELDS, finding_row, json_findings

DATA = Path(__file__).parent / "data" / "cases"
HOUR = timedelta(hours=1)


def _straightforward(corpus, results: list[CaseResult]) -> bytes:
    rows = [finding_row(corpus, r.case, f) for r in results for f in r.findings]
    return json.dumps(rows, indent=2, ensure_ascii=False).encode("utf-8")


def _templated(corpus, results: list[CaseResult]) -> bytes:
    cases = list({r.case.id: r.case for r in results}.values())
    items, _ = json_findings(corpus, cases, results)
    return b"[\n" + b",\n".join(items) + b"\n]" if items else b"[]"


@pytest.fixture(scope="module")
def results(corpus) -> list[CaseResult]:
    cases, _ = read_caseloads([DATA])
    return validate_cases(corpus, cases + caseload(60, 2024), corpus.ids(), HOUR, "batch")


def test_findings_of_every_bundled_protocol_encode_as_json_dumps_encodes_their_rows(corpus, results):
    found = [f for r in results for f in r.findings]
    assert {f.protocol for f in found} == set(corpus.ids())
    assert {f.status for f in found} == {"late", "not recorded", "open"}
    assert any(not f.quote.isascii() for f in found)  # the protocols' own curly quotes and dashes
    assert _templated(corpus, results) == _straightforward(corpus, results)
    assert list(json.loads(_templated(corpus, results))[0]) == FINDING_FIELDS


def test_odd_characters_in_case_ids_and_duty_texts_encode_as_json_dumps_encodes_them(corpus, results):
    odd = 'Zoë "B" \\ 100% \t\x01case\x01 \u2028 ✓'
    changed = []
    for number, result in enumerate(r for r in results if r.findings):
        case = dataclasses.replace(result.case, id=f"{odd} {number}")
        texts = [
            {},  # the case id alone
            {"message": "100% %s %(x)s é"},  # '%' in a duty's text, as its template is a %-format
            {"quote": odd},  # the very marker the template is cut at: made the straightforward way
        ][number % 3]
        findings = [
            dataclasses.replace(f, case=case.id, **{k: getattr(f, k) + v for k, v in texts.items()})
            for f in result.findings
        ]
        changed.append(dataclasses.replace(result, case=case, findings=findings))
    assert _templated(corpus, changed) == _straightforward(corpus, changed)
    assert odd in json.loads(_templated(corpus, changed))[0]["case"]


def test_an_episode_field_holding_a_list_is_laid_out_as_json_dumps_lays_it_out(corpus, results):
    """One value a line, as json.dumps(indent=2) lays out a list: not the template's one-line value."""
    changed = [
        dataclasses.replace(r, findings=[dataclasses.replace(f, trigger=[f.trigger]) for f in r.findings])
        for r in results[:40]
    ]
    assert any(r.findings for r in changed)
    assert _templated(corpus, changed) == _straightforward(corpus, changed)

"""``validate --pseudonymise`` on a CSV caseload, a chunk at a time: the cases are read in
pseudonym order and pseudonymised where each chunk is built, so the main process never holds the
caseload, and every output is, byte for byte, what pseudonymising the whole caseload in memory
first (the route case files still take) writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from protograph.cases.reading import Caseload, CsvCaseload
from protograph.cases.synthetic import write_caseload
from protograph.errors import InputError
from protograph.reports.caseload_run import ValidateRequest, run_validate

SALT = "a salt of enough bytes for the tests"
KINDS = {
    "json": dict(fmt="json"),
    "table": dict(fmt="table"),
    "report-csv": dict(fmt="csv", report=True),
    "report-json": dict(fmt="json", report=True),
}


@pytest.fixture(scope="module")
def caseloads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pseudonymised")
    folders = {}
    for order in ("case", "time"):
        folders[order] = root / order
        write_caseload(30, folders[order], 7, detailed=True, order=order)
    (root / "salt").write_text(SALT + "\n", encoding="utf-8")
    return folders


def _validate(corpus, folder: Path, kind: str, tmp_path: Path, jobs: int = 1, chunk: int = 1000) -> bytes:
    out = tmp_path / f"{kind}-{jobs}-{chunk}.out"
    run_validate(
        ValidateRequest((folder,), **KINDS[kind]),
        lambda: corpus,
        out,
        pseudonymise=True,
        salt_file=folder.parent / "salt",
        jobs=jobs,
        chunk_cases=chunk,
    )
    return out.read_bytes()


def _in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The route of today before chunks: every case read and pseudonymised here, then validated."""
    monkeypatch.setattr(Caseload, "streamed", property(lambda self: False))


def _never_built_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("the main process built the caseload's cases")

    monkeypatch.setattr(CsvCaseload, "chunks", refuse)
    monkeypatch.setattr(Caseload, "all", refuse)


@pytest.mark.parametrize("order", ["case", "time"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_chunked_pseudonymised_output_is_the_in_memory_output_byte_for_byte(
    corpus, caseloads, tmp_path, monkeypatch, order, kind
):
    folder = caseloads[order]
    with monkeypatch.context() as patch:
        _in_memory(patch)
        expected = _validate(corpus, folder, kind, tmp_path)
    _never_built_here(monkeypatch)
    monkeypatch.setattr("protograph.cases.reading.RUN_ROWS", 50)  # sorted on disk in several runs, merged
    for jobs, chunk in [(1, 1000), (1, 7), (2, 7), (2, 4)]:
        written = _validate(corpus, folder, kind, tmp_path, jobs, chunk)
        assert written == expected, (order, kind, jobs, chunk)
    text = written.decode("utf-8")
    assert "synthetic-" not in text  # no original case id
    assert re.search(r"case-[0-9a-f]{12}", text) or kind.startswith("report")
    assert not re.search(r"\be\d+\b", text)  # no original event id (e1, e2, ...)


def test_pseudonymised_cases_come_in_pseudonym_order_not_the_originals_order(corpus, caseloads, tmp_path):
    rows = json.loads(_validate(corpus, caseloads["case"], "json", tmp_path, 2, 4))
    cases = list(dict.fromkeys(row["case"] for row in rows))
    assert len(cases) > 10 and cases == sorted(cases)


_COLLIDING = """
import protograph.cases.pseudonymise as p
digits = p.Pseudonymiser.digits
p.Pseudonymiser.digits = lambda self, kind, value: digits(self, kind, value)[: 1 if kind == "case" else None]
{route}
from protograph.cli import main
main()
"""


@pytest.mark.parametrize("route", ["chunks", "in memory"])
def test_two_case_ids_with_one_pseudonym_are_refused_through_the_command(caseloads, tmp_path, route):
    in_memory = "from protograph.cases.reading import Caseload\nCaseload.streamed = property(lambda self: False)"
    code = _COLLIDING.format(route=in_memory if route == "in memory" else "")
    out = tmp_path / "out.json"
    folder = caseloads["time"]
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", str(folder), "--format", "json", "--jobs", "2", "--chunk", "4"]
        + ["--pseudonymise", "--salt-file", str(folder.parent / "salt"), "--output", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert re.fullmatch(
        r"protograph: two different case ids have the same pseudonym case-[0-9a-f]; use another salt\n",
        done.stderr,
    ), done.stderr
    assert not out.exists()


def test_two_event_ids_of_one_case_with_one_pseudonym_are_refused(corpus, caseloads, tmp_path, monkeypatch):
    import protograph.cases.pseudonymise as pseudonymise

    digits = pseudonymise.Pseudonymiser.digits
    monkeypatch.setattr(
        pseudonymise.Pseudonymiser,
        "digits",
        lambda self, kind, value: digits(self, kind, value)[: 1 if kind == "event" else None],
    )
    with pytest.raises(InputError, match=r"^two different event ids have the same pseudonym event-[0-9a-f]; use"):
        _validate(corpus, caseloads["case"], "json", tmp_path, 2, 7)  # refused in a worker

"""A CSV caseload is read in constant memory whatever the order of its rows: an events.csv in
case order is read straight through, one in time order (an export ordered by time, every case's
rows interleaved) is sorted in runs in a scratch folder that is gone afterwards. Either way the
output is the same, byte for byte, in every format, chunk size and number of workers, and a
fault is reported exactly as the caseload read whole as text reports it."""

from __future__ import annotations

import csv
import io
import os
import random
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from tests.support import run_protograph

from protograph.cases import reading
from protograph.cases.reading import Caseload, CsvCaseload
from protograph.cases.synthetic import write_caseload
from protograph.errors import InputError
from protograph.reports.caseload_run import RunOptions, validate_caseload

HOUR = timedelta(hours=1)
CASES = 40


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same synthetic caseload in case order, in time order, and in time order with
    children.csv shuffled."""
    root = tmp_path_factory.mktemp("orders")
    write_caseload(CASES, root / "case", 2024)
    write_caseload(CASES, root / "time", 2024, order="time")
    (root / "shuffled").mkdir()
    (root / "shuffled" / "events.csv").write_bytes((root / "time" / "events.csv").read_bytes())
    _rewrite(root / "case" / "children.csv", root / "shuffled" / "children.csv", lambda rows: _shuffled(rows, 7))
    return {"case": root / "case", "time": root / "time", "shuffled": root / "shuffled"}


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _rewrite(source: Path, target: Path, change) -> None:  # noqa: ANN001 - a function of the rows
    header, rows = _rows(source)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(change(rows))


def _shuffled(rows: list[list[str]], seed: int) -> list[list[str]]:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows


def _copy(source: Path, target: Path) -> Path:
    target.mkdir()
    for name in ("events.csv", "children.csv"):
        (target / name).write_bytes((source / name).read_bytes())
    return target


def _written(corpus, folder: Path, options: RunOptions, chunk: int, jobs: int) -> bytes:
    out = io.BytesIO()
    caseload = Caseload([folder])
    try:
        validate_caseload(corpus, caseload, options, out, jobs=jobs, chunk_cases=chunk)
    finally:
        caseload.close()
    return out.getvalue()


def test_the_time_ordered_caseload_holds_the_same_rows_in_another_order(folders):
    header, by_case = _rows(folders["case"] / "events.csv")
    _, by_time = _rows(folders["time"] / "events.csv")
    assert by_time != by_case and sorted(by_time) == sorted(by_case)
    at = header.index("at")
    assert [row[at] for row in by_time] == sorted(row[at] for row in by_time)
    changes = sum(1 for before, after in zip(by_time, by_time[1:], strict=False) if before[0] != after[0])
    assert changes > 2 * CASES  # every case's rows interleaved with others', not grouped


@pytest.mark.parametrize(
    ("fmt", "report"),
    [("json", False), ("csv", True), ("table", False)],
)
def test_rows_in_time_order_and_children_shuffled_give_the_same_bytes(corpus, folders, monkeypatch, fmt, report):
    monkeypatch.setattr(reading, "RUN_ROWS", 50)  # every file sorted in several runs, merged
    options = RunOptions(tuple(corpus.ids()), HOUR, fmt, report=report, engine="batch")
    expected = _written(corpus, folders["case"], options, 1000, 1)
    assert len(expected) > 1000
    for name in ("time", "shuffled"):
        for chunk, jobs in [(1, 1), (7, 2), (1000, 1)]:
            assert _written(corpus, folders[name], options, chunk, jobs) == expected, (name, chunk, jobs)


def test_the_cases_are_counted_before_any_is_built_and_built_alike(folders, monkeypatch):
    monkeypatch.setattr(reading, "RUN_ROWS", 64)
    texts = {name: (folders["shuffled"] / name).read_text(encoding="utf-8") for name in ("events.csv", "children.csv")}
    as_text = CsvCaseload(folders["shuffled"], texts=texts)  # read whole as text, as it always was
    streamed = CsvCaseload(folders["shuffled"])
    try:
        assert len(streamed) == len(as_text) == CASES
        whole = [case for cases in as_text.chunks() for case in cases]
        for size in (1, 7, 1000):
            assert [case for cases in streamed.chunks(size) for case in cases] == whole
        assert whole[0].child.age is not None and whole[0].review_date_source == reading.AS_OF_IN_CASE
    finally:
        streamed.close()


def test_runs_spill_to_a_scratch_folder_that_is_gone_afterwards(folders, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    source = _copy(folders["shuffled"], tmp_path / "input")
    before = {path.name: path.read_bytes() for path in source.iterdir()}
    caseload = CsvCaseload(source, run_rows=30)  # several runs of each file, merged
    runs = [path for folder in scratch.iterdir() for path in folder.iterdir()]
    assert {path.name for path in runs} == {"events-sorted", "children-sorted"}
    assert sum(1 for cases in caseload.chunks(9) for _ in cases) == CASES
    caseload.close()
    assert list(scratch.iterdir()) == []
    assert {path.name: path.read_bytes() for path in source.iterdir()} == before  # untouched, nothing beside
    del caseload
    in_order = CsvCaseload(folders["case"])  # in case order: read straight, nothing written
    assert len(in_order) == CASES and list(scratch.iterdir()) == []


def test_the_command_leaves_no_scratch_folder_and_writes_what_it_writes_for_rows_in_case_order(folders, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    outputs = []
    for name in ("case", "shuffled"):
        import subprocess

        from tests.support import PROTOGRAPH

        ran = subprocess.run(
            [str(PROTOGRAPH), "validate", str(folders[name]), "--format", "json", "--jobs", "2", "--chunk", "6"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        )
        assert ran.returncode == 1, ran.stderr
        outputs.append(ran.stdout)
    assert outputs[0] == outputs[1] and outputs[0].startswith("[\n  {")
    assert [p for p in scratch.iterdir() if p.name.startswith("protograph-caseload-")] == []


# --- faults -------------------------------------------------------------------------------------


def _as_text(folder: Path) -> str:
    """The fault as the caseload read whole as text reports it (the reading as it always was)."""
    texts = {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}
    with pytest.raises(InputError) as raised:
        list(CsvCaseload(folder, texts=texts).chunks())
    return str(raised.value)


def _streamed(folder: Path, chunk: int = 7) -> str:
    with pytest.raises(InputError) as raised:
        caseload = CsvCaseload(folder, run_rows=50)
        list(caseload.chunks(chunk))
    return str(raised.value)


def _break_row(rows: list[list[str]], index: int, column: int, value: str) -> list[list[str]]:
    rows = [list(row) for row in rows]
    rows[index][column] = value
    return rows


def test_a_bad_event_type_deep_in_a_time_ordered_file_is_reported_as_ever(corpus, folders, tmp_path):
    bad = _copy(folders["time"], tmp_path / "bad")
    _, rows = _rows(bad / "events.csv")
    deep = len(rows) - 3
    _rewrite(folders["time"] / "events.csv", bad / "events.csv", lambda r: _break_row(r, deep, 2, "refferal"))
    expected = _as_text(bad)
    assert f"events.csv:{deep + 2}:3: unknown event type 'refferal' (did you mean 'referral'" in expected
    assert _streamed(bad) == _streamed(bad, 1000) == expected
    options = RunOptions(tuple(corpus.ids()), HOUR, "json", engine="batch")
    with pytest.raises(InputError) as raised:  # found in a worker: read again here, reported alike
        _written(corpus, bad, options, 3, 2)
    assert str(raised.value) == expected


def test_several_faults_in_a_time_ordered_file_are_reported_in_file_order_as_ever(folders, tmp_path):
    bad = _copy(folders["time"], tmp_path / "bad")

    def breaks(rows):
        rows = _break_row(rows, len(rows) - 2, 1, "2024-13-01T00:00+00:00")
        rows = _break_row(rows, 5, 3, "polise")
        rows[len(rows) // 2] = [*rows[len(rows) // 2], "extra"]
        return rows

    _rewrite(folders["time"] / "events.csv", bad / "events.csv", breaks)
    expected = _as_text(bad)
    assert expected.count("\n") >= 3 and "fields, the header has" in expected and "'polise'" in expected
    assert _streamed(bad) == expected


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("unknown-case", lambda rows: [*rows[:-1], ["synthetic-00003", *rows[-1][1:]]], "has no events in events.csv"),
        ("second-row", lambda rows: [*rows, rows[4]], "has a second row"),
        ("bad-age", lambda rows: _break_row(rows, 11, 2, "1_5"), "child age"),
    ],
)
def test_a_bad_children_csv_shuffled_is_reported_as_ever(folders, tmp_path, name, change, problem):
    bad = _copy(folders["shuffled"], tmp_path / name)
    _rewrite(folders["shuffled"] / "children.csv", bad / "children.csv", change)
    expected = _as_text(bad)
    assert problem in expected
    assert _streamed(bad) == expected
    ordered = _copy(folders["case"], tmp_path / f"{name}-ordered")  # children in order, events in order
    _rewrite(folders["case"] / "children.csv", ordered / "children.csv", change)
    assert _streamed(ordered) == _as_text(ordered)


def test_a_child_row_without_events_keeps_its_did_you_mean_hint(folders, tmp_path):
    bad = _copy(folders["case"], tmp_path / "hint")
    _rewrite(
        folders["case"] / "children.csv",
        bad / "children.csv",
        lambda rows: [*rows, ["synthetic-00001x", *rows[0][1:]]],
    )
    message = _streamed(bad)
    assert message == _as_text(bad)
    assert f"children.csv:{CASES + 2}: case 'synthetic-00001x' has no events in events.csv" in message
    assert "(did you mean 'synthetic-0000" in message


def test_the_command_reports_a_fault_deep_in_a_time_ordered_file_with_no_output(folders, tmp_path):
    bad = _copy(folders["time"], tmp_path / "bad")
    _rewrite(folders["time"] / "events.csv", bad / "events.csv", lambda r: _break_row(r, len(r) - 1, 3, "nobody"))
    expected = _as_text(bad)
    ran = run_protograph(["validate", str(bad), "--format", "json", "--jobs", "2", "--chunk", "5"], tmp_path)
    assert ran.returncode == 2 and ran.stdout == ""
    assert expected in ran.stderr and "Traceback" not in ran.stderr


def test_ctrl_c_while_validating_leaves_no_scratch_folder(folders, tmp_path, monkeypatch):
    from protograph.reports.caseload_run import ValidateRequest, run_validate

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    seen = []

    def interrupted():
        seen.extend(scratch.iterdir())  # the runs are there while the corpus loads
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_validate(ValidateRequest((folders["time"],), fmt="json"), interrupted)
    assert len(seen) == 1 and seen[0].name.startswith("protograph-caseload-")
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("as_of", [None, "2025-06-30T12:00+01:00"])
def test_cases_built_directly_from_cells_are_those_the_checked_reading_builds(tmp_path, as_of):
    """The fuller synthetic record (strategy discussions, placements, alerts...) and the review
    date given for the run, which only the cases without their own as_of take."""
    from protograph.cases.reading import RawChunk, parse_time

    folder = tmp_path / "detailed"
    write_caseload(120, folder, 11, detailed=True)
    header, rows = _rows(folder / "children.csv")
    rows = _break_row(rows, 3, header.index("as_of"), "")  # this case is reviewed as the run says
    _rewrite(folder / "children.csv", folder / "children.csv", lambda _: rows)
    when = parse_time(as_of, None, None) if as_of else None
    caseload = CsvCaseload(folder, when)
    built, checked = [], []
    for chunk in caseload.raw_chunks(17):
        assert isinstance(chunk, RawChunk)
        built += chunk.cases()
        chunk._fast = None
        checked += [chunk._checked_case(*group) for group in _groups(chunk)]
    assert len(built) == 120 and built == checked
    assert [(c.as_of_given, c.as_of_source, c.source) for c in built] == [
        (c.as_of_given, c.as_of_source, c.source) for c in checked
    ]
    assert {c.review_date_source for c in built} == {
        reading.AS_OF_IN_CASE,
        reading.AS_OF_FOR_RUN if as_of else reading.AS_OF_LAST_EVENT,
    }


def _groups(chunk):
    """Each case of a RawChunk as (case id, rows, child row), as RawChunk.cases groups them."""
    header = list(chunk.layout.header)
    child_header = list(chunk.layout.child_header)
    children = {}
    for number, row in zip(chunk.child_numbers, csv.reader(chunk.children.split("\n")), strict=True):
        cells = [cell.strip() for cell in row]
        children[cells[child_header.index("case")]] = (number, cells)
    cases: dict[str, list] = {}
    for number, row in zip(chunk.numbers, csv.reader(chunk.events.split("\n")), strict=True):
        cells = [cell.strip() for cell in row]
        cases.setdefault(cells[header.index("case")], []).append((number, cells))
    return [(case_id, rows, children.get(case_id)) for case_id, rows in cases.items()]

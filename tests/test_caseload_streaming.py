"""A caseload validated a chunk at a time, in worker processes, gives exactly what the whole
caseload validated at once gives: the same findings, byte for byte, in every format, whatever
the chunk size, the number of workers and the order of the rows in events.csv."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from tests.support import run_protograph

from protograph.cases.reading import Caseload, read_caseloads
from protograph.cases.synthetic import write_caseload
from protograph.errors import InputError
from protograph.reports.caseload import render_report, report_rows, severity_counts
from protograph.reports.caseload_run import RunOptions, validate_caseload
from protograph.reports.findings import render_validation

DATA = Path(__file__).parent / "data" / "cases"
HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("caseload") / "sample"
    write_caseload(40, folder, 2024)
    return folder


def _at_once(corpus, paths, protocols, fmt, with_matrix=False):
    cases, _ = read_caseloads(paths)
    text, violations = render_validation(corpus, cases, protocols, HOUR, fmt, with_matrix, "batch")
    return (text + "\n").encode("utf-8"), violations


def _in_chunks(corpus, paths, options, chunk, jobs=1):
    out = io.BytesIO()
    summary = validate_caseload(corpus, Caseload(paths), options, out, jobs=jobs, chunk_cases=chunk)
    return out.getvalue(), summary


@pytest.mark.parametrize(("chunk", "jobs"), [(1, 1), (7, 1), (1000, 1), (7, 2)])
def test_json_findings_of_a_csv_caseload_are_the_same_in_chunks_and_in_workers(corpus, sample, chunk, jobs):
    protocols = corpus.ids()
    expected, violations = _at_once(corpus, [sample], protocols, "json")
    written, summary = _in_chunks(
        corpus, [sample], RunOptions(tuple(protocols), HOUR, "json", engine="batch"), chunk, jobs
    )
    assert summary.cases == 40
    assert violations > 0 and summary.violations == violations
    assert written == expected


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_table_and_markdown_with_the_matrix_are_the_same_in_chunks(corpus, fmt):
    """Case files (YAML and Turtle, one id shared by two files) rather than a CSV caseload."""
    protocols = corpus.ids()
    expected, violations = _at_once(corpus, [DATA], protocols, fmt, with_matrix=True)
    options = RunOptions(tuple(protocols), HOUR, fmt, with_matrix=True, engine="batch")
    for chunk, jobs in [(1, 1), (7, 2)]:
        written, summary = _in_chunks(corpus, [DATA], options, chunk, jobs)
        assert summary.violations == violations
        assert written == expected


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_caseload_report_counted_chunk_by_chunk_is_the_report_of_the_whole_caseload(corpus, sample, fmt):
    protocols = corpus.ids()
    cases, _ = read_caseloads([sample])
    from protograph.checking.caseload import validate_cases

    results = validate_cases(corpus, cases, protocols, HOUR, "batch")
    expected = render_report(report_rows(results, corpus), fmt, cases, corpus, severity_counts(results)) + "\n"
    options = RunOptions(tuple(protocols), HOUR, fmt, report=True, engine="batch")
    for chunk, jobs in [(1, 1), (7, 2), (1000, 1)]:
        written, _ = _in_chunks(corpus, [sample], options, chunk, jobs)
        assert written.decode("utf-8") == expected


def _rewrite_events(source: Path, target: Path, order) -> None:  # noqa: ANN001 - a function of the rows
    target.mkdir()
    with open(source / "events.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    with open(target / "events.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(order(rows))
    (target / "children.csv").write_bytes((source / "children.csv").read_bytes())


def _interleaved(rows):
    """Cases in reverse id order, their rows dealt out one case after another (each case's own
    rows keep their order, so events at the same time keep theirs)."""
    by_case: dict[str, list] = {}
    for row in rows:
        by_case.setdefault(row[0], []).append(row)
    queues = [by_case[case] for case in sorted(by_case, reverse=True)]
    dealt = []
    while any(queues):
        for queue in queues:
            if queue:
                dealt.append(queue.pop(0))
    return dealt


def test_an_events_csv_not_grouped_by_case_gives_the_same_findings(corpus, sample, tmp_path):
    shuffled = tmp_path / "shuffled"
    _rewrite_events(sample, shuffled, _interleaved)
    assert (shuffled / "events.csv").read_bytes() != (sample / "events.csv").read_bytes()
    options = RunOptions(tuple(corpus.ids()), HOUR, "json", engine="batch")
    expected, _ = _in_chunks(corpus, [sample], options, 1000)
    for chunk in (1, 7):
        written, _ = _in_chunks(corpus, [shuffled], options, chunk)
        assert written == expected


def _late_last_case(sample: Path, target: Path) -> str:
    """The sample caseload with its last case reviewed before its first event."""
    _rewrite_events(sample, target, lambda rows: rows)
    with open(sample / "children.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    last = max(range(len(rows)), key=lambda i: rows[i][0])
    rows[last][header.index("as_of")] = "2000-01-01T00:00+00:00"
    with open(target / "children.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return rows[last][0]


def test_a_fault_found_in_the_last_chunk_stops_the_run_with_no_output(corpus, sample, tmp_path):
    faulty = tmp_path / "faulty"
    case_id = _late_last_case(sample, faulty)
    options = RunOptions(tuple(corpus.ids()), HOUR, "json", engine="batch")
    with pytest.raises(InputError, match="is after as_of 2000-01-01T00:00:00\\+00:00"):
        _in_chunks(corpus, [faulty], options, 7)
    out = tmp_path / "findings.json"
    ran = run_protograph(
        ["validate", str(faulty), "--chunk", "7", "--jobs", "2", "--format", "json", "--output", str(out)], tmp_path
    )
    assert ran.returncode == 2
    assert ran.stdout == ""
    assert "is after as_of" in ran.stderr and "Traceback" not in ran.stderr
    assert not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]
    assert case_id.startswith("synthetic-")


def test_the_command_in_chunks_and_workers_writes_what_it_writes_at_once(sample, tmp_path):
    at_once = run_protograph(["validate", str(sample), "--format", "json", "--jobs", "1", "--chunk", "1000"], tmp_path)
    in_chunks = run_protograph(["validate", str(sample), "--format", "json", "--jobs", "2", "--chunk", "3"], tmp_path)
    assert at_once.returncode == in_chunks.returncode == 1
    assert in_chunks.stdout == at_once.stdout and at_once.stdout.startswith("[\n  {")


@pytest.mark.parametrize(
    ("name", "rewrite"),
    [
        ("crlf-and-byte-order-mark", lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")),
        ("cr-line-ends", lambda data: data.replace(b"\n", b"\r")),  # read as text, not streamed
    ],
)
def test_line_ends_and_an_excel_byte_order_mark_give_the_same_findings(corpus, sample, tmp_path, name, rewrite):
    other = tmp_path / name
    other.mkdir()
    for file in ("events.csv", "children.csv"):
        (other / file).write_bytes(rewrite((sample / file).read_bytes()))
    options = RunOptions(tuple(corpus.ids()), HOUR, "json", engine="batch")
    expected, _ = _in_chunks(corpus, [sample], options, 1000)
    written, _ = _in_chunks(corpus, [other], options, 7)
    assert written == expected

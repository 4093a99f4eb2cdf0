"""The terminal table laid out here, a chunk of rows at a time, is tabulate's "simple" table byte
for byte: on the findings, review dates, summary and matrices of real caseloads (synthetic CSV
caseloads and the bundled example cases), whatever the chunk size and the number of workers, and
on random cells (text, numbers, non-ASCII, wide and combining characters, empty and multi-line
cells). Long outputs keep their rows in a temporary file that is gone once they are written."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from protograph.cases.reading import Caseload
from protograph.cases.synthetic import write_caseload
from protograph.errors import InputError
from protograph.reports import formats
from protograph.reports.caseload_run import RunOptions, validate_caseload
from protograph.reports.formats import SpilledTable, TablePart, render_table

DATA = Path(__file__).parent / "data" / "cases"
HOUR = timedelta(hours=1)


def _tabulated(rows: list[dict[str, str]], columns: list[str], wrap: dict[str, int] | None = None) -> str:
    """The table as tabulate lays it out, as the terminal table was made before (a column with a
    cell that cannot be a number read as text)."""
    body = [list(row) for row in formats.table_cells(rows, columns, wrap)]
    if not body:
        return "(none)"
    text = [i for i in range(len(columns)) if any(formats._is_text(line[i]) for line in body)]
    return tabulate(body, headers=columns, tablefmt="simple", disable_numparse=text)


@pytest.fixture
def tabulate_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout under test is ours: handing a table to tabulate fails the test."""

    def refuse(*args: object) -> str:
        raise AssertionError("the table was handed to tabulate")

    monkeypatch.setattr(formats, "_tabulate_table", refuse)


def _every_table_to_tabulate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table laid out by tabulate itself, as before (the reference)."""
    original = formats.Widths.__init__

    def odd(self: formats.Widths, count: int) -> None:
        original(self, count)
        self.odd = True

    monkeypatch.setattr(formats.Widths, "__init__", odd)


# --- random cells -----------------------------------------------------------------------------

_LETTERS = st.sampled_from(
    list("abcxyz ABC-.,:;'()/|0123456789")
    + ["é", "ß", "Ł", "ж", "中", "文", "한", "\u0301", "\u200b", "\t", "\xa0", "😀"]
)
_TEXT = st.lists(_LETTERS, max_size=14).map("".join)
_NUMBER = st.one_of(
    st.integers(-(10**6), 10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr),
    st.sampled_from(
        ["", "1,000", "-1,234.5", "007", "1e5", "1.50", "+3", "1_000", "nan", "inf", "1e999", "True", ".5"]
    ),
)
_MULTILINE = st.lists(_TEXT, min_size=1, max_size=3).map("\n".join)


def _covered(cell: str) -> bool:
    """Not a number with a tab, a newline or a non-ASCII digit in it (left to tabulate, below)."""
    return formats._rank(cell) in (0, formats.TEXT) or (cell.isascii() and cell.isprintable())


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[str], dict[str, int]]:
    count = draw(st.integers(1, 5))
    columns = [f"{draw(st.sampled_from(['case', 'n', 'due', 'ü', '中文']))}{i}" for i in range(count)]
    kinds = [draw(st.sampled_from(["text", "number", "multiline", "mixed"])) for _ in columns]
    cell = {"text": _TEXT, "number": _NUMBER, "multiline": _MULTILINE, "mixed": st.one_of(_TEXT, _NUMBER)}
    cell = {kind: cells.filter(_covered) for kind, cells in cell.items()}
    rows = draw(st.lists(st.fixed_dictionaries({c: cell[k] for c, k in zip(columns, kinds, strict=True)}), max_size=8))
    wrap = {c: draw(st.integers(3, 10)) for c in columns if draw(st.booleans())}
    return rows, columns, wrap


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_tables())
def test_random_cells_are_laid_out_as_tabulate_lays_them_out(tabulate_never_called, table):
    rows, columns, wrap = table
    assert render_table(rows, columns, wrap) == _tabulated(rows, columns, wrap)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_tables(), st.integers(1, 4))
def test_random_rows_spilled_in_parts_are_laid_out_as_tabulate_lays_them_out(tabulate_never_called, table, size):
    rows, columns, wrap = table
    spilled = SpilledTable(columns)
    for start in range(0, len(rows), size):
        spilled.add(TablePart.of_rows(rows[start : start + size], columns, wrap))
    try:
        assert "\n".join(spilled.lines()) == _tabulated(rows, columns, wrap)
    finally:
        spilled.close()


@pytest.mark.parametrize(
    "cell",
    ["\x1b[31mred\x1b[0m", "carriage\rreturn", "line\u2028separator", "form\x0cfeed", "\u0663", "12\n", "\t7"],
)
def test_what_the_layout_does_not_cover_is_left_to_tabulate(cell):
    rows = [{"case": "case-001", "what": cell, "n": "3"}, {"case": "case-002", "what": "plain", "n": "12"}]
    assert render_table(rows, ["case", "what", "n"]) == _tabulated(rows, ["case", "what", "n"])


def test_a_keyed_table_from_parts_out_of_order_comes_out_as_one_stable_sort(tabulate_never_called):
    """Review dates are listed by case id: parts that arrive out of order (pseudonymised ids, a
    list of case files) are merged as sorting every row would order them, ties in arrival order."""
    rows = [
        {"case": f"case-{n:03d}", "as_of": f"2025-01-{1 + n % 28:02d}", "as_of_source": s}
        for n, s in [(5, "a"), (1, "b"), (9, "c"), (1, "d"), (3, "e"), (7, "f"), (2, "g"), (5, "h")]
    ]
    spilled = SpilledTable(["case", "as_of", "as_of_source"])
    for start in range(0, len(rows), 3):
        part = sorted(rows[start : start + 3], key=lambda r: r["case"])
        spilled.add(TablePart.of_rows(part, ["case", "as_of", "as_of_source"], key="case"))
    expected = _tabulated(sorted(rows, key=lambda r: r["case"]), ["case", "as_of", "as_of_source"])
    assert "\n".join(spilled.lines()) == expected
    spilled.close()


# --- real outputs -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("table-layout") / "caseload"
    write_caseload(120, folder, 7)
    return folder


def _validate(corpus, paths, fmt, chunk, jobs, with_matrix=False) -> bytes:
    options = RunOptions(tuple(corpus.ids()), HOUR, fmt, with_matrix=with_matrix, engine="batch")
    out = io.BytesIO()
    validate_caseload(corpus, Caseload(paths), options, out, jobs=jobs, chunk_cases=chunk)
    return out.getvalue()


@pytest.fixture
def reference(corpus, caseload, monkeypatch):
    """The table output of the whole caseload with every table laid out by tabulate."""
    _every_table_to_tabulate(monkeypatch)
    written = _validate(corpus, [caseload], "table", 1000, 1)
    monkeypatch.undo()
    return written


@pytest.mark.parametrize(("chunk", "jobs"), [(1000, 1), (17, 1), (1, 1), (17, 2)])
def test_the_findings_table_of_a_csv_caseload_is_tabulates_in_any_chunks_and_workers(
    corpus, caseload, reference, tabulate_never_called, chunk, jobs
):
    written = _validate(corpus, [caseload], "table", chunk, jobs)
    assert b"Summary (Violations, Warnings and Info counted apart)" in written
    assert written.count(b"\n") > 1000 and written == reference


def test_the_bundled_cases_with_their_matrices_are_laid_out_as_tabulate_lays_them_out(corpus, monkeypatch):
    paths = [DATA]
    ours = _validate(corpus, paths, "table", 3, 1, with_matrix=True)
    _every_table_to_tabulate(monkeypatch)
    assert b"Compliance of " in ours
    assert _validate(corpus, paths, "table", 1000, 1, with_matrix=True) == ours


@pytest.mark.parametrize(("chunk", "jobs"), [(17, 1), (17, 2), (1, 1)])
def test_the_markdown_output_is_the_same_in_any_chunks_and_workers(corpus, caseload, chunk, jobs):
    whole = _validate(corpus, [caseload], "markdown", 1000, 1)
    assert whole.startswith(b"## Review dates") and b"\n## Summary\n" in whole
    assert _validate(corpus, [caseload], "markdown", chunk, jobs) == whole


# --- the temporary file -------------------------------------------------------------------------


def _open_in(folder: Path) -> list[str]:
    """The files this process holds open in ``folder`` (deleted ones included)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_rows_wait_in_a_temporary_folder_that_is_gone_once_written(corpus, caseload, tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[list[Path]] = []
    private: list[bool] = []
    original = SpilledTable.add

    def add(self: SpilledTable, part: TablePart) -> None:
        original(self, part)
        seen.append([file for folder in tmp_path.iterdir() for file in folder.iterdir()])
        private.extend(folder.stat().st_mode & 0o077 == 0 for folder in tmp_path.iterdir())

    monkeypatch.setattr(SpilledTable, "add", add)
    written = _validate(corpus, [caseload], "table", 30, jobs)
    # a file of rows a chunk, in one private folder, while the parts came in
    assert written.endswith(b"\n") and len(seen[-1]) == 4 and {f.parent for f in seen[-1]} == {seen[-1][0].parent}
    assert seen[-1][0].parent.name.startswith("protograph-") and all(private)
    assert _open_in(tmp_path) == [] and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_the_temporary_file_is_gone_when_writing_fails(corpus, caseload, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    class Full(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            raise OSError(28, "No space left on device")

    options = RunOptions(tuple(corpus.ids()), HOUR, "table", engine="batch")
    with pytest.raises(OSError, match="No space left"):
        validate_caseload(corpus, Caseload([caseload]), options, Full(), jobs=1, chunk_cases=30)
    assert _open_in(tmp_path) == [] and list(tmp_path.iterdir()) == []


def test_no_room_for_the_temporary_file_is_one_clear_error(corpus, caseload, monkeypatch):
    def full(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    options = RunOptions(tuple(corpus.ids()), HOUR, "table", engine="batch")
    with pytest.raises(InputError, match="cannot make a temporary file for the output: No space left on device"):
        validate_caseload(corpus, Caseload([caseload]), options, io.BytesIO(), jobs=1, chunk_cases=30)


def test_a_report_of_chunks_stored_apart_gives_its_text_as_the_command_writes_it(corpus, caseload, tmp_path):
    from protograph.reports.caseload_run import validate_chunk
    from protograph.reports.findings import FindingsReport

    options = RunOptions(tuple(corpus.ids()), HOUR, "table", engine="batch")
    cases = Caseload([caseload]).all()
    whole = FindingsReport(corpus, "table", False)
    for number, start in enumerate(range(0, len(cases), 50)):
        chunk = cases[start : start + 50]
        part = FindingsReport(corpus, "table", False)
        part.add(chunk, validate_chunk(corpus, chunk, options, "batch"))
        part.store(str(tmp_path / f"{number}.rows"))
        whole.merge(part)
    assert whole.text() + "\n" == _validate(corpus, [caseload], "table", 1000, 1).decode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.rows", "1.rows", "2.rows"]  # the laid-out runs removed

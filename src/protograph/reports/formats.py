"""Renderers: rows of plain values to a terminal table, Markdown, JSON or CSV.

One table maps a format name to its renderer, as rdflib's plugin table maps names to
parsers; commands pick a renderer by the user's ``--format``.

The terminal table is tabulate's "simple" format, laid out here so that a long table can be
built a chunk of rows at a time (:class:`TablePart`, in a worker process if need be), its rows
kept in a temporary file (:class:`SpilledTable`, or files a worker stored them in) while the
column widths are merged, and laid out in a second pass, a run of rows at a time
(:func:`lay_out_run`, in worker processes if need be): memory does not grow with the rows. The bytes are tabulate's (the
tests compare them); a table holding what the layout here does not cover (terminal escape
codes, line breaks other than a newline, a number that is not plain ASCII) is handed to
tabulate itself."""

from __future__ import annotations

import contextlib
import csv
import heapq
import io
import json
import math
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from ..errors import InputError

Row = dict[str, Any]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return str(value)


_WRAPPED: dict[tuple[str, int], str] = {}  # a long table wraps the same labels again and again


def _wrap(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    wrapped = _WRAPPED.get((text, width))
    if wrapped is None:
        import textwrap

        if len(_WRAPPED) >= 65536:
            _WRAPPED.clear()
        wrapped = _WRAPPED[text, width] = "\n".join(textwrap.wrap(text, width))
    return wrapped


def table_cells(
    rows: Iterable[Row], columns: Sequence[str], wrap: dict[str, int] | None = None
) -> list[tuple[str, ...]]:
    """Each row as the text of its cells in ``columns``, long cells wrapped at ``wrap``'s widths."""
    wrapped = [(index, (wrap or {})[c]) for index, c in enumerate(columns) if (wrap or {}).get(c)]
    table = []
    for row in rows:
        cells = [value if value.__class__ is str else _cell(value) for value in map(row.get, columns)]
        for index, width in wrapped:
            cells[index] = _wrap(cells[index], width)
        table.append(tuple(cells))
    return table


def render_table(rows: Sequence[Row], columns: Sequence[str], wrap: dict[str, int] | None = None) -> str:
    """A plain terminal table; long cells wrap at the widths given in ``wrap``."""
    part = TablePart.of(list(columns), table_cells(rows, columns, wrap))
    return "\n".join(layout_lines(part.columns, part.widths, part.rows_of_cells()))


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _is_text(cell: str) -> bool:
    """True for a cell tabulate would not read as a number. One such cell makes its column
    text, so tabulate need not try every other cell of it (the slowest part of a long table);
    the layout is the same as with tabulate's own guess."""
    if not cell:
        return False
    try:
        float(cell)
    except ValueError:
        return _THOUSANDS.fullmatch(cell) is None
    return False


def _tabulate_table(cells: Sequence[Sequence[str]], columns: Sequence[str]) -> str:
    """The table as tabulate lays it out (for what :func:`layout_lines` leaves to it)."""
    from tabulate import tabulate

    body = [list(row) for row in cells]
    if not body:
        return "(none)"
    text = [index for index in range(len(columns)) if any(_is_text(line[index]) for line in body)]
    return tabulate(body, headers=list(columns), tablefmt="simple", disable_numparse=text)


# --- the terminal table, laid out as tabulate's "simple" format ---------------------------------
#
# A column's cells are read as numbers unless one is text (_is_text): then it is a text column,
# its cells stripped and padded on the right; else an integer column (padded on the left) or a
# decimal one (each cell formatted as format(float(cell), "g") and its decimal points aligned).
# Widths are display widths (wcwidth's, when tabulate uses it: a wide character counts two, a
# combining one none; a line tabulate cannot measure (a tab, a control character) counts -1 and
# is padded by as many characters as it holds, as tabulate pads it). When any cell holds a
# newline, every row is laid out line by line, and a row whose cells are all empty is left out.
# Columns are two spaces apart, each at least two wider than its header; lines are right-stripped.

TEXT, INTEGER, DECIMAL = 5, 2, 3  # tabulate's ranks of str, int and float; empty cells rank 0
# what tabulate treats apart: escape codes (their width is not counted), line breaks other
# than "\n" (splitlines and re.split("[\r\n]") disagree on them); left to tabulate itself
_ODD = re.compile("[\r\x0b\x0c\x1b\x1c\x1d\x1e\x85\u2028\u2029]")
_NUMBER_WITH_COMMAS = re.compile(r"(?:[+-]?[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]*)?|\.[0-9]+)?$")


def _display_width() -> Callable[[str], int]:
    """The width tabulate measures a line with: wcwidth's when tabulate uses it, else len."""
    import tabulate

    if tabulate.wcwidth is not None and tabulate.WIDE_CHARS_MODE:
        return tabulate.wcwidth.wcswidth  # type: ignore[no-any-return]
    return len


def _is_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return not (math.isinf(value) or math.isnan(value)) or text.lower() in ("inf", "-inf", "nan")


def _rank(cell: str) -> int:
    """The type tabulate gives a cell of a column read as numbers (TEXT once _is_text)."""
    if not cell:
        return 0
    if _is_text(cell):
        return TEXT
    try:
        int(cell)
        return INTEGER
    except ValueError:
        pass
    if _NUMBER_WITH_COMMAS.match(cell):
        return DECIMAL if "." in cell else INTEGER
    return DECIMAL if _is_number(cell) else TEXT


def _decimal_text(cell: str) -> str:
    """A number as a decimal column shows it (tabulate's default float format, "g")."""
    if not cell:
        return ""
    if "," in cell:
        cell = cell.replace(",", "")
    try:
        return format(float(cell), "g")
    except ValueError:
        return cell


def _decimals(text: str) -> int:
    """Digits after the decimal point (or the exponent's 'e'), -1 for none, as tabulate aligns them."""
    if not (_is_number(text) or _NUMBER_WITH_COMMAS.match(text)):
        return -1
    try:
        int(text)
        return -1
    except ValueError:
        pass
    point = text.rfind(".")
    if point < 0:
        point = text.lower().rfind("e")
    return len(text) - point - 1 if point >= 0 else -1


class Widths:
    """What the layout of some rows needs to know, merged chunk by chunk: per column its rank
    (the most general type of its cells), its width as text, as integers and as decimals
    (widest digits before the point, most digits after); whether any cell holds a newline, and
    whether any holds what is left to tabulate."""

    def __init__(self, count: int):
        self.rank = [0] * count
        self.text = [0] * count
        self.integer = [0] * count
        self.before = [0] * count  # decimal column: widest (cell width - digits after the point)
        self.after = [-1] * count  # decimal column: most digits after the point
        self.multiline = False
        self.odd = False

    def merge(self, other: Widths) -> None:
        """Take in the widths of more rows of the same columns."""
        for mine, theirs in (
            (self.rank, other.rank),
            (self.text, other.text),
            (self.integer, other.integer),
            (self.before, other.before),
            (self.after, other.after),
        ):
            mine[:] = map(max, mine, theirs)
        self.multiline |= other.multiline
        self.odd |= other.odd

    def select(self, columns: Sequence[str], names: Sequence[str]) -> Widths:
        """These widths for ``names``: a name not among ``columns`` is a column of empty cells."""
        chosen = Widths(len(names))
        for index, name in enumerate(names):
            if name in columns:
                at = columns.index(name)
                chosen.rank[index], chosen.text[index], chosen.integer[index] = (
                    self.rank[at],
                    self.text[at],
                    self.integer[at],
                )
                chosen.before[index], chosen.after[index] = self.before[at], self.after[at]
            else:
                chosen.before[index] = 1  # an empty cell of a decimal column: "" then its padding
        chosen.multiline, chosen.odd = self.multiline, self.odd
        return chosen


def measure(cells: Sequence[Sequence[str]], count: int) -> Widths:
    """The widths of some rows of ``count`` cells each."""
    widths = Widths(count)
    display = _display_width()
    for index, column in enumerate(zip(*cells, strict=True)):
        rank = text = integer = before = 0
        after = -1
        numbers: dict[str, tuple[int, int, int, bool]] = {}
        read = 0  # the cells before the first text cell are read as numbers
        for cell in column:
            seen = numbers.get(cell)
            if seen is None:
                kind = _rank(cell)
                shown = _decimal_text(cell) if kind < TEXT else ""
                digits = _decimals(shown)
                plain = cell.isascii() and cell.isprintable()
                seen = numbers[cell] = (kind, len(shown) - digits, digits, plain)
            kind, whole, digits, plain = seen
            if kind == TEXT:
                rank = TEXT
                break
            read += 1
            rank = max(rank, kind)
            integer = max(integer, len(cell))
            before = max(before, whole)
            after = max(after, digits)
            if kind and not plain:  # a number tabulate would measure apart
                widths.odd = True
            if not plain and ("\n" in cell):
                widths.multiline = True
            text = max(text, len(cell.strip()) if plain else _text_width(cell, display))
        rest = column[read:]
        if rest:
            joined = "".join(rest)
            if joined.isascii() and joined.isprintable():  # no newline, no wide character
                text = max(text, *map(len, map(str.strip, rest)))
            else:
                text = max(text, _text_widths(rest, widths, display))
        widths.rank[index], widths.text[index], widths.integer[index] = rank, text, integer
        widths.before[index], widths.after[index] = before, after
    return widths


def _text_widths(cells: Sequence[str], widths: Widths, display: Callable[[str], int]) -> int:
    """The widest of some text cells (noting in ``widths`` a newline, or what is left to tabulate)."""
    widest = 0
    measured: dict[str, int] = {}  # a multi-line or non-ASCII cell, measured once
    for cell in cells:
        if cell.isascii() and cell.isprintable():
            width = len(cell.strip())
        else:
            width = measured.get(cell, -2)
            if width == -2:
                if "\n" in cell:
                    widths.multiline = True
                if _ODD.search(cell):
                    widths.odd = True
                width = measured[cell] = _text_width(cell, display)
        if width > widest:
            widest = width
    return widest


def _line_width(line: str, display: Callable[[str], int]) -> int:
    return len(line) if line.isascii() and line.isprintable() else display(line)


def _text_width(cell: str, display: Callable[[str], int]) -> int:
    return max(_line_width(line, display) for line in cell.strip().split("\n"))


class TablePart:
    """Some rows of a table as the text of their cells, with their widths; the cells pickled a
    block of rows at a time, ready to be appended to a :class:`SpilledTable`'s file. ``key``:
    each row's sort key, for a table whose parts are merged in that order; ``first`` the columns
    of the table's first row, when the table's columns are those of its first row."""

    BLOCK = 64

    def __init__(
        self,
        columns: list[str],
        cells: Sequence[tuple[str, ...]],
        keys: Sequence[str] | None = None,
        first: list[str] | None = None,
        markdown: bool = False,
    ):
        self.columns = columns
        self.first = first if first is not None else columns
        self.count = len(cells)
        self.keyed = keys is not None
        self.markdown = markdown
        self.widths = Widths(len(columns)) if markdown else measure(cells, len(columns))
        if markdown:
            cells = [tuple(_md_escape(c) for c in row) for row in cells]
        rows = [(*row, key) for row, key in zip(cells, keys, strict=True)] if keys is not None else list(cells)
        self.source: tuple[str, int] | None = None  # (file, offset) of rows stored apart
        self.first_key = keys[0] if keys else ""
        self.last_key = keys[-1] if keys else ""
        self.blob = b"".join(
            pickle.dumps(rows[start : start + self.BLOCK], pickle.HIGHEST_PROTOCOL)
            for start in range(0, len(rows), self.BLOCK)
        )

    @classmethod
    def of(cls, columns: list[str], cells: Sequence[tuple[str, ...]], markdown: bool = False) -> TablePart:
        return cls(columns, cells, markdown=markdown)

    @classmethod
    def of_rows(
        cls,
        rows: Sequence[Row],
        columns: Sequence[str] | None = None,
        wrap: dict[str, int] | None = None,
        key: str | None = None,
        markdown: bool = False,
    ) -> TablePart:
        """Rows of plain values; with no ``columns``, the table's columns are its first row's
        keys (the part carries every key its rows have, so that parts merge by name)."""
        first = None
        if columns is None:
            first = list(rows[0]) if rows else []
            names = dict.fromkeys(first)
            for row in rows:
                names.update(dict.fromkeys(row))
            columns = list(names)
        keys = [str(row[key]) for row in rows] if key is not None else None
        return cls(list(columns), table_cells(rows, columns, wrap), keys, first, markdown)

    def rows_of_cells(self) -> Iterator[tuple[str, ...]]:
        """The rows, as cells (from the pickled blocks)."""
        reader = io.BytesIO(self.blob)
        for block in _blocks(reader, self.count):
            yield from (row[:-1] for row in block) if self.keyed else block

    def store(self, file: IO[bytes], path: str) -> None:
        """Move the rows into ``file`` (found again at ``path``): the part then carries where
        they are, not the rows (what a worker process sends back of a chunk)."""
        if self.count:
            self.source = (path, file.tell())
            spill(file, self.blob)
            self.blob = b""


def temporary_file() -> IO[bytes]:
    """An unnamed temporary file for rows waiting to be laid out (gone once closed)."""
    return _temporary(tempfile.TemporaryFile)  # type: ignore[no-any-return]


def temporary_folder() -> str:
    """A new private temporary folder, for files of rows that worker processes write and read
    (its maker removes it)."""
    return _temporary(tempfile.mkdtemp)  # type: ignore[no-any-return]


def _temporary(make: Callable[..., Any]) -> Any:
    """A temporary file or folder made by ``make`` (a full disk is one clear error)."""
    try:
        return make(prefix="protograph-")
    except OSError as exc:
        raise InputError(
            f"cannot make a temporary file for the output: {exc.strerror}", tempfile.gettempdir()
        ) from None


def spill(file: IO[bytes], data: bytes) -> None:
    """Write rows to a temporary file (a full disk is one clear error, not a traceback)."""
    try:
        file.write(data)
    except OSError as exc:
        raise InputError(f"cannot write the output's temporary file: {exc.strerror}", tempfile.gettempdir()) from None


def _blocks(reader: IO[bytes], count: int) -> Iterator[list[tuple[str, ...]]]:
    """The pickled blocks of ``count`` rows from where ``reader`` stands."""
    while count > 0:
        block = pickle.load(reader)
        count -= len(block)
        yield block


# How the rows of a table are laid out once its widths are known: each column's kind, width
# and digits after the decimal point, and whether a row may take several lines.
Plan = tuple[list[int], list[int], list[int], bool]


# A part's rows in a SpilledTable: the file they are in (None: the table's own temporary file),
# where they start, how many, and which of the part's columns make the table's (None: all).
Run = tuple[str | None, int, int, list[int | None] | None]


class SpilledTable:
    """A table gathered a part at a time: the parts' rows wait in a temporary file (removed
    when closed, and by the system at once: it has no name), or in the files the parts were
    stored in, and their widths are merged, so the table is laid out in a second pass, once
    every width is known. ``columns``: None for the columns of the first row. A keyed table
    comes out in key order (parts already in order are read straight through; otherwise they
    are merged, as a stable sort of all rows would order them)."""

    def __init__(self, columns: list[str] | None = None, markdown: bool = False):
        self.columns = columns
        self.markdown = markdown
        self.widths: Widths | None = None
        self.count = 0
        self._file: IO[bytes] | None = None
        self._runs: list[Run] = []
        self._in_order = True
        self._last_key: str | None = None
        self._keyed = False

    def add(self, part: TablePart) -> None:
        """Take in a part's rows (after those taken so far) and its widths."""
        if not part.count:
            return
        if self.columns is None:
            self.columns = list(part.first)
        widths, at = part.widths, None
        if part.columns != self.columns:
            widths = widths.select(part.columns, self.columns)
            at = [part.columns.index(n) if n in part.columns else None for n in self.columns]
        if part.source is not None:
            self._runs.append((*part.source, part.count, at))
        else:
            if self._file is None:
                self._file = temporary_file()
            offset = self._file.seek(0, io.SEEK_END)
            spill(self._file, part.blob)
            self._runs.append((None, offset, part.count, at))
        self.count += part.count
        self._keyed = part.keyed
        if part.keyed:
            if self._last_key is not None and part.first_key < self._last_key:
                self._in_order = False
            self._last_key = part.last_key if self._last_key is None else max(self._last_key, part.last_key)
        if self.widths is None:
            self.widths = Widths(len(self.columns))
        self.widths.merge(widths)

    def rows_of_cells(self) -> Iterator[tuple[str, ...]]:
        """Every row, as cells, in the table's order."""
        keyed = self._keyed
        if not keyed or self._in_order:
            for run in self._runs:
                yield from _shaped(self._rows(run), keyed, run[3])
            return
        runs = [((row[-1], row) for row in _shaped(self._rows(run), True, run[3], True)) for run in self._runs]
        yield from (row[:-1] for _, row in heapq.merge(*runs, key=lambda pair: pair[0]))

    def _rows(self, run: Run) -> Iterator[tuple[str, ...]]:
        """One part's rows as stored, read a block at a time (from the table's own file,
        wherever the other parts left it)."""
        source, offset, count, _ = run
        if source is not None:
            with open(source, "rb") as file:
                file.seek(offset)
                for block in _blocks(file, count):
                    yield from block
            return
        file = self._file
        assert file is not None
        while count > 0:
            file.seek(offset)
            block = pickle.load(file)
            offset = file.tell()
            count -= len(block)
            yield from block

    def lines(self) -> Iterator[str]:
        """The table, line by line, as render() would give it in the table's format."""
        columns = self.columns or []
        if self.markdown:
            yield from markdown_lines(columns, self.rows_of_cells(), escaped=True)
            return
        yield from layout_lines(columns, self.widths or Widths(len(columns)), self.rows_of_cells())

    def pieces(self, lay_out: LayOut | None = None) -> Iterator[str | LaidLines]:
        """The table as lines() gives it, joined by newlines; the runs of rows stored in files
        are laid out by ``lay_out`` (in order; by default here, one after another), each into a
        file of its lines beside its rows: worker processes can share the work."""
        columns = self.columns or []
        plan: Plan | None = None
        if self.markdown:
            head = _markdown_head(columns)
        else:
            laid = table_plan(columns, self.widths) if self.widths is not None else None
            head, plan = laid if laid is not None else ([], None)
        stored = all(run[0] is not None for run in self._runs)
        if not self.count or not stored or (self._keyed and not self._in_order) or not head:
            yield from self.lines()
            return
        yield from head
        tasks = ((plan, *run, self._keyed) for run in self._runs)
        for lines, path in (lay_out or _one_by_one)(tasks):  # type: ignore[arg-type]
            laid = LaidLines(path)
            if lines:
                yield laid
            else:
                laid.drop()

    def close(self) -> None:
        """Drop the temporary file."""
        if self._file is not None:
            self._file.close()
            self._file = None


# A task of laying out one run of a table's rows: the plan (None: Markdown) and the run.
LayOutTask = tuple[Plan | None, str, int, int, list[int | None] | None, bool]
# Runs laid out, in order: (lines, the file of their UTF-8 joined by newlines) for each task.
LayOut = Callable[[Iterable[LayOutTask]], Iterator[tuple[int, str]]]


class LaidLines:
    """Lines of a table laid out into a file (UTF-8, joined by newlines, no newline after the
    last), read back once and removed."""

    def __init__(self, path: str):
        self.path = path

    def blocks(self) -> Iterator[bytes]:
        """The file's bytes, a block at a time (the file is removed afterwards)."""
        try:
            with open(self.path, "rb") as file:
                while block := file.read(1 << 20):
                    yield block
        finally:
            self.drop()

    def drop(self) -> None:
        with contextlib.suppress(OSError):
            os.remove(self.path)


def lay_out_run(
    plan: Plan | None, source: str, offset: int, count: int, at: list[int | None] | None, keyed: bool
) -> tuple[int, str]:
    """One run of a table's rows, stored in ``source`` at ``offset``, laid out by ``plan`` (a
    Markdown table's rows for None) into a file beside ``source``: how many lines, and the file
    (read by LaidLines)."""
    target = f"{source}.{offset}.laid"
    lines = 0
    with open(source, "rb") as file, open(target, "wb") as out:
        file.seek(offset)
        rows = _shaped((row for block in _blocks(file, count) for row in block), keyed, at)
        laid = ("| " + " | ".join(row) + " |" for row in rows) if plan is None else body_lines(plan, rows)
        batch: list[str] = []
        for line in laid:
            batch.append(line)
            if len(batch) >= 2048:
                spill(out, (("\n" if lines else "") + "\n".join(batch)).encode("utf-8"))
                lines += len(batch)
                batch = []
        if batch:
            spill(out, (("\n" if lines else "") + "\n".join(batch)).encode("utf-8"))
            lines += len(batch)
    return lines, target


def _one_by_one(tasks: Iterable[LayOutTask]) -> Iterator[tuple[int, str]]:
    for task in tasks:
        yield lay_out_run(*task)


def _shaped(
    rows: Iterable[tuple[str, ...]], keyed: bool, at: list[int | None] | None, keep_key: bool = False
) -> Iterator[tuple[str, ...]]:
    """Stored rows as the table's cells: the sort key dropped (unless ``keep_key``: then last),
    the table's columns picked (``at``: the stored column of each, None for an empty one)."""
    for row in rows:
        cells = row[:-1] if keyed else row
        if at is not None:
            cells = tuple("" if i is None else cells[i] for i in at)
        yield (*cells, row[-1]) if keep_key else cells


def layout_lines(columns: Sequence[str], widths: Widths, rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The lines of tabulate's "simple" table of ``rows`` under ``columns`` (headers), given the
    rows' merged widths; "(none)" for no rows."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        yield "(none)"
        return
    laid = table_plan(columns, widths)
    if laid is None:
        yield _tabulate_table([first, *rows], columns)  # what the layout here does not cover
        return
    head, plan = laid
    yield from head
    yield from body_lines(plan, _chain(first, rows))


def table_plan(columns: Sequence[str], widths: Widths) -> tuple[list[str], Plan] | None:
    """The header lines of a table of some rows under ``columns`` with these merged widths, and
    the plan its rows are laid out by (body_lines); None for a table left to tabulate."""
    display = _display_width()
    heads = [(h, _line_width(h, display)) for h in columns]
    if widths.odd or any(w < 0 or _ODD.search(h) or "\n" in h for h, w in heads):
        return None
    kinds, sizes = [], []
    for index, (_, head) in enumerate(heads):
        kind = widths.rank[index] if widths.rank[index] in (INTEGER, DECIMAL) else TEXT
        size = {TEXT: widths.text, INTEGER: widths.integer}.get(kind)
        width = size[index] if size is not None else widths.before[index] + widths.after[index]
        kinds.append(kind)
        sizes.append(max(width, head + 2))
    header = "  ".join(
        h.ljust(w + len(h) - hw) if kind == TEXT else h.rjust(w + len(h) - hw)
        for (h, hw), w, kind in zip(heads, sizes, kinds, strict=True)
    ).rstrip()
    return [header, "  ".join("-" * w for w in sizes)], (kinds, sizes, list(widths.after), widths.multiline)


def body_lines(plan: Plan, rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The lines of some rows of a table laid out by ``plan`` (table_plan): any run of the
    table's rows, so that runs can be laid out apart and their lines joined in order."""
    kinds, sizes, after_point, multiline = plan
    display = _display_width()
    blanks = [" " * w for w in sizes]
    plan_of = list(zip(kinds, sizes, after_point, strict=True))
    all_text = all(kind == TEXT for kind in kinds)
    seen: list[dict[str, list[str]]] = [{} for _ in kinds]
    for row in rows:
        if multiline:
            joined = "".join(row)
            if "\n" in joined or not joined.strip():  # a row of several lines, or none
                yield from _row_lines(row, plan_of, blanks, display, seen)
                continue
        if all_text:
            yield "  ".join(
                [
                    cell.ljust(width) if cell.isascii() and cell.isprintable() else _pad(cell, width, display)
                    for cell, width in zip(map(str.strip, row), sizes, strict=True)
                ]
            ).rstrip()
            continue
        padded = []
        for cell, (kind, width, after) in zip(row, plan_of, strict=True):
            if kind == TEXT:
                cell = cell.strip()
                padded.append(
                    cell.ljust(width) if cell.isascii() and cell.isprintable() else _pad(cell, width, display)
                )
            elif kind == INTEGER:
                padded.append(cell.rjust(width))
            else:
                shown = _decimal_text(cell)
                padded.append((shown + " " * (after - _decimals(shown))).rjust(width))
        yield "  ".join(padded).rstrip()


def _row_lines(
    row: Sequence[str],
    plan: list[tuple[int, int, int]],
    blanks: list[str],
    display: Callable[[str], int],
    seen: list[dict[str, list[str]]],
) -> Iterator[str]:
    """A row laid out line by line (in a table where some cell holds a newline); none when
    every cell is empty. ``seen``: a column's multi-line cells laid out so far (wrapped labels
    come back again and again)."""
    cells = []
    for cell, (kind, width, after), laid in zip(row, plan, seen, strict=True):
        if kind != TEXT:
            cells.append(_cell_lines(cell, kind, width, after, display))
        elif "\n" in cell:
            lines = laid.get(cell)
            if lines is None:
                if len(laid) >= 4096:
                    laid.clear()
                lines = laid[cell] = _cell_lines(cell, kind, width, after, display)
            cells.append(lines)
        else:
            cell = cell.strip()
            if cell.isascii() and cell.isprintable():
                cells.append([cell.ljust(width)] if cell else [])
            else:
                cells.append([_pad(cell, width, display)])
    height = max(map(len, cells))
    columns = [
        c if len(c) == height else [*c, *[blank] * (height - len(c))] for c, blank in zip(cells, blanks, strict=True)
    ]
    for parts in zip(*columns, strict=True):
        yield "  ".join(parts).rstrip()


def _chain(first: Sequence[str], rows: Iterator[Sequence[str]]) -> Iterator[Sequence[str]]:
    yield first
    yield from rows


def _pad(line: str, width: int, display: Callable[[str], int]) -> str:
    """A line of text padded to ``width`` display columns (as tabulate pads it)."""
    return line.ljust(width - display(line) + len(line))


def _cell_lines(cell: str, kind: int, width: int, after: int, display: Callable[[str], int]) -> list[str]:
    """A cell laid out in its column of a table laid out line by line: one string a line, none
    for an empty cell."""
    if kind == TEXT:
        cell = cell.strip()
        if cell.isascii() and cell.isprintable():
            return [cell.ljust(width)] if cell else []
        return [line.ljust(width - _line_width(line, display) + len(line)) for line in cell.split("\n")]
    if kind == DECIMAL:
        shown = _decimal_text(cell)
        cell = shown + " " * (after - _decimals(shown))
    return [cell.rjust(width)] if cell else []


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_head(columns: Sequence[str]) -> list[str]:
    return ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]


def markdown_lines(columns: Sequence[str], rows: Iterable[Sequence[str]], escaped: bool = False) -> Iterator[str]:
    """A GitHub-flavoured Markdown table, line by line ("_(none)_" for no rows); ``escaped``:
    the cells are already escaped."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        yield "_(none)_"
        return
    yield from _markdown_head(columns)
    for row in _chain(first, rows):
        yield "| " + " | ".join(row if escaped else map(_md_escape, row)) + " |"


def render_markdown(rows: Sequence[Row], columns: Sequence[str], wrap: dict[str, int] | None = None) -> str:
    """A GitHub-flavoured Markdown table."""
    return "\n".join(markdown_lines(columns, table_cells(rows, columns)))


def render_json(rows: Sequence[Row], columns: Sequence[str], wrap: dict[str, int] | None = None) -> str:
    """A JSON list of objects, keys in column order, stable."""
    return json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, ensure_ascii=False)


def render_csv(rows: Sequence[Row], columns: Sequence[str], wrap: dict[str, int] | None = None) -> str:
    """CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue().rstrip("\n")


RENDERERS: dict[str, Callable[..., str]] = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
    "csv": render_csv,
}


def render(rows: Sequence[Row], columns: Sequence[str], fmt: str, wrap: dict[str, int] | None = None) -> str:
    """Render rows in the named format."""
    return RENDERERS[fmt](rows, columns, wrap)

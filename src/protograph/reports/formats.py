"""Renderers: rows of plain values to a terminal table, Markdown, JSON or CSV.

One table maps a format name to its renderer, as rdflib's plugin table maps names to
parsers; commands pick a renderer by the user's ``--format``."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

Row = dict[str, Any]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def render_table(rows: Sequence[Row], columns: Sequence[str], wrap: dict[str, int] | None = None) -> str:
    """A plain terminal table; long cells wrap at the widths given in ``wrap``."""
    from tabulate import tabulate

    wrap = wrap or {}
    body = [[_wrap(_cell(row.get(c)), wrap[c]) if c in wrap else _cell(row.get(c)) for c in columns] for row in rows]
    if not body:
        return "(none)"
    text = [index for index in range(len(columns)) if any(_is_text(line[index]) for line in body)]
    return tabulate(body, headers=list(columns), tablefmt="simple", disable_numparse=text)


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


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(rows: Sequence[Row], columns: Sequence[str], wrap: dict[str, int] | None = None) -> str:
    """A GitHub-flavoured Markdown table."""
    if not rows:
        return "_(none)_"
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md_escape(_cell(row.get(c))) for c in columns) + " |")
    return "\n".join(lines)


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

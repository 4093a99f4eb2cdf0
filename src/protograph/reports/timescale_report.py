"""`protograph timescales` rendered: every timescale a row, or side by side (a row per topic,
a column per protocol) as a table, Markdown, JSON, CSV or an HTML page."""

from __future__ import annotations

from collections.abc import Sequence

from ..corpus.timescales import COLUMNS, EXTRA_COLUMNS
from .formats import render
from .policy import matrix_html, timescale_matrix


def render_timescales(
    rows: Sequence[dict], protocols: Sequence[str], fmt: str, as_matrix: bool = False
) -> tuple[str, str]:
    """The report in ``fmt`` and what it holds ('12 rows', '80 timescales'). Side by side with
    ``as_matrix`` and always as HTML; JSON and CSV rows carry the extra columns too."""
    if as_matrix or fmt == "html":
        table, columns = timescale_matrix(rows, protocols)
        if fmt == "html":
            text = matrix_html(table, columns, "Timescales side by side")
        else:
            text = render(table, columns, fmt, wrap={c: 24 for c in columns})
        return text, f"{len(table)} rows"
    columns = COLUMNS + EXTRA_COLUMNS if fmt in ("json", "csv") else COLUMNS
    return render(rows, columns, fmt, wrap={"what": 32, "quote": 60}), f"{len(rows)} timescales"

"""Issue #18: the caseload report's HTML page fits a 1400-pixel window in a real Chromium —
every column of the table visible (cells wrap; anything wider scrolls inside its own frame,
never the page) and no chart label clipped or cut mid-word."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from protograph.cases.synthetic import caseload
from protograph.checking.caseload import validate_cases
from protograph.reports.caseload import COLUMNS, render_report, report_rows
from support import CHROMIUM, CHROMIUM_FLAGS, NEEDS_CHROMIUM, sync_playwright

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def page_file(corpus, tmp_path_factory) -> Path:
    cases = caseload(30, seed=11)
    results = validate_cases(corpus, cases, corpus.ids(), timedelta(hours=1), engine="batch")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(report_rows(results, corpus), "html", cases, corpus), encoding="utf-8")
    return path


def test_the_report_fits_1400_pixels_with_every_column_and_label_visible(page_file):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(page_file.as_uri())
        shot = os.environ.get("PROTOGRAPH_SCREENSHOT")
        if shot:  # to look at it: PROTOGRAPH_SCREENSHOT=/tmp/report.png pytest -k fits
            page.screenshot(path=shot)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= 1400  # the page itself never scrolls sideways
        heads = page.evaluate(
            "[...document.querySelectorAll('table.caseload tr:nth-child(2) th')].map(th => "
            "{const r = th.getBoundingClientRect(); return [th.textContent, r.left, r.right]})"
        )
        assert [h[0] for h in heads] == [c.replace("_", " ") for c in COLUMNS]
        frame = page.evaluate(
            "(() => {const d = document.querySelector('.scroll:has(table.caseload)'); const r = d.getBoundingClientRect();"
            " return [r.left, r.right, d.scrollWidth, d.clientWidth, getComputedStyle(d).overflowX]})()"
        )
        left, right, scroll_width, client_width, overflow = frame
        assert right <= 1400
        for name, head_left, head_right in heads:
            # visible in the window, or (if the table is wider) reachable by the frame's own scroll bar
            assert (head_left >= left - 1 and head_right <= right + 1) or (
                overflow == "auto" and scroll_width > client_width
            ), name
        labels = page.evaluate(
            "(() => {const s = document.querySelector('svg').getBoundingClientRect();"
            " return [...document.querySelectorAll('text.bar-label tspan, text.bar-value')].map(t => "
            "{const r = t.getBoundingClientRect(); return [t.textContent, r.left - s.left, s.right - r.right]})})()"
        )
        assert labels
        for text, from_left, to_right in labels:
            assert from_left >= 0 and to_right >= 0, text  # inside the chart: not clipped
        words = {w for row in report_rows_words(page_file) for w in row}
        for text, _, _ in labels:
            if not text.endswith("%"):
                assert all(w in words or w == "…" for w in text.split()), text  # whole words only
        browser.close()


def report_rows_words(page_file: Path) -> list[set[str]]:
    """The words of every bar's full label (its <title>), to show labels wrap at word boundaries."""
    import re

    text = page_file.read_text(encoding="utf-8")
    import html

    return [set(html.unescape(t).split()) for t in re.findall(r"<title>(.*?)</title>", text)]

"""The timeline page in a real browser (Debian's headless Chromium through playwright), at the
1400 × 1000 screen it is written for: the 24-hour question answered in one interaction, every
piece of text at 12 px or more with no two overlapping, a card's quote opened from the
keyboard, A4 landscape print with one protocol a page, nothing requested, nothing logged.
Screenshots are saved under tests/artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protograph.corpus.duties import duties
from protograph.corpus.loader import Corpus
from protograph.graphs.timeline_page import write_timeline_html
from support import NEEDS_CHROMIUM, OpenedPage

pytestmark = NEEDS_CHROMIUM

GUIDE = "4lscb-met-guide-2018"
EARLY_COLUMNS = ("immediately", "1h", "24h")


def hours(iso: str) -> float:
    """An ISO 8601 duration of one unit in hours; a day is 24 hours, so only calendar units."""
    match = re.fullmatch(r"P(T?)(\d+(?:\.\d+)?)([SMHDW])", iso)
    assert match, iso
    is_time, number, unit = match.groups()
    per = {"TS": 1 / 3600, "TM": 1 / 60, "TH": 1, "D": 24, "W": 168}[("T" if is_time else "") + unit]
    return float(number) * per


def due_within_24_hours_of_missing(corpus: Corpus, protocol: str) -> set[str]:
    """What the encoding says: the duties a child going missing starts (their trigger, or the
    event their deadline runs from) whose deadline is 24 hours or less ('immediately'
    included; a working day can run past 24 hours, so never one in working days)."""
    found = set()
    for duty in duties(corpus, [protocol]):
        deadline = duty.deadline
        if deadline is None or (duty.trigger or deadline.relative_to) != "missing":
            continue
        if deadline.immediate or (not deadline.working_days and hours(deadline.max) <= 24):
            found.add(duty.id)
    return found


def write(corpus: Corpus, tmp_path: Path, protocols: list[str], event: str) -> Path:
    path = tmp_path / f"{'+'.join(protocols)}-{event}.html"
    write_timeline_html(corpus, protocols, event, "2024-05-01", path)
    return path


def cards_shown(opened: OpenedPage, protocol: str, columns: tuple[str, ...]) -> list[str]:
    return opened.eval(
        """([protocol, columns]) => [...document.querySelectorAll(
             `section[data-protocol="${protocol}"] button.card`)]
           .filter(b => columns.includes(b.dataset.column) && b.offsetParent !== null)
           .map(b => b.dataset.duty)""",
        [protocol, list(columns)],
    )


def test_the_24_hour_question_for_4lscb_met_guide_2018_is_answered_in_one_interaction(browser, corpus, tmp_path):
    expected = due_within_24_hours_of_missing(corpus, GUIDE)
    assert expected
    opened = OpenedPage(browser, write(corpus, tmp_path, [GUIDE], "referral"))  # opened on another question
    assert set(cards_shown(opened, GUIDE, EARLY_COLUMNS)).isdisjoint(expected)
    interactions = 0
    opened.page.select_option("#event", "missing")  # 1: "a child goes missing"
    interactions += 1
    opened.page.wait_for_selector("body[data-pg-ready^='missing:']", state="attached")
    shown = cards_shown(opened, GUIDE, EARLY_COLUMNS)
    assert interactions <= 2
    assert len(shown) == len(set(shown))
    assert set(shown) == expected
    heading = opened.page.text_content("#question")
    assert heading == "When a child goes missing, who must do what, by when?"
    # each early card says who, what, by when, how binding and its clause, in words
    by_id = {d.id: d for d in duties(corpus, [GUIDE])}
    for duty_id in shown:
        text = opened.page.text_content(f"button.card[data-duty='{duty_id}']")
        duty = by_id[duty_id]
        assert duty.label in text and f"Clause {GUIDE} {duty.provision}" in text
        assert duty.labels[duty.bearers[0]] in text
        assert ("Immediately" in text) if duty.deadline.immediate else re.search(r"[Ww]ithin \d", text)
    opened.screenshot("timeline-guide-missing")
    assert opened.problems == [] and opened.requests == [] and opened.dialogs == []


@pytest.mark.parametrize(
    ("protocols", "event"),
    [
        ([GUIDE], "missing"),
        ([GUIDE], "trafficking-suspected"),
        (["4lscb-met-2013", "herts-tc-2016"], "referral"),
        (["lincs-tc-2023", GUIDE], "trafficking-suspected"),
    ],
)
def test_every_text_on_the_timeline_is_at_least_12px_and_no_two_overlap(browser, corpus, tmp_path, protocols, event):
    opened = OpenedPage(browser, write(corpus, tmp_path, protocols, event))
    layout = opened.text_layout()
    print(
        f"{'+'.join(protocols)} {event}: {layout['runs']} text runs, smallest {layout['min_size']} px, "
        f"{len(layout['overlaps'])} overlaps"
    )
    assert layout["runs"] > 40
    assert layout["small"] == [] and layout["min_size"] >= 12
    assert layout["overlaps"] == []
    assert opened.eval("document.documentElement.scrollWidth") <= 1400  # no sideways scrolling
    opened.screenshot(f"timeline-{'+'.join(protocols)}-{event}")
    assert opened.problems == [] and opened.requests == []


def test_a_card_opens_its_verbatim_quote_from_the_keyboard_and_gives_focus_back(browser, corpus, tmp_path):
    opened = OpenedPage(browser, write(corpus, tmp_path, [GUIDE], "missing"))
    first = opened.page.locator("button.card").first
    duty_id = first.get_attribute("data-duty")
    duty = next(d for d in duties(corpus, [GUIDE]) if d.id == duty_id)
    opened.page.keyboard.press("Tab")
    for _ in range(10):  # the select, the print button, then the first card
        if opened.eval("document.activeElement.dataset.duty || ''") == duty_id:
            break
        opened.page.keyboard.press("Tab")
    assert opened.eval("document.activeElement.dataset.duty") == duty_id
    opened.page.keyboard.press("Enter")
    assert opened.eval("document.getElementById('quote-dialog').open") is True
    assert opened.page.text_content("#dialog-body blockquote") == duty.quote
    assert opened.page.text_content("#dialog-title") == duty.label
    opened.screenshot("timeline-guide-quote-dialog")
    opened.page.keyboard.press("Escape")
    assert opened.eval("document.getElementById('quote-dialog').open") is False
    assert opened.eval("document.activeElement.dataset.duty") == duty_id
    assert opened.problems == [] and opened.requests == []


def test_two_protocols_print_on_a4_landscape_one_protocol_a_page_with_title_version_and_date(browser, corpus, tmp_path):
    protocols = ["4lscb-met-2013", GUIDE]
    path = write(corpus, tmp_path, protocols, "missing")
    opened = OpenedPage(browser, path, media="print")
    sections = opened.eval(
        """() => [...document.querySelectorAll('section.protocol')].map(s => [s.dataset.protocol,
             getComputedStyle(s).breakBefore, s.querySelector('.protocol-head').innerText])"""
    )
    assert [s[0] for s in sections] == protocols
    assert sections[1][1] == "page"
    for protocol, _, head in sections:
        info = corpus.info(protocol)
        assert info.title in head and f"version {info.date}" in head and "produced 2024-05-01" in head
        assert "When a child goes missing, who must do what, by when?" in head
    assert opened.eval("getComputedStyle(document.querySelector('.ask')).display") == "none"
    pdf = opened.page.pdf(prefer_css_page_size=True, print_background=True)
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert len(pages) >= len(protocols)
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(842, 595)}  # A4 landscape, in points
    (tmp_path / "board-paper.pdf").write_bytes(pdf)
    assert opened.problems == [] and opened.requests == []

"""Every HTML page protograph writes, fed hostile text, in a real browser (Debian's headless
Chromium through playwright): no injected script runs, no dialog opens, no request leaves the
page, no element or event handler is injected, and the hostile text is shown as text.

The hostile text comes in through a user's protocol (--corpus): a copy of lincs-tc-2023 whose
title, labels, provision references, modal wordings and quotes carry script, attribute-breaking,
javascript: and remote-load payloads; its quotes still pass the quote check, because the
payloads open the source text written beside it. Case ids cannot carry them (letters, digits,
'.', '_', '-' only), so the caseload report also gets cases whose file names, event ids and notes
do, which must not reach the page at all.

Each page is opened twice: as written, and with its Content-Security-Policy removed, so that the
escaping is proved on its own and not hidden by the policy (which blocks inline script on the
report pages)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import needs_sources
from protograph.paths import sources_dir
from support import NEEDS_CHROMIUM, OpenedPage

pytestmark = [needs_sources, *NEEDS_CHROMIUM]

PAYLOADS = {
    "script": "<script>window.__pwned=1;alert(1)</script>",
    "img": '"><img src=x onerror="window.__pwned=2;alert(2)">',
    "href": '<a href="javascript:window.__pwned=3">javascript:alert(3)</a>',
    "close": "</script><script>window.__pwned=4</script>",
    "attr": "' onmouseover='window.__pwned=5' x='",
    "svg": '<svg onload="window.__pwned=6"><style>@import url(http://127.0.0.1:9/leak.css)</style></svg>',
    "remote": '<iframe src="http://127.0.0.1:9/frame"></iframe><link rel=stylesheet href=http://127.0.0.1:9/x.css>',
}
HOSTILE = " ".join(PAYLOADS.values())
PROTOCOL = "hostile-2024"
CASE_MARKER = "Zephyrine"  # in the hostile cases' file names, event ids and notes
CASES = Path(__file__).parent / "data" / "cases"
REAL_LINCS_CASES = [
    "case-lincs-referral-61-minutes-after-suspicion.yaml",
    "case-herts-lincs-telephone-referral-confirmed-after-60h.yaml",
    "case-herts-lincs-mash-decision-after-30h-no-nrm-referral.yaml",
]


def _turtle(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def hostile_protocol(folder: Path) -> Path:
    """A copy of lincs-tc-2023 as protocol 'hostile-2024', every label, reference, wording and
    quote carrying the payloads, with a source text beside it in which its quotes occur."""
    text = (Path(__file__).parents[1] / "protocols" / "lincs-tc-2023.ttl").read_text(encoding="utf-8")
    text = text.replace("lincs-tc-2023", PROTOCOL)
    hostile = _turtle(HOSTILE)
    text, titles = re.subn(r'dcterms:title "[^"]*"', f'dcterms:title "Title {hostile}"', text, count=1)
    text, labels = re.subn(r'rdfs:label "', f'rdfs:label "{hostile} ', text)
    text, references = re.subn(r'pg:reference "([^"]*)"', lambda m: f'pg:reference "{m.group(1)} {hostile}"', text)
    text, wordings = re.subn(r'pg:modalWording "', f'pg:modalWording "{hostile} ', text)
    text, quotes = re.subn(r'pg:quote "', f'pg:quote "{hostile} [...] ', text)
    assert titles == 1 and min(labels, references, wordings, quotes) > 10
    source = (sources_dir() / "lincs-tc-2023.txt").read_text(encoding="utf-8")
    (folder / f"{PROTOCOL}.txt").write_text(HOSTILE + "\n\n" + source, encoding="utf-8")
    path = folder / f"{PROTOCOL}.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def hostile_cases(folder: Path) -> Path:
    """Real cases under hostile file names, with hostile event ids and notes."""
    for index, real in enumerate(REAL_LINCS_CASES):
        lines = []
        for number, line in enumerate((CASES / real).read_text(encoding="utf-8").splitlines()):
            if line.startswith("  - {"):
                event_id = _turtle(f"{CASE_MARKER}-{number}{PAYLOADS['close']}{PAYLOADS['img']}")
                note = _turtle(f"{CASE_MARKER} said {HOSTILE}")
                line = line.replace("  - {", f'  - {{id: "{event_id}", note: "{note}", ', 1)
            lines.append(line)
        name = f"{CASE_MARKER}-{index}{PAYLOADS['img']}<svg onload=alert(8)>.yaml"  # no '/' in a file name
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def protograph(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "from protograph.cli.main import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


PAGES = {
    "conflicts": ["conflicts", "--protocols", f"{PROTOCOL},herts-tc-2016", "--format", "html", "--output", "{out}"],
    "diff": ["diff", "lincs-tc-2023", PROTOCOL, "--format", "html", "--output", "{out}"],
    "timescales": ["timescales", "--protocols", f"{PROTOCOL},herts-tc-2016", "--format", "html"],
    "timescales-matrix": ["timescales", "--protocols", f"{PROTOCOL},herts-tc-2016", "--matrix", "--format", "html"],
    "caseload-report": ["validate", "{cases}", "--protocol", PROTOCOL, "--report", "--format", "html", "--quiet"],
    "graph": ["graph", PROTOCOL, "--output", "{out}"],
    "graph-diff": ["graph", "lincs-tc-2023", PROTOCOL, "--diff", "--output", "{out}"],
    "timeline": ["timeline", PROTOCOL, "--event", "trafficking-suspected", "--output", "{out}"],
    "timeline-two": ["timeline", PROTOCOL, "lincs-tc-2023", "--event", "referral", "--output", "{out}"],
}
GRAPH_PAGES = ("graph", "graph-diff")
TIMELINE_PAGES = ("timeline", "timeline-two")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """Each page, written by the CLI from the hostile protocol (and cases)."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    hostile_protocol(corpus)
    cases = root / "cases"
    cases.mkdir()
    hostile_cases(cases)
    written = {}
    for name, template in PAGES.items():
        out = root / f"{name}.html"
        args = [a.format(out=out, cases=cases) for a in template]
        stdout = protograph(*args, "--corpus", str(corpus))
        if "--output" not in args:
            out.write_text(stdout, encoding="utf-8")
        written[name] = out
    return written


class Opened(OpenedPage):
    """A page opened in Chromium (support.OpenedPage), with a count of what a payload would inject."""

    def injected(self) -> dict[str, int]:
        """Elements a payload would create, and event-handler attributes on any element."""
        return self.eval(
            """() => {
              const count = s => document.querySelectorAll(s).length;
              let handlers = 0;
              document.querySelectorAll('*').forEach(el => {
                for (const a of el.attributes) if (a.name.toLowerCase().startsWith('on')) handlers++;
              });
              return {script: count('script'), style: count('style'), svg: count('svg'),
                      img: count('img'), a: count('a:not([href^="#"])'), iframe: count('iframe'), link: count('link'),
                      object: count('object, embed'), handlers: handlers,
                      pwned: typeof window.__pwned};
            }"""
        )

    def assert_clean(self, scripts: int, styles: int, svgs: int) -> None:
        assert self.injected() == {
            "script": scripts,
            "style": styles,
            "svg": svgs,
            "img": 0,
            "a": 0,
            "iframe": 0,
            "link": 0,
            "object": 0,
            "handlers": 0,
            "pwned": "undefined",
        }
        assert self.dialogs == []
        assert self.requests == []
        assert self.problems == []


def without_csp(path: Path) -> Path:
    """A copy of the page with its Content-Security-Policy removed."""
    text = path.read_text(encoding="utf-8")
    stripped, count = re.subn(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n', "", text)
    assert count == 1
    copy = path.with_name(path.stem + "-no-csp.html")
    copy.write_text(stripped, encoding="utf-8")
    return copy


REPORT_PAGES = {
    # page: (<svg> elements the page has itself, payloads it must show as text)
    "conflicts": (0, list(PAYLOADS.values())),
    "diff": (0, list(PAYLOADS.values())),
    "timescales": (0, list(PAYLOADS.values())),
    "timescales-matrix": (0, list(PAYLOADS.values())),
    "caseload-report": (1, list(PAYLOADS.values())),
}


@pytest.mark.parametrize("csp", ["as written", "without its CSP"])
@pytest.mark.parametrize("name", REPORT_PAGES)
def test_report_page_shows_hostile_protocol_text_as_text_and_runs_nothing(browser, pages, name, csp):
    svgs, shown = REPORT_PAGES[name]
    path = pages[name] if csp == "as written" else without_csp(pages[name])
    opened = Opened(browser, path, ready=None)
    for cell in opened.page.query_selector_all("td, h3, blockquote")[:200]:
        cell.hover()  # an attribute-breaking payload would fire on hover
    opened.assert_clean(scripts=0, styles=1, svgs=svgs)
    text = opened.eval("document.body.innerText")
    missing = [p for p in shown if p not in text]
    assert missing == []


def test_caseload_report_names_no_file_event_id_or_note_of_the_cases(pages):
    page = pages["caseload-report"].read_text(encoding="utf-8")
    assert CASE_MARKER not in page
    assert "3 cases" in page
    assert re.search(r"<td>\d+</td>", page)  # the hostile protocol's duties were counted


@pytest.mark.parametrize("csp", ["as written", "without its CSP"])
@pytest.mark.parametrize("name", GRAPH_PAGES)
def test_graph_page_shows_hostile_labels_and_quotes_as_text_and_runs_nothing(browser, pages, name, csp):
    path = pages[name] if csp == "as written" else without_csp(pages[name])
    opened = Opened(browser, path)
    duties = opened.eval(
        f"pgNodeView.get().filter(n => n.kind === 'duty' && n.protocol === '{PROTOCOL}').map(n => n.id)"
    )
    assert len(duties) > 10
    chosen = None
    for node in duties:  # click duties until one is not under another node
        if opened.click_node(node) == [node]:
            chosen = node
            break
    assert chosen is not None
    for field in ("#panel-label", "#panel-provision", "#panel-quote", "#panel-modality"):
        assert HOSTILE in opened.page.text_content(field), field
    assert opened.page.text_content("#panel-protocol") == PROTOCOL
    x, y = opened.clicked_at
    opened.page.mouse.move(x, y + 1)  # hover: vis-network shows the node's tooltip
    tooltip = opened.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=30_000)
    assert HOSTILE in tooltip.text_content()
    opened.assert_clean(scripts=4, styles=2, svgs=0)


@pytest.mark.parametrize("csp", ["as written", "without its CSP"])
@pytest.mark.parametrize("name", TIMELINE_PAGES)
def test_timeline_page_shows_hostile_labels_wordings_clauses_and_quotes_as_text_and_runs_nothing(
    browser, pages, name, csp
):
    path = pages[name] if csp == "as written" else without_csp(pages[name])
    opened = Opened(browser, path)
    title = opened.eval("document.title")
    cards = opened.page.locator(f"section[data-protocol='{PROTOCOL}'] button.card")
    assert cards.count() >= 1
    for index in range(cards.count()):
        text = cards.nth(index).text_content()
        assert text.count(HOSTILE) >= 3, text  # the label, the modal wording and the clause
        cards.nth(index).hover()
    heads = opened.eval("[...document.querySelectorAll('.protocol-head h2')].map(h => h.textContent)")
    assert f"Title {HOSTILE}" in heads
    for event in opened.eval("[...document.querySelectorAll('#event option')].map(o => o.value)"):
        opened.page.select_option("#event", event)  # every event's cards are drawn from the same data
        opened.assert_clean(scripts=2, styles=1, svgs=0)
    opened.page.select_option("#event", opened.eval("[...document.querySelectorAll('#event option')][0].value"))
    card = opened.page.locator(f"section[data-protocol='{PROTOCOL}'] button.card").first
    card.focus()
    opened.page.keyboard.press("Enter")
    assert opened.eval("document.getElementById('quote-dialog').open") is True
    assert HOSTILE in opened.page.text_content("#dialog-body blockquote")
    assert HOSTILE in opened.page.text_content("#dialog-title")
    assert title.startswith("When ")
    opened.page.keyboard.press("Escape")
    opened.assert_clean(scripts=2, styles=1, svgs=0)

"""Helpers shared by several test modules: a loopback listener that records what reaches it,
and the Chromium that the page tests drive."""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - .ci/run installs it
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium") if Path("/usr/bin/chromium").exists() else Path(shutil.which("chromium") or "")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NEEDS_CHROMIUM = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install playwright)"),
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="Chromium is not installed at /usr/bin/chromium (Debian: apt-get install -y chromium)",
    ),
]


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it accepts (the first bytes
    sent, so a failure shows what was asked for)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def hits(self) -> int:
        """How many connections reached the listener."""
        return len(self.connections)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(0.5)
            try:
                self.connections.append(conn.recv(200) or b"(connected, sent nothing)")
            except OSError:
                self.connections.append(b"(connected)")
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


# --- reading an encoded protocol graph (the protocol tests) ---------------------------------


def quote_of(g, fact) -> str:  # noqa: ANN001 - an rdflib graph and node
    """The quote of the (one) passage a fact cites."""
    from protograph.corpus.namespace import PG

    return str(g.value(g.value(fact, PG.provision), PG.quote))


def reference_of(g, fact) -> str:  # noqa: ANN001
    """The reference of the (one) passage a fact cites."""
    from protograph.corpus.namespace import PG

    return str(g.value(g.value(fact, PG.provision), PG.reference))


def quotes_of(g, fact) -> list[str]:  # noqa: ANN001
    """The quotes of every passage a fact cites."""
    from protograph.corpus.namespace import PG

    return [str(g.value(prov, PG.quote)) for prov in g.objects(fact, PG.provision)]


def references_of(g, fact) -> set[str]:  # noqa: ANN001
    """The references of every passage a fact cites."""
    from protograph.corpus.namespace import PG

    return {str(g.value(prov, PG.reference)) for prov in g.objects(fact, PG.provision)}


def duration(g, node):  # noqa: ANN001, ANN201
    """An OWL-Time duration node as (number, unit)."""
    from rdflib.namespace import TIME

    return g.value(node, TIME.numericDuration).toPython(), g.value(node, TIME.unitType)


# --- the installed command, in its own process -----------------------------------------------

PROTOGRAPH = Path(sys.executable).with_name("protograph")


def run_protograph(args: list[str], cwd: Path, memory_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``protograph`` command as users do (its own process, so the network
    guard is the one they get); a hang fails the test at the 60 s timeout. With
    ``memory_limit`` (bytes of address space) the process cannot hold a file larger than it."""

    def limit() -> None:
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return subprocess.run(
        [str(PROTOGRAPH), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "PROTOGRAPH_DEBUG"},
        preexec_fn=limit,
    )


# --- pages in Chromium (the duty graph, the timeline) ----------------------------------------

ARTIFACTS = Path(__file__).parent / "artifacts"
"""Screenshots the page tests save for a person to look at (git-ignored)."""

VIEWPORT = {"width": 1400, "height": 1000}
"""The screen the pages are written for: a board member's laptop."""


class OpenedPage:
    """A page opened from a file at 1400 × 1000: every request but the file itself is
    recorded and aborted; console errors and warnings, page errors and dialogs are recorded.
    ``ready`` is a selector the page sets once it has drawn itself."""

    def __init__(self, browser, path: Path, ready: str | None = "body[data-pg-ready]", media: str = "screen"):  # noqa: ANN001
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport=VIEWPORT)
        self.page.emulate_media(media=media)
        self.page.on(
            "console", lambda m: self.problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(self.url, wait_until="load")
        if ready:
            self.page.wait_for_selector(ready, state="attached", timeout=120_000)

    def _dialog(self, dialog) -> None:  # noqa: ANN001
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:  # noqa: ANN001
        url = route.request.url
        if url == self.url or url.startswith("data:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def eval(self, script: str, arg: object = None) -> object:
        """Evaluate a script in the page."""
        return self.page.evaluate(script, arg)

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        """Save a screenshot under tests/artifacts/ and return its path."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def click_node(self, node: str) -> list[str]:
        """On the duty graph: scroll the node to the middle of the window, click it, and return
        the nodes then selected."""
        self.eval(
            """id => { const r = document.getElementById('network').getBoundingClientRect();
                       window.scrollTo(0, window.scrollY + r.top + pgNetwork.getPosition(id).y - 400); }""",
            node,
        )
        x, y = self.eval(
            """id => { const p = pgNetwork.canvasToDOM(pgNetwork.getPosition(id));
                       const r = document.querySelector('#network canvas').getBoundingClientRect();
                       return [p.x + r.left, p.y + r.top]; }""",
            node,
        )
        self.page.mouse.click(x, y)
        self.clicked_at = (x, y)
        return self.eval("pgNetwork.getSelectedNodes()")

    def text_layout(self) -> dict:
        """Every run of text the page renders (in the whole document, scrolled or not): how
        many, the smallest font size, those under 12 px, and the pairs of text runs whose
        boxes overlap by more than a pixel each way (two lines of one run never count)."""
        return self.eval(TEXT_LAYOUT_JS)


TEXT_LAYOUT_JS = """() => {
  const rects = [], small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let index = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text) continue;
    const parent = node.parentElement;
    if (parent.closest('script, style, template')) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === 'hidden') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const boxes = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
    if (!boxes.length) continue;   // not rendered (hidden, display: none)
    const size = parseFloat(style.fontSize);
    if (size < 12) small.push([text.slice(0, 60), size]);
    for (const r of boxes) rects.push({i: index, text: text.slice(0, 60), size,
      l: r.left + scrollX, t: r.top + scrollY, r: r.right + scrollX, b: r.bottom + scrollY});
    index++;
  }
  rects.sort((a, b) => a.t - b.t);
  const overlaps = [];
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length && rects[j].t < rects[i].b; j++) {
      const a = rects[i], c = rects[j];
      if (a.i === c.i) continue;
      const w = Math.min(a.r, c.r) - Math.max(a.l, c.l), h = Math.min(a.b, c.b) - Math.max(a.t, c.t);
      if (w > 1 && h > 1) overlaps.push([a.text, c.text, Math.round(w), Math.round(h)]);
    }
  }
  return {runs: index, boxes: rects.length, min_size: rects.length ? Math.min(...rects.map(r => r.size)) : 0,
          small: small, overlaps: overlaps};
}"""

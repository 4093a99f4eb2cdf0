"""The duty-graph page in a real browser (Debian's headless Chromium through playwright): the
network canvas renders every node, nothing is logged as an error, no request leaves the page,
the protocol filter works, and a hostile label is shown as text, never run."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from protograph.graphs.duty_graph import duty_graph
from protograph.graphs.page import render_graph_html
from support import CHROMIUM, CHROMIUM_FLAGS, NEEDS_CHROMIUM, sync_playwright

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Opened:
    """A page opened from a file, with every request routed: the file itself is served, any
    other request is recorded and aborted."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on(
            "console", lambda m: self.problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        # the page marks <body> once vis-network has laid the graph out
        self.page.wait_for_selector("body[data-pg-ready]", state="attached", timeout=120_000)

    def _route(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def eval(self, script: str, arg: object = None) -> object:
        return self.page.evaluate(script, arg)

    def click_node(self, node: str) -> None:
        x, y = self.eval(
            """id => { const p = pgNetwork.canvasToDOM(pgNetwork.getPosition(id));
                       const r = document.querySelector('#network canvas').getBoundingClientRect();
                       return [p.x + r.left, p.y + r.top]; }""",
            node,
        )
        self.page.mouse.click(x, y)


def write(tmp_path: Path, graph: nx.DiGraph, name: str, status: dict | None = None) -> Path:
    path = tmp_path / name
    path.write_text(render_graph_html(graph, name, status), encoding="utf-8")
    return path


def test_herts_tc_2016_page_draws_every_node_on_the_canvas_with_no_errors_and_no_requests(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["herts-tc-2016"])
    opened = Opened(browser, write(tmp_path, graph, "herts.html"))
    assert opened.eval("document.body.dataset.pgReady") == str(graph.number_of_nodes())
    assert opened.eval("Object.keys(pgNetwork.getPositions()).length") == graph.number_of_nodes()
    assert opened.eval("pgNetwork.body.data.edges.length") == graph.number_of_edges()
    # the canvas has been painted: some pixels are not the white background
    painted = opened.eval(
        """() => { const c = document.querySelector('#network canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] && d[i] < 200) n++;
                   return [c.width, c.height, n]; }"""
    )
    assert painted[0] > 300 and painted[1] > 300 and painted[2] > 1000
    assert opened.problems == []
    assert opened.requests == []


def test_clicking_a_duty_shows_its_clause_and_quote_in_the_side_panel(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["herts-tc-2016"])
    opened = Opened(browser, write(tmp_path, graph, "herts.html"))
    opened.click_node("duty:herts-tc-2016:duty-4.3-ukhtc-decision-30-days")
    panel = opened.page
    assert panel.text_content("#panel-provision") == "4.3"
    assert panel.text_content("#panel-when") == "within 30 days of nrm-referral"
    assert "to decide within 30 days if the child has indeed been trafficked" in panel.text_content("#panel-quote")
    assert opened.problems == [] and opened.requests == []


def test_protocol_filter_shows_only_the_chosen_protocols_nodes(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["herts-tc-2016", "lincs-tc-2023"])
    opened = Opened(browser, write(tmp_path, graph, "two.html"))
    assert opened.eval("pgNodeView.length") == graph.number_of_nodes()
    opened.page.uncheck("input.protocol-filter[value='herts-tc-2016']")
    in_lincs = sum(1 for _, d in graph.nodes(data=True) if "lincs-tc-2023" in d["protocols"])
    assert opened.eval("pgNodeView.length") == in_lincs < graph.number_of_nodes()
    assert opened.page.text_content("#status") == f"{in_lincs} nodes shown"
    assert opened.problems == [] and opened.requests == []


def test_injected_script_in_a_label_renders_as_text_and_never_runs(browser, tmp_path):
    hostile = '</script><script>window.pwned=1</script><img src="http://127.0.0.1:9/x" onerror="window.pwned=2"> href'
    graph = nx.DiGraph(protocols=["p"])
    graph.add_node("role:x", kind="role", label=hostile, id="x", protocols=["p"], protocol="p", quote=hostile)
    graph.add_node("role:y", kind="role", label="police", id="y", protocols=["p"], protocol="p", quote="")
    graph.add_edge("role:x", "role:y", kind="bears")
    opened = Opened(browser, write(tmp_path, graph, "hostile.html"))
    opened.click_node("role:x")
    assert opened.page.text_content("#panel-label") == hostile
    assert opened.page.text_content("#panel-quote") == hostile
    opened.page.mouse.move(5, 5)
    assert opened.eval("typeof window.pwned") == "undefined"
    assert opened.eval("document.querySelectorAll('img').length") == 0
    assert opened.problems == [] and opened.requests == []


def test_diff_page_colours_nodes_by_status(browser, corpus, tmp_path):
    from protograph.graphs.duty_graph import diff_status

    graph = duty_graph(corpus, ["4lscb-ctp-2011", "4lscb-met-2013"])
    status = diff_status(corpus, graph, "4lscb-ctp-2011", "4lscb-met-2013")
    opened = Opened(browser, write(tmp_path, graph, "diff.html", status))
    colours = opened.eval("pgNodeView.get().reduce((a, n) => (a[n.status] = n.color, a), {})")
    assert colours == {"added": "#38a169", "removed": "#e53e3e", "changed": "#d69e2e", "unchanged": "#cbd5e0"}
    assert opened.eval("pgNodeView.length") == graph.number_of_nodes()
    assert opened.problems == [] and opened.requests == []

"""The duty-graph page in a real browser (Debian's headless Chromium through playwright), at the
1400 × 1000 screen it is written for: drawn in layers with every label at 12 px or more and no
two boxes overlapping (measured from vis-network's own node positions, sizes and scale), laid
out again after filtering or searching with no stray node, an event or a role listing its
duties, a duty's panel saying who, to whom, by when, how binding and where, a changed duty
showing both versions; nothing logged as an error, no request leaving the page, a hostile label
shown as text. Screenshots are saved under tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from protograph.corpus.duties import duties
from protograph.graphs.duty_graph import diff_sides, diff_status, duty_graph
from protograph.graphs.page import SHOWN_KINDS, STATUS_STYLE, render_graph_html
from support import NEEDS_CHROMIUM, OpenedPage

pytestmark = NEEDS_CHROMIUM

# From vis-network's own state: each shown node's box (canvas coordinates), its label's box and
# its font size on screen (font size × the view's scale); then every pair of boxes that meet.
CANVAS_LAYOUT_JS = """() => {
  const scale = pgNetwork.getScale(), boxes = [];
  for (const id of pgNodeView.getIds()) {
    const n = pgNetwork.body.nodes[id], label = n.labelModule.size;
    boxes.push({id, px: n.options.font.size * scale, l: n.x - n.shape.width / 2, t: n.y - n.shape.height / 2,
                r: n.x + n.shape.width / 2, b: n.y + n.shape.height / 2,
                inside: label.left >= n.x - n.shape.width / 2 - 0.5 && label.left + label.width <= n.x + n.shape.width / 2 + 0.5
                        && label.top >= n.y - n.shape.height / 2 - 0.5 && label.top + label.height <= n.y + n.shape.height / 2 + 0.5});
  }
  boxes.sort((a, b) => a.t - b.t);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length && boxes[j].t < boxes[i].b; j++) {
      const a = boxes[i], c = boxes[j];
      if (Math.min(a.r, c.r) > Math.max(a.l, c.l) && Math.min(a.b, c.b) > Math.max(a.t, c.t)) overlaps.push([a.id, c.id]);
    }
  return {nodes: boxes.length, scale, min_px: Math.min(...boxes.map(b => b.px)), overlaps,
          outside: boxes.filter(b => !b.inside).map(b => b.id), bottom: Math.max(...boxes.map(b => b.b))};
}"""


def write(tmp_path: Path, graph: nx.DiGraph, name: str, status=None, sides=None) -> Path:
    path = tmp_path / name
    path.write_text(render_graph_html(graph, name, status, sides=sides), encoding="utf-8")
    return path


def shown_by_default(graph: nx.DiGraph) -> set[str]:
    return {n for n, d in graph.nodes(data=True) if d["kind"] in SHOWN_KINDS}


def click_node(opened: OpenedPage, node: str) -> None:
    assert opened.click_node(node) == [node]


def no_stray_nodes(opened: OpenedPage) -> list[str]:
    """Shown nodes other than duties with no link to a shown duty."""
    return opened.eval(
        """() => { const shown = new Set(pgNodeView.getIds());
                   return [...shown].filter(id => pgNodes[id].kind !== 'duty' &&
                     !pgNetwork.getConnectedNodes(id).some(o => shown.has(o) && pgNodes[o].kind === 'duty')); }"""
    )


def test_herts_tc_2016_page_draws_every_node_but_deadlines_with_no_errors_and_no_requests(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["herts-tc-2016"])
    opened = OpenedPage(browser, write(tmp_path, graph, "herts.html"))
    expected = shown_by_default(graph)
    assert opened.eval("document.body.dataset.pgReady") == str(len(expected))
    assert set(opened.eval("pgNodeView.getIds()")) == expected
    assert opened.eval("pgNetwork.body.data.edges.length") == graph.subgraph(expected).number_of_edges()
    painted = opened.eval(
        """() => { const c = document.querySelector('#network canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, Math.min(c.height, 2000)).data;
                   let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] && d[i] < 200) n++;
                   return [c.width, c.height, n]; }"""
    )
    assert painted[0] > 800 and painted[1] > 1000 and painted[2] > 1000
    assert opened.problems == [] and opened.requests == []


@pytest.mark.parametrize(
    ("protocols", "diff"),
    [(["4lscb-met-2013"], False), (["4lscb-met-guide-2018"], False), (["4lscb-ctp-2011", "4lscb-met-2013"], True)],
)
def test_every_label_at_the_default_view_is_at_least_12px_and_no_two_overlap(
    browser, corpus, tmp_path, protocols, diff
):
    graph = duty_graph(corpus, protocols)
    status = diff_status(corpus, graph, *protocols) if diff else None
    sides = diff_sides(corpus, graph, *protocols) if diff else None
    opened = OpenedPage(browser, write(tmp_path, graph, "-".join(protocols) + ".html", status, sides))
    canvas = opened.eval(CANVAS_LAYOUT_JS)
    text = opened.text_layout()
    name = "graph-" + "+".join(protocols) + ("-diff" if diff else "")
    print(
        f"{name}: {canvas['nodes']} nodes at scale {canvas['scale']}, smallest label {canvas['min_px']} px, "
        f"{len(canvas['overlaps'])} overlapping boxes; page text {text['runs']} runs, smallest "
        f"{text['min_size']} px, {len(text['overlaps'])} overlaps"
    )
    assert canvas["nodes"] == len(shown_by_default(graph)) > 100
    assert canvas["scale"] == 1 and canvas["min_px"] >= 12
    assert canvas["overlaps"] == [] and canvas["outside"] == []
    assert text["small"] == [] and text["overlaps"] == []
    # the page opens at its top, at the scale it is read at: the first boxes are in the window
    assert opened.eval("document.querySelector('#network canvas').getBoundingClientRect().top") < 400
    opened.screenshot(name)
    assert opened.problems == [] and opened.requests == []


def test_clicking_a_duty_shows_who_to_whom_deadline_in_words_modality_as_written_clause_and_quote(
    browser, corpus, tmp_path
):
    graph = duty_graph(corpus, ["herts-tc-2016"])
    duty = next(d for d in duties(corpus, ["herts-tc-2016"]) if d.id == "duty-4.3-ukhtc-decision-30-days")
    opened = OpenedPage(browser, write(tmp_path, graph, "herts.html"))
    click_node(opened, "duty:herts-tc-2016:duty-4.3-ukhtc-decision-30-days")
    panel = opened.page
    assert panel.text_content("#panel-provision") == "4.3"
    assert panel.text_content("#panel-when") == "within 30 days"
    assert panel.text_content("#panel-who") == duty.labels[duty.bearers[0]] == "competent authority"
    assert panel.text_content("#panel-modality") == "will (as written: “to decide within 30 days”)"
    assert panel.text_content("#panel-trigger") == "NRM referral"
    assert panel.text_content("#panel-quote") == duty.quote
    assert "to decide within 30 days if the child has indeed been trafficked" in duty.quote
    opened.screenshot("graph-herts-duty-panel")
    assert opened.problems == [] and opened.requests == []


def test_clicking_the_event_went_missing_lists_the_duties_it_starts(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["4lscb-met-guide-2018"])
    starts = sorted(t for _, t, k in graph.out_edges("event:missing", data="kind") if k == "triggers")
    assert len(starts) >= 5
    opened = OpenedPage(browser, write(tmp_path, graph, "guide.html"))
    click_node(opened, "event:missing")
    listed = opened.eval("[...document.querySelectorAll('#panel-lists button')].map(b => b.dataset.node)")
    heading = opened.page.text_content("#panel-lists h3")
    assert heading.startswith(f"Duties it starts ({len(starts)}")
    assert sorted(listed[: len(starts)]) == starts
    first = opened.page.locator("#panel-lists button").first
    first.click()  # a listed duty opens its own panel
    assert opened.eval("pgNetwork.getSelectedNodes()") == [listed[0]]
    assert opened.page.text_content("#panel-quote") == graph.nodes[listed[0]]["quote"]
    opened.screenshot("graph-guide-event-missing")
    assert opened.problems == [] and opened.requests == []


def test_clicking_a_role_lists_the_duties_it_bears_and_those_owed_to_it(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["herts-tc-2016"])
    bears = sorted(t for _, t, k in graph.out_edges("role:police", data="kind") if k == "bears")
    owed = sorted(s for s, _, k in graph.in_edges("role:police", data="kind") if k == "owed-to")
    opened = OpenedPage(browser, write(tmp_path, graph, "herts.html"))
    click_node(opened, "role:police")
    lists = opened.eval(
        """() => [...document.querySelectorAll('#panel-lists h3')].map(h => [h.textContent,
             [...h.nextElementSibling.querySelectorAll('button')].map(b => b.dataset.node)])"""
    )
    assert [(title.split(" (")[0], sorted(nodes)) for title, nodes in lists] == [
        ("Duties it bears", bears),
        ("Duties owed to it", owed),
    ]
    assert opened.problems == [] and opened.requests == []


def test_protocol_filter_lays_the_graph_out_again_with_no_stray_nodes(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["herts-tc-2016", "lincs-tc-2023"])
    opened = OpenedPage(browser, write(tmp_path, graph, "two.html"))
    before = opened.eval(CANVAS_LAYOUT_JS)
    assert before["nodes"] == len(shown_by_default(graph))
    opened.page.uncheck("input.protocol-filter[value='herts-tc-2016']")
    in_lincs = {n for n in shown_by_default(graph) if "lincs-tc-2023" in graph.nodes[n]["protocols"]}
    after = opened.eval(CANVAS_LAYOUT_JS)
    assert set(opened.eval("pgNodeView.getIds()")) == in_lincs
    assert opened.page.text_content("#status") == f"{len(in_lincs)} nodes shown"
    assert after["overlaps"] == [] and no_stray_nodes(opened) == []
    assert after["bottom"] < before["bottom"] / 2  # laid out again: no gaps where herts was
    assert opened.problems == [] and opened.requests == []


def test_search_shows_matches_and_their_neighbours_laid_out_again(browser, corpus, tmp_path):
    graph = duty_graph(corpus, ["4lscb-met-guide-2018"])
    opened = OpenedPage(browser, write(tmp_path, graph, "guide.html"))
    opened.page.fill("#search", "MASH")
    everything = f"{len(shown_by_default(graph))} nodes shown"
    opened.page.wait_for_function(
        "everything => document.getElementById('status').textContent !== everything", arg=everything
    )
    shown = set(opened.eval("pgNodeView.getIds()"))

    def matches(node: str) -> bool:
        data = graph.nodes[node]
        text = " ".join(str(data.get(k, "")) for k in ("label", "quote", "provision", "who", "to_whom", "wording"))
        return "mash" in text.lower()

    matched = {n for n in shown_by_default(graph) if matches(n)}
    assert matched and matched <= shown
    for node in shown - matched:
        assert any(nb in matched for nb in nx.all_neighbors(graph, node)), node
    layout = opened.eval(CANVAS_LAYOUT_JS)
    assert layout["overlaps"] == [] and no_stray_nodes(opened) == []
    assert layout["min_px"] >= 12
    opened.screenshot("graph-guide-search-mash")
    assert opened.problems == [] and opened.requests == []


def test_injected_script_in_a_label_renders_as_text_and_never_runs(browser, tmp_path):
    hostile = '</script><script>window.pwned=1</script><img src="http://127.0.0.1:9/x" onerror="window.pwned=2"> href'
    graph = nx.DiGraph(protocols=["p"])
    graph.add_node("role:x", kind="role", label=hostile, id="x", protocols=["p"], protocol="p", quote=hostile)
    graph.add_node(
        "duty:p:y",
        kind="duty",
        label="police act",
        protocols=["p"],
        protocol="p",
        quote="",
        modality="must",
        wording="must",
    )
    graph.add_edge("role:x", "duty:p:y", kind="bears")
    opened = OpenedPage(browser, write(tmp_path, graph, "hostile.html"))
    click_node(opened, "role:x")
    assert opened.page.text_content("#panel-label") == hostile
    assert opened.page.text_content("#panel-quote") == hostile
    opened.page.mouse.move(5, 5)
    assert opened.eval("typeof window.pwned") == "undefined"
    assert opened.eval("document.querySelectorAll('img').length") == 0
    assert opened.problems == [] and opened.requests == []


def test_diff_page_colours_nodes_by_status_and_a_changed_duty_shows_both_versions(browser, corpus, tmp_path):
    a, b = "4lscb-ctp-2011", "4lscb-met-2013"
    graph = duty_graph(corpus, [a, b])
    status = diff_status(corpus, graph, a, b)
    sides = diff_sides(corpus, graph, a, b)
    opened = OpenedPage(browser, write(tmp_path, graph, "diff.html", status, sides))
    colours = opened.eval("pgNodeView.get().reduce((m, n) => (m[n.status] = n.color.background, m), {})")
    assert colours == {s: style["background"] for s, style in STATUS_STYLE.items()}
    changed = sorted(n for n, s in status.items() if s == "changed" and n.startswith(f"duty:{b}:"))
    assert changed and all(n in sides for n in changed)
    node = changed[0]
    (other,) = sides[node]
    click_node(opened, node)
    assert opened.page.text_content("#panel-status") == "changed"
    assert opened.page.text_content("#panel-quote") == graph.nodes[node]["quote"]
    side = opened.page.text_content("#panel-sides")
    assert f"Other version: {a}, clause {graph.nodes[other]['provision']}" in side
    assert opened.page.text_content("#panel-sides .side-quote") == graph.nodes[other]["quote"]
    assert "What differs: " in side
    opened.screenshot("graph-diff-changed-duty")
    assert opened.problems == [] and opened.requests == []

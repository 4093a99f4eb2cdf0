"""The duty graph as one self-contained HTML page for board members: vis-network inlined (no
CDN, no remote resource of any kind), drawn in layers (events → duties → roles → forms) with
every label readable at the page's own scale, a search box, filters that lay the graph out
again, and a side panel: a duty's who, to whom, deadline in words, modality as written, clause
and quote (both sides for a changed duty); an event's or a role's duties.

The layout is computed in the page (so that it can be redone after filtering): duties stacked
in one column in the order Python gives them (grouped by the event that starts them, then by
bearer), every other node at the mean height of the duties it links to, pushed apart so that no
two boxes meet. The page does not zoom: it scrolls like a document, at 14 px type.

pyvis 0.3.2 ships vis-network 9.1.2 but its own templates load Bootstrap from a CDN and, when a
title contains "href", set innerHTML from titles (DESIGN.md, Non-negotiables). So this module
uses only the vis-network files from the pyvis wheel and its own template: graph data goes in as
JSON inside a non-executable script block (with <, >, & and U+2028/9 escaped), every string
put into HTML is escaped here, and the page's script writes text with textContent only. A
Content-Security-Policy forbids every remote load. The output is the same bytes on every run."""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from ..errors import InputError
from ..guard.output_files import write_output

if TYPE_CHECKING:
    from ..corpus.loader import Corpus

VIS_VERSION = "9.1.2"

KIND_STYLE = {
    "role": {
        "title": "Roles (who bears or is owed a duty)",
        "background": "#2b6cb0",
        "border": "#1a365d",
        "text": "#ffffff",
    },
    "duty": {"title": "Duties", "background": "#ffffff", "border": "#718096", "text": "#1a202c"},
    "event": {
        "title": "Events (start a duty, or show it done)",
        "background": "#e9d8fd",
        "border": "#553c9a",
        "text": "#1a202c",
    },
    "deadline": {
        "title": "Deadlines (also written in each duty)",
        "background": "#feebc8",
        "border": "#c05621",
        "text": "#1a202c",
    },
    "form": {"title": "Forms and tools", "background": "#c6f6d5", "border": "#276749", "text": "#1a202c"},
}
SHOWN_KINDS = ("role", "duty", "event", "form")
"""Kinds shown when the page opens: a deadline is written in its duty's box, so its own node
only repeats it."""
STATUS_STYLE = {
    "added": {"title": "Added in the later version", "mark": "+ ", "background": "#c6f6d5", "border": "#2f855a"},
    "removed": {
        "title": "Removed from the earlier version",
        "mark": "− ",
        "background": "#fed7d7",
        "border": "#c53030",
    },
    "changed": {"title": "Changed between versions", "mark": "± ", "background": "#fefcbf", "border": "#b7791f"},
    "unchanged": {"title": "Unchanged or shared", "mark": "", "background": "#ffffff", "border": "#a0aec0"},
}
MODALITY_BORDER = {
    "must": "#c53030",
    "will": "#c53030",
    "mustNot": "#c53030",
    "should": "#b7791f",
    "shouldNot": "#b7791f",
}
EDGE_LABELS = {
    "bears": "bears",
    "owed-to": "owed to",
    "triggers": "triggers",
    "completes": "shown done by",
    "due": "due",
    "uses": "uses",
}
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "connect-src 'none'; font-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'"
)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def script_json(data: object) -> str:
    """JSON that is safe inside a <script> element: sorted keys, and <, >, &, U+2028 and
    U+2029 written as \\u escapes so no text in the data can close or break the element."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, read from the copy the pyvis wheel ships."""
    folder = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    for name, text, closing in (("vis-network.min.js", js, "</script"), ("vis-network.css", css, "</style")):
        if closing in text.lower():
            raise RuntimeError(f"{name} contains {closing}> and cannot be inlined")
    return js, css


def _tooltip_lines(data: dict) -> list[str]:
    lines = [f"{data['kind']}: {data['label']}"]
    if data.get("protocol"):
        clause = f", clause {data['provision']}" if data.get("provision") else ""
        lines.append(f"{data['protocol']}{clause}")
    else:
        lines.append("in " + ", ".join(data["protocols"]))
    if data["kind"] == "duty":
        when = data.get("when_words") or data.get("when") or ""
        lines.append(f"{data.get('modality', '')} ('{data.get('wording', '')}')" + (f"; {when}" if when else ""))
    if data.get("status"):
        lines.append(f"diff: {data['status']}")
    if data.get("quote"):
        quote = data["quote"]
        lines.append("“" + (quote if len(quote) <= 240 else quote[:237] + "…") + "”")
    return lines


def _duty_order(graph: nx.DiGraph) -> dict[str, tuple[int, str]]:
    """Each duty's place in the duty column and its group: duties an event starts first,
    grouped by event (a child going missing, trafficking suspected, a referral, a return,
    then the others by label) and by how soon they are due; then duties no event starts,
    grouped by bearer (the role with most such duties first); clause order within a group."""
    from ..corpus.terms import reference_key
    from .timeline import COLUMN_IDS, LEADING_EVENTS

    duties = [n for n, d in graph.nodes(data=True) if d["kind"] == "duty"]
    labels = {n[len("event:") :]: d["label"] for n, d in graph.nodes(data=True) if d["kind"] == "event"}

    def event_rank(event: str) -> tuple:
        if event in LEADING_EVENTS:
            return (LEADING_EVENTS.index(event), "")
        return (len(LEADING_EVENTS), labels.get(event, event).lower(), event)

    unstarted: dict[str, int] = {}
    for n in duties:
        data = graph.nodes[n]
        if not data.get("starts"):
            first = (data.get("bearers") or [""])[0]
            unstarted[first] = unstarted.get(first, 0) + 1

    def key(n: str) -> tuple:
        data = graph.nodes[n]
        clause = (data.get("protocol", ""), reference_key(data.get("provision", "")), n)
        if data.get("starts"):
            column = COLUMN_IDS.index(data.get("column", "none")) if data.get("column") in COLUMN_IDS else 0
            return (0, event_rank(data["starts"]), column, clause)
        first = (data.get("bearers") or [""])[0]
        return (1, (-unstarted[first], first), 0, clause)

    ordered = sorted(duties, key=key)
    return {
        n: (i, f"event:{graph.nodes[n]['starts']}" if graph.nodes[n].get("starts") else "role:" + key(n)[1][1])
        for i, n in enumerate(ordered)
    }


def graph_data(
    graph: nx.DiGraph, status: dict[str, str] | None = None, sides: dict[str, list[str]] | None = None
) -> dict[str, list[dict]]:
    """The vis-network nodes and edges of a duty graph, in a stable order, with what the side
    panel shows of each node (and, for a changed node, the nodes of its other version)."""
    from .timeline import MODALITY_WORDS

    order = _duty_order(graph)
    nodes = []
    for node in sorted(graph.nodes):
        data = dict(graph.nodes[node])
        if status is not None:
            data["status"] = status.get(node, "unchanged")
        style = KIND_STYLE[data["kind"]]
        if status is not None:
            look = STATUS_STYLE[data["status"]]
            color = {"background": look["background"], "border": look["border"]}
            text = "#1a202c"
        else:
            border = MODALITY_BORDER.get(data.get("modality", ""), style["border"])
            color = {"background": style["background"], "border": border}
            text = style["text"]
        place, group = order.get(node, (0, ""))
        nodes.append(
            {
                "id": node,
                "label": data["label"],
                "kind": data["kind"],
                "color": color,
                "fontColor": text,
                "mark": STATUS_STYLE[data["status"]]["mark"] if status is not None else "",
                "protocols": data["protocols"],
                "status": data.get("status", ""),
                "protocol": data.get("protocol", ""),
                "provision": data.get("provision", ""),
                "quote": data.get("quote", ""),
                "when": data.get("when_words", data.get("when", "")),
                "modality": MODALITY_WORDS.get(data.get("modality", ""), data.get("modality", "")),
                "wording": data.get("wording", ""),
                "who": data.get("who", ""),
                "toWhom": data.get("to_whom", ""),
                "scope": data.get("scope", []),
                "starts": data.get("starts", ""),
                "order": place,
                "group": group,
                "sides": (sides or {}).get(node, []),
                "tooltip": _tooltip_lines(data),
            }
        )
    edges = []
    for source, target in sorted(graph.edges):
        kind = graph.edges[source, target]["kind"]
        edges.append(
            {
                "id": f"{source}>{target}",
                "from": source,
                "to": target,
                "kind": kind,
                "title": EDGE_LABELS[kind],
                "dashes": kind in ("completes", "due", "uses"),
            }
        )
    return {"nodes": nodes, "edges": edges}


def render_graph_html(
    graph: nx.DiGraph,
    title: str,
    status: dict[str, str] | None = None,
    intro: str = "",
    sides: dict[str, list[str]] | None = None,
) -> str:
    """The duty graph as one self-contained HTML page (the same bytes for the same graph).

    With ``status`` (node → added / removed / changed / unchanged) nodes are coloured by diff
    status and the legend says so; otherwise they are coloured by kind. ``sides`` (node →
    the nodes of the same fact in the other version) lets a changed node show both sides."""
    js, css = vis_assets()
    data = graph_data(graph, status, sides)
    protocols = graph.graph.get("protocols") or sorted({p for n in data["nodes"] for p in n["protocols"]})
    counts = {kind: sum(1 for n in data["nodes"] if n["kind"] == kind) for kind in KIND_STYLE}
    legend_items = []
    for kind, style in KIND_STYLE.items():
        swatch = style["background"] if status is None else "#ffffff"
        checked = " checked" if kind in SHOWN_KINDS else ""
        legend_items.append(
            f'<label class="item"><input type="checkbox" class="kind-filter" value="{_e(kind)}"{checked}> '
            f'<span class="swatch" style="background:{_e(swatch)};border-color:{_e(style["border"])}"></span>'
            f'{_e(style["title"])} <span class="count">({counts[kind]})</span></label>'
        )
    status_items = ""
    if status is not None:
        status_items = (
            '<div class="group"><span class="group-title">Diff</span>'
            + "".join(
                f'<span class="item"><span class="swatch" style="background:{_e(s["background"])};'
                f'border-color:{_e(s["border"])}"></span>{_e(s["mark"])}{_e(s["title"])}</span>'
                for s in STATUS_STYLE.values()
            )
            + "</div>"
        )
    protocol_items = "".join(
        f'<label class="item"><input type="checkbox" class="protocol-filter" value="{_e(p)}" checked> {_e(p)}</label>'
        for p in protocols
    )
    options = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "hierarchical": False},
        "physics": False,
        "interaction": {
            "hover": True,
            "tooltipDelay": 200,
            "dragNodes": False,
            "dragView": False,
            "zoomView": False,
            "keyboard": False,
            "selectConnectedEdges": True,
        },
        "nodes": {
            "shape": "box",
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "chosen": {"label": False, "node": True},  # a bold label would outgrow its box
            "scaling": {"label": {"drawThreshold": 1}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "color": {"color": "#e2e8f0", "highlight": "#2d3748", "hover": "#4a5568"},
            "smooth": False,
            "width": 1,
            "selectionWidth": 1.5,
        },
    }
    return _TEMPLATE.format(
        csp=CSP,  # a constant with no quote, < or &
        title=_e(title),
        intro=_e(intro),
        css=css,
        page_css=_PAGE_CSS,
        js=js,
        page_js=_PAGE_JS,
        data=script_json(data),
        options=script_json(options),
        legend="".join(legend_items),
        status_legend=status_items,
        protocol_filter=protocol_items,
        node_count=len(data["nodes"]),
        edge_count=len(data["edges"]),
    )


def write_graph_html(
    graph: nx.DiGraph,
    path: Path,
    title: str,
    status: dict[str, str] | None = None,
    sides: dict[str, list[str]] | None = None,
) -> int:
    """Write the page to ``path`` (UTF-8) and return its size in bytes."""
    return write_page(path, render_graph_html(graph, title, status, sides=sides))


def write_page(path: Path, page: str) -> int:
    """Write one page to ``path`` as UTF-8 (never over an input; atomic) and return its size in bytes."""
    data = page.encode("utf-8")
    write_output(Path(path), data)
    return len(data)


def write_duty_graph_page(
    corpus: Corpus, protocol_ids: list[str] | tuple[str, ...], path: Path, show_diff: bool = False
) -> tuple[nx.DiGraph, int]:
    """Build the duty graph of the chosen protocols (each named once) and write its page to
    ``path``; with ``show_diff``, exactly two ids (earlier, later) and nodes coloured by what
    changed between them. Returns the graph and the page's size in bytes."""
    from .duty_graph import diff_sides, diff_status, duty_graph

    chosen = list(dict.fromkeys(protocol_ids))
    if show_diff and len(chosen) != 2:
        raise InputError(f"--diff needs exactly two protocol ids (earlier, later), got {len(chosen)}")
    for protocol_id in chosen:
        corpus.info(protocol_id)  # an unknown id is one line naming it and the known ones
    graph = duty_graph(corpus, chosen)
    if not show_diff:
        return graph, write_graph_html(graph, path, "Duty graph: " + ", ".join(chosen))
    a, b = chosen
    status = diff_status(corpus, graph, a, b)
    sides = diff_sides(corpus, graph, a, b)
    return graph, write_graph_html(graph, path, f"Duty graph: {a} → {b}", status, sides)


_PAGE_CSS = """
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1a202c;font-size:15px}
body{margin:0}
header.page{padding:.6rem 1rem .5rem;border-bottom:1px solid #cbd5e0;background:#f7fafc}
header.page h1{font-size:1.3rem;margin:0 0 .2rem}
header.page p{margin:0 0 .4rem;font-size:.9rem;color:#2d3748}
#controls{display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;align-items:center;font-size:.9rem}
#controls .group{display:flex;flex-wrap:wrap;gap:.2rem .8rem;align-items:center}
#controls .group-title{font-weight:700}
#search{font:inherit;font-size:.95rem;padding:.3rem .5rem;width:19rem;border:1px solid #4a5568;border-radius:4px}
.item{white-space:nowrap}.count{color:#4a5568}
.swatch{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:-.1rem;border:2px solid #4a5568;border-radius:2px}
#status{font-size:.9rem;color:#2d3748;margin:.3rem 0 0}
#layout{display:grid;grid-template-columns:minmax(0,1fr) 21rem;align-items:start}
#canvas-column{min-width:0;overflow-x:auto}
#layer-heads{position:relative;height:2rem;border-bottom:1px solid #e2e8f0}
#layer-heads span{position:absolute;top:.45rem;font-weight:700;font-size:.9rem;color:#2d3748;white-space:nowrap}
#network{position:relative}
#panel{position:sticky;top:0;max-height:100vh;overflow:auto;padding:.5rem 1rem 1rem;border-left:1px solid #cbd5e0;font-size:.92rem;background:#fff}
#panel h2{font-size:1rem;margin:.3rem 0 .4rem}
#panel h3{font-size:.95rem;margin:.8rem 0 .3rem}
#panel dl{margin:0}#panel .row{margin:.35rem 0}#panel dt{font-weight:700}#panel dd{margin:0;overflow-wrap:anywhere}
#panel blockquote{margin:.4rem 0;padding:.3rem .6rem;border-left:3px solid #2b6cb0;background:#f7fafc;color:#1a202c;white-space:pre-wrap;overflow-wrap:anywhere}
#panel ul{list-style:none;margin:0;padding:0}
#panel li{margin:.2rem 0}
#panel li button{font:inherit;font-size:.9rem;text-align:left;width:100%;background:#fff;border:1px solid #cbd5e0;border-radius:3px;padding:.25rem .4rem;cursor:pointer;overflow-wrap:anywhere}
#panel li button:hover,#panel li button:focus-visible{background:#ebf8ff;outline:2px solid #2b6cb0}
#panel .side{border-top:1px solid #cbd5e0;margin-top:.6rem;padding-top:.3rem}
div.vis-tooltip{font-family:inherit}
.pg-tip{white-space:pre-wrap;max-width:28rem;font-size:.85rem;line-height:1.3}
"""

_PAGE_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  var options = JSON.parse(document.getElementById("pg-options").textContent);
  // Layout constants (CSS pixels at the page's scale of 1, which never changes).
  var FONT = 14, MARGIN = 7, FACE = 'system-ui, "DejaVu Sans", Arial, sans-serif';
  var LAYER = {event: 0, duty: 1, role: 2, form: 3, deadline: 3};
  var WIDTH = [140, 390, 150, 160];             // text width of each layer's boxes
  var MAX_LINES = {event: 3, duty: 2, role: 3, form: 3, deadline: 3};
  var GAP_X = 46, GAP_Y = 9, GROUP_GAP = 24, PAD = 12;
  var HEADS = ["Events", "Duties: who, modality, deadline · what", "Roles", "Forms, tools, deadlines"];
  var layerLeft = [], x = PAD;
  WIDTH.forEach(function (w, i) { layerLeft[i] = x; x += w + 2 * MARGIN + GAP_X; });
  var totalWidth = x - GAP_X + PAD;
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = FONT + "px " + FACE;
  function textWidth(text) { return measure.measureText(text).width; }
  // Wrap text into lines no wider than `width`, breaking at spaces; at most `max` lines, the
  // last one shortened at a word boundary with an ellipsis when the text runs on.
  function wrap(text, width, max) {
    var words = text.split(/\s+/).filter(Boolean), lines = [], line = "";
    for (var i = 0; i < words.length; i++) {
      var word = words[i];
      var candidate = line ? line + " " + word : word;
      if (textWidth(candidate) <= width) { line = candidate; continue; }
      if (line) lines.push(line);
      while (textWidth(word) > width) {   // a word longer than the box: cut it
        var cut = word.length - 1;
        while (cut > 1 && textWidth(word.slice(0, cut)) > width) cut--;
        lines.push(word.slice(0, cut));
        word = word.slice(cut);
      }
      line = word;
      if (lines.length >= max) break;
    }
    if (line && lines.length < max) lines.push(line);
    if (lines.length > max || (lines.length === max && (i < words.length))) {
      lines = lines.slice(0, max);
      var last = lines[max - 1];
      while (last && textWidth(last + " …") > width) last = last.replace(/\s*\S+$/, "");
      lines[max - 1] = (last || "") + " …";
    }
    return lines;
  }
  function display(n) {
    if (n.kind !== "duty") return n.mark + n.label;
    var head = (n.who ? n.who + ": " : "") + (n.modality ? (n.when ? n.modality + ", " + n.when : n.modality) + " · " : "");
    return n.mark + head + n.label;
  }
  var byId = {}, neighbours = {};
  data.nodes.forEach(function (n) {
    byId[n.id] = n;
    neighbours[n.id] = [];
    var layer = LAYER[n.kind];
    n.lines = wrap(display(n), WIDTH[layer], MAX_LINES[n.kind]);
    n.h = n.lines.length * FONT + 2 * MARGIN;
    n.search = [n.label, n.protocol, n.protocols.join(" "), n.provision, n.quote, n.who, n.toWhom, n.when, n.wording]
      .join(" ").toLowerCase();
    var tip = document.createElement("div");
    tip.className = "pg-tip";
    tip.textContent = n.tooltip.join("\n");
    n.vis = {
      id: n.id, label: n.lines.join("\n"), shape: "box", margin: MARGIN, x: 0, y: 0,
      widthConstraint: {minimum: WIDTH[layer]},   // no maximum: vis-network would wrap again
      heightConstraint: {minimum: n.lines.length * FONT, valign: "middle"},
      color: {background: n.color.background, border: n.color.border,
              highlight: {background: n.color.background, border: "#1a202c"},
              hover: {background: n.color.background, border: "#1a202c"}},
      font: {size: FONT, face: FACE, color: n.fontColor},
      title: tip, kind: n.kind, protocol: n.protocol, protocols: n.protocols, status: n.status
    };
  });
  data.edges.forEach(function (e) {
    neighbours[e.from].push(e.to);
    neighbours[e.to].push(e.from);
    var tip = document.createElement("div");
    tip.className = "pg-tip";
    tip.textContent = e.title;
    e.title = tip;
  });
  var nodes = new vis.DataSet(data.nodes.map(function (n) { return n.vis; }));
  var edges = new vis.DataSet(data.edges);
  var shown = {};
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return shown[n.id] === true; }});
  var edgeView = new vis.DataView(edges, {filter: function (e) { return shown[e.from] === true && shown[e.to] === true; }});
  var container = document.getElementById("network");
  var network = new vis.Network(container, {nodes: nodeView, edges: edgeView}, options);
  window.pgNetwork = network;
  window.pgNodeView = nodeView;
  window.pgNodes = byId;
  function checked(cls) {
    var values = {};
    document.querySelectorAll("input." + cls).forEach(function (box) { if (box.checked) values[box.value] = true; });
    return values;
  }
  // Which nodes to show: those of a checked kind and protocol; with a search, the nodes that
  // match and their neighbours; never a node left with no link to a shown duty (a stray dot),
  // unless the search names it.
  function visibleNodes() {
    var kinds = checked("kind-filter"), protocols = checked("protocol-filter");
    var base = {};
    data.nodes.forEach(function (n) {
      if (kinds[n.kind] && n.protocols.some(function (p) { return protocols[p]; })) base[n.id] = true;
    });
    var query = document.getElementById("search").value.trim().toLowerCase();
    var keep = {}, matched = {};
    Object.keys(base).forEach(function (id) {
      if (!query) { keep[id] = true; return; }
      if (byId[id].search.indexOf(query) >= 0) {
        matched[id] = keep[id] = true;
        neighbours[id].forEach(function (other) { if (base[other]) keep[other] = true; });
      }
    });
    Object.keys(keep).forEach(function (id) {
      if (byId[id].kind === "duty" || matched[id]) return;
      var linked = neighbours[id].some(function (other) { return keep[other] && byId[other].kind === "duty"; });
      if (!linked) delete keep[id];
    });
    return keep;
  }
  function byOrder(a, b) { return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); }
  // Lay the shown nodes out in layers; returns the height used.
  function layout(keep) {
    var centre = {}, bottom = PAD;
    var duties = Object.keys(keep).map(function (id) { return byId[id]; })
      .filter(function (n) { return n.kind === "duty"; }).sort(byOrder);
    var y = PAD, group = null, groupTop = {};
    duties.forEach(function (n) {
      if (group !== null && n.group !== group) y += GROUP_GAP;
      group = n.group;
      if (groupTop[group] === undefined) groupTop[group] = y;
      centre[n.id] = y + n.h / 2;
      y += n.h + GAP_Y;
    });
    bottom = Math.max(bottom, y);
    [0, 2, 3].forEach(function (layer) {
      var items = Object.keys(keep).map(function (id) { return byId[id]; })
        .filter(function (n) { return LAYER[n.kind] === layer; });
      items.forEach(function (n) {
        var ys = neighbours[n.id].filter(function (o) { return centre[o] !== undefined && byId[o].kind === "duty"; })
          .map(function (o) { return centre[o]; });
        ys.sort(function (a, b) { return a - b; });
        n.want = ys.length ? (ys[(ys.length - 1) >> 1] + ys[ys.length >> 1]) / 2 : Infinity;  // the median
        // an event heads the group of duties it starts, level with the first of them
        if (groupTop[n.id] !== undefined) n.want = groupTop[n.id] + n.h / 2;
      });
      items.sort(function (a, b) {  // at one height, the event that heads a group first
        var heads = (groupTop[b.id] !== undefined) - (groupTop[a.id] !== undefined);
        return a.want - b.want || heads || (a.id < b.id ? -1 : 1);
      });
      var cursor = PAD;
      items.forEach(function (n) {
        var top = n.want === Infinity ? cursor : Math.max(n.want - n.h / 2, cursor);
        centre[n.id] = top + n.h / 2;
        cursor = top + n.h + GAP_Y;
      });
      bottom = Math.max(bottom, cursor);
    });
    var moves = Object.keys(centre).map(function (id) {
      var layer = LAYER[byId[id].kind];
      return {id: id, x: layerLeft[layer] + WIDTH[layer] / 2 + MARGIN, y: centre[id]};
    });
    nodes.update(moves);
    return bottom + PAD;
  }
  function relayout() {
    shown = visibleNodes();
    var height = layout(shown);
    nodeView.refresh();
    edgeView.refresh();
    container.style.width = totalWidth + "px";
    container.style.height = height + "px";
    network.setSize(totalWidth + "px", height + "px");
    network.redraw();
    network.moveTo({position: {x: totalWidth / 2, y: height / 2}, scale: 1, animation: false});
    var count = nodeView.length;
    document.getElementById("status").textContent = count + " nodes shown";
    return count;
  }
  var heads = document.getElementById("layer-heads");
  heads.style.width = totalWidth + "px";
  HEADS.forEach(function (text, i) {
    var head = document.createElement("span");
    head.textContent = text;
    head.style.left = layerLeft[i] + "px";
    heads.appendChild(head);
  });
  // The side panel
  var KIND_NAMES = {duty: "Duty", event: "Event", role: "Role", form: "Form or tool", deadline: "Deadline"};
  function setRow(id, text) {
    var dd = document.getElementById(id);
    dd.textContent = text || "";
    dd.parentNode.hidden = !text;
  }
  function modalText(n) {
    if (!n.modality) return "";
    return n.wording && n.wording.toLowerCase() !== n.modality ? n.modality + " (as written: “" + n.wording + "”)" : n.modality;
  }
  function dutyLine(n) {
    var line = n.modality ? (n.modality + (n.when ? ", " + n.when : "")) + " · " : "";
    return line + n.label + " (" + n.protocol + " " + n.provision + ")";
  }
  function listDuties(title, ids) {
    var box = document.getElementById("panel-lists");
    var duties = ids.map(function (id) { return byId[id]; })
      .filter(function (n) { return n.kind === "duty"; }).sort(byOrder);
    if (!duties.length) return;
    var visible = duties.filter(function (n) { return shown[n.id]; });
    box.appendChild(el("h3", title + " (" + duties.length + (visible.length < duties.length ? ", " + (duties.length - visible.length) + " hidden by the filters" : "") + ")"));
    var list = document.createElement("ul");
    visible.forEach(function (n) {
      var item = document.createElement("li");
      var button = el("button", dutyLine(n));
      button.type = "button";
      button.setAttribute("data-node", n.id);
      button.addEventListener("click", function () { select(n.id, true); });
      item.appendChild(button);
      list.appendChild(item);
    });
    box.appendChild(list);
  }
  function el(tag, text) { var node = document.createElement(tag); node.textContent = text; return node; }
  function edgesOf(id, kinds, outgoing) {
    return data.edges.filter(function (e) {
      return kinds.indexOf(e.kind) >= 0 && (outgoing ? e.from === id : e.to === id);
    }).map(function (e) { return outgoing ? e.to : e.from; });
  }
  function showPanel(id) {
    var n = byId[id];
    document.getElementById("panel-hint").hidden = true;
    document.getElementById("panel-body").hidden = false;
    setRow("panel-kind", KIND_NAMES[n.kind] + (n.status ? " (" + n.status + ")" : ""));
    setRow("panel-label", n.label);
    setRow("panel-protocol", n.protocol || n.protocols.join(", "));
    setRow("panel-who", n.who);
    setRow("panel-to", n.toWhom);
    setRow("panel-when", n.kind === "duty" ? (n.when || "no deadline stated") : "");
    setRow("panel-modality", modalText(n));
    setRow("panel-provision", n.provision);
    setRow("panel-trigger", n.starts ? (byId["event:" + n.starts] ? byId["event:" + n.starts].label : n.starts) : "");
    setRow("panel-scope", n.scope && n.scope.length ? n.scope.join("; ") : "");
    setRow("panel-status", n.status);
    var quote = document.getElementById("panel-quote");
    quote.textContent = n.quote || "";
    quote.hidden = !n.quote;
    var sides = document.getElementById("panel-sides");
    sides.textContent = "";
    n.sides.forEach(function (otherId) {
      var o = byId[otherId];
      var box = document.createElement("div");
      box.className = "side";
      box.appendChild(el("h3", "Other version: " + o.protocol + ", clause " + o.provision));
      var differs = [["who", "who"], ["to whom", "toWhom"], ["deadline", "when"], ["modality", "modality"],
                     ["wording", "wording"], ["conditions", "scope"], ["quote", "quote"]]
        .filter(function (f) { return String(n[f[1]]) !== String(o[f[1]]); }).map(function (f) { return f[0]; });
      box.appendChild(el("p", "What differs: " + (differs.length ? differs.join(", ") : "the clause only")));
      var list = document.createElement("dl");
      [["Duty", o.label], ["Who", o.who], ["To whom", o.toWhom], ["By when", o.kind === "duty" ? (o.when || "no deadline stated") : ""],
       ["Modality", modalText(o)]].forEach(function (row) {
        if (!row[1]) return;
        var wrapRow = document.createElement("div");
        wrapRow.className = "row";
        wrapRow.appendChild(el("dt", row[0]));
        wrapRow.appendChild(el("dd", row[1]));
        list.appendChild(wrapRow);
      });
      box.appendChild(list);
      var q = el("blockquote", o.quote || "");
      q.className = "side-quote";
      box.appendChild(q);
      sides.appendChild(box);
    });
    var lists = document.getElementById("panel-lists");
    lists.textContent = "";
    if (n.kind === "event") {
      listDuties("Duties it starts", edgesOf(id, ["triggers"], true));
      listDuties("Duties it shows done", edgesOf(id, ["completes"], false));
    } else if (n.kind === "role") {
      listDuties("Duties it bears", edgesOf(id, ["bears"], true));
      listDuties("Duties owed to it", edgesOf(id, ["owed-to"], false));
    } else if (n.kind === "form") {
      listDuties("Duties that use it", edgesOf(id, ["uses"], false));
    } else if (n.kind === "deadline") {
      listDuties("Duties due by it", edgesOf(id, ["due"], false));
    }
  }
  function select(id, scroll) {
    if (!shown[id]) return;
    network.selectNodes([id]);
    showPanel(id);
    if (scroll) {
      var rect = container.getBoundingClientRect();
      var y = network.getPosition(id).y;
      window.scrollTo({top: Math.max(0, window.scrollY + rect.top + y - window.innerHeight / 3), behavior: "auto"});
    }
  }
  network.on("click", function (params) { if (params.nodes.length) showPanel(params.nodes[0]); });
  var timer = null;
  document.getElementById("search").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(relayout, 150);
  });
  document.querySelectorAll("input.protocol-filter, input.kind-filter").forEach(function (box) {
    box.addEventListener("change", relayout);
  });
  window.pgRelayout = relayout;
  var count = relayout();
  network.once("afterDrawing", function () { document.body.setAttribute("data-pg-ready", String(count)); });
  network.redraw();
})();
"""

# The start of every offline page (this one and timeline_page's): the Content-Security-Policy
# that forbids every remote load, the title and the first style sheet.
PAGE_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
"""

_TEMPLATE = (
    PAGE_HEAD
    + """<style>{page_css}</style>
</head>
<body>
<header class="page">
<h1>{title}</h1>
<p>{intro} {node_count} nodes, {edge_count} links. Events on the left start the duties beside them; each duty links to
the roles that bear it or are owed it, and to its forms. Click a box for its clause and the protocol's own words; click
an event or a role to list its duties. Hover for a summary.</p>
<nav id="controls" aria-label="Search and filters">
<label class="group"><span class="group-title">Search</span>
<input type="search" id="search" placeholder="a word, a role, a clause number…" aria-describedby="status"></label>
<div class="group"><span class="group-title">Protocols</span>{protocol_filter}</div>
<div class="group"><span class="group-title">Show</span>{legend}</div>
{status_legend}
</nav>
<p id="status" role="status">Laying out the graph…</p>
</header>
<div id="layout">
<div id="canvas-column">
<div id="layer-heads" aria-hidden="true"></div>
<main id="network" aria-label="Duty graph"></main>
</div>
<aside id="panel" aria-live="polite">
<h2>Selected</h2>
<p id="panel-hint">Click a box to see its clause and the protocol's own words; an event or a role lists its duties.</p>
<div id="panel-body" hidden>
<dl>
<div class="row"><dt>Kind</dt><dd id="panel-kind"></dd></div>
<div class="row"><dt>Name</dt><dd id="panel-label"></dd></div>
<div class="row"><dt>Protocol</dt><dd id="panel-protocol"></dd></div>
<div class="row"><dt>Who</dt><dd id="panel-who"></dd></div>
<div class="row"><dt>To whom</dt><dd id="panel-to"></dd></div>
<div class="row"><dt>By when</dt><dd id="panel-when"></dd></div>
<div class="row"><dt>Modality</dt><dd id="panel-modality"></dd></div>
<div class="row"><dt>Clause</dt><dd id="panel-provision"></dd></div>
<div class="row"><dt>Started by</dt><dd id="panel-trigger"></dd></div>
<div class="row"><dt>Applies when</dt><dd id="panel-scope"></dd></div>
<div class="row"><dt>Diff</dt><dd id="panel-status"></dd></div>
</dl>
<blockquote id="panel-quote"></blockquote>
<div id="panel-sides"></div>
<div id="panel-lists"></div>
</div>
</aside>
</div>
<script type="application/json" id="pg-data">{data}</script>
<script type="application/json" id="pg-options">{options}</script>
<script>{js}</script>
<script>{page_js}</script>
</body>
</html>
"""
)

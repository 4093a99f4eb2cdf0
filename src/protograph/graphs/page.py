"""The duty graph as one self-contained HTML page for board members: vis-network inlined (no
CDN, no remote resource of any kind), colour by node kind or by diff status, a protocol filter,
tooltips and a side panel with the clause and its quote.

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

import networkx as nx

VIS_VERSION = "9.1.2"
LAYOUT_SEED = 20131201  # vis-network's layout.randomSeed: the same picture on every opening

KIND_STYLE = {
    "role": {"title": "Role (agency or professional)", "color": "#2b6cb0", "shape": "box"},
    "duty": {"title": "Duty", "color": "#718096", "shape": "dot"},
    "event": {"title": "Event (trigger or outcome)", "color": "#6b46c1", "shape": "diamond"},
    "deadline": {"title": "Deadline", "color": "#c05621", "shape": "triangle"},
    "form": {"title": "Form or tool", "color": "#2f855a", "shape": "square"},
}
STATUS_STYLE = {
    "added": {"title": "Added in the later version", "color": "#38a169"},
    "removed": {"title": "Removed from the earlier version", "color": "#e53e3e"},
    "changed": {"title": "Changed between versions", "color": "#d69e2e"},
    "unchanged": {"title": "Unchanged or shared", "color": "#cbd5e0"},
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
    lines = [f"{KIND_STYLE[data['kind']]['title']}: {data['label']}"]
    if data.get("protocol"):
        clause = f", clause {data['provision']}" if data.get("provision") else ""
        lines.append(f"{data['protocol']}{clause}")
    else:
        lines.append("in " + ", ".join(data["protocols"]))
    if data["kind"] == "duty":
        lines.append(f"{data['modality']} ('{data['wording']}')" + (f"; {data['when']}" if data.get("when") else ""))
    if data.get("status"):
        lines.append(f"diff: {data['status']}")
    if data.get("quote"):
        quote = data["quote"]
        lines.append("“" + (quote if len(quote) <= 240 else quote[:237] + "…") + "”")
    return lines


def graph_data(graph: nx.DiGraph, status: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """The vis-network nodes and edges of a duty graph, in a stable order."""
    nodes = []
    for node in sorted(graph.nodes):
        data = dict(graph.nodes[node])
        if status is not None:
            data["status"] = status.get(node, "unchanged")
        style = KIND_STYLE[data["kind"]]
        color = STATUS_STYLE[data["status"]]["color"] if status is not None else style["color"]
        nodes.append(
            {
                "id": node,
                "label": data["label"] if data["kind"] != "duty" else _short(data["label"]),
                "kind": data["kind"],
                "shape": style["shape"],
                "color": color,
                "size": {"role": 22, "event": 16, "deadline": 14, "form": 14}.get(data["kind"], 9),
                "font": _font(data["kind"], data.get("status", "")),
                "protocols": data["protocols"],
                "status": data.get("status", ""),
                "fullLabel": data["label"],
                "protocol": data.get("protocol", ""),
                "provision": data.get("provision", ""),
                "quote": data.get("quote", ""),
                "when": data.get("when", ""),
                "modality": data.get("modality", ""),
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


_FONTS = {
    "role": {"color": "#ffffff", "size": 18, "bold": True},
    "duty": {"size": 11, "color": "#4a5568"},
    "event": {"size": 14, "color": "#44337a"},
    "deadline": {"size": 14, "color": "#7b341e"},
    "form": {"size": 14, "color": "#22543d"},
}


def _font(kind: str, status: str) -> dict[str, object]:
    font = dict(_FONTS[kind])
    if kind == "role" and status == "unchanged":
        font["color"] = "#1a202c"  # white on the pale 'unchanged' colour would be unreadable
    return font


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def render_graph_html(
    graph: nx.DiGraph,
    title: str,
    status: dict[str, str] | None = None,
    intro: str = "",
) -> str:
    """The duty graph as one self-contained HTML page (the same bytes for the same graph).

    With ``status`` (node → added / removed / changed / unchanged) nodes are coloured by diff
    status and the legend says so; otherwise they are coloured by kind."""
    js, css = vis_assets()
    data = graph_data(graph, status)
    protocols = graph.graph.get("protocols") or sorted({p for n in data["nodes"] for p in n["protocols"]})
    counts = {kind: sum(1 for n in data["nodes"] if n["kind"] == kind) for kind in KIND_STYLE}
    legend_items = []
    for kind, style in KIND_STYLE.items():
        swatch = style["color"] if status is None else "#a0aec0"
        legend_items.append(
            f'<label class="item"><input type="checkbox" class="kind-filter" value="{_e(kind)}" checked> '
            f'<span class="swatch {_e(style["shape"])}" style="background:{_e(swatch)}"></span>'
            f'{_e(style["title"])} <span class="count">({counts[kind]})</span></label>'
        )
    status_items = ""
    if status is not None:
        status_items = "<h2>Diff colours</h2>" + "".join(
            f'<div class="item"><span class="swatch dot" style="background:{_e(s["color"])}"></span>{_e(s["title"])}</div>'
            for s in STATUS_STYLE.values()
        )
    protocol_items = "".join(
        f'<label class="item"><input type="checkbox" class="protocol-filter" value="{_e(p)}" checked> {_e(p)}</label>'
        for p in protocols
    )
    options = {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": False},
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 80, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": True},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "color": "#1a202c"},
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": 6}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#a0aec0", "highlight": "#2d3748", "hover": "#2d3748"},
            "smooth": False,
            "width": 1,
        },
    }
    return _TEMPLATE.format(
        csp=CSP,  # a constant with no quote, < or &
        title=_e(title),
        intro=_e(intro),
        css=css,
        page_css=_PAGE_CSS,
        js=js,
        data=script_json(data),
        options=script_json(options),
        legend="".join(legend_items),
        status_legend=status_items,
        protocol_filter=protocol_items,
        node_count=len(data["nodes"]),
        edge_count=len(data["edges"]),
    )


def write_graph_html(graph: nx.DiGraph, path: Path, title: str, status: dict[str, str] | None = None) -> int:
    """Write the page to ``path`` (UTF-8) and return its size in bytes."""
    page = render_graph_html(graph, title, status)
    data = page.encode("utf-8")
    Path(path).write_bytes(data)
    return len(data)


_PAGE_CSS = """
html,body{margin:0;height:100%;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a202c}
body{display:grid;grid-template-columns:17rem 1fr 24rem;grid-template-rows:auto 1fr;height:100vh}
header{grid-column:1/4;padding:.5rem 1rem;border-bottom:1px solid #e2e8f0;background:#f7fafc}
header h1{font-size:1.2rem;margin:0}header p{margin:.2rem 0 0;font-size:.85rem;color:#4a5568}
#controls{overflow:auto;padding:.5rem 1rem;border-right:1px solid #e2e8f0;font-size:.9rem}
#controls h2,#panel h2{font-size:.95rem;margin:.8rem 0 .3rem}
.item{display:block;margin:.25rem 0}.count{color:#718096}
.swatch{display:inline-block;width:.9rem;height:.9rem;margin-right:.4rem;vertical-align:middle;border:1px solid #4a5568}
.swatch.dot{border-radius:50%}.swatch.diamond{transform:rotate(45deg) scale(.8)}
.swatch.triangle{clip-path:polygon(50% 0,100% 100%,0 100%);border:none}
#network{position:relative;min-height:0}
#panel{overflow:auto;padding:.5rem 1rem;border-left:1px solid #e2e8f0;font-size:.9rem}
#panel dl{margin:0}#panel dt{font-weight:600;margin-top:.5rem}#panel dd{margin:0}
#panel blockquote{margin:.4rem 0;padding-left:.6rem;border-left:3px solid #a0aec0;color:#2d3748;white-space:pre-wrap}
#status{font-size:.8rem;color:#4a5568}
.pg-tip{white-space:pre-wrap;max-width:28rem;font-size:.85rem;line-height:1.3}
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<style>{page_css}</style>
</head>
<body>
<header><h1>{title}</h1><p>{intro} {node_count} nodes, {edge_count} links. Hover over a node for its clause; click it to read the quote. Drag to move, scroll to zoom.</p></header>
<nav id="controls" aria-label="Filters">
<h2>Protocols</h2>
{protocol_filter}
<h2>Show</h2>
{legend}
{status_legend}
<h2>Links</h2>
<div class="item">role → duty: bears it</div>
<div class="item">duty → role: owed to</div>
<div class="item">event → duty: triggers it</div>
<div class="item">duty ⇢ event, deadline, form: shown done by, due, uses</div>
<p id="status" role="status">Laying out the graph…</p>
</nav>
<main id="network" aria-label="Duty graph"></main>
<aside id="panel" aria-live="polite">
<h2>Selected</h2>
<p id="panel-hint">Click a node to see its clause and the protocol's own words.</p>
<dl id="panel-body" hidden>
<dt>Kind</dt><dd id="panel-kind"></dd>
<dt>Name</dt><dd id="panel-label"></dd>
<dt>Protocol</dt><dd id="panel-protocol"></dd>
<dt>Clause</dt><dd id="panel-provision"></dd>
<dt>When</dt><dd id="panel-when"></dd>
<dt class="diff-only">Diff</dt><dd class="diff-only" id="panel-status"></dd>
<dt>Quote</dt><dd><blockquote id="panel-quote"></blockquote></dd>
</dl>
</aside>
<script type="application/json" id="pg-data">{data}</script>
<script type="application/json" id="pg-options">{options}</script>
<script>{js}</script>
<script>
(function () {{
  "use strict";
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  var options = JSON.parse(document.getElementById("pg-options").textContent);
  data.nodes.forEach(function (n) {{
    var tip = document.createElement("div");
    tip.className = "pg-tip";
    tip.textContent = n.tooltip.join("\\n");
    n.title = tip;
  }});
  data.edges.forEach(function (e) {{
    var tip = document.createElement("div");
    tip.className = "pg-tip";
    tip.textContent = e.title;
    e.title = tip;
  }});
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  function checked(cls) {{
    var values = {{}};
    document.querySelectorAll("input." + cls).forEach(function (box) {{ if (box.checked) values[box.value] = true; }});
    return values;
  }}
  var shownProtocols = checked("protocol-filter"), shownKinds = checked("kind-filter");
  var nodeView = new vis.DataView(nodes, {{ filter: function (n) {{
    return shownKinds[n.kind] === true && n.protocols.some(function (p) {{ return shownProtocols[p] === true; }});
  }} }});
  var edgeView = new vis.DataView(edges, {{ filter: function (e) {{
    return nodeView.get(e.from) !== null && nodeView.get(e.to) !== null;
  }} }});
  var container = document.getElementById("network");
  var network = new vis.Network(container, {{ nodes: nodeView, edges: edgeView }}, options);
  window.pgNetwork = network;
  window.pgNodeView = nodeView;
  function refresh() {{
    shownProtocols = checked("protocol-filter");
    shownKinds = checked("kind-filter");
    nodeView.refresh();
    edgeView.refresh();
    document.getElementById("status").textContent = nodeView.length + " nodes shown";
  }}
  document.querySelectorAll("input.protocol-filter, input.kind-filter").forEach(function (box) {{
    box.addEventListener("change", refresh);
  }});
  function setText(id, text) {{ document.getElementById(id).textContent = text || "—"; }}
  network.on("click", function (params) {{
    if (!params.nodes.length) return;
    var n = nodes.get(params.nodes[0]);
    document.getElementById("panel-hint").hidden = true;
    document.getElementById("panel-body").hidden = false;
    setText("panel-kind", n.kind);
    setText("panel-label", n.fullLabel);
    setText("panel-protocol", n.protocol || n.protocols.join(", "));
    setText("panel-provision", n.provision);
    setText("panel-when", n.when || n.modality);
    setText("panel-status", n.status);
    document.querySelectorAll("#panel .diff-only").forEach(function (el) {{ el.hidden = !n.status; }});
    setText("panel-quote", n.quote);
  }});
  network.once("stabilizationIterationsDone", function () {{
    network.setOptions({{ physics: false }});
    network.fit();
    document.getElementById("status").textContent = nodeView.length + " nodes shown";
    document.body.setAttribute("data-pg-ready", String(nodeView.length));
  }});
}})();
</script>
</body>
</html>
"""

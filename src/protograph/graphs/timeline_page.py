"""The question-first page for board members: "when a child goes missing, who must do what,
by when?" as one self-contained HTML page.

Plain HTML, CSS and a little vanilla JavaScript: no library, no CDN, no request of any kind (a
Content-Security-Policy forbids them). The page carries every starting event of the chosen
protocols, so a select switches between them without regenerating it. Data goes in as JSON
inside a non-executable script block (page.script_json), the few strings written into
the HTML itself are escaped, and the script writes text with textContent only. Print styles
give one protocol an A4 landscape page with its title, version date and the date produced.
The output is the same bytes for the same corpus, event and --produced date."""

from __future__ import annotations

from pathlib import Path

from ..corpus.loader import Corpus
from ..errors import InputError
from .page import CSP, PAGE_HEAD, _e, script_json, write_page
from .timeline import (
    COLUMNS,
    event_label,
    event_question,
    has_alignment,
    newest_date,
    starting_events,
    timeline,
)


def timeline_data(corpus: Corpus, protocols: list[str], event: str, produced: str) -> dict[str, object]:
    """Everything the page shows, for every starting event of the chosen protocols."""
    events = starting_events(corpus, protocols)
    if event not in events:
        events.append(event)  # a known event that starts nothing here: the page says so
    timelines: dict[str, dict[str, list]] = {}
    counts: dict[str, int] = {}
    for protocol in protocols:
        timelines[protocol] = {}
        for start in events:
            built = timeline(corpus, protocol, start, protocols)
            timelines[protocol][start] = [
                {"key": lane.key, "title": lane.title, "cards": [card.as_data() for card in lane.cards]}
                for lane in built.lanes
            ]
            counts[start] = counts.get(start, 0) + len(built.cards)
    return {
        "columns": [{"id": c.id, "title": c.title} for c in COLUMNS],
        "events": [
            {"id": e, "label": event_label(corpus, e), "question": event_question(corpus, e), "count": counts[e]}
            for e in events
        ],
        "protocols": [
            {
                "id": p,
                "title": corpus.info(p).title,
                "date": corpus.info(p).date,
                "issuer": corpus.info(p).issuer,
                "aligned": has_alignment(corpus, p),
            }
            for p in protocols
        ],
        "selected": event,
        "produced": produced,
        "timelines": timelines,
    }


def render_timeline_html(corpus: Corpus, protocols: list[str], event: str, produced: str) -> str:
    """The page (the same bytes for the same arguments)."""
    data = timeline_data(corpus, protocols, event, produced)
    names = " and ".join(protocols)
    return _TEMPLATE.format(
        csp=CSP,
        title=_e(f"Who must do what, by when: {names}"),
        css=_CSS,
        data=script_json(data),
        script=_SCRIPT,
        compare_note=_compare_note(corpus, protocols),
    )


def write_timeline_html(corpus: Corpus, protocols: list[str], event: str, produced: str, path: Path) -> int:
    """Write the page to ``path`` (UTF-8) and return its size in bytes."""
    return write_page(path, render_timeline_html(corpus, protocols, event, produced))


def write_timeline_page(
    corpus: Corpus, protocol_ids: list[str] | tuple[str, ...], event: str, path: Path, produced: str | None = None
) -> int:
    """Write the timeline page of one protocol, or of two side by side (each id named once),
    after ``event``; ``produced`` defaults to the newest protocol date of the corpus, so the
    page is the same bytes on every run. Returns its size in bytes."""
    chosen = list(dict.fromkeys(protocol_ids))
    if len(chosen) > 2:
        raise InputError(f"timeline takes one or two protocol ids, got {len(chosen)}")
    for protocol_id in chosen:
        corpus.info(protocol_id)  # an unknown id is one line naming it and the known ones
    return write_timeline_html(corpus, chosen, event, produced or newest_date(corpus), path)


def _compare_note(corpus: Corpus, protocols: list[str]) -> str:
    if len(protocols) < 2:
        return ""
    missing = [p for p in protocols if not has_alignment(corpus, p)]
    if not missing:
        return _COMPARE_NOTE
    return (_COMPARE_NOTE if len(missing) < len(protocols) else "") + (
        f'<p class="note">No duty of {_e(" or ".join(missing))} is aligned to the shared list of obligations yet, '
        "so none of its cards can be paired with the other protocol's; nothing is claimed missing or in "
        "conflict.</p>"
    )


_COMPARE_NOTE = (
    '<p class="note"><span class="key differs">Differs</span> the other protocol states the same obligation '
    'with another deadline, modality or bearer. <span class="key same">Same</span> it states it alike. '
    "“No counterpart found”: the duty is not aligned yet, or the other protocol states no duty aligned "
    "to it; it is not a conflict.</p>"
)

_CSS = """
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1a202c;font-size:15px}
body{margin:0;background:#fff}
header.page{padding:.8rem 1.2rem .6rem;border-bottom:1px solid #cbd5e0;background:#f7fafc}
header.page h1{font-size:1.45rem;margin:0 0 .5rem;line-height:1.25}
.ask{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem 1.2rem}
.ask label{font-weight:600;font-size:1rem}
.ask select{font:inherit;font-size:1rem;padding:.3rem .4rem;border:1px solid #4a5568;border-radius:4px;background:#fff;max-width:26rem}
.ask button{font:inherit;font-size:.95rem;padding:.3rem .7rem;border:1px solid #4a5568;border-radius:4px;background:#fff;cursor:pointer}
.hint,.note{margin:.5rem 0 0;font-size:.9rem;color:#2d3748;max-width:80rem;line-height:1.4}
.key{display:inline-block;padding:0 .35rem;border-radius:3px;font-weight:600}
.key.differs{background:#fefcbf;border:1px solid #b7791f}.key.same{background:#e6fffa;border:1px solid #319795}
main{padding:.4rem 1.2rem 2rem}
section.protocol{margin:1rem 0 1.6rem}
.protocol-head h2{font-size:1.2rem;margin:0;line-height:1.3}
.protocol-head p{margin:.15rem 0 .5rem;font-size:.9rem;color:#2d3748}
.grid{display:grid;grid-template-columns:var(--columns);border-top:2px solid #2d3748;column-gap:0}
.colhead{font-weight:700;font-size:.9rem;padding:.4rem .45rem;border-bottom:2px solid #2d3748;background:#edf2f7;line-height:1.25;overflow-wrap:break-word}
.colhead.empty{color:#4a5568;font-weight:600;background:#f7fafc}
.lanehead{font-weight:700;font-size:.95rem;padding:.5rem .45rem;border-bottom:1px solid #cbd5e0;background:#f7fafc;overflow-wrap:anywhere;line-height:1.3}
.cell{padding:.35rem .3rem;border-bottom:1px solid #cbd5e0;border-left:1px solid #e2e8f0;display:flex;flex-direction:column;gap:.35rem;min-width:0}
.cell.empty{background:#fafafa}
.card{display:block;width:100%;text-align:left;font:inherit;font-size:.9rem;line-height:1.3;color:#1a202c;background:#fff;
  border:1px solid #a0aec0;border-left:5px solid #718096;border-radius:4px;padding:.35rem .45rem;cursor:pointer;overflow-wrap:anywhere}
.card:hover{background:#f7fafc}.card:focus-visible{outline:3px solid #2b6cb0;outline-offset:1px}
.card.m-must,.card.m-will,.card.m-must-not{border-left-color:#c53030}
.card.m-should,.card.m-should-not{border-left-color:#d69e2e}
.card.differs{background:#fffff0;box-shadow:inset 0 0 0 2px #d69e2e}
.card span{display:block}
.card .what{font-weight:600;font-size:.95rem}
.card .when{margin-top:.2rem;font-weight:700}
.card .modal{font-style:italic}
.card .who{color:#2d3748}
.card .cond{margin-top:.15rem;color:#22543d}
.card .clause{margin-top:.15rem;color:#4a5568;font-size:.85rem}
.card .cmp{margin-top:.25rem;padding-top:.2rem;border-top:1px dashed #a0aec0;font-size:.85rem}
.card .cmp.differs{color:#744210;font-weight:600}.card .cmp.same{color:#234e52}.card .cmp.not-found,.card .cmp.unique{color:#4a5568}
.none-here{grid-column:1/-1;padding:.6rem .45rem;font-style:italic;color:#2d3748;border-bottom:1px solid #cbd5e0}
dialog{max-width:46rem;width:92vw;border:1px solid #4a5568;border-radius:6px;padding:1rem 1.2rem;font-size:.95rem;line-height:1.4}
dialog::backdrop{background:rgba(26,32,44,.45)}
dialog h3{margin:0 2.5rem .5rem 0;font-size:1.1rem}
dialog dl{display:grid;grid-template-columns:8rem 1fr;gap:.2rem .6rem;margin:0 0 .6rem}
dialog dt{font-weight:700}dialog dd{margin:0}
dialog blockquote{margin:.3rem 0 .8rem;padding:.4rem .8rem;border-left:4px solid #2b6cb0;background:#f7fafc;white-space:pre-wrap}
dialog .other{border-top:1px solid #cbd5e0;margin-top:.6rem;padding-top:.4rem}
dialog .other h4{margin:.2rem 0 .3rem;font-size:1rem}
dialog .close{position:absolute;top:.7rem;right:.8rem;font:inherit;font-size:.95rem;padding:.2rem .6rem;cursor:pointer}
.print-only{display:none}
@page{size:A4 landscape;margin:9mm}
@media print{
  html{font-size:9pt}
  header.page h1,header.page .ask,header.page .hint,.no-print,dialog{display:none!important}
  header.page{background:none;border:none;padding:0}
  header.page .note{margin:0 0 2mm;max-width:none}
  main{padding:0}
  .print-only{display:block;font-size:12pt;font-weight:700;margin:0 0 1mm}
  .grid{grid-template-columns:var(--paper-columns)}
  .cell{display:grid;grid-template-columns:repeat(auto-fill,minmax(12.5rem,1fr));align-content:start;align-items:start;gap:1.2mm}
  section.protocol{break-before:page;margin:0}
  section.protocol:first-of-type{break-before:auto}
  .card{break-inside:avoid;border-color:#4a5568}
  .card .cmp{font-size:8pt}
  .lanehead,.colhead{background:none}
}
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  var select = document.getElementById("event");
  var main = document.getElementById("timelines");
  var dialog = document.getElementById("quote-dialog");
  var lastCard = null;
  var aligned = {};
  data.protocols.forEach(function (p) { aligned[p.id] = p.aligned; });
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }
  data.events.forEach(function (ev) {
    var option = el("option", null, capital(ev.question) + " (" + ev.count + (ev.count === 1 ? " duty)" : " duties)"));
    option.value = ev.id;
    select.appendChild(option);
  });
  function eventOf(id) { return data.events.filter(function (e) { return e.id === id; })[0]; }
  function modalText(card) {
    return card.wording && card.wording.toLowerCase() !== card.modality ? card.modality + " — “" + card.wording + "”" : card.modality;
  }
  function openCard(card, button) {
    lastCard = button;
    var body = document.getElementById("dialog-body");
    body.textContent = "";
    var heading = el("h3", null, card.what);
    heading.id = "dialog-title";
    body.appendChild(heading);
    var list = el("dl");
    [["Who", card.who], ["To whom", card.to_whom || "—"], ["By when", card.when], ["Modality", modalText(card)],
     ["Clause", card.clause], ["Conditions", card.conditions.length ? card.conditions.join("; ") : "none stated"]
    ].forEach(function (row) { list.appendChild(el("dt", null, row[0])); list.appendChild(el("dd", null, row[1])); });
    if (card.obligation) { list.appendChild(el("dt", null, "Obligation")); list.appendChild(el("dd", null, card.obligation)); }
    body.appendChild(list);
    body.appendChild(el("p", null, "The protocol’s own words (" + card.clause + "):"));
    body.appendChild(el("blockquote", "quote", card.quote));
    card.counterparts.forEach(function (other) {
      var box = el("div", "other");
      box.appendChild(el("h4", null, other.text));
      if (other.note) box.appendChild(el("p", null, other.note));
      if (other.duty) {
        var otherList = el("dl");
        [["Who", other.who], ["By when", other.when],
         ["Modality", other.wording && other.wording.toLowerCase() !== other.modality ? other.modality + " — “" + other.wording + "”" : other.modality],
         ["Clause", other.protocol + " " + other.provision]
        ].forEach(function (row) { otherList.appendChild(el("dt", null, row[0])); otherList.appendChild(el("dd", null, row[1])); });
        box.appendChild(otherList);
        box.appendChild(el("blockquote", "quote", other.quote));
      }
      body.appendChild(box);
    });
    dialog.showModal();
    document.getElementById("dialog-close").focus();
  }
  dialog.addEventListener("close", function () { if (lastCard) lastCard.focus(); });
  document.getElementById("dialog-close").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
  function cardButton(card) {
    var button = el("button", "card m-" + card.modality.replace(/ /g, "-"));
    button.type = "button";
    button.setAttribute("data-duty", card.duty);
    button.setAttribute("data-protocol", card.protocol);
    button.setAttribute("data-column", card.column);
    var worst = "";
    card.counterparts.forEach(function (o) { if (o.status === "differs") worst = "differs"; });
    if (worst) button.classList.add("differs");
    button.appendChild(el("span", "what", card.what));
    button.appendChild(el("span", "who", card.to_whom ? card.who + " → " + card.to_whom : card.who));
    button.appendChild(el("span", "when", capital(card.when)));
    button.appendChild(el("span", "modal", modalText(card)));
    card.conditions.forEach(function (c) { button.appendChild(el("span", "cond", "• " + c)); });
    button.appendChild(el("span", "clause", "Clause " + card.clause));
    var said = {};
    card.counterparts.forEach(function (o) {
      if (o.status === "not-found" && !aligned[card.protocol]) return;  // said once, above the timelines
      if (said[o.text]) return;  // several duties there, stated alike
      said[o.text] = true;
      button.appendChild(el("span", "cmp " + o.status, (o.status === "differs" ? "≠ " : o.status === "same" ? "= " : "") + o.text));
    });
    button.setAttribute("aria-haspopup", "dialog");
    button.addEventListener("click", function () { openCard(card, button); });
    return button;
  }
  function render() {
    var id = select.value;
    var ev = eventOf(id);
    document.getElementById("question").textContent = "When " + ev.question + ", who must do what, by when?";
    document.title = "When " + ev.question + ": who must do what, by when";
    var used = {};
    data.protocols.forEach(function (p) {
      (data.timelines[p.id][id] || []).forEach(function (lane) {
        lane.cards.forEach(function (card) { used[card.column] = true; });
      });
    });
    // a column no card uses stays, narrow, so that every timeline has the same columns
    var screen = "minmax(8.5rem, 10rem)", paper = "8.8rem";
    data.columns.forEach(function (c) {
      screen += used[c.id] ? " minmax(0, 1fr)" : " 7.6rem";
      paper += used[c.id] ? " minmax(0, 1fr)" : " 5.6rem";
    });
    main.textContent = "";
    var shown = 0;
    data.protocols.forEach(function (p) {
      var section = el("section", "protocol");
      section.setAttribute("data-protocol", p.id);
      section.setAttribute("aria-label", p.title);
      var head = el("div", "protocol-head");
      head.appendChild(el("p", "print-only", "When " + ev.question + ", who must do what, by when?"));
      head.appendChild(el("h2", null, p.title));
      head.appendChild(el("p", null, p.id + " · version " + p.date + " · " + p.issuer + " · produced " + data.produced));
      section.appendChild(head);
      var grid = el("div", "grid");
      grid.style.setProperty("--columns", screen);
      grid.style.setProperty("--paper-columns", paper);
      grid.setAttribute("role", "table");
      grid.setAttribute("aria-label", "Duties of " + p.id + " after the event, by role and time");
      grid.appendChild(el("div", "colhead", "Who"));
      data.columns.forEach(function (c) {
        var cell = el("div", "colhead" + (used[c.id] ? "" : " empty"), c.title);
        cell.setAttribute("role", "columnheader");
        grid.appendChild(cell);
      });
      var lanes = data.timelines[p.id][id] || [];
      if (!lanes.length) grid.appendChild(el("div", "none-here", "This protocol states no duty that this event starts."));
      lanes.forEach(function (lane) {
        var laneHead = el("div", "lanehead", capital(lane.title));
        laneHead.setAttribute("role", "rowheader");
        grid.appendChild(laneHead);
        data.columns.forEach(function (c) {
          var cards = lane.cards.filter(function (card) { return card.column === c.id; });
          var cell = el("div", "cell" + (cards.length ? "" : " empty"));
          cell.setAttribute("role", "cell");
          cards.forEach(function (card) { cell.appendChild(cardButton(card)); shown++; });
          grid.appendChild(cell);
        });
      });
      section.appendChild(grid);
      main.appendChild(section);
    });
    document.body.setAttribute("data-pg-ready", id + ":" + shown);
  }
  select.value = data.selected;
  select.addEventListener("change", render);
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  render();
})();
"""

_TEMPLATE = (
    PAGE_HEAD
    + """</head>
<body>
<header class="page">
<h1 id="question">Who must do what, by when?</h1>
<div class="ask">
<label for="event">When</label>
<select id="event" aria-describedby="question"></select>
<button type="button" id="print" class="no-print">Print (A4 landscape)</button>
</div>
<p class="hint">Lanes: who must act. Columns: how long after the event it is due. A red edge: must or will; amber: should.
Click a card (or press Enter on it) to read the protocol's own words.</p>
{compare_note}
</header>
<main id="timelines" aria-live="polite"></main>
<dialog id="quote-dialog" aria-labelledby="dialog-title">
<button type="button" class="close" id="dialog-close">Close</button>
<div id="dialog-body"></div>
</dialog>
<script type="application/json" id="pg-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
)

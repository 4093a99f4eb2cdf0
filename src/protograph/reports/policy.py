"""Reports a policy lead can circulate: conflicts, diffs and the timescale matrix as a terminal
table, Markdown, JSON or one self-contained HTML page (no CDN, every string escaped)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .formats import render

if TYPE_CHECKING:
    from ..corpus.loader import Corpus

KIND_TITLES = {
    "headline": "Headline disagreements",
    "forbidden": "One text requires what another forbids",
    "consent": "Consent sought in one text, forgone where it is a risk in another",
    "order": "The same steps in a different order",
    "deadline": "Different deadlines for the same obligation",
    "time-kind": "Different kinds of time expression for the same obligation",
    "scope": "Different children, events or exceptions for the same obligation",
    "recipient": "Owed to a different agency",
    "timescale": "Different timescales on the same question",
    "modality": "Different strength (must, should, may) for the same obligation",
    "bearer": "Owed by a different agency",
    "definition": "Different definitions of the same concept",
    "threshold": "Different thresholds",
    "form": "Different forms or tools for the same purpose",
    "absent": "Duty in one protocol, absent from another",
    "rename": "Renames (not conflicts)",
    "added": "Added",
    "removed": "Removed",
    "changed": "Changed",
    "moved": "Unchanged, moved to another clause",
}
HEADLINES = 10

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:75rem;color:#1b1b1b;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #ddd}h3{font-size:1.05rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}th,td{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}p.summary{font-weight:600;margin:.2rem 0}nav ol{columns:2}.rank{color:#555;font-weight:400}
@media print{body{margin:0;max-width:none;font-size:10pt}nav{page-break-after:always}h2{page-break-before:always}h3,table{page-break-inside:avoid}a{color:inherit;text-decoration:none}}td.value{font-weight:600}blockquote{margin:.2rem 0;color:#444;font-size:.9rem;border-left:3px solid #bbb;padding-left:.6rem}
.scope{font-size:.8rem;color:#555;background:#eee;border-radius:.3rem;padding:0 .3rem}.summary td{text-align:right}.summary td:first-child{text-align:left}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def html_page(title: str, body: str, css: str = "") -> str:
    """A complete, self-contained HTML page (inline CSS, no scripts, no remote resources);
    ``css`` is added to the page's one style sheet."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}{css}</style>\n</head>\n<body>\n<h1>{_e(title)}</h1>\n{body}\n</body>\n</html>\n"
    )


def _grouped(entries: Sequence[dict]) -> dict[str, list[dict]]:
    """Entries in report order: the headline disagreements (the highest ranked that are not
    "absent" or renames), then by kind in the order the entries come (most serious first),
    absent entries and renames last."""
    groups: dict[str, list[dict]] = {}
    ranked = [e for e in entries if e.get("rank") and e["kind"] not in ("absent", "rename", "moved")]
    if len(entries) > HEADLINES and ranked:
        groups["headline"] = sorted(ranked, key=lambda e: e["rank"])[:HEADLINES]
    for entry in entries:
        if entry["kind"] not in ("absent", "rename", "moved"):
            groups.setdefault(entry["kind"], []).append(entry)
    for last in ("moved", "absent", "rename"):
        for entry in entries:
            if entry["kind"] == last:
                groups.setdefault(last, []).append(entry)
    return groups


def _anchor(kind: str) -> str:
    return "kind-" + "".join(c if c.isalnum() else "-" for c in kind)


def _protocol_words(protocol_id: str, names: Mapping[str, str] | None) -> str:
    """A protocol as reports show it: its short title with the id beside it, or the id alone."""
    name = (names or {}).get(protocol_id)
    return f"{name} ({protocol_id})" if name else protocol_id


def _sides_table_html(sides: Sequence[dict], names: Mapping[str, str] | None = None) -> str:
    rows = []
    for side in sides:
        quote = f"<blockquote>{_e(side['quote'])}</blockquote>" if side.get("quote") else ""
        rows.append(
            f"<tr><td>{_e(_protocol_words(side['protocol'], names))}</td><td>{_e(side['provision'])}</td>"
            f'<td class="value">{_e(side["value"])}{quote}</td></tr>'
        )
    return "<table><tr><th>protocol</th><th>clause</th><th>what it says</th></tr>" + "".join(rows) + "</table>"


def entries_html(entries: Sequence[dict], title: str, intro: str = "", names: Mapping[str, str] | None = None) -> str:
    """Conflicts or diff entries as one HTML page, grouped by kind."""
    parts = [f"<p>{_e(intro)}</p>"] if intro else []
    groups = _grouped(entries)
    contents = "".join(
        f'<li><a href="#{_anchor(k)}">{_e(KIND_TITLES.get(k, k))}</a> ({len(v)})</li>' for k, v in groups.items()
    )
    parts.append(f"<nav><h2>Contents</h2><ol>{contents}</ol></nav>")
    for kind, items in groups.items():
        parts.append(f'<h2 id="{_anchor(kind)}">{_e(KIND_TITLES.get(kind, kind))} ({len(items)})</h2>')
        for entry in items:
            scope = (
                f' <span class="scope">{_e(entry["scope"])} one document</span>'
                if entry.get("scope") == "within"
                else ""
            )
            rank = f'<span class="rank">#{_e(entry["rank"])} </span>' if entry.get("rank") else ""
            parts.append(f"<h3>{rank}{_e(entry['topic'])}{scope}</h3>")
            if entry.get("summary"):
                parts.append(f'<p class="summary">{_e(entry["summary"])}</p>')
            if entry.get("note"):
                parts.append(f"<p>{_e(entry['note'])}</p>")
            parts.append(_sides_table_html(entry["sides"], names))
    return html_page(title, "\n".join(parts))


def entries_markdown(
    entries: Sequence[dict], title: str, intro: str = "", names: Mapping[str, str] | None = None
) -> str:
    """Conflicts or diff entries as Markdown, grouped by kind, quotes as block quotes."""
    lines = [f"# {title}", ""]
    if intro:
        lines += [intro, ""]
    groups = _grouped(entries)
    lines += ["## Contents", ""]
    lines += [f"- [{KIND_TITLES.get(k, k)}](#{_anchor(k)}) ({len(v)})" for k, v in groups.items()]
    lines.append("")
    for kind, items in groups.items():
        lines += [f'<a id="{_anchor(kind)}"></a>', "", f"## {KIND_TITLES.get(kind, kind)} ({len(items)})", ""]
        for entry in items:
            scope = " _(within one document)_" if entry.get("scope") == "within" else ""
            rank = f"#{entry['rank']} " if entry.get("rank") else ""
            lines += [f"### {rank}{entry['topic']}{scope}", ""]
            if entry.get("summary"):
                lines += [f"**{entry['summary']}**", ""]
            for side in entry["sides"]:
                where = f"{_protocol_words(side['protocol'], names)} {side['provision']}".strip()
                lines.append(f"- **{where}**: {side['value']}")
                if side.get("quote"):
                    lines.append(f"  > {side['quote']}")
            lines.append("")
    return "\n".join(lines).rstrip()


def entries_table(entries: Sequence[dict]) -> str:
    """A terminal table: one row a side, the kind and topic on the first side's row."""
    rows = []
    for entry in entries:
        for index, side in enumerate(entry["sides"]):
            rows.append(
                {
                    "kind": entry["kind"] if index == 0 else "",
                    "topic": (entry["topic"] + (" (within)" if entry.get("scope") == "within" else ""))
                    if index == 0
                    else "",
                    "protocol": side["protocol"],
                    "clause": side["provision"],
                    "says": side["value"],
                }
            )
    return render(rows, ["kind", "topic", "protocol", "clause", "says"], "table", wrap={"topic": 34, "says": 60})


def render_entries(
    entries: Sequence[dict], fmt: str, title: str, intro: str = "", names: Mapping[str, str] | None = None
) -> str:
    """Render conflicts or diff entries in the chosen format; ``names`` (protocol id → short
    title) puts each protocol's short title beside its id in Markdown and HTML."""
    if fmt == "json":
        return json.dumps(list(entries), indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return entries_markdown(entries, title, intro, names)
    if fmt == "html":
        return entries_html(entries, title, intro, names)
    return entries_table(entries)


def timescale_matrix(rows: Sequence[dict], protocols: Sequence[str]) -> tuple[list[dict], list[str]]:
    """Timescales side by side: a row per topic (and kind), a column per protocol, each cell
    the durations with their clauses."""
    cells: dict[tuple[str, str], dict[str, list[str]]] = {}
    for row in rows:
        text = (
            "immediately"
            if row["immediate"]
            else "no stated length"
            if row["max"] is None
            else (row["max"] if row["min"] == row["max"] else f"{row['min']}–{row['max']}")
        )
        if row["working_days"]:
            text += " working"
        if row["soft"]:
            text += " (soft)"
        key = (row["topic"], row["kind"])
        cells.setdefault(key, {}).setdefault(row["protocol"], []).append(f"{text} ({row['provision']})")
    table = []
    for (topic, kind), by_protocol in sorted(cells.items()):
        entry: dict[str, object] = {"topic": topic, "kind": kind}
        for protocol in protocols:
            entry[protocol] = "; ".join(dict.fromkeys(by_protocol.get(protocol, []))) or "—"
        table.append(entry)
    return table, ["topic", "kind", *protocols]


def matrix_html(rows: Sequence[dict], columns: Sequence[str], title: str) -> str:
    """A matrix as a self-contained HTML page."""
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return html_page(title, f"<table><tr>{head}</tr>{body}</table>")


def summary_table(entries: Sequence[dict], fmt: str) -> str:
    """A short summary: per kind, how many conflicts across protocols and within one, and topics."""
    rows = []
    for kind, items in _grouped(entries).items():
        across = [e for e in items if e.get("scope", "across") == "across"]
        topics = list(dict.fromkeys(e["topic"] for e in items))
        rows.append(
            {
                "kind": KIND_TITLES.get(kind, kind),
                "across": len(across),
                "within": len(items) - len(across),
                "topics": "; ".join(topics[:4]) + (f"; … (+{len(topics) - 4})" if len(topics) > 4 else ""),
            }
        )
    return render(rows, ["kind", "across", "within", "topics"], fmt, wrap={"topics": 70, "kind": 28})


def conflicts_report(
    corpus: Corpus,
    protocols: list[str] | None = None,
    kinds: list[str] | None = None,
    scope: str | None = None,
    renames: bool = True,
    summary: bool = False,
    include_superseded: bool = False,
    engine: object = "oxigraph",
    fmt: str = "table",
) -> tuple[str, int]:
    """The conflicts report (``protograph conflicts``) as text in the chosen format, and how
    many conflicts it holds: by default among the current version of each protocol line."""
    from ..comparing.conflicts import compared_protocols, conflict_entries, protocol_label

    chosen = compared_protocols(corpus, protocols, include_superseded)
    found, entries = conflict_entries(corpus, chosen, kinds, scope, engine, renames, fmt == "json")
    names = "; ".join(protocol_label(corpus, p) for p in chosen)
    if summary:
        text = summary_table(entries, "markdown" if fmt == "markdown" else "table")
        text += f"\n\n{len(found)} conflicts among {names} (renames are not conflicts). Full report: --format markdown or html."
    else:
        intro = f"Protocols compared: {names}. {len(found)} conflicts."
        text = render_entries(entries, fmt, "Conflicts between protocols", intro, _short_names(corpus, chosen))
    return text, len(found)


def diff_report(
    corpus: Corpus, version_a: str, version_b: str, areas: list[str] | None = None, fmt: str = "table"
) -> tuple[str, int]:
    """The diff report (``protograph diff``) as text in the chosen format, and how many changes."""
    from ..comparing.conflicts import protocol_name
    from ..comparing.diff import diff, diff_intro

    changes = diff(corpus, version_a, version_b, areas)
    entries = [c.as_row(version_a, version_b) for c in changes]
    title = f"Changes from {protocol_name(corpus, version_a)} to {protocol_name(corpus, version_b)}"
    intro = diff_intro(corpus, version_a, version_b, changes)
    return render_entries(entries, fmt, title, intro, _short_names(corpus, [version_a, version_b])), len(changes)


def _short_names(corpus: Corpus, protocols: list[str]) -> dict[str, str]:
    """Protocol id → the name reports put beside it (its short title)."""
    from ..comparing.conflicts import protocol_name

    return {p: protocol_name(corpus, p) for p in protocols}


def align_report(
    corpus: Corpus, protocols: list[str] | None = None, limit: int = 3, fmt: str = "table"
) -> tuple[str, bool]:
    """The alignment report (``protograph align``) as text, and whether anything is left to do
    (a duty not aligned, or a carried-over sentence aligned differently)."""
    from ..comparing.alignment import alignment_status

    status = alignment_status(corpus, protocols, limit)
    left = bool(status["unaligned"] or status["aligned_differently"])
    if fmt == "json":
        return json.dumps(status, indent=2, ensure_ascii=False), left
    table = [
        {
            "protocol": r["protocol"],
            "clause": r["provision"],
            "duty": r["duty"],
            "candidates": "; ".join(
                f"{s['obligation']} ({s['score']}: {', '.join(s['why'])})" for s in r["suggestions"]
            )
            or "none",
        }
        for r in status["unaligned"]
    ]
    lines = [render(table, ["protocol", "clause", "duty", "candidates"], fmt, wrap={"candidates": 70, "duty": 40})]
    lines += [f"aligned differently: {line}" for line in status["aligned_differently"]]
    lines.append(
        f"{len(status['unaligned'])} duties not aligned, {len(status['aligned_differently'])} carried-over sentences "
        f"aligned differently, {len(status['inferred'])} alignments inferred from carried-over sentences"
    )
    return "\n".join(lines), left

"""Commands that compare protocols: conflicts and diff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .options import connect, corpus_options, emit, endpoint_option, format_option, protocols_option, split_ids


@click.command("conflicts")
@protocols_option
@endpoint_option
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["deadline", "timescale", "modality", "bearer", "definition", "threshold", "form", "absent"]),
    help="Only conflicts of this kind; repeatable.",
)
@click.option("--within", "scope", flag_value="within", default=None, help="Only contradictions inside one document.")
@click.option("--across", "scope", flag_value="across", help="Only differences between protocols.")
@click.option(
    "--renames/--no-renames",
    default=True,
    show_default=True,
    help="List renames (UKBA → UK Visas and Immigration) after the conflicts; never counted as conflicts.",
)
@click.option("--summary", is_flag=True, help="Only counts and topics per kind (table or markdown).")
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Write the report to this file.")
@corpus_options
@format_option(["table", "markdown", "json", "html"])
def conflicts_command(
    protocol_ids: str | None,
    endpoint: str | None,
    kinds: tuple[str, ...],
    scope: str | None,
    renames: bool,
    summary: bool,
    output: Path | None,
    corpus: Any,
    fmt: str,
) -> int:
    """List where the protocols disagree: deadlines, modality, bearers, definitions, thresholds, forms, missing duties."""
    from ..comparing.conflicts import conflicts, protocol_renames
    from ..reports.policy import render_entries

    chosen = split_ids(protocol_ids, corpus)
    engine = connect(endpoint, corpus) or "oxigraph"
    found = [c for c in conflicts(corpus, chosen, list(kinds) or None, engine) if scope is None or c.scope == scope]
    entries = [c.as_row() for c in found]
    if renames and fmt != "json":
        entries += [r.as_row() for r in protocol_renames(corpus, chosen, engine)]
    elif renames and fmt == "json" and kinds == ():
        entries += [
            {**r.as_row(), "scope": "across", "note": "a rename, not a conflict"}
            for r in protocol_renames(corpus, chosen, engine)
        ]
    names = ", ".join(chosen or corpus.ids())
    if summary:
        from ..reports.policy import summary_table

        text = summary_table(entries, "markdown" if fmt == "markdown" else "table")
        text += f"\n\n{len(found)} conflicts among {names} (renames are not conflicts). Full report: --format markdown or html."
    else:
        text = render_entries(
            entries, fmt, "Conflicts between protocols", f"Protocols compared: {names}. {len(found)} conflicts."
        )
    emit(text, output, f"{len(found)} conflicts")
    return 0


@click.command("diff")
@click.argument("version_a")
@click.argument("version_b")
@click.option(
    "--area",
    "areas",
    multiple=True,
    type=click.Choice(["duty", "timescale", "definition", "indicator", "form", "rename"]),
    help="Only changes in this area; repeatable.",
)
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Write the report to this file.")
@corpus_options
@format_option(["table", "markdown", "json", "html"])
def diff_command(
    version_a: str, version_b: str, areas: tuple[str, ...], output: Path | None, corpus: Any, fmt: str
) -> int:
    """What changed from VERSION_A to VERSION_B: added, removed and changed facts, and renames."""
    from ..comparing.diff import diff
    from ..reports.policy import render_entries

    changes = diff(corpus, version_a, version_b, list(areas) or None)
    entries = [c.as_row(version_a, version_b) for c in changes]
    counts = {k: sum(1 for c in changes if c.kind == k) for k in ("changed", "added", "removed", "rename")}
    intro = f"From {version_a} to {version_b}: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + "."
    text = render_entries(entries, fmt, f"Changes from {version_a} to {version_b}", intro)
    emit(text, output, f"{len(changes)} changes")
    return 0

"""Commands that compare protocols: conflicts, diff, and align (the alignment they rest on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..comparing.kinds import KINDS
from .options import connect, corpus_options, emit, endpoint_option, format_option, protocols_option, split_ids


@click.command("conflicts")
@protocols_option
@endpoint_option
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KINDS),
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
@click.option(
    "--include-superseded",
    is_flag=True,
    help="Also compare versions a later loaded version revises (by default only the current version of each line).",
)
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
    include_superseded: bool,
    output: Path | None,
    corpus: Any,
    fmt: str,
) -> int:
    """List where the protocols disagree: deadlines, modality, bearers, definitions, thresholds, forms, missing duties."""
    from ..reports.policy import conflicts_report

    chosen = split_ids(protocol_ids, corpus)  # unknown ids are refused before an endpoint is asked
    engine = connect(endpoint, corpus) or "oxigraph"
    text, count = conflicts_report(
        corpus, chosen, list(kinds) or None, scope, renames, summary, include_superseded, engine, fmt
    )
    emit(text, output, f"{count} conflicts")
    return 0


@click.command("diff")
@click.argument("version_a")
@click.argument("version_b")
@click.option(
    "--area",
    "areas",
    multiple=True,
    type=click.Choice(["duty", "timescale", "threshold", "definition", "indicator", "form", "rename"]),
    help="Only changes in this area; repeatable.",
)
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Write the report to this file.")
@corpus_options
@format_option(["table", "markdown", "json", "html"])
def diff_command(
    version_a: str, version_b: str, areas: tuple[str, ...], output: Path | None, corpus: Any, fmt: str
) -> int:
    """What changed from VERSION_A to VERSION_B: added, removed and changed facts, and renames."""
    from ..reports.policy import diff_report

    text, count = diff_report(corpus, version_a, version_b, list(areas) or None, fmt)
    emit(text, output, f"{count} changes")
    return 0


@click.command("align")
@click.argument("protocol_ids", nargs=-1)
@click.option("--suggestions", "limit", type=int, default=3, show_default=True, help="Candidates shown per duty.")
@corpus_options
@format_option(["table", "markdown", "json"])
def align_command(protocol_ids: tuple[str, ...], limit: int, corpus: Any, fmt: str) -> int:
    """List duties neither aligned to a shared obligation nor marked unique, each with candidate
    obligations ranked by wording, action, trigger and roles; and sentences carried over between
    versions that the alignment places under different obligations. Exit 1 when there are any."""
    from ..reports.policy import align_report

    text, left = align_report(corpus, list(protocol_ids) or None, limit, fmt)
    click.echo(text)
    return 1 if left else 0

"""The board's pages: `protograph graph ID... --output FILE.html`, the interactive duty graph,
and `protograph timeline ID [ID] --event EVENT --output FILE.html`, who must do what by when
after an event; each one offline page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import corpus_options

if TYPE_CHECKING:
    from ..corpus.loader import Corpus


_page_output = click.option(
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The HTML file to write (one self-contained page: works offline, loads nothing).",
)


@click.command("graph")
@click.argument("protocol_ids", metavar="ID...", nargs=-1, required=True)
@_page_output
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="With exactly two ids (earlier, later): colour nodes added, removed or changed between them.",
)
@corpus_options
def graph_command(protocol_ids: tuple[str, ...], output: Path, show_diff: bool, corpus: Corpus) -> int:
    """Draw who owes what to whom, by when: roles, duties, events, deadlines and forms of the
    chosen protocols as one interactive HTML page (filter by protocol; --diff colours changes)."""
    from ..graphs.page import write_duty_graph_page

    graph, size = write_duty_graph_page(corpus, protocol_ids, output, show_diff)
    click.echo(
        f"wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links, {size:,} bytes)", err=True
    )
    return 0


_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _event_type(ctx: click.Context, param: click.Parameter, event: str) -> str:
    """--event: an event type id of the vocabulary."""
    from ..cases.reading import event_type_ids

    if event not in event_type_ids():
        known = ", ".join(sorted(event_type_ids()))
        raise click.BadParameter(f"unknown event type {event!r} (known: {known})", param_hint="--event")
    return event


def _date(ctx: click.Context, param: click.Parameter, produced: str | None) -> str | None:
    """--produced: YYYY, YYYY-MM or YYYY-MM-DD."""
    if produced is not None and not _DATE.fullmatch(produced):
        raise click.BadParameter(f"{produced!r} is not a date (YYYY-MM-DD)", param_hint="--produced")
    return produced


@click.command("timeline")
@click.argument("protocol_ids", metavar="ID [ID]", nargs=-1, required=True)
@click.option(
    "--event",
    "event",
    default="missing",
    show_default=True,
    callback=_event_type,
    help="The event that starts things (missing, trafficking-suspected, referral, returned, ...); the page "
    "can switch to any other.",
)
@_page_output
@click.option(
    "--produced",
    "produced",
    metavar="DATE",
    callback=_date,
    help="The date printed as 'produced' (YYYY-MM-DD; default: the newest protocol date of the corpus, so "
    "the page is the same bytes on every run).",
)
@corpus_options
def timeline_command(
    protocol_ids: tuple[str, ...], event: str, output: Path, produced: str | None, corpus: Corpus
) -> int:
    """When an event happens, who must do what, by when: lanes by role, columns by time after the
    event, a card per duty with its clause (click for the quote). Two ids: side by side, with
    what differs marked from the alignment of duties."""
    from ..graphs.timeline_page import write_timeline_page

    size = write_timeline_page(corpus, protocol_ids, event, output, produced)
    click.echo(f"wrote {output} ({size:,} bytes)", err=True)
    return 0

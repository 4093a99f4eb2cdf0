"""`protograph graph ID... --output FILE.html`: the interactive duty graph as one offline page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import corpus_options

if TYPE_CHECKING:
    from ..corpus.loader import Corpus


@click.command("graph")
@click.argument("protocol_ids", metavar="ID...", nargs=-1, required=True)
@click.option(
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The HTML file to write (one self-contained page: works offline, loads nothing).",
)
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
    from ..graphs.duty_graph import diff_status, duty_graph
    from ..graphs.page import write_graph_html

    chosen = list(dict.fromkeys(protocol_ids))
    if show_diff and len(chosen) != 2:
        raise click.UsageError(f"--diff needs exactly two protocol ids (earlier, later), got {len(chosen)}")
    for protocol_id in chosen:
        corpus.info(protocol_id)  # an unknown id is one line naming it and the known ones
    graph = duty_graph(corpus, chosen)
    status = diff_status(corpus, graph, chosen[0], chosen[1]) if show_diff else None
    title = f"Duty graph: {chosen[0]} → {chosen[1]}" if show_diff else "Duty graph: " + ", ".join(chosen)
    size = write_graph_html(graph, output, title, status)
    click.echo(
        f"wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links, {size:,} bytes)", err=True
    )
    return 0

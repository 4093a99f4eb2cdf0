"""`protograph graph ID... --output FILE.html`: the interactive duty graph as one offline page."""

from __future__ import annotations

from pathlib import Path

import click


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
@click.option(
    "--corpus",
    "corpus_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A folder of your own protocol files (*.ttl) to load beside the bundled ones; repeatable.",
)
@click.option("--no-bundled", is_flag=True, help="Load only the --corpus protocols, not the bundled ones.")
def graph_command(
    protocol_ids: tuple[str, ...], output: Path, show_diff: bool, corpus_dirs: tuple[Path, ...], no_bundled: bool
) -> int:
    """Draw who owes what to whom, by when: roles, duties, events, deadlines and forms of the
    chosen protocols as one interactive HTML page (filter by protocol; --diff colours changes)."""
    from .graphs import diff_status, duty_graph
    from .loader import load_corpus
    from .render_graph import write_graph_html

    if no_bundled and not corpus_dirs:
        raise click.UsageError("--no-bundled needs at least one --corpus folder")
    chosen = list(dict.fromkeys(protocol_ids))
    if show_diff and len(chosen) != 2:
        raise click.UsageError(f"--diff needs exactly two protocol ids (earlier, later), got {len(chosen)}")
    corpus = load_corpus(list(corpus_dirs), bundled=not no_bundled)
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

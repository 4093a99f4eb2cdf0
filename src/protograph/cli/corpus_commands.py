"""Commands over the corpus alone: list, show, timescales, coverage, check, seraf, shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .options import (
    CorpusSource,
    connect,
    corpus_options,
    emit,
    endpoint_option,
    format_option,
    protocols_option,
    split_ids,
)


@click.command("list")
@corpus_options(lazy=True)
@format_option()
def list_command(corpus: CorpusSource, fmt: str) -> int:
    """List the loaded protocol versions."""
    from ..corpus.catalogue import PROTOCOL_COLUMNS, protocol_list  # the bundled list without rdflib
    from ..reports.formats import render

    rows = protocol_list(corpus.dirs, corpus.bundled)
    click.echo(render(rows, PROTOCOL_COLUMNS, fmt, wrap={"title": 40, "issuer": 30}))
    return 0


@click.command("show")
@click.argument("protocol_id")
@corpus_options
@format_option()
def show_command(protocol_id: str, corpus: Any, fmt: str) -> int:
    """Summarise one protocol: what it encodes, and its duties by role with deadlines and clauses."""
    from ..reports.protocol_summary import render_show

    click.echo(render_show(corpus, protocol_id, fmt))
    return 0


@click.command("timescales")
@protocols_option
@endpoint_option
@click.option("--matrix", "as_matrix", is_flag=True, help="Side by side: a row per topic, a column per protocol.")
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Write the report to this file.")
@corpus_options
@format_option(["table", "markdown", "json", "csv", "html"])
def timescales_command(
    protocol_ids: str | None, endpoint: str | None, as_matrix: bool, output: Path | None, corpus: Any, fmt: str
) -> int:
    """List every timescale the protocols state: deadlines, risk windows and periods."""
    from ..corpus.timescales import timescale_rows
    from ..reports.timescale_report import render_timescales

    chosen = split_ids(protocol_ids, corpus)
    rows = timescale_rows(corpus, chosen, connect(endpoint, corpus))
    text, what = render_timescales(rows, chosen or corpus.ids(), fmt, as_matrix)
    emit(text, output, what)
    return 0


@click.command("coverage")
@click.argument("protocol_id")
@click.option("--all", "show_all", is_flag=True, help="Show encoded and explained sentences too, not only gaps.")
@click.option("--strict", is_flag=True, help="Exit 1 when any normative sentence is unexplained.")
@corpus_options
@format_option()
def coverage_command(protocol_id: str, show_all: bool, strict: bool, corpus: Any, fmt: str) -> int:
    """Show which normative sentences of a protocol's source text are encoded."""
    from ..corpus.coverage import protocol_coverage
    from ..reports.coverage_report import render_coverage

    report = protocol_coverage(corpus, protocol_id)
    click.echo(render_coverage(report, fmt, show_all))
    return 1 if strict and report.counts["unexplained"] else 0


@click.command("check")
@click.argument("protocol_ids", nargs=-1)
@corpus_options
def check_command(protocol_ids: tuple[str, ...], corpus: Any) -> int:
    """Check protocol encodings: shapes, shared terms, timescales, every quote against its source,
    and every limit a checkable duty's wording names against its structured scope."""
    from ..checking.protocol_checks import check_protocols

    passed = True
    for checked in check_protocols(corpus, protocol_ids):  # each reported as soon as it is checked
        click.echo("\n".join(checked.lines()))
        passed = passed and checked.passed
    return 0 if passed else 1


@click.command("seraf")
@click.option(
    "--vulnerability", "vulnerabilities", multiple=True, metavar="ID", help="A SERAF vulnerability present; repeatable."
)
@click.option("--moderate", multiple=True, metavar="ID", help="A moderate risk indicator present in the past 6 months.")
@click.option(
    "--significant-current",
    multiple=True,
    metavar="ID",
    help="A significant risk indicator present in the past 6 months.",
)
@click.option(
    "--significant-recent", multiple=True, metavar="ID", help="A significant risk indicator present 6 to 12 months ago."
)
@click.option("--age", type=click.IntRange(0, 25), default=None, help="The child's age in years.")
@click.option("--disabled", is_flag=True, help="The child has a physical or learning disability.")
@click.option("--list-indicators", is_flag=True, help="List the SERAF indicator ids and exit.")
@click.option(
    "--protocol",
    "protocol_id",
    default="4lscb-met-2013",
    show_default=True,
    help="The protocol whose SERAF rules to use.",
)
@corpus_options
@format_option()
def seraf_command(
    vulnerabilities: tuple[str, ...],
    moderate: tuple[str, ...],
    significant_current: tuple[str, ...],
    significant_recent: tuple[str, ...],
    age: int | None,
    disabled: bool,
    list_indicators: bool,
    protocol_id: str,
    corpus: Any,
    fmt: str,
) -> int:
    """Score a child's indicators with SERAF (4lscb-met-2013 Appendix 2) and give the category of risk."""
    from ..corpus.seraf import SerafInput, load_rules, score
    from ..reports.seraf_report import render_indicators, render_score

    rules = load_rules(corpus.graph(protocol_id))
    if list_indicators:
        click.echo(render_indicators(rules, fmt))
        return 0
    result = score(
        rules,
        SerafInput(
            vulnerabilities=frozenset(vulnerabilities),
            moderate=frozenset(moderate),
            significant_current=frozenset(significant_current),
            significant_recent=frozenset(significant_recent),
            age=age,
            disabled=disabled,
        ),
    )
    click.echo(render_score(result, fmt))
    return 0


@click.command("shapes")
@click.argument("protocol_id")
@click.option(
    "--output", type=click.Path(path_type=Path), default=None, help="Write the shapes to this file instead of stdout."
)
@corpus_options
def shapes_command(protocol_id: str, output: Path | None, corpus: Any) -> int:
    """Write the SHACL shapes generated from a protocol's duties (Turtle)."""
    from ..checking.shapes import shapes_turtle

    text = shapes_turtle(corpus, protocol_id)
    if output is None:
        click.echo(text)
    else:
        from ..errors import printable
        from ..guard.output_files import write_output

        write_output(output, text.encode("utf-8"))
        click.echo(f"wrote {printable(str(output))}", err=True)
    return 0

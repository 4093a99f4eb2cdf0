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
    from ..reports.formats import render

    if corpus.bundled_only:  # read without rdflib (see catalogue.py)
        from ..corpus.catalogue import bundled_protocol_rows

        rows = bundled_protocol_rows()
    else:
        from ..reports.protocol_summary import protocol_rows

        rows = protocol_rows(corpus.load())
    columns = ["id", "title", "issuer", "date", "revision_of", "duties", "timescales", "source"]
    click.echo(render(rows, columns, fmt, wrap={"title": 40, "issuer": 30}))
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
    from ..corpus.timescales import COLUMNS, EXTRA_COLUMNS, timescales
    from ..reports.formats import render

    chosen = split_ids(protocol_ids, corpus)
    server = connect(endpoint, corpus)
    if server is not None:
        from ..corpus.timescales import timescales_from

        found = timescales_from(server, chosen or corpus.ids())
    else:
        found = timescales(corpus, chosen)
    rows = [t.as_row() for t in found]
    if as_matrix or fmt == "html":
        from ..reports.policy import matrix_html, timescale_matrix

        table, columns = timescale_matrix(rows, chosen or corpus.ids())
        if fmt == "html":
            emit(matrix_html(table, columns, "Timescales side by side"), output, f"{len(table)} rows")
        else:
            emit(render(table, columns, fmt, wrap={c: 24 for c in columns}), output, f"{len(table)} rows")
        return 0
    columns = COLUMNS + EXTRA_COLUMNS if fmt in ("json", "csv") else COLUMNS
    emit(render(rows, columns, fmt, wrap={"what": 32, "quote": 60}), output, f"{len(rows)} timescales")
    return 0


@click.command("coverage")
@click.argument("protocol_id")
@click.option("--all", "show_all", is_flag=True, help="Show encoded and explained sentences too, not only gaps.")
@click.option("--strict", is_flag=True, help="Exit 1 when any normative sentence is unexplained.")
@corpus_options
@format_option()
def coverage_command(protocol_id: str, show_all: bool, strict: bool, corpus: Any, fmt: str) -> int:
    """Show which normative sentences of a protocol's source text are encoded."""
    from ..corpus.coverage import coverage, summary
    from ..corpus.encoding_checks import source_text_for
    from ..reports.formats import render

    info = corpus.info(protocol_id)
    _, text = source_text_for(corpus.graph(protocol_id), info.path)
    rows = coverage(corpus.graph(protocol_id), text)
    counts = summary(rows, corpus.graph(protocol_id))
    shown = [r for r in rows if show_all or r.status == "unexplained"]
    records = [
        {
            "line": r.line,
            "status": r.status,
            "cue": r.cue,
            "provisions": list(r.references),
            "sentence": r.sentence,
            "note": r.note,
        }
        for r in shown
    ]
    if fmt == "json":
        import json

        click.echo(
            json.dumps({"protocol": protocol_id, "summary": counts, "sentences": records}, indent=2, ensure_ascii=False)
        )
    else:
        columns = ["line", "status", "cue", "provisions", "sentence"]
        if records:
            click.echo(render(records, columns, fmt, wrap={"sentence": 90}))
        line = ", ".join(f"{v} {k}" for k, v in counts.items())
        click.echo(f"{protocol_id}: {line}")
    return 1 if strict and counts["unexplained"] else 0


@click.command("check")
@click.argument("protocol_ids", nargs=-1)
@corpus_options
def check_command(protocol_ids: tuple[str, ...], corpus: Any) -> int:
    """Check protocol encodings: shapes, shared terms, timescales, every quote against its source,
    and every limit a checkable duty's wording names against its structured scope."""
    from ..checking.scope_limits import unstructured_limits
    from ..corpus.encoding_checks import all_problems

    failed = False
    for protocol_id in protocol_ids or corpus.ids():
        info = corpus.info(protocol_id)
        problems = [str(p) for p in all_problems(corpus.graph(protocol_id), corpus.ontology, info.path)]
        problems += [f"scope: {u}" for u in unstructured_limits(corpus, protocol_id)]
        for problem in problems:
            click.echo(f"{info.path}: {problem}")
        click.echo(f"{protocol_id}: {len(problems)} problem(s)")
        failed = failed or bool(problems)
    return 1 if failed else 0


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
    from ..reports.formats import render

    rules = load_rules(corpus.graph(protocol_id))
    if list_indicators:
        rows = [
            {"list": kind, "id": ind.id, "indicator": ind.label} for kind, items in rules.lists.items() for ind in items
        ]
        click.echo(render(rows, ["list", "id", "indicator"], fmt, wrap={"indicator": 70}))
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
    if fmt == "json":
        import json

        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        rows = [{"rule": line.rule, "points": line.points, "provision": line.provision} for line in result.lines]
        click.echo(render(rows, ["rule", "points", "provision"], fmt, wrap={"rule": 70}))
        click.echo(f"SERAF score {result.total}: category {result.category} ({result.category_label})")
        if result.actions:
            click.echo(f"Associated actions: {result.actions}")
        for note in result.notes:
            click.echo(f"Note: {note}")
    return 0


@click.command("shapes")
@click.argument("protocol_id")
@click.option(
    "--output", type=click.Path(path_type=Path), default=None, help="Write the shapes to this file instead of stdout."
)
@corpus_options
def shapes_command(protocol_id: str, output: Path | None, corpus: Any) -> int:
    """Write the SHACL shapes generated from a protocol's duties (Turtle)."""
    from ..checking.validation import protocol_shapes

    text = protocol_shapes(corpus, corpus.info(protocol_id).id).serialize(format="turtle")
    if output is None:
        click.echo(text)
    else:
        from ..errors import printable
        from ..guard.output_files import write_output

        write_output(output, text.encode("utf-8"))
        click.echo(f"wrote {printable(str(output))}", err=True)
    return 0

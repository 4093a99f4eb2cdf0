"""The ``protograph`` command line.

Each command parses its arguments, calls the library, renders with the renderer the user
chose and returns the exit status. Heavy libraries are imported inside the commands that
need them, so ``protograph --help`` starts fast. Errors the user can fix are printed as
one line (``file:place: problem``) with exit status 2, never as a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import ProtographError
from .options import CorpusSource
from .options import corpus_options as _corpus_options

if TYPE_CHECKING:
    from datetime import timedelta

FORMATS = ["table", "markdown", "json"]


def _format_option(choices: list[str] = FORMATS) -> Callable[..., Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default="table", show_default=True, help="Output format."
    )


def _protocols_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--protocols",
        "protocol_ids",
        default=None,
        metavar="ID[,ID...]",
        help="Comma-separated protocol ids (default: all loaded).",
    )(command)


def _endpoint_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--endpoint",
        default=None,
        metavar="URL",
        help="Run on a SPARQL 1.1 server (e.g. http://127.0.0.1:7878, an Oxigraph server): the corpus is loaded "
        "into it (or reused) and the same queries run there.",
    )(command)


def _connect(url: str | None, corpus: Any) -> Any:
    """The user's SPARQL endpoint with the corpus loaded into it, or None."""
    if url is None:
        return None
    from ..store.endpoint import Endpoint

    endpoint = Endpoint(url)
    endpoint.load_corpus(corpus)
    return endpoint


def _emit(text: str, output: Path | None, what: str) -> None:
    """Print a report, or write it to the file the user named and say so on stderr."""
    if output is None:
        click.echo(text)
        return
    output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    click.echo(f"wrote {output} ({what})", err=True)


def _split_ids(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="protograph")
def cli() -> None:
    """protograph: compare, validate and explore multi-agency child-safeguarding protocols.

    Every fact comes from a protocol's text, with its clause and a verbatim quote."""


@cli.command("list")
@_corpus_options(lazy=True)
@_format_option()
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


@cli.command("show")
@click.argument("protocol_id")
@_corpus_options
@_format_option()
def show_command(protocol_id: str, corpus: Any, fmt: str) -> int:
    """Summarise one protocol: what it encodes, and its duties by role with deadlines and clauses."""
    from ..reports.protocol_summary import render_show

    click.echo(render_show(corpus, protocol_id, fmt))
    return 0


@cli.command("timescales")
@_protocols_option
@_endpoint_option
@click.option("--matrix", "as_matrix", is_flag=True, help="Side by side: a row per topic, a column per protocol.")
@_corpus_options
@_format_option(["table", "markdown", "json", "csv", "html"])
def timescales_command(protocol_ids: str | None, endpoint: str | None, as_matrix: bool, corpus: Any, fmt: str) -> int:
    """List every timescale the protocols state: deadlines, risk windows and periods."""
    from ..corpus.timescales import COLUMNS, EXTRA_COLUMNS, timescales
    from ..reports.formats import render

    chosen = _split_ids(protocol_ids)
    server = _connect(endpoint, corpus)
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
            click.echo(matrix_html(table, columns, "Timescales side by side"), nl=False)
        else:
            click.echo(render(table, columns, fmt, wrap={c: 24 for c in columns}))
        return 0
    columns = COLUMNS + EXTRA_COLUMNS if fmt in ("json", "csv") else COLUMNS
    click.echo(render(rows, columns, fmt, wrap={"what": 32, "quote": 60}))
    return 0


@cli.command("conflicts")
@_protocols_option
@_endpoint_option
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
@_corpus_options
@_format_option(["table", "markdown", "json", "html"])
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

    chosen = _split_ids(protocol_ids)
    engine = _connect(endpoint, corpus) or "oxigraph"
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
    _emit(text, output, f"{len(found)} conflicts")
    return 0


@cli.command("diff")
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
@_corpus_options
@_format_option(["table", "markdown", "json", "html"])
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
    _emit(text, output, f"{len(changes)} changes")
    return 0


@cli.command("coverage")
@click.argument("protocol_id")
@click.option("--all", "show_all", is_flag=True, help="Show encoded and explained sentences too, not only gaps.")
@click.option("--strict", is_flag=True, help="Exit 1 when any normative sentence is unexplained.")
@_corpus_options
@_format_option()
def coverage_command(protocol_id: str, show_all: bool, strict: bool, corpus: Any, fmt: str) -> int:
    """Show which normative sentences of a protocol's source text are encoded."""
    from ..corpus.coverage import coverage, summary
    from ..corpus.encoding_checks import source_text_for
    from ..reports.formats import render

    info = corpus.info(protocol_id)
    _, text = source_text_for(corpus.graph(protocol_id), info.path)
    rows = coverage(corpus.graph(protocol_id), text)
    counts = summary(rows)
    shown = [r for r in rows if show_all or r.status == "unexplained"]
    records = [
        {"line": r.line, "status": r.status, "provisions": list(r.references), "sentence": r.sentence, "note": r.note}
        for r in shown
    ]
    if fmt == "json":
        import json

        click.echo(
            json.dumps({"protocol": protocol_id, "summary": counts, "sentences": records}, indent=2, ensure_ascii=False)
        )
    else:
        columns = ["line", "status", "provisions", "sentence"]
        if records:
            click.echo(render(records, columns, fmt, wrap={"sentence": 90}))
        line = ", ".join(f"{v} {k}" for k, v in counts.items())
        click.echo(f"{protocol_id}: {line}")
    return 1 if strict and counts["unexplained"] else 0


@cli.command("check")
@click.argument("protocol_ids", nargs=-1)
@_corpus_options
def check_command(protocol_ids: tuple[str, ...], corpus: Any) -> int:
    """Check protocol encodings: shapes, shared terms, timescales and every quote against its source."""
    from ..corpus.encoding_checks import all_problems

    failed = False
    for protocol_id in protocol_ids or corpus.ids():
        info = corpus.info(protocol_id)
        problems = all_problems(corpus.graph(protocol_id), corpus.ontology, info.path)
        for problem in problems:
            click.echo(f"{info.path}: {problem}")
        click.echo(f"{protocol_id}: {len(problems)} problem(s)")
        failed = failed or bool(problems)
    return 1 if failed else 0


@cli.command("seraf")
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
@_corpus_options
@_format_option()
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


def _parse_tolerance(value: str) -> timedelta:
    import re
    from datetime import timedelta

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hour|hours|d|day|days)\s*", value or "")
    if not match:
        raise click.BadParameter(f"{value!r} is not a duration such as 30m, 1h or 2h", param_hint="--tolerance")
    number, unit = float(match.group(1)), match.group(2)[0]
    return timedelta(seconds=number * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit])


@cli.command("validate")
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@_endpoint_option
@click.option(
    "--report",
    is_flag=True,
    help="The caseload report: per protocol and duty, cases on time, late, outstanding; compliance %.",
)
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Write the output to this file.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--engine",
    type=click.Choice(["batch", "reference"]),
    default=None,
    help="batch: each duty's query once over the caseload (pyoxigraph); reference: pySHACL case by case. "
    "Default: batch for more than one case.",
)
@click.option(
    "--protocol",
    "protocol_id",
    default="all",
    show_default=True,
    help="A protocol id, or 'all' for every loaded protocol.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="TIME",
    help="Review time for every case (ISO 8601 with offset); default: each case's as_of or last event.",
)
@click.option("--tolerance", default="1h", show_default=True, help="How long 'immediately' may take (30m, 1h, 2h).")
@click.option(
    "--matrix/--no-matrix",
    "show_matrix",
    default=None,
    help="Print the protocol × duty outcome matrix (default: with --protocol all).",
)
@click.option(
    "--pseudonymise",
    is_flag=True,
    help="Replace case ids, event ids and case file names in every output by salted pseudonyms "
    "(case-3f9a0c1d2e4b), stable for the same salt. Needs $PROTOGRAPH_SALT or --salt-file.",
)
@click.option(
    "--salt-file",
    type=click.Path(path_type=Path),
    default=None,
    help="A file holding the secret salt for --pseudonymise (at least 16 characters; wins over $PROTOGRAPH_SALT).",
)
@_corpus_options(lazy=True)
@_format_option(["table", "markdown", "json", "csv", "html"])
def validate_command(
    cases: tuple[Path, ...],
    endpoint: str | None,
    report: bool,
    output: Path | None,
    quiet: bool,
    protocol_id: str,
    as_of: str | None,
    tolerance: str,
    show_matrix: bool | None,
    engine: str | None,
    pseudonymise: bool,
    salt_file: Path | None,
    corpus: CorpusSource,
    fmt: str,
) -> int:
    """Validate case timelines against a protocol (or all): what was late, by how much, under which clause.

    CASES are case files (YAML, or Turtle, RDF/XML or JSON-LD), folders of them, or folders holding events.csv
    (+ children.csv).
    Exit status: 0 no violations (warnings and information allowed), 1 violations, 2 bad input."""
    from ..cases.reading import parse_time, read_caseload
    from ..errors import InputError
    from ..reports.findings import render_validation

    if salt_file is not None and not pseudonymise:
        raise click.UsageError("--salt-file is used only with --pseudonymise")
    if pseudonymise:
        from ..cases.pseudonymise import salt_from

        salt = salt_from(salt_file)
    when = parse_time(as_of, "--as-of", "", "--as-of") if as_of else None
    loaded = []
    seen: dict[str, str] = {}
    for path in cases:
        for case in read_caseload(path, when):
            if case.id in seen:
                raise InputError(f"case id {case.id!r} is also used by {seen[case.id]}", case.source)
            seen[case.id] = case.source
            loaded.append(case)
    if pseudonymise:  # before validation, so no output of any format can show an original id
        from ..cases.pseudonymise import pseudonymise_cases

        loaded = pseudonymise_cases(loaded, salt)
    corpus = corpus.load()  # after the cases, so that bad case input fails at once
    protocols = corpus.ids() if protocol_id == "all" else [corpus.info(protocol_id).id]
    engine = engine or ("batch" if len(loaded) > 1 else "reference")
    server = _connect(endpoint, corpus)
    if server is not None:
        engine = "batch"
    if report:
        from ..checking.caseload import validate_cases
        from ..reports.caseload import render_report, report_rows

        results = validate_cases(corpus, loaded, protocols, _parse_tolerance(tolerance), engine, not quiet, server)
        violations = sum(1 for r in results for f in r.findings if f.severity == "Violation")
        _emit(render_report(report_rows(results), fmt, len(loaded)), output, f"{len(loaded)} cases")
        return 1 if violations else 0
    if fmt in ("csv", "html"):
        raise click.UsageError(f"--format {fmt} is for the caseload report: add --report")
    text, violations = render_validation(
        corpus,
        loaded,
        protocols,
        _parse_tolerance(tolerance),
        fmt,
        (protocol_id == "all" and fmt != "json" and len(loaded) <= 5) if show_matrix is None else show_matrix,
        engine,
        not quiet,
        server,
    )
    _emit(text, output, f"{len(loaded)} cases")
    return 1 if violations else 0


@cli.command("shapes")
@click.argument("protocol_id")
@click.option(
    "--output", type=click.Path(path_type=Path), default=None, help="Write the shapes to this file instead of stdout."
)
@_corpus_options
def shapes_command(protocol_id: str, output: Path | None, corpus: Any) -> int:
    """Write the SHACL shapes generated from a protocol's duties (Turtle)."""
    from ..checking.validation import protocol_shapes

    text = protocol_shapes(corpus, corpus.info(protocol_id).id).serialize(format="turtle")
    if output is None:
        click.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    return 0


def _register_optional_commands() -> None:
    from .graph_commands import graph_command

    cli.add_command(graph_command)


_register_optional_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning user errors into one line and exit status 2."""
    from ..guard import network as netguard

    netguard.install(rdflib=False)  # before any command runs: no socket but --endpoint, ever
    try:
        status = cli.main(args=argv, prog_name="protograph", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"protograph: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("protograph: aborted", err=True)
        sys.exit(130)
    except ProtographError as exc:
        click.echo(f"protograph: {exc}", err=True)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug: one line, with the details behind a switch
        if os.environ.get("PROTOGRAPH_DEBUG"):
            raise
        click.echo(
            f"protograph: internal error: {type(exc).__name__}: {exc} (set PROTOGRAPH_DEBUG=1 for details)", err=True
        )
        sys.exit(3)
    sys.exit(status if isinstance(status, int) else 0)

"""Commands over case timelines: validate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from datetime import timedelta

from .options import CorpusSource, connect, corpus_options, endpoint_option, format_option


def _parse_tolerance(value: str) -> timedelta:
    import re
    from datetime import timedelta

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hour|hours|d|day|days)\s*", value or "")
    if not match:
        raise click.BadParameter(f"{value!r} is not a duration such as 30m, 1h or 2h", param_hint="--tolerance")
    number, unit = float(match.group(1)), match.group(2)[0]
    seconds = number * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    if seconds > MAX_TOLERANCE_DAYS * 86400:  # a billion days overflows every date it is added to
        raise click.BadParameter(
            f"{value!r} is longer than {MAX_TOLERANCE_DAYS} days; 'immediately' cannot take that long",
            param_hint="--tolerance",
        )
    return timedelta(seconds=seconds)


MAX_TOLERANCE_DAYS = 7


def __getattr__(name: str) -> object:
    """BATCH_EVENTS and choose_engine, which the library owns (reports.caseload_run), for
    callers of this module; imported on use, so that ``protograph --help`` loads no rdflib."""
    if name in ("BATCH_EVENTS", "choose_engine"):
        from ..reports import caseload_run

        return getattr(caseload_run, name)
    raise AttributeError(name)


@click.command("validate")
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@endpoint_option
@click.option(
    "--report",
    is_flag=True,
    help="The caseload report: per protocol and duty, cases (triggered, not triggered, not applicable) and "
    "episodes (on time, late, not done by the deadline, open, pending); compliance %.",
)
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Write the output to this file.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--engine",
    type=click.Choice(["batch", "reference", "shapes"]),
    default=None,
    help="batch: the shapes' constraints evaluated in Python from the compiled duties; shapes: each duty's "
    "query once over the caseload (pyoxigraph, or the --endpoint server); reference: pySHACL case by case. "
    "Default: batch for more than one case or for a case of more than 200 events (BATCH_EVENTS), else reference.",
)
@click.option(
    "--protocol",
    "protocol_id",
    default="all",
    show_default=True,
    help="A protocol id; 'all' for every loaded version (superseded versions and peer areas marked); "
    "'in-force' for, per case, the version of each line in force when each duty was triggered.",
)
@click.option(
    "--area",
    default=None,
    metavar="LINE|AREA",
    help="Only the protocol line(s) of this area or line: an area (Hertfordshire), or any version id of the line.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="TIME",
    help="Review date for the cases that give none (ISO 8601 with offset). A case's own as_of (case file, or "
    "the as_of column of children.csv) wins; with neither, the case's last event. Every report says which.",
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
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Validate chunks of cases in this many worker processes (default: the cores this process may use).",
)
@click.option(
    "--chunk",
    "chunk_cases",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help="Cases read, validated and written at a time (default 1000); memory grows with it, not with the caseload.",
)
@click.option(
    "--profile-phases",
    is_flag=True,
    help="Print on stderr how long each phase took: read, load corpus, validate, write.",
)
@corpus_options(lazy=True)
@format_option(["table", "markdown", "json", "csv", "html"])
def validate_command(
    cases: tuple[Path, ...],
    endpoint: str | None,
    report: bool,
    output: Path | None,
    quiet: bool,
    protocol_id: str,
    area: str | None,
    as_of: str | None,
    tolerance: str,
    show_matrix: bool | None,
    engine: str | None,
    pseudonymise: bool,
    salt_file: Path | None,
    jobs: int | None,
    chunk_cases: int | None,
    profile_phases: bool,
    corpus: CorpusSource,
    fmt: str,
) -> int:
    """Validate case timelines against a protocol (or all): what was late, by how much, under which clause.

    CASES are case files (YAML, or Turtle, RDF/XML or JSON-LD), folders of them, or folders holding events.csv
    (+ children.csv).
    Exit status: 0 no violations (warnings and information allowed), 1 violations, 2 bad input."""
    from ..reports.caseload_run import UsageProblem, ValidateRequest, run_validate

    request = ValidateRequest(
        tuple(cases), protocol_id, area, as_of, _parse_tolerance(tolerance), report, fmt, show_matrix, engine
    )
    try:
        summary = run_validate(
            request,
            corpus.load_for_checking,
            output,
            pseudonymise=pseudonymise,
            salt_file=salt_file,
            jobs=jobs,
            chunk_cases=chunk_cases,
            progress=not quiet,
            connect=lambda loaded: connect(endpoint, loaded),
            say=lambda line: click.echo(line, err=True),
            profile_phases=profile_phases,
        )
    except UsageProblem as problem:
        raise click.UsageError(str(problem)) from None
    return 1 if summary.violations else 0


@click.command("vocab")
@click.argument("kind", type=click.Choice(["events", "roles", "categories"]))
@format_option()
def vocab_command(kind: str, fmt: str) -> int:
    """The ids a case file may use: event types (events), roles (by, to) or missing-episode
    categories, each with its label and meaning (from ontology/vocab)."""
    from ..cases.reading import vocabulary
    from ..reports.formats import render

    click.echo(render(vocabulary(kind), ["id", "label", "meaning"], fmt, wrap={"meaning": 70}))
    return 0


@click.command("sample-caseload")
@click.argument("count", type=click.IntRange(1, 100_000))
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--seed", default=2024, show_default=True, help="The same seed always gives the same caseload.")
def sample_caseload_command(count: int, folder: Path, seed: int) -> int:
    """Write COUNT synthetic cases (never real children) to FOLDER as events.csv and
    children.csv, ready for `protograph validate FOLDER`: trafficked children found at a port,
    looked-after children who go missing, MASH referrals, exploitation concerns; duties met on
    time, late, exactly on the deadline or never. Refuses to overwrite existing files."""
    from ..cases.synthetic import write_caseload

    written = write_caseload(count, folder, seed)
    click.echo(f"wrote {', '.join(str(p) for p in written)} ({count} cases)", err=True)
    return 0

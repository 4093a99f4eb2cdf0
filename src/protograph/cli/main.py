"""The ``protograph`` command line: the group, its commands (one module per group of
commands: corpus, comparing, case and graph commands) and the entry point.

Each command parses its arguments, calls the library, renders with the renderer the user
chose and returns the exit status. Heavy libraries are imported inside the commands that
need them, so ``protograph --help`` starts fast. Errors the user can fix are printed as
one line (``file:place: problem``) with exit status 2, never as a traceback."""

from __future__ import annotations

import os
import sys

import click

from ..errors import ProtographError, printable, shorten


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="protograph")
def cli() -> None:
    """protograph: compare, validate and explore multi-agency child-safeguarding protocols.

    Every fact comes from a protocol's text, with its clause and a verbatim quote."""


def _register_commands() -> None:
    from .case_commands import sample_caseload_command, validate_command, vocab_command
    from .comparing_commands import align_command, conflicts_command, diff_command
    from .corpus_commands import (
        check_command,
        coverage_command,
        list_command,
        seraf_command,
        shapes_command,
        show_command,
        timescales_command,
    )
    from .graph_commands import graph_command, timeline_command

    for command in (
        list_command,
        show_command,
        timescales_command,
        conflicts_command,
        diff_command,
        align_command,
        coverage_command,
        check_command,
        seraf_command,
        validate_command,
        vocab_command,
        sample_caseload_command,
        shapes_command,
        graph_command,
        timeline_command,
    ):
        cli.add_command(command)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning user errors into one line and exit status 2."""
    from ..guard import network as netguard

    netguard.install(rdflib=False)  # before any command runs: no socket but --endpoint, ever
    try:
        status = cli.main(args=argv, prog_name="protograph", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"protograph: {shorten(printable(exc.format_message()))}", err=True)
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
            f"protograph: internal error: {type(exc).__name__}: {shorten(printable(str(exc)))} "
            "(set PROTOGRAPH_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(3)
    sys.exit(status if isinstance(status, int) else 0)

"""Options and helpers shared by the command modules: the corpus to load, the output format,
the protocols, a SPARQL endpoint, and writing a report to stdout or a file."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..store.endpoint import Endpoint


@dataclass(frozen=True)
class CorpusSource:
    """The corpus a command asked for, not yet loaded: commands that can fail on their own
    input first (validate) or answer without rdflib (list) load it when they need it."""

    dirs: tuple[Path, ...]
    bundled: bool

    @property
    def bundled_only(self) -> bool:
        """True when no --corpus folder was given."""
        return not self.dirs

    def load(self) -> Any:
        """Load (and check) the corpus."""
        from ..corpus.loader import load_corpus

        return load_corpus(list(self.dirs), bundled=self.bundled)

    def load_for_checking(self) -> Any:
        """The corpus for validating cases: its compiled duties restored from the on-disk cache
        when the encoding files are unchanged (checking.plan.load_checking_corpus)."""
        from ..checking.plan import load_checking_corpus

        return load_checking_corpus(list(self.dirs), bundled=self.bundled)


def corpus_options(command: Callable[..., Any] | None = None, *, lazy: bool = False) -> Any:
    """Add --corpus DIR (repeatable) and --no-bundled to a command, which receives the loaded
    corpus, or with ``lazy`` a CorpusSource to load when it needs it."""
    if command is None:
        return functools.partial(corpus_options, lazy=lazy)

    @click.option(
        "--corpus",
        "corpus_dirs",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A folder of your own protocol files (.ttl, .nt, .n3, .rdf/.xml, .jsonld) to load beside the bundled ones; "
        "repeatable.",
    )
    @click.option("--no-bundled", is_flag=True, help="Load only the --corpus protocols, not the bundled ones.")
    @functools.wraps(command)
    def wrapper(*args: Any, corpus_dirs: tuple[Path, ...], no_bundled: bool, **kwargs: Any) -> Any:
        if no_bundled and not corpus_dirs:
            raise click.UsageError("--no-bundled needs at least one --corpus folder")

        source = CorpusSource(tuple(corpus_dirs), bundled=not no_bundled)
        return command(*args, corpus=source if lazy else source.load(), **kwargs)

    return wrapper


FORMATS = ["table", "markdown", "json"]


def format_option(choices: list[str] = FORMATS) -> Callable[..., Any]:
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default="table", show_default=True, help="Output format."
    )


def protocols_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--protocols",
        "protocol_ids",
        default=None,
        metavar="ID[,ID...]",
        help="Comma-separated protocol ids (default: all loaded).",
    )(command)


def endpoint_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--endpoint",
        default=None,
        metavar="URL",
        help="Run on a SPARQL 1.1 server (e.g. http://127.0.0.1:7878, an Oxigraph server): the corpus is loaded "
        "into it (or reused) and the same queries run there.",
    )(command)


def connect(url: str | None, corpus: Any) -> Endpoint | None:
    """The user's SPARQL endpoint with the corpus loaded into it, or None."""
    if url is None:
        return None
    from ..store.endpoint import Endpoint

    endpoint = Endpoint(url)
    endpoint.load_corpus(corpus)
    return endpoint


def emit(text: str, output: Path | None, what: str) -> None:
    """Print a report, or write it to the file the user named and say so on stderr."""
    if output is None:
        click.echo(text)
        return
    from ..errors import printable
    from ..guard.output_files import write_output

    write_output(output, (text if text.endswith("\n") else text + "\n").encode("utf-8"))
    click.echo(f"wrote {printable(str(output))} ({what})", err=True)


def split_ids(value: str | None, corpus: Any = None) -> list[str] | None:
    """The protocol ids of --protocols (None: all). A value that names none (``,``) is refused,
    not read as "all"; with ``corpus``, an unknown id is refused whichever engine runs."""
    if value is None:
        return None
    ids = list(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if not ids:
        raise click.BadParameter(f"{value!r} names no protocol id", param_hint="--protocols")
    if corpus is not None:
        for protocol_id in ids:
            corpus.info(protocol_id)
    return ids

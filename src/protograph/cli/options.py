"""Options shared by every command that loads the corpus (kept apart so that command
modules such as graph_cli can use them without importing the whole CLI)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


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

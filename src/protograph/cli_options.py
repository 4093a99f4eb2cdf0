"""Options shared by every command that loads the corpus (kept apart so that command
modules such as graph_cli can use them without importing the whole CLI)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def corpus_options(command: Callable[..., Any] | None = None, *, lazy: bool = False) -> Any:
    """Add --corpus DIR (repeatable) and --no-bundled to a command, which receives the loaded
    corpus. With ``lazy``, it receives instead a function that loads it, or None when only
    the bundled corpus is asked for (so that it can take a lighter path)."""
    if command is None:
        return functools.partial(corpus_options, lazy=lazy)

    @click.option(
        "--corpus",
        "corpus_dirs",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A folder of your own protocol files (*.ttl) to load beside the bundled ones; repeatable.",
    )
    @click.option("--no-bundled", is_flag=True, help="Load only the --corpus protocols, not the bundled ones.")
    @functools.wraps(command)
    def wrapper(*args: Any, corpus_dirs: tuple[Path, ...], no_bundled: bool, **kwargs: Any) -> Any:
        if no_bundled and not corpus_dirs:
            raise click.UsageError("--no-bundled needs at least one --corpus folder")

        def load() -> Any:
            from .loader import load_corpus

            return load_corpus(list(corpus_dirs), bundled=not no_bundled)

        if lazy:
            return command(*args, corpus=load if corpus_dirs else None, **kwargs)
        return command(*args, corpus=load(), **kwargs)

    return wrapper

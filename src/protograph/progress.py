"""Progress bars on stderr for long runs: shown only after a second and only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def bar(items: Iterable[T], description: str, enabled: bool) -> Iterator[T]:
    """Iterate ``items``, drawing a bar on stderr when enabled, after one second, on a TTY."""
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=description, file=sys.stderr, delay=1.0, leave=False, disable=None)


class _Silent:
    """A counter that shows nothing."""

    def update(self, count: int = 1) -> None:
        """Count ``count`` more items."""

    def set_postfix_str(self, text: str) -> None:
        """Say something beside the count."""


@contextmanager
def counter(total: int, description: str, enabled: bool) -> Iterator[Any]:
    """A bar on stderr counting ``total`` items as the caller reports them done (``update``),
    with the rate and the time left; after one second, on a TTY, when enabled."""
    if not enabled:
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(
        total=total, desc=description, unit="case", file=sys.stderr, delay=1.0, leave=False, disable=None
    ) as shown:
        yield shown

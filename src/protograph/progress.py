"""Progress bars on stderr for long runs: shown only after a second and only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def bar(items: Iterable[T], description: str, enabled: bool) -> Iterator[T]:
    """Iterate ``items``, drawing a bar on stderr when enabled, after one second, on a TTY."""
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=description, file=sys.stderr, delay=1.0, leave=False, disable=None)

"""Quote fidelity: every encoded quote must occur verbatim in its source text.

Both sides are normalised the same way (docs/encoding.md, "Quotes"): runs of white space
are one space, markdown markup and table tags are dropped, a word hyphenated at a line end is joined, and a
quote may be given as fragments joined by `` [...] `` that must occur in order."""

from __future__ import annotations

import re
from dataclasses import dataclass

ELISION = "[...]"

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LINE_END_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=\w)")
_SPACE = re.compile(r"\s+")
_TABLE_TAGS = re.compile(r"</?p>|<input[^>]*>|<br\s*/?>")


def normalise(text: str) -> str:
    """Normalise text for quote comparison (white space, markdown, line-end hyphens)."""
    text = _LINE_END_HYPHEN.sub("-", text)
    text = _LINK.sub(r"\1", text)
    text = _TABLE_TAGS.sub(" ", text)
    text = text.replace("<u>", "").replace("</u>", "").replace("*", "")
    text = text.replace("\u00a0", " ")
    return _SPACE.sub(" ", text).strip()


def fragments(quote: str) -> list[str]:
    """Split a quote into the normalised fragments that must occur in order."""
    return [normalise(part) for part in quote.split(ELISION) if normalise(part)]


@dataclass(frozen=True)
class QuoteCheck:
    """Where a quote was found in its normalised source, or the fragment that was not."""

    found: bool
    start: int = -1
    end: int = -1
    missing: str = ""


def locate(quote: str, normalised_source: str) -> QuoteCheck:
    """Find a quote's fragments, in order, in an already normalised source."""
    parts = fragments(quote)
    if not parts:
        return QuoteCheck(False, missing="(empty quote)")
    position = 0
    start = -1
    for part in parts:
        index = normalised_source.find(part, position)
        if index < 0:
            return QuoteCheck(False, missing=part)
        if start < 0:
            start = index
        position = index + len(part)
    return QuoteCheck(True, start, position)

"""'Did you mean …?': the closest valid ids to a misspelt one (difflib), for event types,
roles, categories, protocols and areas. ``return_interview`` finds ``return-interview``,
``Returned`` finds ``returned``: the comparison ignores case and treats ``_``, space and
``-`` alike before difflib measures the rest."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-").replace(" ", "-")


def closest(value: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` valid ids closest to ``value``, best first."""
    options = sorted(set(choices))
    by_key: dict[str, list[str]] = {}
    for option in options:
        by_key.setdefault(_key(option), []).append(option)
    exact = by_key.get(_key(value))
    if exact:
        return exact[:limit]
    keys = difflib.get_close_matches(_key(value), list(by_key), n=limit, cutoff=0.6)
    return [option for key in keys for option in by_key[key]][:limit]


def did_you_mean(value: str, choices: Iterable[str], limit: int = 3) -> str:
    """' (did you mean 'a' or 'b'?)' or '' when nothing is close."""
    found = closest(value, choices, limit)
    if not found:
        return ""
    quoted = [repr(f) for f in found]
    text = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {text}?)"

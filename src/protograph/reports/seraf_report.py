"""`protograph seraf` rendered: the SERAF indicator lists, and a child's score with the rule
behind each point, the category of risk, its associated actions and notes."""

from __future__ import annotations

import json

from ..corpus.seraf import SerafResult, SerafRules, indicator_rows
from .formats import render


def render_indicators(rules: SerafRules, fmt: str) -> str:
    """Every indicator id a SERAF list holds, with its wording."""
    return render(indicator_rows(rules), ["list", "id", "indicator"], fmt, wrap={"indicator": 70})


def render_score(result: SerafResult, fmt: str) -> str:
    """The score in ``fmt``: JSON as ``SerafResult.as_dict`` gives it; otherwise a row a rule
    that added points, then the total and category, the associated actions and any notes."""
    if fmt == "json":
        return json.dumps(result.as_dict(), indent=2, ensure_ascii=False)
    rows = [{"rule": line.rule, "points": line.points, "provision": line.provision} for line in result.lines]
    lines = [
        render(rows, ["rule", "points", "provision"], fmt, wrap={"rule": 70}),
        f"SERAF score {result.total}: category {result.category} ({result.category_label})",
    ]
    if result.actions:
        lines.append(f"Associated actions: {result.actions}")
    lines.extend(f"Note: {note}" for note in result.notes)
    return "\n".join(lines)

"""The scope test files, ``tests/data/scope/<protocol-id>.yaml``, read strictly.

One file a protocol; a list with one entry per checkable duty:

    - duty: duty-71-contact-police-and-social-care-immediately   # local id, without the p: prefix
      reading: "one line: the limit of this duty as read in its paragraph and section"
      inside:
        why: "a case inside the duty's scope that breaches it or leaves it open"
        case: {id: scope-guide-71-in, child: {...}, events: [...]}   # the YAML case format
      outside:
        why: "a realistic case just outside the duty's scope"
        case: {...}

Every fault is one line naming the file, the line and the problem (InputError), as for case
files: unknown or missing keys, empty text, a duty id with the p: prefix or given twice, a case
id used twice, and every fault of the cases themselves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from protograph.cases.reading import Case, case_from_mapping, read_yaml_values
from protograph.errors import InputError

SCOPE_DIR = Path(__file__).parent / "data" / "scope"
ENTRY_KEYS = ("duty", "reading", "inside", "outside")
SIDE_KEYS = ("why", "case")


@dataclass(frozen=True)
class Side:
    """One case of a scope test: why it is inside or outside, and the case."""

    why: str
    case: Case


@dataclass(frozen=True)
class ScopeEntry:
    """The scope test of one checkable duty."""

    duty: str
    reading: str
    inside: Side
    outside: Side
    line: int


def _keys(value, keys: tuple[str, ...], what: str, path: str) -> dict:  # noqa: ANN001 - a strict YAML value
    if not isinstance(value.value, dict):
        raise InputError(f"{what} must be a mapping with {', '.join(keys)}", path, value.line)
    fields = value.value
    for name, entry in fields.items():
        if name not in keys:
            raise InputError(f"unknown key {name!r} in {what} (known: {', '.join(keys)})", path, entry.line)
    for name in keys:
        if name not in fields:
            raise InputError(f"{what} has no {name!r}", path, value.line)
    return fields


def _text(value, what: str, path: str) -> str:  # noqa: ANN001
    if not isinstance(value.value, str) or not value.value.strip():
        raise InputError(f"{what} must be non-empty text, not {value.value!r}", path, value.line)
    return value.value.strip()


def _side(value, what: str, path: str) -> Side:  # noqa: ANN001
    fields = _keys(value, SIDE_KEYS, what, path)
    return Side(_text(fields["why"], f"{what} why", path), case_from_mapping(fields["case"], path))


def read_scope_file(path: Path) -> list[ScopeEntry]:
    """Every entry of one scope test file, checked; InputError names file, line and problem."""
    shown = str(path)
    root = read_yaml_values(path, "a scope test file")
    if not isinstance(root.value, list) or not root.value:
        raise InputError("a scope test file is a non-empty list of entries (duty, reading, inside, outside)", shown, 1)
    entries: list[ScopeEntry] = []
    seen_duties: dict[str, int] = {}
    seen_cases: dict[str, int] = {}
    for item in root.value:
        fields = _keys(item, ENTRY_KEYS, "an entry", shown)
        duty = _text(fields["duty"], "duty", shown)
        if ":" in duty:
            raise InputError(f"duty {duty!r} must be the local id, without a prefix", shown, fields["duty"].line)
        if duty in seen_duties:
            raise InputError(f"duty {duty!r} has a second entry (first on line {seen_duties[duty]})", shown, item.line)
        seen_duties[duty] = item.line
        entry = ScopeEntry(
            duty,
            _text(fields["reading"], "reading", shown),
            _side(fields["inside"], "inside", shown),
            _side(fields["outside"], "outside", shown),
            item.line,
        )
        for side in (entry.inside, entry.outside):
            if side.case.id in seen_cases:
                raise InputError(
                    f"case id {side.case.id!r} is used twice (first on line {seen_cases[side.case.id]})",
                    shown,
                    item.line,
                )
            seen_cases[side.case.id] = item.line
        entries.append(entry)
    return entries

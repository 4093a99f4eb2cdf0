"""Error types. Each carries the file, the place in it and the problem, so the CLI can
print one line such as ``cases/case-017.yaml:6: event time has no UTC offset``."""

from __future__ import annotations

import re
from pathlib import Path

MAX_PROBLEM_CHARS = 400
MAX_PATH_CHARS = 300
# C0 and C1 controls, DEL, the Unicode line and paragraph separators and lone surrogates: any
# of them printed raw could end the one line early, forge a second one, or fail to encode.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every character that could break or forge a line shown as an escape
    (a newline as ``\\n``, a lone surrogate as ``\\ud800``), so it prints as one line."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def shorten(text: str, limit: int = MAX_PROBLEM_CHARS) -> str:
    """``text`` cut in the middle to at most about ``limit`` characters, with an ellipsis, so a
    4 MB value is never echoed whole but the start and the end of the message remain."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head - 1
    return f"{text[:head]}…{text[-tail:]}"


class ProtographError(Exception):
    """A problem the user can fix: names the file, the place and the problem."""

    def __init__(self, problem: str, path: str | Path | None = None, place: str | int | None = None):
        self.problem = problem
        self.path = str(path) if path is not None else None
        self.place = place
        super().__init__(str(self))

    def __str__(self) -> str:
        where = shorten(printable(self.path), MAX_PATH_CHARS) if self.path else ""
        if self.place is not None and self.place != "":
            place = shorten(printable(str(self.place)), MAX_PATH_CHARS)
            where = f"{where}:{place}" if where else place
        problem = shorten(printable(self.problem))
        return f"{where}: {problem}" if where else problem


class InputError(ProtographError):
    """Bad input: a file that is missing, unreadable or malformed, or an unknown id."""


class EncodingError(ProtographError):
    """A protocol encoding that fails the encoding shapes or quotes text not in its source."""


class NetworkRefused(ProtographError):
    """Something tried to reach the network (or a local file) while parsing input."""


class InputErrors(InputError):
    """Several faults of one file (a CSV caseload reports up to MAX_REPORTED before it stops):
    printed one line each, then a line counting them."""

    MAX_REPORTED = 20

    def __init__(self, errors: list[InputError], path: str | Path, stopped: bool = False):
        self.errors = list(errors)
        self.stopped = stopped
        count = f"{len(self.errors)} errors" + (f"; stopped after the first {len(self.errors)}" if stopped else "")
        super().__init__(count, path)

    def __str__(self) -> str:
        count = f"{self.path}: {self.problem}" if self.path else self.problem
        return "\nprotograph: ".join([*(str(e) for e in self.errors), count])


class ErrorCollector:
    """Collects the faults of one file: ``with collector.check(): ...`` records an InputError
    and goes on; the collector raises InputErrors once it holds MAX_REPORTED of them, and
    ``finish()`` raises what it holds (one fault alone as itself, the one-line rule)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.errors: list[InputError] = []

    def add(self, error: InputError) -> None:
        self.errors.append(error)
        if len(self.errors) >= InputErrors.MAX_REPORTED:
            raise InputErrors(self.errors, self.path, stopped=True)

    def check(self) -> _Check:
        return _Check(self)

    def finish(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InputErrors(self.errors, self.path)


class _Check:
    def __init__(self, collector: ErrorCollector):
        self.collector = collector

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: object, traceback: object) -> bool:
        if isinstance(error, InputError) and not isinstance(error, InputErrors):
            self.collector.add(error)
            return True
        return False

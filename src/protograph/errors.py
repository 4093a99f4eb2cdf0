"""Error types. Each carries the file, the place in it and the problem, so the CLI can
print one line such as ``cases/case-017.yaml:6: event time has no UTC offset``."""

from __future__ import annotations

from pathlib import Path


class ProtographError(Exception):
    """A problem the user can fix: names the file, the place and the problem."""

    def __init__(self, problem: str, path: str | Path | None = None, place: str | int | None = None):
        self.problem = problem
        self.path = str(path) if path is not None else None
        self.place = place
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if self.place is not None and self.place != "":
            where = f"{where}:{self.place}" if where else str(self.place)
        return f"{where}: {self.problem}" if where else self.problem


class InputError(ProtographError):
    """Bad input: a file that is missing, unreadable or malformed, or an unknown id."""


class EncodingError(ProtographError):
    """A protocol encoding that fails the encoding shapes or quotes text not in its source."""


class NetworkRefused(ProtographError):
    """Something tried to reach the network (or a local file) while parsing input."""

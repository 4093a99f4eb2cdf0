"""Read a user's input file (case, caseload CSV, protocol, source text) strictly, as text.

Every reader goes through :func:`read_text`, so every format refuses the same faults with
the same one line: too large (by ``stat``, before a byte is read, so a 500 MB file costs
nothing), empty, binary, UTF-16, not UTF-8, or a byte-order mark in the middle of the text.

A UTF-8 byte-order mark at the very start is accepted and dropped: it is what Excel and
Notepad write when they save "UTF-8", and refusing it would refuse most exported caseloads.
One anywhere else is refused: it is the mark of two files pasted together, and it would
otherwise end up inside a column name or an id. Files are opened read-only and never
written."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError

_BOM = "\ufeff"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def line_of(data: bytes | str, offset: int) -> int:
    """The 1-based line on which ``offset`` (a byte or character index) falls."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def find_line(text: str, needles: Iterable[str]) -> int | None:
    """The line where the first of ``needles`` that occurs is written outside a ``#`` comment
    line: for RDF, whose parsers give no line per triple, the best place to point at."""
    for needle in needles:
        if not needle:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line and not line.lstrip().startswith(("#", "<!--")):
                return number
    return None


def check_size(path: Path, limit: int, what: str, error: type = InputError) -> int:
    """Refuse a file larger than ``limit`` by its size on disk, before reading it (a sparse or
    huge file is never read into memory); return the size."""
    size = path.stat().st_size
    if size > limit:
        raise error(f"file is {size:,} bytes; {what} may be at most {limit:,}", path)
    return size


def read_text(path: Path, what: str, kind: str, limit: int, error: type = InputError) -> str:
    """Read ``path`` as UTF-8 text, or raise ``error`` naming the file, the line and the fault.

    ``what`` names the file in the size message ("a case file"); ``kind`` names the expected
    content in the others ("YAML", "CSV")."""
    if not path.exists():
        raise error("file not found", path)
    if not path.is_file():
        raise error("not a file", path)
    if check_size(path, limit, what, error) == 0:
        raise error("file is empty", path, 1)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path) from None
    if data.startswith(_UTF16_BOMS):
        raise error(f"file is UTF-16 text; save it as UTF-8 {kind}", path, 1)
    if b"\x00" in data:
        raise error(f"file is binary (a NUL byte), not {kind} text", path, line_of(data, data.index(b"\x00")))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}; save it as UTF-8)", path, line_of(data, exc.start)
        ) from None
    if _BOM in text:
        raise error(
            "a byte-order mark (U+FEFF) in the middle of the file (two files joined?)",
            path,
            line_of(text, text.index(_BOM)),
        )
    if not text.strip():
        raise error(f"file holds only white space, no {kind}", path, 1)
    return text

"""Read a user's input file (case, caseload CSV, protocol, source text) strictly, as text.

Every reader goes through :func:`read_text`, so every format refuses the same faults with
the same one line: too large (by ``stat``, before a byte is read, so a 500 MB file costs
nothing), empty, binary, UTF-16, not UTF-8, or a byte-order mark in the middle of the text.

A UTF-8 byte-order mark at the very start is accepted and dropped: it is what Excel and
Notepad write when they save "UTF-8", and refusing it would refuse most exported caseloads.
One anywhere else is refused: it is the mark of two files pasted together, and it would
otherwise end up inside a column name or an id. Files are opened read-only and never
written.

Every read is bounded twice, per input and not per call: at most ``limit`` bytes (a file
that grows while it is read, a FIFO or ``/dev/zero`` stops at the limit) and at most
:data:`READ_SECONDS` in all (a FIFO whose writer trickles a byte a second stops too).
Inputs must be regular files, except where a caller allows a pipe (a salt given as
``<(command)``). Each file read is remembered by device and inode (:func:`input_identities`),
so that an output can refuse to overwrite one, however it is named."""

from __future__ import annotations

import os
import select
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError

READ_SECONDS = 30.0
_CHUNK = 1 << 16
_inputs: set[tuple[int, int]] = set()


def input_identities() -> frozenset[tuple[int, int]]:
    """(device, inode) of every file this process has read as input so far."""
    return frozenset(_inputs)


def remember_input(path: Path) -> None:
    """Count ``path`` (if it exists) as an input of this run, though it was not read through
    :func:`read_bytes` (a bundled file, a source text an output must not overwrite)."""
    try:
        info = os.stat(path)
    except OSError:
        return
    _inputs.add((info.st_dev, info.st_ino))


def read_bytes(
    path: Path,
    limit: int,
    what: str,
    error: type = InputError,
    *,
    pipes: bool = False,
    seconds: float = READ_SECONDS,
) -> bytes:
    """The bytes of ``path``: at most ``limit`` of them, read within ``seconds`` in all.

    A regular file larger than the limit is refused by its size before a byte is read. With
    ``pipes`` a FIFO or character device is read too (up to the limit and the time); without,
    it is refused, as is a folder."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error("file not found", path) from None
    except IsADirectoryError:
        raise error("not a file (a folder)", path) from None
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error("not a file (a folder)", path)
        regular = stat.S_ISREG(info.st_mode)
        if not regular and not (pipes and (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode))):
            kind = (
                "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode) else "not regular"
            )
            raise error(f"not a regular file ({kind}); give {what} as a plain file", path)
        _inputs.add((info.st_dev, info.st_ino))
        if regular and info.st_size > limit:
            raise error(f"file is {info.st_size:,} bytes; {what} may be at most {limit:,}", path)
        return _read_fd(fd, path, limit, what, error, seconds, regular)
    finally:
        os.close(fd)


def _read_fd(fd: int, path: Path, limit: int, what: str, error: type, seconds: float, regular: bool) -> bytes:
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    total = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise error(f"reading {what} took longer than {seconds:g} s; stopped", path)
        if not regular:
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
        try:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        except BlockingIOError:
            time.sleep(0.01)  # a FIFO whose writer has not written yet
            continue
        except OSError as exc:
            raise error(f"cannot read file: {exc.strerror}", path) from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise error(f"more than {limit:,} bytes; {what} may be at most {limit:,}", path)


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
    data = read_bytes(path, limit, what, error)
    if not data:
        raise error("file is empty", path, 1)
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


def reread_text(path: Path, limit: int) -> str:
    """Read a file already read and checked once more (to find a line for an error); as
    bounded as the first read, and never failing: a file gone or changed gives ''."""
    try:
        return read_bytes(path, limit, "the file").decode("utf-8-sig", "replace")
    except Exception:  # noqa: BLE001 - only used to decorate an error that is already raised
        return ""

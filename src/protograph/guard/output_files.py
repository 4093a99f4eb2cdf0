"""Write a report the user asked for (``--output FILE``) without ever touching an input.

:func:`write_output` refuses a path that is one of the run's inputs or a protocol source text,
compared by device and inode, so a hard or symbolic link, ``./`` or ``..`` does not get around
it; and it writes atomically: the bytes go to a temporary file in the same folder, which is
renamed over the target only once they are all on disk, so a full device or a failed write
leaves the old file as it was and no partial file behind. A target that exists and is not a
regular file (``/dev/stdout``, a FIFO) cannot be renamed over: it is written in place, and a
write that fails there (``/dev/full``) is one line too."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import InputError
from .input_files import input_identities


def _protected() -> set[tuple[int, int]]:
    """Inputs read so far, plus the bundled source texts (an output must not replace one even
    in a run that did not read it)."""
    from ..paths import sources_dir

    identities = set(input_identities())
    try:
        for source in sources_dir().iterdir():
            info = source.stat()
            identities.add((info.st_dev, info.st_ino))
    except OSError:
        pass
    return identities


def check_output(path: Path) -> os.stat_result | None:
    """Refuse an output path that is an input, a folder, or in a folder that does not exist;
    return the target's status (None when it does not exist yet)."""
    try:
        info = os.stat(path)  # follows links: a link to an input is that input
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"cannot write the output: {exc.strerror}", path) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise InputError("the output is a folder; name a file", path)
        if (info.st_dev, info.st_ino) in _protected():
            raise InputError(
                "the output is one of this run's inputs or a protocol source text; refusing to overwrite it", path
            )
        return info
    parent = Path(path).parent
    if not parent.is_dir():
        raise InputError(f"cannot write the output: folder {str(parent)!r} does not exist", path)
    return None


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (checked by :func:`check_output`), atomically when it is a file."""
    with output_file(path) as handle:
        handle.write(data)


@contextmanager
def output_file(path: Path | None) -> Iterator[IO[bytes]]:
    """A binary file to write an output into as it is made; once the block ends without an
    error, it becomes ``path`` (checked by :func:`check_output`; atomically when a regular file),
    or with no path goes to stdout. If the block raises, nothing is written anywhere and no
    partial file is left: the bytes went to a temporary file (beside ``path``, or in a private
    temporary folder for stdout and for targets that are not regular files) that is removed."""
    info = check_output(path) if path is not None else None
    if path is None or (info is not None and not stat.S_ISREG(info.st_mode)):
        with tempfile.TemporaryDirectory(prefix="protograph-") as private:
            with open(Path(private) / "output", "w+b") as spool:
                yield spool
                spool.flush()
                spool.seek(0)
                if path is None:
                    _copy_to_stdout(spool)
                else:
                    _write_in_place(path, spool)
        return
    parent = Path(path).parent
    try:
        fd, temporary = tempfile.mkstemp(dir=parent, prefix=f".{Path(path).name[:100]}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"cannot write the output: {exc.strerror}", path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None:
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the output: {exc.strerror}; nothing was written", path) from None
        raise


def _copy_to_stdout(spool: IO[bytes]) -> None:
    """The spooled bytes to stdout: to its binary buffer on a terminal or pipe, and decoded as
    UTF-8 (a character split between two blocks kept whole) where stdout is text only, as in
    a notebook or under a driver that captures it."""
    sys.stdout.flush()
    stdout = getattr(sys.stdout, "buffer", None)
    if stdout is not None:
        shutil.copyfileobj(spool, stdout, 1 << 20)
        stdout.flush()
        return
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    while block := spool.read(1 << 20):
        sys.stdout.write(decoder.decode(block))
    sys.stdout.write(decoder.decode(b"", final=True))
    sys.stdout.flush()


def _write_in_place(path: Path, data: bytes | IO[bytes]) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # a FIFO without a reader fails, not hangs
    except OSError as exc:
        raise InputError(f"cannot write the output: {exc.strerror}", path) from None
    try:
        os.set_blocking(fd, True)
        pieces = [data] if isinstance(data, bytes) else iter(lambda: data.read(1 << 20), b"")
        for piece in pieces:
            view = memoryview(piece)
            while view:
                written = os.write(fd, view)
                view = view[written:]
    except OSError as exc:
        raise InputError(f"cannot write the output: {exc.strerror}", path) from None
    finally:
        os.close(fd)

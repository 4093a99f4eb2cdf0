"""An on-disk cache of what is compiled from the encoding files, keyed by their content.

What a protocol's duties compile to (the checkable duties, their evidence, scope and timing)
takes seconds of rdflib parsing and SPARQL to work out and never changes while the files do
not. It is kept in one pickle per key, where the key is the sha256 of every file the compiled
value depends on (path and content), of the code that compiles and reads it, and of the
Python and rdflib versions: an edited protocol, ontology, alignment, source text or module
gives a new key, so a stale encoding is never served.

Where: ``$PROTOGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/protograph``, else
``~/.cache/protograph``. ``PROTOGRAPH_NO_CACHE=1`` turns it off. Files are written
atomically (a temporary file renamed into place), readable by their owner only, and hold
only what is compiled from the encoding files: never case data. A cache file that cannot be
read (corrupt, truncated, from another version, not the user's own) is ignored and rebuilt."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..paths import queries_dir

CACHE_ENV = "PROTOGRAPH_CACHE_DIR"
NO_CACHE_ENV = "PROTOGRAPH_NO_CACHE"
_PACKAGE = Path(__file__).resolve().parents[1]
_CODE = ("corpus", "checking")
MAX_HASHED_BYTES = (
    64 * 1024 * 1024
)  # above the loader's limit for any file it reads  # the packages whose classes and rules the cached values hold


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off (``PROTOGRAPH_NO_CACHE``)."""
    if os.environ.get(NO_CACHE_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return None
    given = os.environ.get(CACHE_ENV)
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "protograph"
    return Path.home() / ".cache" / "protograph"


def _code_files() -> list[Path]:
    files = [p for name in _CODE for p in sorted((_PACKAGE / name).glob("*.py"))]
    return files + sorted(queries_dir().glob("*.rq"))


def fingerprint(files: Iterable[Path], *extra: str) -> str:
    """The sha256 of each file's path and content (a missing or unreadable file, or one that is not a regular file, counts as such), the
    compiling code, the Python and rdflib versions and ``extra``."""
    import rdflib

    digest = hashlib.sha256()
    for part in (sys.version, rdflib.__version__, *extra):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for path in [*_code_files(), *files]:
        digest.update(str(path).encode("utf-8", "surrogatepass") + b"\0")
        digest.update(_content(path))
    return digest.hexdigest()


def _content(path: Path) -> bytes:
    """A file's sha256, read in blocks. A FIFO or device is never read, nor a file larger than
    any the loader accepts (it refuses them, so no cache is ever written for them): their
    name, kind or size stands in."""
    try:
        if not path.is_file():
            return b"not a regular file"
        size = path.stat().st_size
        if size > MAX_HASHED_BYTES:
            return f"too large: {size}".encode()
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return b"unreadable"


def _file(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{kind}-{key}.pickle"


def read(kind: str, key: str) -> object | None:
    """The value cached under ``kind`` and ``key``, or None (absent, off, or unreadable)."""
    path = _file(kind, key)
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            if hasattr(os, "getuid") and os.fstat(handle.fileno()).st_uid != os.getuid():
                return None  # only ever unpickle the user's own files
            return pickle.load(handle)
    except Exception:  # absent, truncated, corrupt, from another version: rebuilt by the caller
        return None


def write(kind: str, key: str, value: object) -> Path | None:
    """Cache ``value`` atomically under ``kind`` and ``key``; where it went, or None when the
    cache is off or cannot be written (a read-only home is not an error)."""
    path = _file(kind, key)
    if path is None:
        return None
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        return path
    except (OSError, pickle.PicklingError):
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        return None

"""One process-wide guard against network access while protograph runs.

rdflib will fetch a remote JSON-LD @context, run SPARQL ``SERVICE <url>`` and, on a Dataset,
``FROM <url>`` / ``LOAD <url>`` (DESIGN.md, Non-negotiables). Rather than guard each call
site, :func:`install` sets, once per process:

* ``rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False`` (FROM and LOAD load nothing);
* a SPARQL custom evaluation hook that refuses any ``SERVICE`` clause;
* a Python audit hook that refuses ``socket.connect`` and ``urllib.Request`` to anything
  except the loopback endpoints the user named (``--endpoint``), via :func:`allow`.
"""

from __future__ import annotations

import re
import sys
import threading

from ..errors import NetworkRefused

_lock = threading.Lock()
_installed = False
_rdflib_guarded = False
_allowed: set[tuple[str, int]] = set()


def allow(host: str, port: int) -> None:
    """Permit connections to one endpoint the user asked for (``--endpoint``)."""
    _allowed.add((host, int(port)))


def _permitted(address: object) -> bool:
    if isinstance(address, tuple) and len(address) >= 2:
        return (str(address[0]), int(address[1])) in _allowed
    return False  # unix sockets and anything else are not ours to open


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect":
        if not _permitted(args[1]):
            raise NetworkRefused(f"network access refused: connection to {args[1]!r}")
    elif event == "urllib.Request":
        url = str(args[0])
        if not any(url.startswith(f"http://{h}:{p}/") for h, p in _allowed):
            raise NetworkRefused(f"network access refused: {url}")


def _refuse_service(ctx, part):  # noqa: ANN001 - rdflib's hook signature
    if getattr(part, "name", None) == "ServiceGraphPattern":
        raise NetworkRefused("SPARQL SERVICE is refused: protograph never queries remote endpoints")
    raise NotImplementedError  # let rdflib evaluate everything else


_SPARQL_NOISE = re.compile(
    r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
)
_SPARQL_REMOTE = re.compile(r"(?<![\w?$:])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)


def check_sparql(query: str) -> str:
    """Refuse SPARQL text that asks an engine to fetch (``SERVICE``, ``LOAD``) and return it.

    The audit hook sees Python's sockets only: pyoxigraph opens its own from Rust, and it runs
    ``SERVICE <url>`` and ``LOAD <url>`` (seen on 0.5.13), so text bound for either engine is
    checked here first, with comments, strings and IRIs blanked so that a word inside them
    does not count. Installs the guard too, for callers that run queries before loading."""
    install()
    match = _SPARQL_REMOTE.search(_SPARQL_NOISE.sub(" ", query))
    if match:
        raise NetworkRefused(f"SPARQL {match.group(1).upper()} is refused: protograph never fetches remote data")
    return query


def install(rdflib: bool = True) -> None:
    """Install the guard for the whole process (idempotent). ``rdflib=False`` installs the
    audit hook alone, for a path that never imports rdflib (the protocol list); any later
    call with the default completes the guard before rdflib is used."""
    global _installed, _rdflib_guarded
    with _lock:
        if not _installed:
            sys.addaudithook(_audit)
            _installed = True
        if rdflib and not _rdflib_guarded:
            import rdflib.plugins.sparql as sparql

            sparql.SPARQL_LOAD_GRAPHS = False
            sparql.CUSTOM_EVALS["protograph-refuse-service"] = _refuse_service
            _rdflib_guarded = True

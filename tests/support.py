"""Helpers shared by several test modules: a loopback listener that records what reaches it,
and the Chromium that the page tests drive."""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - .ci/run installs it
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium") if Path("/usr/bin/chromium").exists() else Path(shutil.which("chromium") or "")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NEEDS_CHROMIUM = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install playwright)"),
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="Chromium is not installed at /usr/bin/chromium (Debian: apt-get install -y chromium)",
    ),
]


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it accepts (the first bytes
    sent, so a failure shows what was asked for)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def hits(self) -> int:
        """How many connections reached the listener."""
        return len(self.connections)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(0.5)
            try:
                self.connections.append(conn.recv(200) or b"(connected, sent nothing)")
            except OSError:
                self.connections.append(b"(connected)")
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


# --- reading an encoded protocol graph (the protocol tests) ---------------------------------


def quote_of(g, fact) -> str:  # noqa: ANN001 - an rdflib graph and node
    """The quote of the (one) passage a fact cites."""
    from protograph.corpus.namespace import PG

    return str(g.value(g.value(fact, PG.provision), PG.quote))


def reference_of(g, fact) -> str:  # noqa: ANN001
    """The reference of the (one) passage a fact cites."""
    from protograph.corpus.namespace import PG

    return str(g.value(g.value(fact, PG.provision), PG.reference))


def quotes_of(g, fact) -> list[str]:  # noqa: ANN001
    """The quotes of every passage a fact cites."""
    from protograph.corpus.namespace import PG

    return [str(g.value(prov, PG.quote)) for prov in g.objects(fact, PG.provision)]


def references_of(g, fact) -> set[str]:  # noqa: ANN001
    """The references of every passage a fact cites."""
    from protograph.corpus.namespace import PG

    return {str(g.value(prov, PG.reference)) for prov in g.objects(fact, PG.provision)}


def duration(g, node):  # noqa: ANN001, ANN201
    """An OWL-Time duration node as (number, unit)."""
    from rdflib.namespace import TIME

    return g.value(node, TIME.numericDuration).toPython(), g.value(node, TIME.unitType)


# --- the installed command, in its own process -----------------------------------------------

PROTOGRAPH = Path(sys.executable).with_name("protograph")


def run_protograph(args: list[str], cwd: Path, memory_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``protograph`` command as users do (its own process, so the network
    guard is the one they get); a hang fails the test at the 60 s timeout. With
    ``memory_limit`` (bytes of address space) the process cannot hold a file larger than it."""

    def limit() -> None:
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return subprocess.run(
        [str(PROTOGRAPH), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "PROTOGRAPH_DEBUG"},
        preexec_fn=limit,
    )

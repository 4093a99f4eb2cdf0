"""Helpers shared by several test modules: a loopback listener that records what reaches it,
and the Chromium that the page tests drive."""

from __future__ import annotations

import shutil
import socket
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

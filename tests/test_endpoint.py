"""Endpoint mode against a real Oxigraph server started on a free loopback port: the same
question files and generated constraint queries give the embedded engines' answers there."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from protograph.errors import InputError
from protograph.guard import network as netguard
from protograph.store.endpoint import Endpoint

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
pytestmark = pytest.mark.skipif(
    not Path(OXIGRAPH).exists(), reason="the oxigraph server is not installed (pip install oxigraph)"
)
CASES = sorted(str(p) for p in (Path(__file__).parent / "data" / "cases").glob("case-*.yaml"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    netguard.allow("127.0.0.1", port)  # the one address this test process may reach, as --endpoint does
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("the oxigraph server did not start within 30 s")
    yield url
    process.terminate()
    process.wait(timeout=10)


def cli(*args):
    return subprocess.run(
        [sys.executable, "-c", "from protograph.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_timescales_on_the_server_equal_the_embedded_ones(server):
    remote = cli("timescales", "--endpoint", server, "--format", "json")
    local = cli("timescales", "--format", "json")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and len(remote.stdout) > 1000


def test_conflicts_on_the_server_equal_the_embedded_ones(server):
    remote = cli("conflicts", "--endpoint", server, "--format", "json")
    local = cli("conflicts", "--format", "json")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and '"kind": "definition"' in remote.stdout


def test_validation_on_the_server_equals_the_reference_engine(server):
    remote = cli("validate", *CASES, "--endpoint", server, "--format", "json", "--quiet")
    reference = cli("validate", *CASES, "--engine", "reference", "--format", "json", "--quiet")
    assert remote.returncode == reference.returncode == 1, remote.stderr
    assert remote.stdout == reference.stdout and '"status": "late"' in remote.stdout


def test_a_loaded_corpus_is_reused(server, corpus):
    endpoint = Endpoint(server)
    endpoint.load_corpus(corpus)
    assert set(endpoint.load_corpus(corpus).values()) == {"reused"}


def test_a_server_that_answers_an_error_is_one_line(server):
    with pytest.raises(InputError, match=r"answered 400 to POST /query"):
        Endpoint(server).query("", text="SELEC nothing")


def test_a_server_that_is_down_is_one_line_and_exit_2():
    result = cli("timescales", "--endpoint", f"http://127.0.0.1:{_free_port()}")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach SPARQL endpoint" in lines[0] and "Traceback" not in result.stderr


def test_an_endpoint_that_is_not_http_host_port_is_refused():
    with pytest.raises(InputError, match="must be http://HOST:PORT"):
        Endpoint("https://example.org/sparql")

"""Endpoint mode against a real Oxigraph server started on a free loopback port: the same
question files and generated constraint queries give the embedded engines' answers there."""

from __future__ import annotations

import base64
import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import URIRef

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
    # with the superseded versions: the current ones state no definition differently (a facet
    # one text is silent on is no difference), the 2011 and 2013 versions do
    remote = cli("conflicts", "--endpoint", server, "--format", "json", "--include-superseded")
    local = cli("conflicts", "--format", "json", "--include-superseded")
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


# --- hostile servers and URLs (issue #20) ----------------------------------------------------------


COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@contextmanager
def fake_server(handle):
    """A loopback HTTP server whose every request is answered by ``handle(handler)``; yields its
    URL and the requests it saw (path, headers, body)."""
    seen: list[tuple[str, dict[str, str], bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append((self.path, dict(self.headers), b""))
            handle(self)

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            seen.append((self.path, dict(self.headers), self.rfile.read(length)))
            handle(self)

        do_PUT = do_POST  # noqa: N815

        def log_message(self, *args):  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def answer(body: bytes, content_type: str = "application/sparql-results+json", status: int = 200):
    def handle(handler):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return handle


def count_answer(value: str) -> bytes:
    return json.dumps(
        {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": value}}]}}
    ).encode()


def test_a_server_that_trickles_a_byte_a_second_is_stopped_by_a_total_time_limit():
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.end_headers()
        try:
            for _ in range(60):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    with fake_server(trickle) as (url, _):
        with pytest.raises(
            InputError, match=r"did not answer POST /query within 3 s \(the limit for a whole request\)"
        ):
            Endpoint(url, timeout=3).query("", text=COUNT_QUERY)


def test_a_server_that_trickles_its_headers_is_stopped_too():
    def trickle(handler):
        try:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 60:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    with fake_server(trickle) as (url, _):
        with pytest.raises(InputError, match=r"within 2 s"):
            Endpoint(url, timeout=2).query("", text=COUNT_QUERY)


def test_a_huge_body_is_refused_at_the_size_limit_not_held_in_memory():
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.end_headers()
        try:
            while True:
                handler.wfile.write(b" " * 65536)
        except OSError:
            pass

    with fake_server(endless) as (url, _):
        with pytest.raises(InputError, match=r"with more than 1,048,576 bytes; refused"):
            Endpoint(url, max_body=1024 * 1024).query("", text=COUNT_QUERY)


def test_a_declared_huge_body_is_refused_before_it_is_read():
    def declared(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(4 * 1024**3))
        handler.end_headers()

    with fake_server(declared) as (url, _):
        with pytest.raises(InputError, match=r"with 4,294,967,296 bytes; at most"):
            Endpoint(url).query("", text=COUNT_QUERY)


@pytest.mark.parametrize(
    "body, content_type, problem",
    [
        (count_answer("many"), "application/sparql-results+json", "answered 'many' where a count of triples belongs"),
        (count_answer("-1"), "application/sparql-results+json", "answered '-1' where a count of triples belongs"),
        (b"<html><body>Welcome to nginx</body></html>", "text/html", "did not answer with SPARQL JSON results"),
        (b'{"head": {"vars": ["count"]}, "results": {"bindings": []}}', "application/json", "not the query's ['n']"),
        (b'{"head": {}, "results": []}', "application/json", "did not answer with SPARQL JSON results"),
        (b"[1, 2]", "application/json", "did not answer with SPARQL JSON results"),
    ],
)
def test_a_server_answering_nonsense_is_one_line(body, content_type, problem):
    with fake_server(answer(body, content_type)) as (url, _):
        with pytest.raises(InputError, match=re.escape(problem)):
            Endpoint(url).graph_size(URIRef("https://w3id.org/protograph/protocol/herts-tc-2016"))


def test_the_cli_turns_a_nonsense_answer_into_one_line_and_exit_2():
    with fake_server(answer(count_answer("many"))) as (url, _):
        result = cli("timescales", "--endpoint", url)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "where a count of triples belongs" in lines[0]


def test_an_html_error_page_is_one_short_line():
    page = b"<html>\n<body>\n" + b"<p>error</p>\n" * 10000 + b"</body></html>"
    with fake_server(answer(page, "text/html", 502)) as (url, _):
        with pytest.raises(InputError, match=r"answered 502 to POST /query: <html>$"):
            Endpoint(url).query("", text=COUNT_QUERY)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://127.0.0.1:-1", "http://127.0.0.1:port"])
def test_a_port_out_of_range_is_one_line_and_exit_2(url):
    result = cli("timescales", "--endpoint", url)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--endpoint" in lines[0], result.stderr


def test_credentials_are_sent_as_basic_auth_and_never_printed():
    with fake_server(answer(b"<html>no</html>", "text/html", 401)) as (url, seen):
        with_password = url.replace("http://", "http://reviewer:s3cr%40t-pw@")
        result = cli("timescales", "--endpoint", with_password)
    assert result.returncode == 2
    assert "s3cr" not in result.stderr and "reviewer:***@127.0.0.1" in result.stderr, result.stderr
    expected = "Basic " + base64.b64encode(b"reviewer:s3cr@t-pw").decode()
    assert seen and all(headers.get("Authorization") == expected for _, headers, _ in seen)


def test_a_password_is_not_printed_when_the_server_is_down():
    result = cli("timescales", "--endpoint", f"http://admin:hunter2@127.0.0.1:{_free_port()}")
    assert result.returncode == 2 and "hunter2" not in result.stderr + result.stdout
    assert "http://admin:***@127.0.0.1" in result.stderr


def test_localhost_is_accepted_like_127_0_0_1(server):
    port = urllib.parse.urlsplit(server).port
    remote = cli("timescales", "--endpoint", f"http://localhost:{port}", "--format", "json")
    local = cli("timescales", "--format", "json")
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_an_unknown_protocol_with_an_endpoint_exits_2_like_the_embedded_engine(server):
    for args in (["timescales", "--protocols", "nope-2020"], ["conflicts", "--protocols", "herts-tc-2016,nope-2020"]):
        embedded = cli(*args)
        remote = cli(*args, "--endpoint", server)
        assert embedded.returncode == remote.returncode == 2, remote.stderr
        assert "unknown protocol id 'nope-2020'" in remote.stderr


@contextmanager
def proxy_without_union(target: str):
    """A proxy in front of the real Oxigraph server that drops the ``union-default-graph``
    option, as a server configured without a union default graph (or one that ignores the
    option) behaves: graphs are stored, and the default graph the queries read is empty."""
    host, port = urllib.parse.urlsplit(target).hostname, urllib.parse.urlsplit(target).port

    def forward(handler):
        import http.client

        body = b""
        if handler.command in ("POST", "PUT"):
            body = seen[-1][2]
        if handler.headers.get("Content-Type") == "application/x-www-form-urlencoded":
            form = [(k, v) for k, v in urllib.parse.parse_qsl(body.decode()) if k != "union-default-graph"]
            body = urllib.parse.urlencode(form).encode()
        connection = http.client.HTTPConnection(host, port, timeout=60)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("content-length", "host")}
        connection.request(handler.command, handler.path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        handler.send_response(response.status)
        handler.send_header("Content-Type", response.getheader("Content-Type") or "text/plain")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        connection.close()

    with fake_server(forward) as (url, seen):
        yield url


def test_a_server_without_a_union_default_graph_is_refused_not_read_as_compliant(server):
    case = str(Path(__file__).parent / "data" / "cases" / "case-017-uasc-trafficked.yaml")
    with proxy_without_union(server) as url:
        result = cli("validate", "--quiet", "--endpoint", url, case)
        timescales = cli("timescales", "--endpoint", url)
    for run in (result, timescales):
        assert run.returncode == 2 and run.stdout == "", (run.returncode, run.stdout[:300], run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and "does not show it in its default graph" in lines[0], run.stderr
    # the same server, asked with the union option, gives the late finding
    direct = cli("validate", "--quiet", "--endpoint", server, "--format", "json", case)
    assert direct.returncode == 1 and '"status": "late"' in direct.stdout


def test_an_upload_the_server_does_not_keep_is_refused():
    """A server that accepts the PUT but holds nothing (a read-only or misconfigured store)."""

    def forgetful(handler):
        if handler.command == "PUT":
            handler.send_response(204)
            handler.end_headers()
            return
        answer(count_answer("0"))(handler)

    with fake_server(forgetful) as (url, _):
        with pytest.raises(InputError, match=r"holds 0 triples in <https://example.org/g> after 2 were loaded"):
            Endpoint(url).put_graph(URIRef("https://example.org/g"), b"<a:x> <a:p> <a:y> .\n<a:x> <a:p> <a:z> .\n")

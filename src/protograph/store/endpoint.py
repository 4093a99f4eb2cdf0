"""A SPARQL 1.1 endpoint as an engine: load the corpus (and a caseload) into it, then run the
same question files and generated constraint queries there over HTTP.

Tested against a real Oxigraph server (``oxigraph serve --location DIR --bind
127.0.0.1:PORT``: query at /query, update at /update, graph store at /store). Protocols go in
named graphs, as in the embedded Dataset; queries ask for the union of named graphs as the
default graph (Oxigraph's ``union-default-graph``), so the very same query text runs here,
on rdflib and on embedded pyoxigraph. The endpoint is the one address protograph may open
(netguard.allow); a server that is down or answers an error is one clear line."""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import threading
import urllib.parse
from collections.abc import Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from ..corpus.loader import Corpus
from ..corpus.namespace import ONTOLOGY_GRAPH
from ..corpus.queries import load_query
from ..errors import InputError, printable
from ..guard import network as netguard
from .engines import Row

TIMEOUT_SECONDS = 120.0
"""The whole of one request, connection to last byte (not per read: a server trickling a byte
a second is stopped at this limit too)."""
MAX_BODY_BYTES = 128 * 1024 * 1024
"""The largest answer read from the server (a bigger one is refused, not held in memory)."""
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_NOISE = re.compile(
    r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
)


def _term(binding: dict[str, str]) -> Any:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return Literal(binding["value"], lang=binding["xml:lang"])
        datatype = binding.get("datatype")
        return Literal(binding["value"], datatype=URIRef(datatype) if datatype else None)
    return str(binding["value"])


def projected(query: str) -> set[str]:
    """The variables a SELECT query projects (empty for SELECT * or anything else), so that an
    answer naming other variables is refused rather than read as unbound."""
    text = _NOISE.sub(" ", query)
    match = re.search(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{|\bFROM\b)", text, re.IGNORECASE | re.DOTALL)
    if not match:
        return set()
    projection = match.group(1)
    names = set(re.findall(r"\bAS\s+[?$](\w+)", projection, re.IGNORECASE))
    while True:
        flattened = re.sub(r"\([^()]*\)", " ", projection)
        if flattened == projection:
            break
        projection = flattened
    if "*" in projection:
        return set()
    return names | set(re.findall(r"[?$](\w+)", projection))


class Endpoint:
    """One SPARQL 1.1 server the user named with --endpoint.

    ``http://HOST:PORT``; ``localhost`` is the loopback address, as ``127.0.0.1`` is; a user
    and password in the URL are sent as HTTP Basic authentication and never shown (errors name
    the server as ``http://user:***@HOST:PORT``). Every request has a total time limit and a
    limit on the size of the answer."""

    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS, max_body: int = MAX_BODY_BYTES) -> None:
        parsed = urllib.parse.urlsplit(url)
        shown = _without_password(url, parsed)
        try:
            port = parsed.port
        except ValueError:
            raise InputError(f"--endpoint {shown!r}: the port is not a number from 1 to 65535") from None
        if parsed.scheme != "http" or not parsed.hostname or not port:
            raise InputError(f"--endpoint {shown!r} must be http://HOST:PORT (for example http://127.0.0.1:7878)")
        self.host, self.port = parsed.hostname, port
        self.base = f"http://{self.host}:{self.port}"
        self.prefix = parsed.path.rstrip("/")
        self.url = shown
        self.timeout, self.max_body = timeout, max_body
        self._auth: dict[str, str] = {}
        if parsed.username is not None or parsed.password is not None:
            user = urllib.parse.unquote(parsed.username or "")
            secret = urllib.parse.unquote(parsed.password or "")
            token = base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
            self._auth = {"Authorization": f"Basic {token}"}
        netguard.install()
        for address in self._addresses():
            netguard.allow(address, port)

    def __repr__(self) -> str:  # never the password
        return f"Endpoint({self.url!r})"

    def _addresses(self) -> list[str]:
        """The addresses the guard lets through: the loopback ones for localhost (never looked
        up), else the host the user named and what it resolves to."""
        if self.host in _LOOPBACK:
            return list(_LOOPBACK)
        try:
            found = {info[4][0] for info in socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)}
        except OSError as exc:
            raise InputError(f"cannot reach SPARQL endpoint {self.url}: {exc.strerror or exc}") from None
        return [self.host, *sorted(found)]

    def _request(
        self, path: str, data: bytes | None = None, method: str = "GET", headers: Mapping[str, str] | None = None
    ) -> bytes:
        what = f"{method} {path.split('?')[0]}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        expired = threading.Event()

        def stop() -> None:  # the total limit: cut the connection wherever the request is
            expired.set()
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(self.timeout, stop)
        timer.daemon = True
        timer.start()
        try:
            connection.request(method, self.prefix + path, body=data, headers={**(headers or {}), **self._auth})
            response = connection.getresponse()
            body = self._body(response, what)
            if expired.is_set():
                raise OSError("timed out")
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set():
                raise InputError(
                    f"SPARQL endpoint {self.url} did not answer {what} within {self.timeout:g} s (the limit for a "
                    "whole request)"
                ) from None
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise InputError(f"cannot reach SPARQL endpoint {self.url}: {reason}") from None
        finally:
            timer.cancel()
            connection.close()
        if not 200 <= response.status < 300:
            lines = body.decode("utf-8", "replace").strip().splitlines()
            first = lines[0][:200] if lines else response.reason
            raise InputError(f"SPARQL endpoint {self.url} answered {response.status} to {what}: {printable(first)}")
        return body

    def _body(self, response: http.client.HTTPResponse, what: str) -> bytes:
        """The answer, read a piece at a time up to the size limit."""
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > self.max_body:
            raise InputError(
                f"SPARQL endpoint {self.url} answered {what} with {int(declared):,} bytes; at most "
                f"{self.max_body:,} are read"
            )
        chunks, total = [], 0
        while True:
            chunk = response.read1(1 << 16)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > self.max_body:
                raise InputError(
                    f"SPARQL endpoint {self.url} answered {what} with more than {self.max_body:,} bytes; refused"
                )
            chunks.append(chunk)

    def _results(self, query: str) -> dict[str, Any]:
        body = urllib.parse.urlencode({"query": query, "union-default-graph": ""}).encode()
        raw = self._request(
            "/query",
            body,
            "POST",
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            results = json.loads(raw)
        except (ValueError, RecursionError):
            start = printable(raw[:60].decode("utf-8", "replace"))
            raise InputError(
                f"SPARQL endpoint {self.url} did not answer with SPARQL JSON results (it sent {start!r}…)"
            ) from None
        if not isinstance(results, dict):
            raise InputError(f"SPARQL endpoint {self.url} did not answer with SPARQL JSON results")
        return results

    def query(self, name: str, bindings: Mapping[str, Any] | None = None, text: str | None = None) -> list[Row]:
        """Run a named question (or the given query text) over the union of named graphs."""
        query = text if text is not None else load_query(name)
        if bindings:
            values = " ".join(f"?{k}" for k in bindings)
            row = " ".join(v.n3() for v in bindings.values())
            query = query.rstrip() + f"\nVALUES ({values}) {{ ({row}) }}"
        results = self._results(query)
        try:
            names = results["head"]["vars"]
            bindings_list = results["results"]["bindings"]
            if not all(isinstance(n, str) for n in names) or not isinstance(bindings_list, list):
                raise TypeError
            rows = [Row({n: _term(b[n]) if n in b else None for n in names}) for b in bindings_list]
        except (KeyError, TypeError, AttributeError):
            raise InputError(f"SPARQL endpoint {self.url} did not answer with SPARQL JSON results") from None
        missing = projected(query) - set(names)
        if missing:
            raise InputError(
                f"SPARQL endpoint {self.url} answered with the variables {sorted(names)}, not the query's "
                f"{sorted(projected(query))}"
            )
        return rows

    def ask(self, text: str) -> bool:
        """Run an ASK query over the union of named graphs."""
        answer = self._results(text).get("boolean")
        if not isinstance(answer, bool):
            raise InputError(f"SPARQL endpoint {self.url} did not answer an ASK query with true or false")
        return answer

    def graph_size(self, graph: URIRef) -> int:
        """How many triples the server holds in one named graph."""
        rows = self.query("", text=f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        value = rows[0]["n"] if len(rows) == 1 else None
        if value is None or not re.fullmatch(r"[0-9]{1,15}", str(value)):
            shown = "no answer" if value is None else repr(str(value)[:40])
            raise InputError(f"SPARQL endpoint {self.url} answered {shown} where a count of triples belongs")
        return int(str(value))

    def put_graph(self, graph: URIRef, ntriples: bytes, expected: int | None = None) -> None:
        """Replace one named graph with the given N-Triples (Graph Store Protocol PUT), then check
        that the server holds every triple sent and shows them in its default graph (the union
        of named graphs that every query relies on)."""
        self._request(
            "/store?" + urllib.parse.urlencode({"graph": str(graph)}),
            ntriples,
            "PUT",
            {"Content-Type": "application/n-triples"},
        )
        lines = {line for line in ntriples.decode("utf-8").splitlines() if line.strip() and not line.startswith("#")}
        expected = len(lines) if expected is None else expected
        held = self.graph_size(graph)
        if held != expected:
            raise InputError(
                f"SPARQL endpoint {self.url} holds {held:,} triples in <{graph}> after {expected:,} were loaded"
            )
        sample = min((line for line in lines if "_:" not in line), default=None)
        if sample is not None:
            self.check_union({graph: sample.rstrip().removesuffix(".").rstrip()})

    def check_union(self, samples: Mapping[URIRef, str]) -> None:
        """Refuse a server whose default graph does not show each named graph's sample triple:
        every query reads the union of named graphs, so without it a late case would come out
        compliant (nothing found is nothing late)."""
        if not samples or self.ask("ASK { " + " . ".join(samples.values()) + " }"):
            return
        for graph, pattern in sorted(samples.items()):
            if not self.ask(f"ASK {{ {pattern} }}"):
                raise InputError(
                    f"SPARQL endpoint {self.url} holds graph <{graph}> but does not show it in its default graph: "
                    "the queries need the union of named graphs as the default graph (Oxigraph: "
                    "union-default-graph)"
                )

    def load_corpus(self, corpus: Corpus) -> dict[str, str]:
        """Put the ontology and every protocol in their named graphs, reusing a graph the server
        already holds with the same number of triples; then check the server shows them all in
        its default graph. Returns what was done a graph."""
        done = {}
        graphs: list[tuple[URIRef, Graph]] = [(ONTOLOGY_GRAPH, corpus.ontology)]
        graphs += [(corpus.info(pid).iri, corpus.graph(pid)) for pid in corpus.ids()]
        samples = {}
        for name, graph in graphs:
            sample = _sample(graph)
            if sample is not None:
                samples[name] = sample
            if self.graph_size(name) == len(graph):
                done[str(name)] = "reused"
                continue
            self.put_graph(name, graph.serialize(format="nt", encoding="utf-8"), len(graph))
            done[str(name)] = "loaded"
        self.check_union(samples)
        return done


def _sample(graph: Graph) -> str | None:
    """One triple of ``graph`` without blank nodes, as a SPARQL triple pattern."""
    triple = min((t for t in graph if not any(isinstance(n, BNode) for n in t)), default=None)
    return None if triple is None else " ".join(n.n3() for n in triple)


def _without_password(url: str, parsed: urllib.parse.SplitResult) -> str:
    """The URL as errors may show it: any password replaced by ***."""
    if parsed.password is None and "@" not in parsed.netloc:
        return url
    userinfo, _, hostport = parsed.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urllib.parse.urlunsplit(parsed._replace(netloc=f"{user}:***@{hostport}"))

"""A SPARQL 1.1 endpoint as an engine: load the corpus (and a caseload) into it, then run the
same question files and generated constraint queries there over HTTP.

Tested against a real Oxigraph server (``oxigraph serve --location DIR --bind
127.0.0.1:PORT``: query at /query, update at /update, graph store at /store). Protocols go in
named graphs, as in the embedded Dataset; queries ask for the union of named graphs as the
default graph (Oxigraph's ``union-default-graph``), so the very same query text runs here,
on rdflib and on embedded pyoxigraph. The endpoint is the one address protograph may open
(netguard.allow); a server that is down or answers an error is one clear line."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef

from ..corpus.loader import Corpus
from ..corpus.namespace import ONTOLOGY_GRAPH
from ..corpus.queries import load_query
from ..errors import InputError
from ..guard import network as netguard
from .engines import Row

TIMEOUT_SECONDS = 60


def _term(binding: dict[str, str]) -> Any:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return Literal(binding["value"], lang=binding["xml:lang"])
        datatype = binding.get("datatype")
        return Literal(binding["value"], datatype=URIRef(datatype) if datatype else None)
    return binding["value"]


class Endpoint:
    """One SPARQL 1.1 server the user named with --endpoint."""

    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "http" or not parsed.hostname or not parsed.port:
            raise InputError(f"--endpoint {url!r} must be http://HOST:PORT (for example http://127.0.0.1:7878)")
        self.base = f"http://{parsed.hostname}:{parsed.port}"
        self.url = url
        netguard.install()
        netguard.allow(parsed.hostname, parsed.port)

    def _request(
        self, path: str, data: bytes | None = None, method: str = "GET", headers: Mapping[str, str] | None = None
    ) -> bytes:
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - the user's endpoint
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            first = detail[0][:200] if detail else exc.reason
            raise InputError(
                f"SPARQL endpoint {self.url} answered {exc.code} to {method} {path.split('?')[0]}: {first}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise InputError(f"cannot reach SPARQL endpoint {self.url}: {reason}") from None

    def query(self, name: str, bindings: Mapping[str, Any] | None = None, text: str | None = None) -> list[Row]:
        """Run a named question (or the given query text) over the union of named graphs."""
        query = text if text is not None else load_query(name)
        if bindings:
            values = " ".join(f"?{k}" for k in bindings)
            row = " ".join(v.n3() for v in bindings.values())
            query = query.rstrip() + f"\nVALUES ({values}) {{ ({row}) }}"
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
        except ValueError:
            raise InputError(f"SPARQL endpoint {self.url} did not answer with SPARQL JSON results") from None
        names = results["head"]["vars"]
        return [Row({n: _term(b[n]) if n in b else None for n in names}) for b in results["results"]["bindings"]]

    def graph_size(self, graph: URIRef) -> int:
        """How many triples the server holds in one named graph."""
        rows = self.query("", text=f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0].n) if rows else 0

    def put_graph(self, graph: URIRef, ntriples: bytes) -> None:
        """Replace one named graph with the given N-Triples (Graph Store Protocol PUT)."""
        self._request(
            "/store?" + urllib.parse.urlencode({"graph": str(graph)}),
            ntriples,
            "PUT",
            {"Content-Type": "application/n-triples"},
        )

    def load_corpus(self, corpus: Corpus) -> dict[str, str]:
        """Put the ontology and every protocol in their named graphs, reusing a graph the server
        already holds with the same number of triples; returns what was done a graph."""
        done = {}
        graphs: list[tuple[URIRef, Graph]] = [(ONTOLOGY_GRAPH, corpus.ontology)]
        graphs += [(corpus.info(pid).iri, corpus.graph(pid)) for pid in corpus.ids()]
        for name, graph in graphs:
            if self.graph_size(name) == len(graph):
                done[str(name)] = "reused"
                continue
            self.put_graph(name, graph.serialize(format="nt", encoding="utf-8"))
            done[str(name)] = "loaded"
        return done

"""Load the ontology and protocol encodings into one rdflib Dataset.

One named graph holds the ontology and its vocabularies; each protocol version has its own
named graph, named by the protocol's IRI. Parsing never follows owl:imports (rdflib's
parsers do not, and we never call owlrl.interpret_owl_imports nor pyshacl's
do_owl_imports) and never touches the network (see netguard)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS

from . import netguard
from .errors import EncodingError, InputError
from .namespace import ONTOLOGY_GRAPH, PG, protocol_iri
from .paths import data_dir

T = TypeVar("T")
_PARSE_FORMATS = {".ttl": "turtle", ".nt": "nt", ".n3": "n3"}


@dataclass(frozen=True)
class ProtocolInfo:
    """What the corpus knows about one loaded protocol version."""

    id: str
    iri: URIRef
    path: Path
    title: str
    issuer: str
    date: str
    bundled: bool


@dataclass
class Corpus:
    """The ontology plus protocol versions, one named graph each."""

    dataset: Dataset
    protocols: dict[str, ProtocolInfo] = field(default_factory=dict)
    graphs: dict[str, Graph] = field(default_factory=dict, repr=False)
    ontology_graph: Graph | None = field(default=None, repr=False)
    _memo: dict[object, object] = field(default_factory=dict, repr=False)

    def memo(self, key: object, compute: Callable[[], T]) -> T:
        """Compute a value derived from the (unchanging) corpus once, then reuse it."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    @property
    def ontology(self) -> Graph:
        """The ontology and vocabularies (a standalone copy of their named graph)."""
        return self.ontology_graph if self.ontology_graph is not None else self.dataset.graph(ONTOLOGY_GRAPH)

    def graph(self, protocol_id: str) -> Graph:
        """One protocol version's graph (a standalone copy of its named graph, fast to query);
        unknown ids raise InputError."""
        self.info(protocol_id)
        return self.graphs[protocol_id]

    def info(self, protocol_id: str) -> ProtocolInfo:
        """Return one protocol's info, or raise a clear error naming the known ids."""
        try:
            return self.protocols[protocol_id]
        except KeyError:
            known = ", ".join(sorted(self.protocols)) or "none"
            raise InputError(f"unknown protocol id {protocol_id!r} (known: {known})") from None

    def ids(self) -> list[str]:
        """Protocol ids, sorted."""
        return sorted(self.protocols)

    def with_ontology(self, protocol_id: str) -> Graph:
        """A new graph holding one protocol plus the ontology (for validation and closure)."""
        merged = Graph()
        for prefix, ns in self.graph(protocol_id).namespaces():
            merged.bind(prefix, ns)
        merged += self.ontology
        merged += self.graph(protocol_id)
        return merged


def ontology_files() -> list[Path]:
    """The ontology file and every vocabulary file, in a stable order."""
    folder = data_dir("ontology")
    return [folder / "protograph.ttl", *sorted((folder / "vocab").glob("*.ttl"))]


def bundled_protocol_files() -> list[Path]:
    """The bundled protocol encodings, sorted by file name."""
    return sorted(data_dir("protocols").glob("*.ttl"))


def parse_file(path: Path, graph: Graph | None = None, error: type = EncodingError) -> Graph:
    """Parse one RDF file into ``graph``, turning parser failures into one-line errors."""
    netguard.install()
    graph = graph if graph is not None else Graph()
    fmt = _PARSE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise error(f"unsupported file type {path.suffix!r} (expected .ttl)", path)
    if not path.is_file():
        raise error("file not found", path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", path) from None
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types; each becomes one line
        line = getattr(exc, "lines", None)
        message = getattr(exc, "message", None) or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise error(f"not valid Turtle: {message}", path, line) from None
    return graph


def _protocol_of(graph: Graph, path: Path) -> tuple[str, URIRef]:
    versions = sorted(set(graph.subjects(RDF.type, PG.ProtocolVersion)))
    if len(versions) != 1:
        raise EncodingError(
            f"a protocol file must describe exactly one pg:ProtocolVersion, found {len(versions)}", path
        )
    iri = versions[0]
    ids = [str(o) for o in graph.objects(iri, DCTERMS.identifier)]
    if len(ids) != 1:
        raise EncodingError(f"protocol {iri} must have exactly one dcterms:identifier", path)
    if URIRef(iri) != protocol_iri(ids[0]):
        raise EncodingError(
            f"protocol IRI {iri} does not match its id {ids[0]!r} (expected {protocol_iri(ids[0])})", path
        )
    return ids[0], URIRef(iri)


def _mark_membership(graph: Graph, iri: URIRef) -> None:
    """State, on every typed node of a protocol graph, which protocol it belongs to
    (pg:inProtocol), so that queries over the union of graphs, on any SPARQL engine,
    can tell protocols apart without GRAPH clauses."""
    for subject in set(graph.subjects(RDF.type, None)):
        if subject != iri:
            graph.add((subject, PG.inProtocol, iri))


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    value = graph.value(subject, predicate)
    return str(value) if value is not None else ""


def load_corpus(
    corpus_dirs: Sequence[Path] = (),
    *,
    bundled: bool = True,
    check_user_protocols: bool = True,
) -> Corpus:
    """Load the ontology and protocols: the bundled ones (unless ``bundled=False``) and
    every ``*.ttl`` in ``corpus_dirs``. User protocols are checked against the encoding
    shapes and their quotes against their source text as they load."""
    netguard.install()
    dataset = Dataset(default_union=True)
    ontology = Graph()
    for path in ontology_files():
        parse_file(path, ontology)
    dataset.graph(ONTOLOGY_GRAPH).__iadd__(ontology)
    corpus = Corpus(dataset, ontology_graph=ontology)
    files: list[tuple[Path, bool]] = [(p, True) for p in bundled_protocol_files()] if bundled else []
    for folder in corpus_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError("corpus folder not found", folder)
        found = sorted(folder.glob("*.ttl"))
        if not found:
            raise InputError("corpus folder holds no .ttl protocol files", folder)
        files.extend((p, False) for p in found)
    for path, is_bundled in files:
        graph = parse_file(path)
        protocol_id, iri = _protocol_of(graph, path)
        if protocol_id in corpus.protocols:
            other = corpus.protocols[protocol_id].path
            raise EncodingError(
                f"protocol id {protocol_id!r} is already loaded from {other} (use --no-bundled to replace a bundled protocol)",
                path,
            )
        if not is_bundled and check_user_protocols:
            from .checks import check_protocol_graph

            check_protocol_graph(graph, ontology, path)
        _mark_membership(graph, iri)
        target = dataset.graph(iri)
        for prefix, ns in graph.namespaces():
            target.bind(prefix, ns, override=False)
        target += graph
        corpus.graphs[protocol_id] = graph
        corpus.protocols[protocol_id] = ProtocolInfo(
            id=protocol_id,
            iri=iri,
            path=path,
            title=_text(graph, iri, DCTERMS.title),
            issuer=_text(graph, iri, PG.issuer),
            date=_text(graph, iri, DCTERMS.issued) or _text(graph, iri, PG.dateNote),
            bundled=is_bundled,
        )
    return corpus


def owl_rl_closure(graph: Graph) -> Graph:
    """Expand ``graph`` in place with its OWL 2 RL closure (owlrl) and return it.

    Adds what the queries use: the types a fact inherits (a pg:Deadline is a pg:Timescale
    and a pg:EncodedFact), and inverse and super-properties (pg:bearer gives pg:bearsDuty
    and pg:involvesRole / pg:roleIn). Never follows owl:imports."""
    import owlrl

    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    return graph

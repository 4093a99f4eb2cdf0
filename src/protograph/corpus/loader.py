"""Load the ontology and protocol encodings into one rdflib Dataset.

One named graph holds the ontology and its vocabularies; each protocol version has its own
named graph, named by the protocol's IRI. Parsing never follows owl:imports (a file holding
one is refused; we never call owlrl.interpret_owl_imports nor pyshacl's do_owl_imports) and
never touches the network: RDF/XML DTDs and remote JSON-LD contexts are refused before the
parser runs, and netguard stops anything else."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from rdflib import RDF, Dataset, Graph, URIRef, Variable
from rdflib.namespace import DCTERMS, OWL, PROV

from ..errors import EncodingError, InputError, NetworkRefused
from ..guard import network as netguard
from ..guard.input_files import find_line, line_of, read_text, reread_text
from ..paths import data_dir
from .namespace import ONTOLOGY_GRAPH, PG, protocol_iri

T = TypeVar("T")
_PARSE_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".rdf": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
}
_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "n3": "N3", "xml": "RDF/XML", "json-ld": "JSON-LD"}
PROTOCOL_SUFFIXES = tuple(_PARSE_FORMATS)
MAX_RDF_BYTES = 50 * 1024 * 1024
_DOCTYPE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    short_title: str = ""

    @property
    def name(self) -> str:
        """The name reports use in sentences and headings: the short title (pg:shortTitle),
        else the full title, else the id."""
        return self.short_title or self.title or self.id


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
            from .suggest import did_you_mean

            known = ", ".join(sorted(self.protocols)) or "none"
            hint = did_you_mean(protocol_id, self.protocols)
            raise InputError(f"unknown protocol id {protocol_id!r}{hint} (known: {known})") from None

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


@cache
def _parsed_ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        parse_file(path, graph)
    return graph


def ontology_graph(copy: bool = True) -> Graph:
    """The ontology and its vocabularies, parsed once a process (reading cases needs their
    event types and roles before the corpus loads). A fresh copy unless ``copy=False``, for
    a caller that only reads it."""
    parsed = _parsed_ontology()
    if not copy:
        return parsed
    graph = Graph()
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace)
    graph += parsed
    return graph


def bundled_protocol_files() -> list[Path]:
    """The bundled protocol encodings, sorted by file name."""
    return sorted(data_dir("protocols").glob("*.ttl"))


def alignment_file(protocol_path: Path, protocol_id: str) -> Path:
    """Where a protocol's alignment to the shared list of obligations lives: beside the protocol
    file, in ``alignment/<protocol-id>.ttl``; it is loaded into the protocol's own graph."""
    return protocol_path.parent / "alignment" / f"{protocol_id}.ttl"


def parse_file(
    path: Path, graph: Graph | None = None, error: type = EncodingError, limit: int = MAX_RDF_BYTES
) -> Graph:
    """Parse one RDF file (Turtle, N-Triples, N3, RDF/XML or JSON-LD) into ``graph``, turning
    every fault into one line naming the file and, where there is one, the line.

    The guards run before the parser, because the parser is where the network is: RDF/XML
    with a DOCTYPE (entities, external DTDs) and JSON-LD with a remote or ``file:`` context
    are refused, not parsed (DESIGN.md, Non-negotiables). After parsing, owl:imports and IRIs
    holding characters no IRI may hold are refused (see :func:`_refuse_after_parse`)."""
    netguard.install()
    graph = graph if graph is not None else Graph()
    fmt = _PARSE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise error(f"unsupported file type {path.suffix!r} (expected {', '.join(_PARSE_FORMATS)})", path)
    text = read_text(path, "a case file" if limit != MAX_RDF_BYTES else "an RDF file", _FORMAT_NAMES[fmt], limit, error)
    if fmt == "xml":
        _refuse_doctype(text, path, error)
    elif fmt == "json-ld":
        text = _checked_json_ld(text, path, error)
    parsed = Graph()
    try:
        with _quiet_rdflib():
            parsed.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except NetworkRefused as exc:  # the process-wide guard caught what the checks above missed
        raise error(exc.problem, path) from None
    except Exception as exc:  # rdflib raises many types; each becomes one line
        raise error(f"not valid {_FORMAT_NAMES[fmt]}: {_parser_message(exc)}", path, _parser_line(exc)) from None
    _refuse_after_parse(parsed, text, path, error)
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=False)
    graph += parsed
    return graph


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's logged warnings while it parses (an odd IRI, a literal that does not
    fit its datatype): they would reach stderr beside our one line; faults that matter are
    refused by the checks instead."""
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _parser_message(exc: Exception) -> str:
    """The first line of a parser's message: rdflib's Turtle BadSyntax keeps the reason in
    ``_why`` (its text starts with a useless 'at line N of <>:'), others in ``message``."""
    message = getattr(exc, "_why", None) or getattr(exc, "message", None) or getattr(exc, "msg", None) or str(exc)
    first = str(message).strip().splitlines()
    return first[0][:200] if first else type(exc).__name__


def _parser_line(exc: Exception) -> int | None:
    """The line a parser names: Turtle's BadSyntax (0-based ``lines``), SAX's getLineNumber."""
    lines = getattr(exc, "lines", None)
    if isinstance(lines, int):
        return lines + 1
    get_line = getattr(exc, "getLineNumber", None)
    if callable(get_line):
        try:
            return int(get_line())
        except (TypeError, ValueError):
            return None
    return None


def _refuse_doctype(text: str, path: Path, error: type) -> None:
    """Refuse RDF/XML with a DOCTYPE or ENTITY declaration: internal entities can expand
    quadratically (a 1 KB file held the parser for minutes) and external ones and DTDs name
    a URL or a local file to read. RDF/XML needs neither."""
    match = _DOCTYPE.search(text)
    if match:
        raise error(
            f"RDF/XML with {match.group(0)!r} is refused: entities and DTDs are never expanded or fetched",
            path,
            line_of(text, match.start()),
        )


def _checked_json_ld(text: str, path: Path, error: type) -> str:
    """Check JSON-LD before rdflib sees it: valid JSON, no key twice in one object (JSON
    parsers keep the last value silently; YAML cases refuse duplicates too), and every
    ``@context`` inline. A context given as a string (or a list holding one) is a URL or a
    file path that rdflib would fetch or read, and ``@import`` inside a context is one too;
    both are refused with their line. Returns the text unchanged."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON: {exc.msg} (column {exc.colno})", path, exc.lineno) from None
    except RecursionError:
        raise error("not valid JSON-LD: nested too deeply", path) from None
    fault = json_faults(text)
    if fault is not None:
        problem, offset = fault
        raise error(problem, path, line_of(text, offset))
    return text


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_REMOTE = "is refused: only inline @context objects are read, never a URL or a file"


@dataclass
class _Frame:
    """One open object or array while scanning JSON text."""

    is_object: bool
    keys: set[str] = field(default_factory=set)
    key: str = ""
    key_at: int = 0
    context_at: int = -1  # an array that is the value of @context: where that key was written
    strings: list[str] = field(default_factory=list)


def json_faults(text: str, work: list[int] | None = None) -> tuple[str, int] | None:
    """The first fault of a valid JSON(-LD) text, as (problem, offset), or None: a key written
    twice in one object, a ``@context`` that is not inline, an ``@import``.

    One pass over the tokens with a stack of open objects, so the work grows linearly with the
    text (an earlier scan decoded each value again at each key: quadratic, 53 s for 2.4 MB).
    ``work``, if given, gets the number of characters scanned and decoded added to it."""
    stack: list[_Frame] = []
    expect_key = False
    scanned = 0
    try:
        for match in _JSON_TOKEN.finditer(text):
            token = match.group(0)
            scanned += len(token)
            top = stack[-1] if stack else None
            if token in ("}", "]"):
                done = stack.pop()
                if done.context_at >= 0 and done.strings:
                    return f"JSON-LD @context {done.strings!r} {_REMOTE}", done.context_at
                continue
            if token == ",":
                expect_key = top is not None and top.is_object
                continue
            if token == ":":
                continue
            if top is not None and top.is_object and expect_key:
                key = json.loads(token)
                if key in top.keys:
                    return (
                        f"JSON-LD object has the key {key!r} twice (a JSON parser keeps only the last)",
                        match.start(),
                    )
                top.keys.add(key)
                top.key, top.key_at, expect_key = key, match.start(), False
                continue
            # a value starts here
            if top is not None and top.is_object:
                if top.key == "@import":
                    named = json.loads(token) if token.startswith('"') else token
                    return f"JSON-LD @import {named!r} {_REMOTE}", top.key_at
                if top.key == "@context" and token.startswith('"'):
                    return f"JSON-LD @context {json.loads(token)!r} {_REMOTE}", top.key_at
            elif top is not None and top.context_at >= 0 and token.startswith('"'):
                top.strings.append(json.loads(token))
            if token == "{":
                stack.append(_Frame(True))
                expect_key = True
            elif token == "[":
                in_context = top is not None and top.is_object and top.key == "@context"
                stack.append(_Frame(False, context_at=top.key_at if in_context else -1))
    finally:
        if work is not None:
            work.append(scanned)
    return None


def _refuse_after_parse(graph: Graph, text: str, path: Path, error: type) -> None:
    """Refuse what parsing may not let through. ``owl:imports``: protograph never follows it,
    and a protocol or case that relies on another document would silently mean less than it
    says, so it is refused rather than ignored. An IRI with a character that no IRI may hold
    (space, ``<``, ``>``, ``"``, ``{``, ``}``, ...; Turtle lets ``\\u`` escapes smuggle them in):
    such an IRI written into a query or N-Triples line would change its meaning."""
    for triple in graph:
        for term in triple:
            if isinstance(term, (Graph, Variable)):  # an N3 formula { ... } or an N3 ?variable
                raise error(
                    "N3 formulas and variables are refused: a protocol or case is plain triples",
                    path,
                    find_line(text, ("=>", "{", "?")),
                )
            lone = _SURROGATE.search(str(term))
            if lone:
                raise error(
                    f"a term holds a lone surrogate (\\u{ord(lone.group(0)):04x}), which is not a Unicode character",
                    path,
                    find_line(text, (f"\\u{ord(lone.group(0)):04x}", f"\\u{ord(lone.group(0)):04X}")),
                )
    for target in graph.objects(None, OWL.imports):
        raise error(
            f"owl:imports <{target}> is refused: protograph never follows imports; "
            "put what is needed in the file itself",
            path,
            find_line(text, ("owl:imports", str(OWL.imports), str(target))),
        )
    for triple in graph:
        for term in triple:
            bad = _BAD_IRI.search(term) if isinstance(term, URIRef) else None
            if bad:
                before = str(term)[: bad.start()]
                raise error(
                    f"IRI {str(term)[:80]!r} holds {bad.group(0)!r}, a character not allowed in an IRI",
                    path,
                    find_line(text, (before + bad.group(0), before + "\\u", before + "\\U")),
                )


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


def _read_alignment(protocol_path: Path, protocol_id: str, graph: Graph, ontology: Graph) -> None:
    """Add the protocol's alignment (``pg:alignedTo`` an obligation, or ``pg:uniqueReason``)
    to its graph, read as strictly as any other RDF file. A duty the protocol does not have,
    an obligation the shared list does not have, or a statement about anything else is one
    line naming the file and the line. A protocol with no alignment file loads unaligned
    (``protograph align`` lists its duties)."""
    path = alignment_file(protocol_path, protocol_id)
    if not path.is_file():
        return
    alignment = parse_file(path)
    text = path.read_text(encoding="utf-8-sig")
    duties = set(graph.subjects(RDF.type, PG.Duty))
    obligations = set(ontology.subjects(RDF.type, PG.SharedObligation))
    allowed = {PG.alignedTo, PG.uniqueReason}
    for subject, predicate, value in sorted(alignment):
        if predicate not in allowed:
            raise EncodingError(
                f"an alignment file states only pg:alignedTo and pg:uniqueReason, not <{predicate}>",
                path,
                find_line(text, (_local(predicate), str(predicate))),
            )
        if subject not in duties:
            raise EncodingError(
                f"{_local(subject)!r} is not a duty of {protocol_id}", path, find_line(text, (_local(subject),))
            )
        if predicate == PG.alignedTo and value not in obligations:
            raise EncodingError(
                f"{_local(value)!r} is not an obligation of the shared list (ontology/vocab/obligations.ttl)",
                path,
                find_line(text, (_local(value),)),
            )
    graph += alignment


def _local(term: object) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def load_corpus(
    corpus_dirs: Sequence[Path] = (),
    *,
    bundled: bool = True,
    check_user_protocols: bool = True,
) -> Corpus:
    """Load the ontology and protocols: the bundled ones (unless ``bundled=False``) and
    every protocol file in ``corpus_dirs`` (Turtle, N-Triples, N3, RDF/XML, JSON-LD). User
    protocols are checked against the encoding shapes and their quotes against their source
    text as they load."""
    netguard.install()
    dataset = Dataset(default_union=True)
    ontology = ontology_graph()
    dataset.graph(ONTOLOGY_GRAPH).__iadd__(ontology)
    corpus = Corpus(dataset, ontology_graph=ontology)
    files: list[tuple[Path, bool]] = [(p, True) for p in bundled_protocol_files()] if bundled else []
    revision_of: dict[URIRef, tuple[list, Path]] = {}
    for folder in corpus_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError("corpus folder not found", folder)
        # not is_file(): a FIFO or a link to a device named like a protocol is refused when read, never skipped
        found = sorted(p for p in folder.iterdir() if not p.is_dir() and p.suffix.lower() in PROTOCOL_SUFFIXES)
        if not found:
            raise InputError(f"corpus folder holds no protocol files ({', '.join(PROTOCOL_SUFFIXES)})", folder)
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
            from .encoding_checks import check_protocol_graph

            check_protocol_graph(graph, ontology, path)
        _read_alignment(path, protocol_id, graph, ontology)
        _mark_membership(graph, iri)
        target = dataset.graph(iri)
        for prefix, ns in graph.namespaces():
            target.bind(prefix, ns, override=False)
        target += graph
        corpus.graphs[protocol_id] = graph
        revision_of[iri] = (sorted(graph.objects(iri, PROV.wasRevisionOf)), path)
        corpus.protocols[protocol_id] = ProtocolInfo(
            id=protocol_id,
            iri=iri,
            path=path,
            title=_text(graph, iri, DCTERMS.title),
            issuer=_text(graph, iri, PG.issuer),
            date=_text(graph, iri, DCTERMS.issued) or _text(graph, iri, PG.dateNote),
            bundled=is_bundled,
            short_title=_text(graph, iri, PG.shortTitle),
        )
    _refuse_revision_cycles(revision_of)
    return corpus


def _refuse_revision_cycles(revision_of: dict[URIRef, tuple[list, Path]]) -> None:
    """A protocol that is a revision of itself, or a chain of revisions that comes back to
    where it started, would make every "what changed" answer meaningless: refused, naming the
    file and the line of its prov:wasRevisionOf."""
    for start, (_, path) in sorted(revision_of.items()):
        seen = [start]
        current = start
        while True:
            previous = revision_of.get(current, ([], path))[0]
            if not previous:
                break
            current = previous[0]
            if current in seen:
                chain = " → ".join(str(i).rsplit("/", 1)[-1] for i in [*seen, current])
                what = "a revision of itself" if len(seen) == 1 else f"in a cycle of revisions ({chain})"
                line = find_line(reread_text(path, MAX_RDF_BYTES), ("wasRevisionOf",))
                raise EncodingError(f"protocol <{start}> is {what}", path, line)
            seen.append(current)


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

"""Checks of a protocol encoding: the encoding shapes (pySHACL), quote fidelity against the
source text, shared terms that the vocabularies do not define, and timescale sanity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH, TIME

from ..errors import EncodingError
from ..guard.input_files import find_line, line_of, read_text, reread_text
from ..paths import data_dir, sources_dir
from .namespace import BASE, PG
from .quotes import locate, normalise
from .timescales import HOURS_PER_UNIT

MAX_SOURCE_BYTES = 20 * 1024 * 1024
_VOCAB_PREFIXES = tuple(
    BASE + part
    for part in (
        "role/",
        "action/",
        "event/",
        "condition/",
        "topic/",
        "purpose/",
        "instrument/",
        "concept/",
        "position/",
        "ns#",
    )
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an encoding: where (a node or a quote) and what."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def encoding_shapes() -> Graph:
    """The shapes every protocol encoding must conform to."""
    return Graph().parse(data_dir("shapes") / "encoding.shapes.ttl", format="turtle")


def shape_problems(graph: Graph, ontology: Graph, shapes: Graph | None = None) -> list[Problem]:
    """Run the encoding shapes over one protocol graph with pySHACL."""
    from pyshacl import validate

    data = Graph()
    data += ontology
    data += graph
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes if shapes is not None else encoding_shapes(),
        inference="none",
        do_owl_imports=False,
        allow_warnings=True,
    )
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        path = report.value(result, SH.resultPath)
        where = graph.namespace_manager.normalizeUri(focus) if isinstance(focus, URIRef) else f"[{focus}]"
        detail = str(message) if message is not None else f"fails {report.value(result, SH.sourceConstraintComponent)}"
        if path is not None and isinstance(path, URIRef):
            detail = f"{detail} (on {graph.namespace_manager.normalizeUri(path)})"
        problems.append(Problem(where, detail))
    return sorted(set(problems))


def source_text_for(graph: Graph, path: Path | None = None) -> tuple[Path, str]:
    """Find and read a protocol's source text (pg:sourceFile), beside the protocol file or
    in the shared sources folder."""
    names = sorted(str(o) for o in graph.objects(None, PG.sourceFile))
    if not names:
        raise EncodingError("protocol names no source text (pg:sourceFile)", path)
    if Path(names[0]).name != names[0] or names[0] in ("", ".", ".."):
        # a bare file name only: a protocol from elsewhere must not make us read /etc/... or ../..
        line = find_line(reread_text(path, MAX_SOURCE_BYTES), [names[0]]) if path is not None else None
        raise EncodingError(f"pg:sourceFile {names[0]!r} must be a bare file name, not a path", path, line)
    if len(names) > 1:
        raise EncodingError(f"protocol names {len(names)} source texts (pg:sourceFile); one is allowed", path)
    if not names[0].lower().endswith(".txt"):
        # the quotes are checked against this file: a protocol file (itself, or a sibling) or any
        # other kind of file would let made-up quotes pass
        line = find_line(reread_text(path, MAX_SOURCE_BYTES), [names[0]]) if path is not None else None
        raise EncodingError(f"pg:sourceFile {names[0]!r} must name a plain-text source (.txt)", path, line)
    candidates = ([path.parent / names[0]] if path is not None else []) + [sources_dir() / names[0]]
    for candidate in candidates:
        if candidate.is_file():
            if path is not None and path.is_file() and candidate.samefile(path):
                raise EncodingError(f"pg:sourceFile {names[0]!r} names the protocol file itself", path)
            return candidate, read_text(candidate, "a source text", "text", MAX_SOURCE_BYTES, EncodingError)
    raise EncodingError(
        f"source text {names[0]!r} not found (looked in {', '.join(str(c.parent) for c in candidates)})", path
    )


def quote_problems(graph: Graph, source_text: str) -> list[Problem]:
    """Every pg:quote that does not occur (normalised) in the source text."""
    source = normalise(source_text)
    problems = []
    for subject, quote in graph.subject_objects(PG.quote):
        check = locate(str(quote), source)
        if not check.found:
            reference = graph.value(subject, PG.reference)
            where = f"quote at {reference}" if reference is not None else "quote"
            problems.append(Problem(where, f"not in source: {check.missing[:120]!r}"))
    return sorted(problems)


def undefined_terms(graph: Graph, ontology: Graph) -> list[Problem]:
    """Shared terms the protocol uses that no vocabulary defines (a typo or a missing term)."""
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    used = {n for triple in graph for n in triple if isinstance(n, URIRef) and str(n).startswith(_VOCAB_PREFIXES)}
    return [Problem(str(term), "not defined in ontology/ or ontology/vocab/") for term in sorted(used - defined)]


def _hours(graph: Graph, duration) -> float | None:  # noqa: ANN001
    number = graph.value(duration, TIME.numericDuration)
    unit = graph.value(duration, TIME.unitType)
    if number is None or unit not in HOURS_PER_UNIT:
        return None
    try:
        return float(number.toPython()) * HOURS_PER_UNIT[unit]
    except (TypeError, ValueError, OverflowError):
        return None


MAX_DURATION_YEARS = 100


def duration_problems(graph: Graph) -> list[Problem]:
    """Durations no protocol states and no date can hold: not a finite number, negative, or
    longer than 100 years (1e300 days would overflow every deadline computed from it)."""
    import math

    problems = []
    for duration, number in graph.subject_objects(TIME.numericDuration):
        where = graph.namespace_manager.normalizeUri(duration) if isinstance(duration, URIRef) else str(number)
        try:
            value = float(number.toPython())
        except (TypeError, ValueError, OverflowError):
            problems.append(Problem(where, f"duration {str(number)[:40]!r} is not a number"))
            continue
        hours = _hours(graph, duration)
        if not math.isfinite(value) or value < 0:
            problems.append(Problem(where, f"duration {str(number)[:40]!r} is not a finite, non-negative number"))
        elif hours is not None and hours > MAX_DURATION_YEARS * HOURS_PER_UNIT[TIME.unitYear]:
            problems.append(Problem(where, f"duration {str(number)[:40]} is longer than {MAX_DURATION_YEARS} years"))
    return sorted(problems)


def timescale_problems(graph: Graph) -> list[Problem]:
    """Timescales whose minimum exceeds their maximum, or 'immediate' ones that are not zero."""
    problems = []
    for ts in set(graph.subjects(PG.minDuration, None)):
        low = _hours(graph, graph.value(ts, PG.minDuration))
        high = _hours(graph, graph.value(ts, PG.maxDuration))
        where = graph.namespace_manager.normalizeUri(ts) if isinstance(ts, URIRef) else str(ts)
        if low is not None and high is not None and low > high:
            problems.append(Problem(where, "minimum duration is longer than maximum"))
        if graph.value(ts, PG.immediate) is not None and graph.value(ts, PG.immediate).toPython() and (high or 0) != 0:
            problems.append(Problem(where, "an immediate timescale must have zero duration"))
    return sorted(problems)


def all_problems(graph: Graph, ontology: Graph, path: Path | None = None) -> list[Problem]:
    """Every problem with one protocol encoding."""
    problems = duration_problems(graph) + undefined_terms(graph, ontology) + shape_problems(graph, ontology)
    problems += timescale_problems(graph)
    _, text = source_text_for(graph, path)
    return problems + quote_problems(graph, text)


def check_protocol_graph(graph: Graph, ontology: Graph, path: Path | None = None) -> None:
    """Raise EncodingError naming the first problem (and how many there are), if any."""
    problems = all_problems(graph, ontology, path)
    if problems:
        more = f" (and {len(problems) - 1} more; run tools/check_encoding.py)" if len(problems) > 1 else ""
        line = _line_of_problem(graph, problems[0], path)
        raise EncodingError(f"fails the encoding checks: {problems[0]}{more}", path, line)


def _line_of_problem(graph: Graph, problem: Problem, path: Path | None) -> int | None:
    """The line of the file where a problem's node or quote is first written, if it can be
    found: parsers give no line per triple, so this looks for the node's name as written
    (prefixed or in full) or for the quote's opening words."""
    if path is None or not path.is_file():
        return None
    text = reread_text(path, MAX_SOURCE_BYTES)
    needles = [problem.where]
    if problem.where.startswith("quote at "):
        reference = problem.where.removeprefix("quote at ")
        needles = [
            f'"{quote[:40]}'
            for s, quote in graph.subject_objects(PG.quote)
            if str(graph.value(s, PG.reference)) == reference
        ]
        needles += [f'pg:reference "{reference}"']
    elif ":" in problem.where and not problem.where.startswith(("http", "[")):
        prefix, local = problem.where.split(":", 1)
        namespace = dict(graph.namespaces()).get(prefix)
        needles += [f"<{namespace}{local}>"] if namespace is not None else []
    else:
        needles += [f"<{problem.where}>"]
    for needle in needles:
        index = text.find(needle)
        if index >= 0:
            return line_of(text, index)
    return None

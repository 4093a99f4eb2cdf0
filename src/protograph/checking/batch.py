"""Batch validation: a whole caseload against every chosen protocol.

``validate_batch`` runs the direct engine (direct.py): each generated constraint evaluated in
Python from the compiled plan (plan.py), case by case, the way a chunk of a caseload is
validated in a worker process. With an endpoint, or as ``validate_shapes``, it runs the
shapes' own constraint queries instead:

The shapes engine builds one graph of every case's events and obligations (due times
materialised in Python exactly as for the reference engine), loads it into pyoxigraph, and
runs each generated constraint's SELECT once with ``$this`` left free, so every late or
missing obligation of the caseload comes back from one query a duty. Every case's events are
loaded once and every protocol's obligations beside them, so one store serves all protocols.
The queries are the very strings the shapes carry (validation.constraint_query), and findings
are explained by the same code, so the engines must agree finding for finding; tests hold
them to it. With an endpoint, the caseload goes into the server's named graph
<.../graph/caseload> and the same queries run there over HTTP."""

from __future__ import annotations

import gc
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from rdflib import URIRef

from ..cases.reading import Case
from ..corpus.loader import Corpus
from ..store.endpoint import Endpoint
from .deadlines import DEFAULT_IMMEDIATE_TOLERANCE, Checkable, Obligation, checkable_duties, obligations
from .evidence import Evidence
from .shapes import constraint_message, constraint_query
from .validation import (
    SEVERITY_ORDER,
    CaseResult,
    Finding,
    event_ntriples,
    explain_finding,
    obligation_ntriples,
)

CASELOAD_GRAPH = URIRef("https://w3id.org/protograph/graph/caseload")


def validate_batch(
    corpus: Corpus,
    cases: list[Case],
    protocols: list[str],
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    progress: bool = False,
    endpoint: Endpoint | None = None,
) -> list[CaseResult]:
    """Validate every case against every chosen protocol: one CaseResult a case and protocol,
    in case order, then protocol id. Without an endpoint, the direct engine
    (direct.validate_chunk on compile_plan(corpus, protocols)); with one, the shapes' queries
    on the server (validate_shapes). With ``progress``, a bar on stderr (after a second, and
    only on a terminal)."""
    if endpoint is not None:
        return validate_shapes(corpus, cases, protocols, tolerance, progress, endpoint)
    from .direct import validate_chunk
    from .plan import compile_plan

    return validate_chunk(compile_plan(corpus, protocols), cases, None, tolerance, progress)


def validate_shapes(
    corpus: Corpus,
    cases: list[Case],
    protocols: list[str],
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    progress: bool = False,
    endpoint: Endpoint | None = None,
) -> list[CaseResult]:
    """Validate every case against every protocol with one query per duty and protocol, on
    pyoxigraph or, with ``endpoint``, a SPARQL server: the shapes' own constraint queries.
    With ``progress``, a bar on stderr (after a second, and only on a terminal)."""
    import pyoxigraph as ox

    from ..progress import bar

    # A pipeline over two cores. Rust loads and queries release the GIL, so one worker thread
    # parses a protocol's obligations and answers its queries while the main thread computes
    # the next protocol's obligations and explains the previous protocol's findings. The
    # worker takes its jobs in order, so every query runs after the loads it needs.
    store = ox.Store() if endpoint is None else None
    chunks: list[bytes] = []
    loads: list[Future] = []
    loader = ThreadPoolExecutor(max_workers=1)
    worker = ThreadPoolExecutor(max_workers=2)

    def load(lines: list[str]) -> None:
        data = "\n".join(lines).encode("utf-8")
        if store is None:
            chunks.append(data)
        else:
            loads.append(loader.submit(store.load, data, ox.RdfFormat.N_TRIPLES))

    def focus_nodes(query: str, after: list[Future]) -> list[str]:
        for job in after:
            job.result()
        if endpoint is not None:
            return [str(row.this) for row in endpoint.query("", text=query) if row.this is not None]
        return [s["this"].value for s in store.query(query) if s["this"] is not None]

    def ask(checks: list[Checkable]) -> tuple[list[Future], list[tuple[Checkable, Evidence, Future]]]:
        after = list(loads)
        return after, [
            (check, evidence, worker.submit(focus_nodes, constraint_query(check, evidence), after))
            for check in checks
            for evidence in check.evidence
        ]

    by_iri: dict[str, tuple[Case, Obligation]] = {}
    prepared: dict[str, dict] = {}
    asked: dict[str, tuple] = {}
    results: list[CaseResult] = []

    def explain(protocol_id: str) -> None:
        needed, answers = asked.pop(protocol_id)
        for job in needed:
            job.result()  # a failed load is an error, not an empty answer
        findings: dict[str, list[Finding]] = {case.id: [] for case in cases}
        for check, evidence, answer in answers:
            message = constraint_message(check, evidence)
            for focus in answer.result():
                hit = by_iri.get(focus)
                if hit is None:
                    continue
                case, obligation = hit
                findings[case.id].append(explain_finding(case, obligation, evidence, message, check.severity))
        for case in cases:
            obligation_list, not_applicable = prepared[protocol_id][case.id]
            found = sorted(
                findings[case.id],
                key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.trigger_at, f.provision, f.duty, f.recipients),
            )
            results.append(CaseResult(case, protocol_id, found, obligation_list, not_applicable))

    collecting = gc.isenabled()
    gc.disable()  # millions of small objects and no cycles: the collector alone took 60 % of the time
    try:
        event_lines: list[str] = []
        for case in cases:
            event_lines.extend(event_ntriples(case))  # once a case, whatever the number of protocols
        load(event_lines)
        del event_lines
        for protocol_id in protocols:
            checks = checkable_duties(corpus, protocol_id)
            per_case = {}
            lines: list[str] = []
            for case in bar(cases, f"deadlines: {protocol_id}", progress):
                obligation_list, not_applicable = obligations(checks, case, tolerance)
                per_case[case.id] = (obligation_list, not_applicable)
                iris: list[str] = []
                lines.extend(obligation_ntriples(case, obligation_list, iris))
                by_iri.update(zip(iris, ((case, o) for o in obligation_list), strict=True))
            load(lines)
            del lines
            prepared[protocol_id] = per_case
            if endpoint is None:
                asked[protocol_id] = ask(checks)
        if endpoint is not None:
            endpoint.put_graph(CASELOAD_GRAPH, b"\n".join(chunks))
            asked = {protocol_id: ask(checkable_duties(corpus, protocol_id)) for protocol_id in protocols}
        for protocol_id in list(asked):
            explain(protocol_id)
    finally:
        worker.shutdown(cancel_futures=True)
        loader.shutdown(cancel_futures=True)
        if collecting:
            gc.freeze()  # what the batch built lives on; later collections need not walk it again
            gc.enable()
    position = {case.id: index for index, case in enumerate(cases)}
    return sorted(results, key=lambda r: (position[r.case.id], r.protocol))

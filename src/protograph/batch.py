"""Batch validation: the generated shapes' constraint queries, run once over a whole caseload.

The reference engine (validation.validate_case) runs pySHACL case by case. This engine
builds one graph of every case's events and obligations (due times materialised in Python
exactly as for the reference engine), loads it into pyoxigraph, and runs each generated
constraint's SELECT once with ``$this`` left free, so every late or missing obligation of
the caseload comes back from one query a duty. The queries are the very strings the shapes
carry (validation.constraint_query), and findings are explained by the same code, so the
two engines must agree finding for finding; tests hold them to it."""

from __future__ import annotations

from datetime import timedelta

from rdflib import Graph

from .cases import Case
from .deadlines import DEFAULT_IMMEDIATE_TOLERANCE, checkable_duties, obligations
from .loader import Corpus
from .validation import (
    SEVERITY_ORDER,
    CaseResult,
    Finding,
    case_graph,
    constraint_message,
    constraint_query,
    explain_finding,
    obligation_iri,
)


def validate_batch(
    corpus: Corpus,
    cases: list[Case],
    protocols: list[str],
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
) -> list[CaseResult]:
    """Validate every case against every protocol with one query per duty and protocol."""
    import pyoxigraph as ox

    results: list[CaseResult] = []
    for protocol_id in protocols:
        checks = checkable_duties(corpus, protocol_id)
        per_case = {case.id: obligations(checks, case, tolerance) for case in cases}
        graph = Graph()
        by_iri = {}
        for case in cases:
            obligation_list, _ = per_case[case.id]
            graph += case_graph(case, obligation_list)
            by_iri.update({str(obligation_iri(o)): (case, o) for o in obligation_list})
        store = ox.Store()
        store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
        findings: dict[str, list[Finding]] = {case.id: [] for case in cases}
        for check in checks:
            groups = list(check.recipients) or [None]
            for roles in groups:
                query = constraint_query(check, roles)
                message = constraint_message(check, roles)
                for solution in store.query(query):
                    focus = solution["this"]
                    hit = by_iri.get(focus.value if focus is not None else "")
                    if hit is None:
                        continue
                    case, obligation = hit
                    findings[case.id].append(explain_finding(case, obligation, roles, message, check.severity))
        for case in cases:
            obligation_list, not_applicable = per_case[case.id]
            found = sorted(
                findings[case.id],
                key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.trigger_at, f.provision, f.duty, f.recipients),
            )
            results.append(CaseResult(case, protocol_id, found, obligation_list, not_applicable))
    return sorted(results, key=lambda r: ([c.id for c in cases].index(r.case.id), r.protocol))

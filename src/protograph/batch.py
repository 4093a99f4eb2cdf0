"""Batch validation: the generated shapes' constraint queries, run once over a whole caseload.

The reference engine (validation.validate_case) runs pySHACL case by case. This engine
builds one graph of every case's events and obligations (due times materialised in Python
exactly as for the reference engine), loads it into pyoxigraph, and runs each generated
constraint's SELECT once with ``$this`` left free, so every late or missing obligation of
the caseload comes back from one query a duty. Every case's events are loaded once and every protocol's obligations beside them, so one
store serves all protocols. The queries are the very strings the shapes
carry (validation.constraint_query), and findings are explained by the same code, so the
two engines must agree finding for finding; tests hold them to it. With an endpoint, the
caseload goes into the server's named graph <.../graph/caseload> and the same queries run
there over HTTP."""

from __future__ import annotations

from datetime import timedelta

from rdflib import URIRef

from .cases import Case
from .deadlines import DEFAULT_IMMEDIATE_TOLERANCE, checkable_duties, obligations
from .endpoint import Endpoint
from .loader import Corpus
from .validation import (
    SEVERITY_ORDER,
    CaseResult,
    Finding,
    constraint_message,
    constraint_query,
    event_ntriples,
    explain_finding,
    obligation_iri,
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
    """Validate every case against every protocol with one query per duty and protocol.
    With ``progress``, a bar on stderr (after a second, and only on a terminal)."""
    import pyoxigraph as ox

    from .progress import bar

    prepared = {}
    lines: list[str] = []
    for case in cases:
        lines.extend(event_ntriples(case))  # once a case, whatever the number of protocols
    by_iri: dict[str, tuple[Case, object]] = {}
    for protocol_id in protocols:
        checks = checkable_duties(corpus, protocol_id)
        per_case = {
            case.id: obligations(checks, case, tolerance) for case in bar(cases, f"deadlines: {protocol_id}", progress)
        }
        for case in cases:
            obligation_list, _ = per_case[case.id]
            lines.extend(obligation_ntriples(case, obligation_list))
            by_iri.update({str(obligation_iri(o)): (case, o) for o in obligation_list})
        prepared[protocol_id] = (checks, per_case)
    data = "\n".join(lines).encode("utf-8")
    if endpoint is not None:
        endpoint.put_graph(CASELOAD_GRAPH, data)

        def focus_nodes(query: str) -> list[str]:
            return [str(row.this) for row in endpoint.query("", text=query) if row.this is not None]
    else:
        store = ox.Store()
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES)

        def focus_nodes(query: str) -> list[str]:
            return [s["this"].value for s in store.query(query) if s["this"] is not None]

    results: list[CaseResult] = []
    for protocol_id in protocols:
        checks, per_case = prepared[protocol_id]
        findings: dict[str, list[Finding]] = {case.id: [] for case in cases}
        for check in checks:
            for roles in list(check.recipients) or [None]:
                message = constraint_message(check, roles)
                for focus in focus_nodes(constraint_query(check, roles)):
                    hit = by_iri.get(focus)
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
    position = {case.id: index for index, case in enumerate(cases)}
    return sorted(results, key=lambda r: (position[r.case.id], r.protocol))

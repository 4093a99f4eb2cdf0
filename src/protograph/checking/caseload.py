"""Running a caseload: every case against every chosen protocol, on the reference engine
(pySHACL, case by case), the batch engine (direct.py: the constraints in Python from the
compiled plan) or the shapes engine (each duty's query once over the caseload on pyoxigraph
or a SPARQL server)."""

from __future__ import annotations

from datetime import timedelta

from ..cases.reading import Case
from ..corpus.loader import Corpus
from .validation import CaseResult, validate_case


def validate_cases(
    corpus: Corpus,
    cases: list[Case],
    protocols: list[str],
    tolerance: timedelta,
    engine: str = "reference",
    progress: bool = False,
    endpoint: object | None = None,
) -> list[CaseResult]:
    """Validate every case against every chosen protocol: pySHACL case by case (reference),
    the generated constraints evaluated in Python from the compiled plan (batch), or every
    duty's constraint query once over the whole caseload on pyoxigraph or a server (shapes)."""
    if engine == "shapes" or endpoint is not None:
        from .batch import validate_shapes

        return validate_shapes(corpus, cases, protocols, tolerance, progress, endpoint)  # type: ignore[arg-type]
    if engine == "batch":
        from .batch import validate_batch

        return validate_batch(corpus, cases, protocols, tolerance, progress)
    from .deadlines import checkable_duties
    from .validation import generate_shapes

    prepared = {}
    for protocol_id in protocols:
        checks = checkable_duties(corpus, protocol_id)
        prepared[protocol_id] = (checks, generate_shapes(checks))
    from ..progress import bar

    results = []
    for case in bar(cases, "validating (pySHACL)", progress):
        for protocol_id in protocols:
            checks, shapes = prepared[protocol_id]
            results.append(validate_case(corpus, case, protocol_id, tolerance, shapes=shapes, checks=checks))
    return results

"""The direct engine: the generated shapes' constraints evaluated in Python, case by case,
from a compiled plan (plan.py), with no RDF store and no rdflib corpus.

Each generated constraint (validation.constraint_query) selects the obligations of its duty,
owed by the review time, for which no event evidencing one requirement lies between the
trigger and the due time while the review time is past the due time (with no deadline: no
evidencing event after the trigger at all). The first completion of a requirement
(validation.first_completion: the earliest event at or after the trigger that
Evidence.shows, the very test the explanation uses) answers the same question: an
evidencing event exists in [trigger, due] exactly when the first one is at or before the due
time. So this engine reports an obligation exactly when the shape's query selects it, and
explains it with the same code (validation.explain_finding); the pyoxigraph engine
(batch.validate_shapes, also behind ``--endpoint``) and pySHACL (``--engine reference``) run
the query text itself, and tests hold all three to the same findings.

Cases are independent, so a caseload can be cut into chunks and each chunk validated in its
own process: ``validate_chunk`` needs only the plan (small, picklable) and the cases."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from ..cases.reading import Case, Event
from .deadlines import DEFAULT_IMMEDIATE_TOLERANCE, Obligation, obligations
from .plan import Plan
from .validation import SEVERITY_ORDER, CaseResult, Finding, explain_finding, first_completion


def validate_chunk(
    plan: Plan,
    cases: Iterable[Case],
    protocols: list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    progress: bool = False,
) -> list[CaseResult]:
    """Validate cases against the plan's protocols (or the ``protocols`` named, each compiled
    in the plan): one CaseResult a case and protocol, cases in the order given and, within a
    case, protocols sorted by id, the order validate_batch gives. Needs no corpus: this is
    what a worker process runs on its chunk of a caseload."""
    from ..progress import bar

    chosen = sorted(set(protocols if protocols is not None else plan.protocols))
    checks = {protocol_id: plan.checks(protocol_id) for protocol_id in chosen}
    messages = plan.messages()
    results: list[CaseResult] = []
    with collector_paused():
        for case in bar(cases, "validating", progress):
            for protocol_id in chosen:
                obligation_list, not_applicable = obligations(checks[protocol_id], case, tolerance)
                found = findings(case, obligation_list, messages)
                results.append(CaseResult(case, protocol_id, found, obligation_list, not_applicable))
    return results


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block with the garbage collector off: validating or reporting a chunk of cases
    builds hundreds of thousands of small objects and no cycles, which the collector would
    walk again and again. What the block built lives on (gc.freeze), so later collections need
    not walk it either."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def findings(case: Case, obligation_list: list[Obligation], messages: dict[int, tuple[str, ...]]) -> list[Finding]:
    """The findings of one case's obligations under one protocol, in the engines' order:
    what each generated constraint selects (see the module docstring), explained.
    ``messages`` maps id(check) to its constraints' messages (Plan.messages)."""
    as_of = case.as_of
    found: list[Finding] = []
    firsts: dict[int, Sequence[Event]] = {}
    for obligation in obligation_list:
        if not obligation.owed_by(as_of):
            continue  # pending: not written for the shapes, so never selected
        due = obligation.due
        if due is not None and not as_of > due:
            continue  # not yet due at the review time
        check = obligation.check
        for index, evidence in enumerate(check.evidence):
            done = first_completion(case, obligation, evidence, firsts)
            if done is None or (due is not None and done.at > due):
                message = messages[id(check)][index]
                found.append(explain_finding(case, obligation, evidence, message, check.severity, done))
    found.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.trigger_at, f.provision, f.duty, f.recipients))
    return found

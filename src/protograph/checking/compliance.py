"""Outcomes of every checkable duty for a case, and the cross-protocol compliance matrix.

Whether a duty was breached comes from the SHACL report only (validation.py); this module
adds what SHACL does not report: duties met on time (and how, where the recipient itself
acted), duties not yet due or not yet owed (pending) and duties that do not apply to the
case (with the reason)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..cases.reading import Event
from .deadlines import Obligation
from .validation import CaseResult, Finding, first_completion

STATUS_ORDER = ["late", "not recorded", "open", "pending", "met", "not applicable"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one checkable duty of one protocol in one case."""

    case: str
    protocol: str
    provision: str
    duty: str
    duty_label: str
    action: str
    trigger: str
    modality: str
    status: str  # met | late | not recorded | open | pending | not applicable
    severity: str
    trigger_at: str | None
    deadline: str | None
    actual: str | None
    late_by: str | None
    reason: str = ""

    def as_row(self) -> dict[str, object]:
        """The outcome as plain data."""
        return dict(self.__dict__)


def _met(obligation: Obligation, done: list[Event]) -> str:
    """Why a met obligation was met where it was not by the evidence its action names: an
    event by the recipient itself (the police found the child: nobody need tell the police)."""
    notes = []
    for evidence, event in zip(obligation.check.evidence, done, strict=True):
        if evidence.to and event.by in evidence.to and not (event.type in evidence.types and event.to in evidence.to):
            notes.append(f"{event.by} itself recorded {event.type} at {event.at.isoformat()}")
    return "; ".join(notes)


def obligation_statuses(
    result: CaseResult,
) -> Iterator[tuple[Obligation, str, Finding | None, list[Event | None] | None]]:
    """Each obligation of a result with its status: its worst finding's status (``late``, ``not
    recorded``, ``open``), else ``met`` when every requirement has a first completion, else
    ``pending``; and that worst finding, or (with none) each requirement's first completion."""
    by_obligation: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        by_obligation.setdefault((finding.duty, finding.trigger_at), []).append(finding)
    case = result.case
    candidates: dict[int, Sequence[Event]] = {}
    for obligation in result.obligations:
        found = by_obligation and by_obligation.get((obligation.check.duty.id, obligation.trigger.at.isoformat()))
        if found:
            worst = min(found, key=lambda f: STATUS_ORDER.index(f.status))
            yield obligation, worst.status, worst, None
            continue
        done = [first_completion(case, obligation, evidence, candidates) for evidence in obligation.check.evidence]
        yield obligation, "met" if all(d is not None for d in done) else "pending", None, done


def outcomes(result: CaseResult) -> list[Outcome]:
    """One outcome per obligation, and one per checkable duty that does not apply."""
    rows: list[Outcome] = []
    case = result.case
    for obligation, status, worst, done in obligation_statuses(result):
        duty = obligation.check.duty
        reason = obligation.note
        if worst is not None:
            severity, actual, late_by = worst.severity, worst.actual, worst.late_by
            if worst.open_for:
                reason = "; ".join(r for r in (f"open for {worst.open_for}", reason) if r)
        else:
            if status == "met":
                actual = max(d.at for d in done if d is not None).isoformat()  # type: ignore[union-attr]
                reason = "; ".join(r for r in (_met(obligation, done), reason) if r)  # type: ignore[arg-type]
            else:
                actual = None
                if not obligation.owed_by(case.as_of):
                    reason = "; ".join(r for r in (f"not owed before {obligation.owed_from.isoformat()}", reason) if r)
            severity, late_by = "", None
        rows.append(
            Outcome(
                case=case.id,
                protocol=duty.protocol,
                provision=duty.provision,
                duty=duty.id,
                duty_label=duty.label,
                action=duty.action,
                trigger=duty.trigger or "threshold",
                modality=duty.modality,
                status=status,
                severity=severity,
                trigger_at=obligation.trigger.at.isoformat(),
                deadline=obligation.due.isoformat() if obligation.due is not None else None,
                actual=actual,
                late_by=late_by,
                reason=reason,
            )
        )
    for check, why in result.not_applicable:
        duty = check.duty
        rows.append(
            Outcome(
                case.id,
                duty.protocol,
                duty.provision,
                duty.id,
                duty.label,
                duty.action,
                duty.trigger or "threshold",
                duty.modality,
                "not applicable",
                "",
                None,
                None,
                None,
                None,
                why,
            )
        )
    return rows


def _cell(items: list[Outcome]) -> str:
    parts = []
    for o in sorted(items, key=lambda o: (STATUS_ORDER.index(o.status), o.provision)):
        text = o.status
        if o.late_by and o.status == "late":
            text += f" {o.late_by}"
        parts.append(f"{text} ({o.provision})")
    return "; ".join(dict.fromkeys(parts))


def matrix(
    results: list[CaseResult], include_not_applicable: bool = False
) -> tuple[list[dict[str, object]], list[str]]:
    """The protocol × duty matrix of one case: a row per (action, trigger) that some
    protocol asks for, a column per protocol, each cell the outcome(s) with their clause."""
    protocols = [r.protocol for r in results]
    grouped: dict[tuple[str, str], dict[str, list[Outcome]]] = {}
    for result in results:
        for outcome in outcomes(result):
            if outcome.status == "not applicable" and not include_not_applicable:
                continue
            grouped.setdefault((outcome.action, outcome.trigger), {}).setdefault(outcome.protocol, []).append(outcome)
    rows = []
    for (action, trigger), cells in sorted(grouped.items()):
        row: dict[str, object] = {"duty": f"{action} after {trigger}"}
        for protocol in protocols:
            row[protocol] = _cell(cells.get(protocol, [])) or "—"
        rows.append(row)
    return rows, ["duty", *protocols]


def summary_rows(results: list[CaseResult]) -> list[dict[str, object]]:
    """Per case and protocol: how many duties were met, late, not recorded, open, pending."""
    rows = []
    for result in results:
        counts = {s: 0 for s in STATUS_ORDER}
        for outcome in outcomes(result):
            counts[outcome.status] += 1
        violations = sum(1 for f in result.findings if f.severity == "Violation")
        rows.append({"case": result.case.id, "protocol": result.protocol, **counts, "violations": violations})
    return rows

"""The severity of a finding, and the reason for it in words a reviewer can check.

Severity follows modality as written (DESIGN.md, "Validation"): must, will and must not
give a Violation; should and should not a Warning; may and advice (recommended, consider)
Info; each finding says why, quoting the modal words of its clause. Then:

* A **soft limit** ("usually", "although individual circumstances will impact on this
  timescale") never erases a missed deadline: a missed soft limit is at least a Warning
  (a "should … usually within 72 hours" return interview 45 hours late is a Warning).
* An **open** duty (no deadline, not yet done) is not a breach: the text sets no time by
  which it is late. It is reported with status ``open`` and how long it has been open, at
  Info, so it never counts as a violation nor changes the exit status.
"""

from __future__ import annotations

import re

from rdflib import Graph

from ..corpus.duties import Duty
from ..corpus.namespace import PG
from ..corpus.terms import label, short_id
from .time_kinds import Timing

ORDER = ["Info", "Warning", "Violation"]
OPEN_SEVERITY = "Info"
"""An open duty is reported for information: not a breach, never counted as a violation."""

_SOFT_WORDS = re.compile(
    r"\b(usually|normally|generally|ideally|typically|where possible|wherever possible|as far as possible|"
    r"although individual circumstances will impact on this timescale|although individual circumstances)\b",
    re.IGNORECASE,
)


def soft_words(quote: str) -> str:
    """The words that make a timescale soft, as the quote has them ('' when none are found)."""
    match = _SOFT_WORDS.search(quote)
    return match.group(0) if match else ""


def severity_of(ontology: Graph, duty: Duty, when: Timing) -> tuple[str, str]:
    """The severity of a finding of this duty, and the reason for it."""
    modality = PG[duty.modality]
    by_modality = short_id(ontology.value(modality, PG.severity))
    modal = f"{label(ontology, modality)} (as written: '{duty.wording}')"
    if when.deadline is None:
        return OPEN_SEVERITY, f"open: the text sets no time by which it is late; {modal}"
    if when.deadline.soft:
        words = soft_words(when.deadline.quote)
        severity = max(by_modality, "Warning", key=ORDER.index)
        soft = f"soft limit: '{words}'" if words else "soft limit (the text qualifies the timescale)"
        return severity, f"{modal}; {soft}, so at least a Warning"
    return by_modality, modal

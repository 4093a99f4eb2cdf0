"""Pseudonyms for personal data in reports: case ids, event ids and case file names.

Case files are personal data about children (DESIGN.md, Non-negotiables): a case id can be a
system's reference for a child, and a file name or an event id can carry a child's name. With
``protograph validate --pseudonymise`` (or these functions in a notebook) every such string is
replaced by a keyed hash before validation, so no report, matrix, JSON or file written can
show it: ``case-3f9a0c1d2e4b`` is HMAC-SHA256 of the original under a secret salt, cut to 12
hex digits and prefixed by what it stands for, so a reader sees it is a pseudonym.

Stable: the same id and salt give the same pseudonym in every run and process, so reports of
one caseload can be compared over time and a reviewer holding the salt can find a case again
(by hashing the ids they have, never by reversing the pseudonym). Different salts give
unrelated pseudonyms. A salt is required: an unsalted hash of a short, structured id such as
``case-017`` is reversed by hashing every candidate. The salt comes from ``--salt-file`` or
the ``PROTOGRAPH_SALT`` environment variable, is never generated (output must be the same
bytes on every run) and is never written anywhere.

Two different ids of one kind with the same pseudonym are refused ("use another salt"). A CSV
caseload checked by ``validate --pseudonymise`` is never held whole: it is read in pseudonym
order (:meth:`Pseudonymiser.case_order`) and each case pseudonymised where its chunk is built
(:meth:`Pseudonymiser.alone`), so two case ids with one pseudonym meet as neighbours and are
refused across the whole caseload, but event ids are checked within their case only. At 48
bits, the 12 million events of a national caseload would share a pseudonym by chance about one
time in four, refusing it for nothing, while the few events of one case, which a report tells
apart, almost never do. Case files, and several caseloads, are pseudonymised whole, every
event id checked against every other, as before.

Event notes are never read into a case (cases.py keeps no free text), and event times, child
details and protocol facts are kept: the deadlines are the report."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..guard.input_files import read_bytes
from .reading import Case

if TYPE_CHECKING:  # results are pseudonymised field by field; cases never depend on checking
    from ..checking.validation import CaseResult, Finding

SALT_ENV = "PROTOGRAPH_SALT"
MIN_SALT_BYTES = 16
MAX_SALT_BYTES = 4096
DIGITS = 12  # 48 bits: a collision among 10,000 cases has odds of about 1 in 5 million, and is refused
KINDS = ("case", "event", "file")


class Pseudonymiser:
    """Keyed, stable pseudonyms: ``kind-`` + the first 12 hex digits of HMAC-SHA256(salt, kind, value)."""

    __slots__ = ("_key", "_seen")

    def __init__(self, salt: str | bytes):
        key = salt.encode("utf-8") if isinstance(salt, str) else bytes(salt)
        if len(key) < MIN_SALT_BYTES:
            raise InputError(
                f"the pseudonymisation salt has {len(key)} bytes; use a secret of at least {MIN_SALT_BYTES}"
            )
        self._key = key
        self._seen: dict[str, tuple[str, str]] = {}

    def __repr__(self) -> str:  # never show the salt, not even in a traceback
        return "Pseudonymiser(<salt hidden>)"

    def __call__(self, kind: str, value: str) -> str:
        """The pseudonym of ``value`` as a ``kind`` (case, event or file)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind of pseudonym {kind!r} (known: {', '.join(KINDS)})")
        pseudonym = f"{kind}-{self.digits(kind, value)}"
        earlier = self._seen.setdefault(pseudonym, (kind, value))
        if earlier != (kind, value):
            raise collision(kind, pseudonym)
        return pseudonym

    def digits(self, kind: str, value: str) -> str:
        """The hex digits of ``value``'s pseudonym as a ``kind``, with no check for collisions."""
        return hmac.new(self._key, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()[:DIGITS]

    def case_order(self, case_id: str) -> str:
        """Where a case goes among pseudonymised cases (:meth:`cases`): its pseudonym's digits.
        A caseload read in this order is pseudonymised a case at a time (:meth:`alone`)."""
        return self.digits("case", case_id)

    def alone(self, case: Case) -> Case:
        """The case pseudonymised (:meth:`case`), its event ids checked for collisions within
        it only, not against other cases: what a caseload too large to hold is checked for."""
        fresh = Pseudonymiser.__new__(Pseudonymiser)
        fresh._key, fresh._seen = self._key, {}
        return fresh.case(case)

    def case(self, case: Case) -> Case:
        """The case with its id, its events' ids and its file name replaced by pseudonyms."""
        events = tuple(replace(event, id=self("event", event.id)) for event in case.events)
        return replace(
            case, id=self("case", case.id), events=events, source=self("file", case.source) if case.source else ""
        )

    def cases(self, cases: Iterable[Case]) -> list[Case]:
        """Every case pseudonymised, sorted by pseudonym (the original order, such as file names
        in alphabetical order, would tell something about the originals)."""
        return sorted((self.case(c) for c in cases), key=lambda c: c.id)

    def finding(self, finding: Finding) -> Finding:
        """The finding with its case id replaced by its pseudonym."""
        return replace(finding, case=self("case", finding.case))

    def result(self, result: CaseResult) -> CaseResult:
        """A validation result with the case, its findings and its obligations pseudonymised
        (pySHACL's report text, which names case IRIs, is dropped)."""
        case = self.case(result.case)
        obligations = []
        for obligation in result.obligations:
            trigger = replace(obligation.trigger, id=self("event", obligation.trigger.id))
            obligations.append(
                replace(
                    obligation,
                    case_id=case.id,
                    trigger=trigger,
                    id=f"{obligation.protocol}/{obligation.check.duty.id}/{trigger.id}",
                )
            )
        return replace(
            result,
            case=case,
            findings=[self.finding(f) for f in result.findings],
            obligations=obligations,
            report_text="",
        )

    def results(self, results: Iterable[CaseResult]) -> list[CaseResult]:
        """Every result pseudonymised, in the same order."""
        return [self.result(r) for r in results]


def collision(kind: str, pseudonym: str) -> InputError:
    """The refusal when two different ids of a kind have one pseudonym."""
    return InputError(f"two different {kind} ids have the same pseudonym {pseudonym}; use another salt")


def pseudonymise_cases(cases: Iterable[Case], salt: str | bytes) -> list[Case]:
    """Cases with ids, event ids and file names replaced by salted pseudonyms, sorted by pseudonym."""
    return Pseudonymiser(salt).cases(cases)


def pseudonymise_results(results: Iterable[CaseResult], salt: str | bytes) -> list[CaseResult]:
    """Validation results (and their findings) with every case-derived id pseudonymised."""
    return Pseudonymiser(salt).results(results)


def pseudonymise_findings(findings: Iterable[Finding], salt: str | bytes) -> list[Finding]:
    """Findings with their case ids pseudonymised."""
    pseudonymiser = Pseudonymiser(salt)
    return [pseudonymiser.finding(f) for f in findings]


def salt_from(salt_file: Path | None = None, environ: Mapping[str, str] | None = None) -> bytes:
    """The secret salt: the contents of ``salt_file`` (a trailing line break dropped), else
    $PROTOGRAPH_SALT. Raises InputError, without echoing any secret, when there is none or it
    is shorter than 16 bytes."""
    environ = os.environ if environ is None else environ
    if salt_file is not None:
        # bounded in size and time: a salt given as <(command) is a pipe, /dev/zero never ends
        try:
            salt = read_bytes(Path(salt_file), MAX_SALT_BYTES, "a salt file", pipes=True, seconds=5).rstrip(b"\r\n")
        except InputError as exc:
            raise InputError(f"cannot read the salt file: {exc.problem}", salt_file) from None
        where = f"salt file {salt_file}"
    elif environ.get(SALT_ENV):
        salt = environ[SALT_ENV].encode("utf-8")
        where = f"${SALT_ENV}"
    else:
        raise InputError(
            f"--pseudonymise needs a secret salt: set {SALT_ENV} or pass --salt-file FILE "
            f"(at least {MIN_SALT_BYTES} characters; an unsalted hash of a case id is reversed by guessing)"
        )
    if len(salt) < MIN_SALT_BYTES:
        raise InputError(f"the {where} holds {len(salt)} bytes; a salt needs at least {MIN_SALT_BYTES}")
    return salt

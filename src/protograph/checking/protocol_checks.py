"""Everything `protograph check` asks of a protocol's encoding: the encoding shapes, shared
terms, timescales and every quote against the source text (``corpus.encoding_checks``), and
every limit a checkable duty's wording names that its structured scope lacks
(``scope_limits``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..corpus.encoding_checks import all_problems
from ..corpus.loader import Corpus
from .scope_limits import unstructured_limits


@dataclass(frozen=True)
class ProtocolCheck:
    """The problems found in one protocol's encoding, each as one readable line."""

    protocol: str
    path: Path
    problems: list[str]

    @property
    def passed(self) -> bool:
        """True when nothing was found."""
        return not self.problems

    def lines(self) -> list[str]:
        """Each problem prefixed with the protocol's file, then a count for the protocol."""
        return [f"{self.path}: {p}" for p in self.problems] + [f"{self.protocol}: {len(self.problems)} problem(s)"]


def check_protocol(corpus: Corpus, protocol_id: str) -> ProtocolCheck:
    """Check one loaded protocol's encoding and the scope its duties' words name."""
    info = corpus.info(protocol_id)
    problems = [str(p) for p in all_problems(corpus.graph(protocol_id), corpus.ontology, info.path)]
    problems += [f"scope: {u}" for u in unstructured_limits(corpus, protocol_id)]
    return ProtocolCheck(protocol_id, info.path, problems)


def check_protocols(corpus: Corpus, protocol_ids: list[str] | tuple[str, ...] = ()) -> Iterator[ProtocolCheck]:
    """Check the chosen protocols (every loaded one when none is named), one at a time, so a
    caller can report each as soon as it is checked."""
    for protocol_id in protocol_ids or corpus.ids():
        yield check_protocol(corpus, protocol_id)

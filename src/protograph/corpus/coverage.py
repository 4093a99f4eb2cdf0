"""Coverage of a protocol's normative sentences by its encoding.

The source text is cut into sentences (bullets and paragraphs are separate units), and a
sentence is *normative* when it uses the words protocols impose duties with (must, should,
shall, will, is to, are to, required, needs to, never, under no circumstances, duty,
responsible, essential, ...), or states a rule without a modal verb: an imperative at the
start of the sentence ("Do not allow the child victim to make phone calls", "Ensure ...",
"Record ...", "Contact ..."), or a rule stated as a fact ("UASC ... continue to remain Looked
After children", "details ... are automatically sent", "is considered", "takes place", "are
to be"). Each row says which cue found it (``cue``: modal, imperative, rule statement). Each
normative sentence is then:

* ``encoded`` — a provision cited by at least one encoded fact quotes it;
* ``explained`` — only a provision with a ``pg:coverageNote`` (the reason it is not a duty)
  quotes it;
* ``unexplained`` — nothing quotes it: work left for the encoder.

A provision quotes a sentence when the sentence lies inside one of the quote's fragments,
or a fragment lies inside the sentence and is at least half of it (or 60 characters).

``protocol_coverage`` gives one loaded protocol's rows and counts, read against its source
text, as `protograph coverage` reports them (``ProtocolCoverage.as_dict`` is its JSON)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph

from .encoding_checks import source_text_for
from .namespace import PG
from .quotes import fragments, normalise

if TYPE_CHECKING:
    from .loader import Corpus

NORMATIVE = re.compile(
    r"\b(must|should|shall|will|is to|are to|required|requires|requirement|needs? to|duty|duties|"
    r"responsible|responsibility|essential|crucial|imperative|expected|recommended|"
    r"never|under no circumstances|do not|not allow|ensure|ensuring)\b",
    re.IGNORECASE,
)
IMPERATIVE = re.compile(
    r"^(?:Ensure|Do not|Don't|Don’t|Take|Record|Contact|Consider|Put|Make|Inform|Report|Refer|Complete|Keep|"
    r"Check|Ask|Call|Tell|Notify|Share|Seek|Arrange|Use|Provide|Follow|Speak|Identify|Remember|Avoid|Alert|"
    r"Document|Discuss|Agree|Establish|Obtain|Give|Send|Talk|Listen|Remove|Apply|Act|Liaise|Escalate|Monitor|"
    r"Review|Assess|Convene|Hold|Invite|Attend|Encourage|Explain|Offer|Respond|Support|Protect|Request|Gather)\b"
    r"(?!\s+(?:of|details|numbers|and|is|are|was|were|has|have)\b)",
)
"""An imperative at the start of a sentence: a rule addressed to the reader, with no modal verb."""
RULE_STATEMENT = re.compile(
    r"(?<!leave to )\b(?:remains?|remain(?:ing)? (?:a|an|the|looked)|continues? to remain|(?:are|is) (?:automatically )?sent|"
    r"(?:is|are) considered|takes? place|(?:is|are) to be)\b",
    re.IGNORECASE,
)
"""A rule stated as a fact: 'continue to remain Looked After', 'are automatically sent', 'takes place'."""
_MIN_RULE_WORDS = 4
_CLOSING = (".", "!", "?", ":", ";")
_LINE_WORDS = 6
_BULLET = re.compile(r"^\s*(?:[-•·\u2022\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|\(?[a-z]\)|\d+(?:\.\d+)*\.)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“‘\"(])")
_MIN_SUBSTANTIAL = 60
_HEADING_MAX = 60


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source text, with the line it starts on."""

    line: int
    text: str


@dataclass(frozen=True)
class CoverageRow:
    """A normative sentence and what, if anything, of the encoding quotes it."""

    line: int
    status: str  # encoded | explained | unexplained
    references: tuple[str, ...]
    sentence: str
    note: str = ""
    cue: str = "modal"  # what made it normative: modal | imperative | rule statement


def _is_heading(line: str) -> bool:
    """A short line with no closing punctuation, such as 'Referrals' or 'Return Interview'."""
    text = line.strip()
    return 0 < len(text) <= _HEADING_MAX and not text.endswith(
        (".", ",", ";", ":", "!", "?", "-", "–", "(", " and", " or", " the", " of", " to")
    )


def _blocks(source: str) -> list[tuple[int, list[tuple[int, str]]]]:
    """Cut a source into paragraphs and bullet items, each a list of (line number, text).
    A heading (a short line without closing punctuation) ends the block before it. A blank
    line inside a sentence (a page break: a line of running text before it has no closing
    punctuation and the text after it starts in lower case) does not end the block; a short
    line (a form's field label) is not running text."""
    blocks: list[tuple[int, list[tuple[int, str]]]] = []
    current: list[tuple[int, str]] | None = None
    previous = ""
    broken: list[tuple[int, str]] | None = None  # the block a blank line interrupted mid-sentence
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip():
            if (
                current is not None
                and len(previous.split()) >= _LINE_WORDS
                and not previous.rstrip().endswith(_CLOSING)
            ):
                broken = current
            elif current is not None:
                broken = None
            current, previous = None, ""
            continue
        bullet = _BULLET.match(line)
        text = line[bullet.end() :] if bullet else line
        if current is None and broken is not None and not bullet and line.lstrip()[:1].islower():
            current = broken  # the sentence goes on after a page break
        broken = None if current is not None or bullet else broken
        if current is None or bullet or _is_heading(previous):
            current = [(number, text)]
            blocks.append((number, current))
        else:
            current.append((number, text))
        previous = line
    return blocks


def _line_of(piece: str, lines: list[tuple[int, str]]) -> int:
    """The line a sentence starts on: the first line by which its opening words have appeared."""
    opening = piece[:24]
    joined = ""
    for number, text in lines:
        joined = normalise(f"{joined}\n{text}")
        if opening in joined:
            return number
    return lines[0][0]


def sentences(source: str) -> list[Sentence]:
    """Every sentence of a source text, normalised, in order."""
    result = []
    for _, lines in _blocks(source):
        block = normalise("\n".join(text for _, text in lines))
        for piece in _SENTENCE_END.split(block):
            piece = piece.strip()
            if piece:
                result.append(Sentence(_line_of(piece, lines), piece))
    return result


def cue(text: str) -> str:
    """What makes a sentence normative ('modal', 'imperative', 'rule statement'), or '' when nothing does."""
    if NORMATIVE.search(text):
        return "modal"
    if len(text.split()) < _MIN_RULE_WORDS:
        return ""  # a heading ('Review of protocol', 'Record keeping') is not a rule
    if IMPERATIVE.match(text):
        return "imperative"
    if RULE_STATEMENT.search(text):
        return "rule statement"
    return ""


def normative_sentences(source: str) -> list[Sentence]:
    """The sentences of a source that use normative words or state a rule without them."""
    return [s for s in sentences(source) if cue(s.text)]


@dataclass(frozen=True)
class _Quote:
    reference: str
    parts: tuple[str, ...]
    used: bool
    note: str


def _quotes(graph: Graph) -> list[_Quote]:
    used = set(graph.objects(None, PG.provision))
    quotes = []
    for provision, quote in graph.subject_objects(PG.quote):
        reference = str(graph.value(provision, PG.reference) or "?")
        note = graph.value(provision, PG.coverageNote)
        quotes.append(_Quote(reference, tuple(fragments(str(quote))), provision in used, str(note or "")))
    return sorted(quotes, key=lambda q: (q.reference, q.parts))


def _quotes_sentence(quote: _Quote, sentence: str) -> bool:
    for part in quote.parts:
        if sentence in part:
            return True
        if part in sentence and (len(part) * 2 >= len(sentence) or len(part) >= _MIN_SUBSTANTIAL):
            return True
    return False


def coverage(graph: Graph, source: str) -> list[CoverageRow]:
    """Each normative sentence of ``source`` with its coverage by the protocol ``graph``."""
    quotes = _quotes(graph)
    rows = []
    for sentence in normative_sentences(source):
        matching = [q for q in quotes if _quotes_sentence(q, sentence.text)]
        encoded = sorted({q.reference for q in matching if q.used})
        explained = sorted({q.reference for q in matching if q.note})
        kind = cue(sentence.text)
        if encoded:
            rows.append(CoverageRow(sentence.line, "encoded", tuple(encoded), sentence.text, cue=kind))
        elif explained:
            notes = "; ".join(sorted({q.note for q in matching if q.note}))
            rows.append(CoverageRow(sentence.line, "explained", tuple(explained), sentence.text, notes, kind))
        else:
            rows.append(CoverageRow(sentence.line, "unexplained", (), sentence.text, cue=kind))
    return rows


def summary(rows: list[CoverageRow], graph: Graph | None = None) -> dict[str, int]:
    """Counts of normative sentences by status (and those found without a modal verb); with
    the protocol's graph, also how many duties are not checkable (``pg:notCheckable``)."""
    counts = {"normative": len(rows), "encoded": 0, "explained": 0, "unexplained": 0}
    for row in rows:
        counts[row.status] += 1
    counts["without_modal"] = sum(1 for r in rows if r.cue != "modal")
    if graph is not None:
        counts["not_checkable_duties"] = len(set(graph.subjects(PG.notCheckable, None)))
    return counts


@dataclass(frozen=True)
class ProtocolCoverage:
    """One protocol's normative sentences with their coverage, and the counts of ``summary``."""

    protocol: str
    rows: list[CoverageRow]
    counts: dict[str, int]

    def records(self, show_all: bool = False) -> list[dict[str, object]]:
        """The unexplained sentences (with ``show_all``, every normative one) as plain rows."""
        return [
            {
                "line": r.line,
                "status": r.status,
                "cue": r.cue,
                "provisions": list(r.references),
                "sentence": r.sentence,
                "note": r.note,
            }
            for r in self.rows
            if show_all or r.status == "unexplained"
        ]

    def as_dict(self, show_all: bool = False) -> dict[str, object]:
        """The JSON of `protograph coverage`: the protocol, the counts and the sentences shown."""
        return {"protocol": self.protocol, "summary": self.counts, "sentences": self.records(show_all)}


def protocol_coverage(corpus: Corpus, protocol_id: str) -> ProtocolCoverage:
    """The coverage of one loaded protocol's normative sentences, read against its source text."""
    graph = corpus.graph(protocol_id)
    _, text = source_text_for(graph, corpus.info(protocol_id).path)
    rows = coverage(graph, text)
    return ProtocolCoverage(protocol_id, rows, summary(rows, graph))

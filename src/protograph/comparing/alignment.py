"""Which duties of different protocols are the same obligation: the shared list of obligations
(``ontology/vocab/obligations.ttl``), each protocol's alignment to it (``pg:alignedTo``, or
``pg:uniqueReason`` for a duty no other text states), and the help an encoder gets.

Two kinds of help:

* a sentence carried over word for word between versions of one line (``prov:wasRevisionOf``,
  followed through the chain) is the same obligation without being told: a duty left
  unaligned takes the obligation of its carried-over twin, and a carried-over pair the data
  aligns to different obligations is reported (``alignment_disagreements``);
* ``suggestions`` ranks candidate obligations for an unaligned duty by its wording (token
  overlap with the obligation's label and definition and with the quotes of the duties
  already aligned to it), its action, trigger and roles.

Nothing here pairs duties by their ids: ids carry each encoder's choices."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import PROV, SKOS

from ..corpus.duties import Duty, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import PG
from ..corpus.terms import short_id

_STOP = set(
    """a an the and or of to in on for by with from at as is are be been being it its this that these those
    their there they them he she his her him who which what when where whether will would should must may can
    could not no any all each every other such than then also into only if under over about after before
    within per via so do does did has have had was were our we you your i child children young person people
    """.split()
)


@dataclass(frozen=True)
class Obligation:
    """One obligation of the shared list, in plain words."""

    id: str
    label: str
    definition: str


def obligations(corpus: Corpus) -> dict[str, Obligation]:
    """The shared list, by short id."""

    def build() -> dict[str, Obligation]:
        ontology = corpus.ontology
        result = {}
        for node in ontology.subjects(RDF.type, PG.SharedObligation):
            result[short_id(node)] = Obligation(
                short_id(node),
                str(ontology.value(node, RDFS.label) or short_id(node)),
                str(ontology.value(node, SKOS.definition) or ""),
            )
        return dict(sorted(result.items()))

    return corpus.memo("obligations", build)


def duty_iri(duty: Duty) -> URIRef:
    """A duty's IRI from its protocol and local id."""
    return URIRef(f"https://w3id.org/protograph/protocol/{duty.protocol}/{duty.id}")


def stated_alignment(corpus: Corpus, protocol_id: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """What a protocol's alignment file states: duty id → obligations, duty id → unique reason."""
    graph = corpus.graph(protocol_id)
    aligned: dict[str, set[str]] = defaultdict(set)
    for duty, obligation in graph.subject_objects(PG.alignedTo):
        aligned[short_id(duty)].add(short_id(obligation))
    unique = {short_id(d): str(r) for d, r in graph.subject_objects(PG.uniqueReason)}
    return {k: tuple(sorted(v)) for k, v in aligned.items()}, unique


def normalised(text: str) -> str:
    """A quote reduced to its words: lower case, ellipses and punctuation gone."""
    text = text.replace("[...]", " ").replace("…", " ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def same_sentence(a: str, b: str) -> bool:
    """Two quotes carry one sentence: equal once normalised, or one contained in the other."""
    na, nb = normalised(a), normalised(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    shorter = na if len(na) <= len(nb) else nb
    return len(shorter) >= 40 and (na in nb or nb in na)


def revisions(corpus: Corpus) -> list[tuple[str, str]]:
    """(older, newer) for every two loaded versions of one line, through the revision chain."""

    def build() -> list[tuple[str, str]]:
        previous: dict[str, str] = {}
        for pid in corpus.ids():
            info = corpus.info(pid)
            for older in corpus.graph(pid).objects(info.iri, PROV.wasRevisionOf):
                if short_id(older) in corpus.protocols:
                    previous[pid] = short_id(older)
        pairs = []
        for newer in corpus.ids():
            seen, older = {newer}, previous.get(newer)
            while older is not None and older not in seen:
                pairs.append((older, newer))
                seen.add(older)
                older = previous.get(older)
        return sorted(pairs)

    return corpus.memo("revisions", build)


def superseded(corpus: Corpus) -> set[str]:
    """Versions a later loaded version of their line revises."""
    return {older for older, _ in revisions(corpus)}


@dataclass(frozen=True)
class CarriedOver:
    """One duty carried over word for word from an older version to a newer one."""

    older: Duty
    newer: Duty


def carried_over(corpus: Corpus) -> list[CarriedOver]:
    """Duties whose sentence stands in two versions of one line, paired one to one: a sentence
    encoded as one duty on each side pairs at once; a sentence encoded as several duties pairs
    those with the same action (then the same bearers) and leaves the rest unpaired."""

    def build() -> list[CarriedOver]:
        result = []
        for older, newer in revisions(corpus):
            result += _pair_versions(duties(corpus, [older]), duties(corpus, [newer]))
        return result

    return corpus.memo("carried-over", build)


def _pair_versions(a: list[Duty], b: list[Duty]) -> list[CarriedOver]:
    matches: dict[int, list[int]] = defaultdict(list)
    reverse: dict[int, list[int]] = defaultdict(list)
    for i, da in enumerate(a):
        for j, db in enumerate(b):
            if same_sentence(da.quote, db.quote):
                matches[i].append(j)
                reverse[j].append(i)
    pairs = []
    for i, js in sorted(matches.items()):
        best = _unique_best(js, lambda j, i=i: _same_shape(a[i], b[j]))
        if best is not None and _unique_best(reverse[best], lambda k, j=best: _same_shape(a[k], b[j])) == i:
            pairs.append(CarriedOver(a[i], b[best]))
    return pairs


def _unique_best(candidates: list[int], score: Callable[[int], int]) -> int | None:
    """The one candidate scoring highest, or None when two tie (or a lone one shares nothing)."""
    if len(candidates) == 1:
        return candidates[0]
    ranked = sorted(candidates, key=score, reverse=True)
    if score(ranked[0]) > score(ranked[1]) and score(ranked[0]) >= 2:
        return ranked[0]
    return None


def _same_shape(da: Duty, db: Duty) -> int:
    return (da.action == db.action) * 2 + (da.bearers == db.bearers)


def alignment(corpus: Corpus, protocols: list[str] | None = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """(protocol, duty id) → obligations: what the data states, plus, for a duty the data
    leaves unaligned, the obligations of a duty it was carried over from or to."""

    def build() -> dict[tuple[str, str], tuple[str, ...]]:
        result: dict[tuple[str, str], tuple[str, ...]] = {}
        unique: set[tuple[str, str]] = set()
        for pid in corpus.ids():
            aligned, reasons = stated_alignment(corpus, pid)
            result.update({(pid, d): o for d, o in aligned.items()})
            unique.update((pid, d) for d in reasons)
        for pair in carried_over(corpus):
            ka, kb = (pair.older.protocol, pair.older.id), (pair.newer.protocol, pair.newer.id)
            if ka in result and kb not in result and kb not in unique:
                result[kb] = result[ka]
            elif kb in result and ka not in result and ka not in unique:
                result[ka] = result[kb]
        return result

    full = corpus.memo("alignment", build)
    if protocols is None:
        return full
    wanted = set(protocols)
    return {k: v for k, v in full.items() if k[0] in wanted}


def inferred(corpus: Corpus) -> dict[tuple[str, str], tuple[str, ...]]:
    """The alignments made from carried-over sentences alone (not stated in the data)."""
    stated = set()
    for pid in corpus.ids():
        aligned, _ = stated_alignment(corpus, pid)
        stated.update((pid, d) for d in aligned)
    return {k: v for k, v in alignment(corpus).items() if k not in stated}


@dataclass(frozen=True)
class Disagreement:
    """A sentence carried over between versions whose duties the data aligns differently."""

    older: Duty
    newer: Duty
    older_says: str
    newer_says: str

    def line(self) -> str:
        """One line for a report."""
        return (
            f"{self.older.protocol} {self.older.provision} {self.older.id} ({self.older_says}) and "
            f"{self.newer.protocol} {self.newer.provision} {self.newer.id} ({self.newer_says}) carry the same "
            "sentence but are aligned differently"
        )


def alignment_disagreements(corpus: Corpus) -> list[Disagreement]:
    """Carried-over pairs the data aligns to different obligations (or one unique, one not)."""
    result = []
    stated: dict[tuple[str, str], tuple[str, ...]] = {}
    for pid in corpus.ids():
        aligned, reasons = stated_alignment(corpus, pid)
        stated.update({(pid, d): o for d, o in aligned.items()})
        stated.update({(pid, d): ("unique to its protocol",) for d in reasons})
    for pair in carried_over(corpus):
        a = stated.get((pair.older.protocol, pair.older.id))
        b = stated.get((pair.newer.protocol, pair.newer.id))
        if a is not None and b is not None and not set(a) & set(b):
            result.append(Disagreement(pair.older, pair.newer, ", ".join(a), ", ".join(b)))
    return sorted(result, key=lambda d: (d.older.protocol, d.older.id, d.newer.protocol, d.newer.id))


def unaligned(corpus: Corpus, protocols: list[str] | None = None) -> list[Duty]:
    """Duties neither aligned (stated or carried over) nor marked unique."""
    found = alignment(corpus)
    unique: set[tuple[str, str]] = set()
    for pid in corpus.ids():
        unique.update((pid, d) for d in stated_alignment(corpus, pid)[1])
    return [
        d for d in duties(corpus, protocols) if (d.protocol, d.id) not in found and (d.protocol, d.id) not in unique
    ]


def tokens(text: str) -> set[str]:
    """Content words of a text, crudely stemmed (a trailing 's' dropped)."""
    words = normalised(text).split()
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if w not in _STOP and len(w) > 2}


@dataclass(frozen=True)
class Suggestion:
    """A candidate obligation for an unaligned duty, with its score and why."""

    obligation: Obligation
    score: float
    reasons: tuple[str, ...]


def suggestions(corpus: Corpus, duty: Duty, limit: int = 3) -> list[Suggestion]:
    """Candidate obligations for a duty, best first: wording (overlap of content words with the
    obligation's label and definition and with the quotes of duties aligned to it), then the
    same action, trigger, bearers and recipients as duties already aligned to it."""
    listed = obligations(corpus)
    members: dict[str, list[Duty]] = defaultdict(list)
    everything = {(d.protocol, d.id): d for d in duties(corpus)}
    for key, obls in alignment(corpus).items():
        for o in obls:
            if key in everything and key != (duty.protocol, duty.id):
                members[o].append(everything[key])
    words = tokens(f"{duty.label} {duty.quote}")
    scored = []
    for oid, obligation in listed.items():
        own = tokens(f"{obligation.label} {obligation.definition}")
        quoted = set().union(*(tokens(f"{m.label} {m.quote}") for m in members[oid])) if members[oid] else set()
        wording = len(words & own) / max(1, len(words | own)) + 0.5 * len(words & quoted) / max(1, len(words | quoted))
        reasons = []
        score = wording * 10
        if wording:
            reasons.append(f"wording {wording * 10:.1f}")
        for name, same in (
            ("action", any(m.action == duty.action for m in members[oid])),
            ("trigger", bool(duty.trigger) and any(m.trigger == duty.trigger for m in members[oid])),
            ("bearer", any(set(m.bearers) & set(duty.bearers) for m in members[oid])),
            (
                "recipient",
                bool(duty.recipients) and any(set(m.recipients) & set(duty.recipients) for m in members[oid]),
            ),
        ):
            if same:
                score += {"action": 2.0, "trigger": 1.0, "bearer": 0.5, "recipient": 0.5}[name]
                reasons.append(f"same {name}")
        if score > 0:
            scored.append(Suggestion(obligation, round(score, 2), tuple(reasons)))
    scored.sort(key=lambda s: (-s.score, s.obligation.id))
    return scored[:limit]


def alignment_status(corpus: Corpus, protocols: list[str] | None = None, limit: int = 3) -> dict[str, list]:
    """What is left to align among the chosen protocols (all when None), as plain data
    (``protograph align``): each duty neither aligned nor unique with its candidates, the
    carried-over sentences aligned differently, and the alignments inferred from them."""
    chosen = list(protocols or corpus.ids())
    for protocol_id in chosen:
        corpus.info(protocol_id)
    rows = [
        {
            "protocol": duty.protocol,
            "provision": duty.provision,
            "duty": duty.id,
            "quote": duty.quote,
            "suggestions": [
                {"obligation": s.obligation.id, "label": s.obligation.label, "score": s.score, "why": list(s.reasons)}
                for s in suggestions(corpus, duty, limit)
            ],
        }
        for duty in unaligned(corpus, chosen)
    ]
    disagreements = [d for d in alignment_disagreements(corpus) if {d.older.protocol, d.newer.protocol} & set(chosen)]
    carried = {k: v for k, v in inferred(corpus).items() if k[0] in chosen}
    return {
        "unaligned": rows,
        "aligned_differently": [d.line() for d in disagreements],
        "inferred": [{"protocol": p, "duty": d, "obligations": list(o)} for (p, d), o in sorted(carried.items())],
    }

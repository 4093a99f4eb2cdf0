"""Conflicts per aligned obligation: the duties of different protocols aligned to one shared
obligation (``comparing.alignment``) are compared facet by facet — deadline, kind of time
expression, modality by strength, bearer, recipient, scope — and
only where they apply to the same children and events. An obligation one protocol states and
another does not is "absent" only when no duty of the other is aligned to it and no sentence
of the other's source text carries it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SKOS

from ..corpus.duties import Duty, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import PG
from ..corpus.terms import label, reference_key, short_id
from ..corpus.timescales import Timescale
from ..errors import EncodingError
from .alignment import Obligation, alignment, duty_iri, normalised, obligations, tokens

# Strength of a modality: must and will bind alike; "must not" forbids as strongly as "must" requires.
STRENGTH = {"must": 3, "will": 3, "mustNot": 3, "should": 2, "shouldNot": 2, "may": 1, "recommended": 1}
STRENGTH_WORDS = {3: "must", 2: "should", 1: "may (advised)"}
FORBIDDING = {"mustNot", "shouldNot"}
MODALITY_WORDS = {
    "must": "must",
    "will": "will",
    "mustNot": "must not",
    "should": "should",
    "shouldNot": "should not",
    "may": "may",
    "recommended": "is recommended",
}
GENERIC_ROLES = {"all-agencies", "professional", "practitioner", "agency"}
TIME_KIND_WORDS = {
    "Deadline": "a deadline",
    "QualifyingPeriod": "a qualifying period (the duty arises once it has passed)",
    "ScheduledPoint": "a scheduled point (not before)",
    "Cap": "a cap",
    "Step": "a step",
    "Recurrence": "a recurrence",
    "ExtendablePeriod": "an extendable period",
    "OpenEndedPeriod": "an open-ended period",
    "CountingWindow": "a counting window",
    "RiskWindow": "a risk window",
    "Period": "a period",
}
_TIME_WORDS = re.compile(r"immediate|without delay|within|promptly|as soon as|urgent|straight away", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One facet on which two or more protocols differ for one obligation (or one protocol
    contradicts itself): kind, the obligation, and per protocol the duty and what it says."""

    kind: str
    obligation: Obligation
    sides: tuple[tuple[Duty | None, str, str], ...]  # (duty or None, protocol, value in words)
    scope: str = "across"
    gap_hours: float = 0.0
    note: str = ""


def hours_of(ts: Timescale | None) -> float | None:
    """The length of a deadline in hours (working days as days), 0 for immediately."""
    if ts is None:
        return None
    if ts.immediate:
        return 0.0
    match = re.fullmatch(r"P(T?)([\d.]+)([MHDWY])", ts.max)
    if not match:
        return None
    is_time, number, unit = match.groups()
    factor = {("T", "M"): 1 / 60, ("T", "H"): 1, ("", "D"): 24, ("", "W"): 168, ("", "M"): 720, ("", "Y"): 8760}
    return float(number) * factor[(is_time, unit)]


def deadline_words(ts: Timescale | None) -> str:
    """A deadline in words: 'immediately', '48 hours', '7 working days', '24–48 hours'."""
    if ts is None:
        return "no timescale"
    if ts.immediate:
        return "immediately"
    from ..corpus.duties import _words

    low, high = _words(ts.min, ts.working_days), _words(ts.max, ts.working_days)
    return high if low == high else f"{low.split(' ')[0]}–{high}"


def _ages_overlap(a: Duty, b: Duty) -> bool:
    low = max(a.age_at_least or 0, b.age_at_least or 0)
    high = min(a.age_below or 200, b.age_below or 200)
    return low < high


def same_situation(a: Duty, b: Duty, ontology: Graph | None = None) -> bool:
    """Whether two duties can apply to the same child and event: their age bounds overlap and
    no trigger qualifier (category, channel, recipient) set on both sides differs. A wider
    scope contains a narrower one, so they can be compared on the narrower; a referral to the
    MASH is a referral to children's services (with the ontology, roles on one skos:broader
    chain are one recipient)."""
    if not _ages_overlap(a, b):
        return False
    for qualifier in ("trigger_category", "trigger_channel", "trigger_recipient"):
        x, y = getattr(a, qualifier), getattr(b, qualifier)
        if x and y and x != y:
            if qualifier == "trigger_recipient" and ontology is not None and same_body(ontology, {x}, {y}):
                continue
            return False
    return True


def scope_words(duty: Duty, ontology: Graph) -> str:
    """A duty's structured scope in plain words."""
    parts = []
    if duty.requires:
        parts.append("once " + ", ".join(_event_words(ontology, r) for r in duty.requires))
    if duty.conditions:
        parts.append("if " + ", ".join(_term(ontology, "condition", c) for c in duty.conditions))
    if duty.age_at_least is not None:
        parts.append(f"aged {duty.age_at_least} or over")
    if duty.age_below is not None:
        parts.append(f"under {duty.age_below}")
    if duty.trigger_category:
        parts.append(f"{duty.trigger_category} episodes only")
    if duty.trigger_channel:
        parts.append(f"by {duty.trigger_channel} only")
    return "; ".join(parts) or "any child"


def _term(ontology: Graph, kind: str, local: str) -> str:
    from rdflib import URIRef

    return label(ontology, URIRef(f"https://w3id.org/protograph/{kind}/{local}"))


def _event_words(ontology: Graph, local: str) -> str:
    return _term(ontology, "event", local)


def role_words(ontology: Graph, roles: tuple[str, ...] | set[str]) -> str:
    """Roles by their labels, joined."""
    return ", ".join(sorted(_term(ontology, "role", r) for r in roles))


ROLE = "https://w3id.org/protograph/role/"


def role_chain(ontology: Graph, role: str) -> set[str]:
    """A role with every role above it (skos:broader, transitively): MASH, children's
    services, local authority."""
    found, stack = set(), [role]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        for above in ontology.objects(URIRef(ROLE + current), SKOS.broader):
            if str(above).startswith(ROLE):
                stack.append(str(above)[len(ROLE) :])
    return found


def same_body(ontology: Graph, p: set[str] | tuple[str, ...], q: set[str] | tuple[str, ...]) -> bool:
    """Whether two sets of roles name a common body: a role in both, or a role of one above or
    below a role of the other (children's services within the local authority)."""
    return any(a in role_chain(ontology, b) or b in role_chain(ontology, a) for a in p for b in q)


def _time_kinds(corpus: Corpus, duty: Duty) -> set[str]:
    graph = corpus.graph(duty.protocol)
    kinds = set()
    if duty.deadline is not None:
        kinds.add("Deadline")
    for ts in graph.objects(duty_iri(duty), PG.timescale):
        for cls in graph.objects(ts, RDF.type):
            if short_id(cls) in TIME_KIND_WORDS and short_id(cls) != "Deadline":
                kinds.add(short_id(cls))
    return kinds


def _best(ds: list[Duty], key) -> Duty:  # noqa: ANN001 - a sort key
    return sorted(ds, key=lambda d: (key(d), reference_key(d.provision), d.id))[0]


def _compare_pair(corpus: Corpus, obligation: Obligation, p: list[Duty], q: list[Duty]) -> list[Finding]:
    """The facets on which two protocols' duties for one obligation differ."""
    ontology = corpus.ontology
    found: list[Finding] = []
    pc = [d for d in p if any(same_situation(d, e, ontology) for e in q)]
    qc = [e for e in q if any(same_situation(d, e, ontology) for d in p)]
    if not pc or not qc:
        note = "the two texts state this for different children or events, so nothing else is compared"
        return [_scope_finding(ontology, obligation, p, q, note)]
    # deadline: the tightest each gives, or none at all
    dl_p = [d for d in pc if d.deadline is not None and hours_of(d.deadline) is not None]
    dl_q = [d for d in qc if d.deadline is not None and hours_of(d.deadline) is not None]
    if dl_p or dl_q:
        # like with like: an untimed side is shown by its duty with the timed side's trigger
        # (then the strongest), not by another duty of the same obligation
        tp = _best(dl_p, lambda d: hours_of(d.deadline)) if dl_p else None
        tq = _best(dl_q, lambda d: hours_of(d.deadline)) if dl_q else None
        if tp is None:
            tp = _best(pc, lambda d: (tq is None or d.trigger != tq.trigger, -STRENGTH.get(d.modality, 0)))
        if tq is None:
            tq = _best(qc, lambda d: (d.trigger != tp.trigger, -STRENGTH.get(d.modality, 0)))
        hp, hq = hours_of(tp.deadline), hours_of(tq.deadline)
        working_p = bool(tp.deadline and tp.deadline.working_days)
        working_q = bool(tq.deadline and tq.deadline.working_days)
        untimed = [d for d, h in ((tp, hp), (tq, hq)) if h is None]
        if untimed and (
            _TIME_WORDS.search(untimed[0].quote)
            or STRENGTH.get(untimed[0].modality, 0) < 2
            or _time_kinds(corpus, untimed[0])
        ):
            pass  # its sentence speaks of time in words not encoded as a deadline, is only advice, or
            # states another kind of time expression (a qualifying period): the time-kind facet says so
        elif hp != hq or working_p != working_q:
            gap = abs(hp - hq) if hp is not None and hq is not None else 10_000.0
            found.append(
                Finding(
                    "deadline",
                    obligation,
                    ((tp, tp.protocol, deadline_words(tp.deadline)), (tq, tq.protocol, deadline_words(tq.deadline))),
                    gap_hours=gap,
                )
            )
    # kind of time expression
    kinds_p = {k: d for d in pc for k in _time_kinds(corpus, d)}
    kinds_q = {k: d for d in qc for k in _time_kinds(corpus, d)}
    if kinds_p and kinds_q and not set(kinds_p) & set(kinds_q):
        kp, kq = sorted(kinds_p)[0], sorted(kinds_q)[0]
        found.append(
            Finding(
                "time-kind",
                obligation,
                (
                    (kinds_p[kp], p[0].protocol, TIME_KIND_WORDS[kp]),
                    (kinds_q[kq], q[0].protocol, TIME_KIND_WORDS[kq]),
                ),
            )
        )
    # modality by strength ("must never underestimate" binds as "must stay alert"); a text
    # forbidding what another requires is a position (``comparing.positions``), read from the data
    sp = _best(pc, lambda d: -STRENGTH.get(d.modality, 0))
    sq = _best(qc, lambda d: -STRENGTH.get(d.modality, 0))
    if STRENGTH.get(sp.modality, 0) != STRENGTH.get(sq.modality, 0):
        found.append(
            Finding("modality", obligation, ((sp, sp.protocol, _modal_words(sp)), (sq, sq.protocol, _modal_words(sq))))
        )
    # bearer and recipient: a role and a role above or below it (skos:broader: the local
    # authority, its children's services, their MASH and social worker) are one body
    for kind, attribute in (("bearer", "bearers"), ("recipient", "recipients")):
        rp = {r for d in pc for r in getattr(d, attribute)}
        rq = {r for d in qc for r in getattr(d, attribute)}
        if rp and rq and not same_body(ontology, rp, rq) and not (rp | rq) & GENERIC_ROLES:
            dp = _best([d for d in pc if getattr(d, attribute)], lambda d: -STRENGTH.get(d.modality, 0))
            dq = _best([d for d in qc if getattr(d, attribute)], lambda d: -STRENGTH.get(d.modality, 0))
            found.append(
                Finding(
                    kind,
                    obligation,
                    ((dp, dp.protocol, role_words(ontology, rp)), (dq, dq.protocol, role_words(ontology, rq))),
                )
            )
    # scope: structured limits (an exception such as consent is a position: ``comparing.positions``)
    sp_words = {scope_words(d, ontology) for d in pc}
    sq_words = {scope_words(d, ontology) for d in qc}
    if not sp_words & sq_words and "any child" not in sp_words | sq_words:
        found.append(_scope_finding(ontology, obligation, pc, qc))
    return found


def _scope_finding(ontology: Graph, obligation: Obligation, p: list[Duty], q: list[Duty], note: str = "") -> Finding:
    """The two texts' scopes for one obligation, each shown by its first duty."""
    dp, dq = _best(p, lambda d: 0), _best(q, lambda d: 0)
    sides = ((dp, dp.protocol, scope_words(dp, ontology)), (dq, dq.protocol, scope_words(dq, ontology)))
    return Finding("scope", obligation, sides, note=note)


def _modal_words(duty: Duty) -> str:
    return f"{MODALITY_WORDS.get(duty.modality, duty.modality)} (“{duty.wording}”)"


def within_findings(obligation: Obligation, ds: list[Duty]) -> list[Finding]:
    """Real contradictions inside one document: two duties of one obligation, for the same
    situation and trigger, with different deadlines, or one forbidding the act the other requires."""
    found = []
    for a, b in combinations(sorted(ds, key=lambda d: (reference_key(d.provision), d.id)), 2):
        if not same_situation(a, b) or (a.requires, a.conditions, a.trigger) != (b.requires, b.conditions, b.trigger):
            continue
        ha, hb = hours_of(a.deadline), hours_of(b.deadline)
        if ha is not None and hb is not None and ha != hb and a.action == b.action and set(a.bearers) & set(b.bearers):
            found.append(
                Finding(
                    "deadline",
                    obligation,
                    ((a, a.protocol, deadline_words(a.deadline)), (b, b.protocol, deadline_words(b.deadline))),
                    scope="within",
                    gap_hours=abs(ha - hb),
                )
            )
        if (
            a.action == b.action
            and (a.modality in FORBIDDING) != (b.modality in FORBIDDING)
            and min(STRENGTH.get(a.modality, 0), STRENGTH.get(b.modality, 0)) >= 2
            and set(a.bearers) & set(b.bearers)
            and not a.condition_text
            and not b.condition_text
        ):
            found.append(
                Finding(
                    "forbidden",
                    obligation,
                    ((a, a.protocol, _modal_words(a)), (b, b.protocol, _modal_words(b))),
                    "within",
                )
            )
    return found


def aligned_duties(corpus: Corpus, protocols: list[str]) -> dict[str, dict[str, list[Duty]]]:
    """obligation → protocol → its duties aligned to it."""
    found = alignment(corpus, protocols)
    result: dict[str, dict[str, list[Duty]]] = defaultdict(lambda: defaultdict(list))
    for duty in duties(corpus, protocols):
        for obligation in found.get((duty.protocol, duty.id), ()):
            result[obligation][duty.protocol].append(duty)
    return result


def counterparts(corpus: Corpus, duty: Duty, other: str) -> list[Duty]:
    """The duties of another protocol aligned to an obligation the duty is aligned to (stated
    or carried over): the pairing conflicts compare and the timeline shows side by side."""
    mine = alignment(corpus).get((duty.protocol, duty.id), ())
    by_obligation = aligned_duties(corpus, [other])
    found = {d.id: d for oid in mine for d in by_obligation.get(oid, {}).get(other, [])}
    return sorted(found.values(), key=lambda d: (reference_key(d.provision), d.id))


def obligation_findings(corpus: Corpus, protocols: list[str]) -> list[Finding]:
    """Every facet difference, per obligation, among the chosen protocols and inside each."""
    listed = obligations(corpus)
    found: list[Finding] = []
    by_obligation = aligned_duties(corpus, protocols)
    for oid, by_protocol in sorted(by_obligation.items()):
        obligation = listed[oid]
        for _pid, ds in sorted(by_protocol.items()):
            found += within_findings(obligation, ds)
        for p, q in combinations(sorted(by_protocol), 2):
            found += _compare_pair(corpus, obligation, by_protocol[p], by_protocol[q])
    return found + order_findings(by_obligation, listed)


def first_steps(by_obligation: dict[str, dict[str, list[Duty]]]) -> dict[tuple[str, str], dict[str, Duty]]:
    """(protocol, trigger) → obligation → the duty giving it the tightest deadline from that
    trigger (only binding duties: must, will or should). The order of a protocol's steps after
    an event is the order of these deadlines; the first step is the one due soonest."""
    steps: dict[tuple[str, str], dict[str, Duty]] = defaultdict(dict)
    for oid, by_protocol in sorted(by_obligation.items()):
        for protocol_id, ds in sorted(by_protocol.items()):
            for duty in sorted(ds, key=lambda d: (reference_key(d.provision), d.id)):
                hours = hours_of(duty.deadline)
                if not duty.trigger or hours is None or STRENGTH.get(duty.modality, 0) < 2:
                    continue
                known = steps[(protocol_id, duty.trigger)].get(oid)
                if known is None or hours < hours_of(known.deadline):  # type: ignore[operator]
                    steps[(protocol_id, duty.trigger)][oid] = duty
    return steps


def order_findings(by_obligation: dict[str, dict[str, list[Duty]]], listed: dict[str, Obligation]) -> list[Finding]:
    """Two obligations after the same event whose deadlines put them in one order in one
    protocol and the other order in another (strictly: a tie states no order). Each side is
    the protocol's earlier step, its clause and quote, with both steps and their deadlines."""
    steps = first_steps(by_obligation)
    by_trigger: dict[str, dict[str, dict[str, Duty]]] = defaultdict(dict)
    for (protocol_id, trigger), found in steps.items():
        by_trigger[trigger][protocol_id] = found
    result = []
    for _trigger, by_protocol in sorted(by_trigger.items()):
        for p, q in combinations(sorted(by_protocol), 2):
            shared = sorted(set(by_protocol[p]) & set(by_protocol[q]))
            for a, b in combinations(shared, 2):
                ordered = [_in_order(by_protocol[protocol_id], a, b) for protocol_id in (p, q)]
                if None in ordered or ordered[0] == ordered[1]:
                    continue  # a tie states no order; the same step first in both is the same order
                sides = []
                for protocol_id, (first, then) in zip((p, q), ordered, strict=True):  # type: ignore[misc]
                    duty_first, duty_then = by_protocol[protocol_id][first], by_protocol[protocol_id][then]
                    words = (
                        f"{listed[first].label} ({deadline_words(duty_first.deadline)}) before "
                        f"{listed[then].label} ({deadline_words(duty_then.deadline)})"
                    )
                    sides.append((duty_first, protocol_id, words))
                gap = abs(hours_of(sides[0][0].deadline) - hours_of(sides[1][0].deadline))  # type: ignore[operator]
                result.append(Finding("order", listed[a], tuple(sides), gap_hours=gap))
    return result


def _in_order(steps: dict[str, Duty], a: str, b: str) -> tuple[str, str] | None:
    """The two obligations in the order their deadlines put them, or None for a tie."""
    ha, hb = hours_of(steps[a].deadline), hours_of(steps[b].deadline)
    if ha == hb:
        return None
    return (a, b) if ha < hb else (b, a)  # type: ignore[operator]


# ---------------------------------------------------------------- absent


_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n\s*\n|\n\s*[-•□▪*]\s*")


def _sentences(corpus: Corpus, protocol_id: str) -> list[tuple[str, set[str]]] | None:
    def build() -> list[tuple[str, set[str]]] | None:
        from ..corpus.encoding_checks import source_text_for

        info = corpus.info(protocol_id)
        try:
            _, text = source_text_for(corpus.graph(protocol_id), info.path)
        except EncodingError:
            return None
        return [(s, tokens(s)) for s in _SENTENCE_END.split(text) if len(s.split()) >= 4]

    return corpus.memo(("sentences", protocol_id), build)


def carried_by_text(corpus: Corpus, duty: Duty, other: str) -> str | None:
    """A sentence of the other protocol's source text that carries the duty's quote: one that
    stands in it (normalised), or shares most (two thirds) of its content words. None when the
    text has no such sentence; '' when the source text cannot be read (nothing is claimed)."""
    sentences = _sentences(corpus, other)
    if sentences is None:
        return ""
    quote = normalised(duty.quote)
    words = tokens(duty.quote)
    for sentence, sentence_words in sentences:
        if quote and quote in normalised(sentence):
            return sentence
        if len(words) >= 3 and len(words & sentence_words) >= 2 / 3 * len(words):
            return sentence
    return None


@dataclass(frozen=True)
class Absence:
    """An obligation stated (with a trigger) by some protocols and by no duty or sentence of others."""

    obligation: Obligation
    present: tuple[Duty, ...]
    lacking: tuple[str, ...]


def absences(corpus: Corpus, protocols: list[str]) -> list[Absence]:
    """Obligations some chosen protocols state as a triggered duty and others lack entirely."""
    listed = obligations(corpus)
    result = []
    for oid, by_protocol in sorted(aligned_duties(corpus, protocols).items()):
        present = [d for ds in by_protocol.values() for d in ds if d.trigger]
        if not present:
            continue
        lacking = []
        for other in protocols:
            if other in by_protocol:
                continue
            if all(carried_by_text(corpus, d, other) is None for d in present):
                lacking.append(other)
        if lacking:
            shown = {}
            for d in sorted(present, key=lambda d: (-STRENGTH.get(d.modality, 0), reference_key(d.provision), d.id)):
                shown.setdefault(d.protocol, d)
            result.append(Absence(listed[oid], tuple(shown[p] for p in sorted(shown)), tuple(lacking)))
    return result

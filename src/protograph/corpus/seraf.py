"""SERAF scoring (4lscb-met-2013 Appendix 2), executed from the encoded rules.

The rules are data in the protocol graph (pg:ScoreRule, pg:ScoreBand); this module reads
them and applies them to a child's ticked indicators, so the score follows the encoding
and a change in the encoded rules changes the score. Appendix 2's scoring guidance:

* each vulnerability scores 1;
* each moderate risk indicator present now or in the past 6 months scores 1;
* each significant risk indicator scores 5 if current (past 6 months) and 1 if recent
  (6 to 12 months ago), so one ticked in both columns scores 6;
* a physical or learning disability scores 1;
* a child under 13 with at least one significant risk indicator scores an additional 5;
* 0-5 is category 1 (not at risk), 6-10 category 2 (mild), 11-15 category 3 (moderate),
  16 and over category 4 (significant).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from ..errors import InputError
from .namespace import CONCEPT, COND, INSTR, PG
from .terms import short_id

VULNERABILITIES = "vulnerabilities"
MODERATE = "moderate"
SIGNIFICANT = "significant"
_LIST_KINDS = {
    CONCEPT["list-seraf-vulnerabilities"]: VULNERABILITIES,
    CONCEPT["list-seraf-moderate"]: MODERATE,
    CONCEPT["list-seraf-significant"]: SIGNIFICANT,
}


@dataclass(frozen=True)
class Indicator:
    """One SERAF indicator: its id in the encoding and its printed text."""

    id: str
    label: str


@dataclass(frozen=True)
class Rule:
    """One encoded score rule."""

    id: str
    label: str
    points: int
    provision: str
    list_name: str | None = None
    time_frame: str | None = None  # "current" | "recent" | None
    condition: str | None = None
    age_below: int | None = None
    min_count: int | None = None


@dataclass(frozen=True)
class Band:
    """One encoded score band: a score range and its category."""

    min_score: int
    max_score: int | None
    category: int
    label: str
    actions: str
    provision: str


@dataclass
class SerafRules:
    """The SERAF tool as encoded by one protocol."""

    protocol: URIRef
    lists: dict[str, list[Indicator]]
    rules: list[Rule]
    bands: list[Band]


@dataclass(frozen=True)
class SerafInput:
    """A child's ticked SERAF indicators (by id) and the case facts the rules use."""

    vulnerabilities: frozenset[str] = frozenset()
    moderate: frozenset[str] = frozenset()
    significant_current: frozenset[str] = frozenset()
    significant_recent: frozenset[str] = frozenset()
    age: int | None = None
    disabled: bool = False


@dataclass(frozen=True)
class ScoreLine:
    """Points one rule added, and why."""

    rule: str
    points: int
    provision: str


@dataclass
class SerafResult:
    """A SERAF score, its category of risk and the associated actions."""

    total: int
    category: int
    category_label: str
    actions: str
    lines: list[ScoreLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The result as plain data (JSON-ready)."""
        return {
            "score": self.total,
            "category": self.category,
            "category_label": self.category_label,
            "associated_actions": self.actions,
            "lines": [line.__dict__ for line in self.lines],
            "notes": self.notes,
        }


def _reference(graph: Graph, fact: URIRef) -> str:
    provision = graph.value(fact, PG.provision)
    return str(graph.value(provision, PG.reference)) if provision is not None else ""


def _int(graph: Graph, node: URIRef, predicate: URIRef) -> int | None:
    value = graph.value(node, predicate)
    return int(value) if value is not None else None


def load_rules(graph: Graph) -> SerafRules:
    """Read the SERAF tool, its indicator lists, score rules and bands from a protocol graph."""
    tools = sorted(t for t in graph.subjects(PG.instrumentKind, INSTR.seraf) if (t, RDF.type, PG.Tool) in graph)
    if not tools:
        raise InputError("this protocol encodes no SERAF tool (pg:Tool with pg:instrumentKind instr:seraf)")
    tool = tools[0]
    lists: dict[str, list[Indicator]] = {}
    list_names: dict[URIRef, str] = {}
    for indicator_list in sorted(graph.subjects(RDF.type, PG.IndicatorList)):  # stable list order
        name = _LIST_KINDS.get(graph.value(indicator_list, PG.listKind))
        if name is None:
            continue
        list_names[indicator_list] = name
        members = [
            Indicator(short_id(m), str(graph.value(m, RDFS.label) or short_id(m)))
            for m in graph.objects(indicator_list, SKOS.member)
        ]
        lists[name] = sorted(members, key=lambda i: i.id)
    rules = []
    for rule in sorted(graph.subjects(PG.scoringTool, tool)):
        if (rule, RDF.type, PG.ScoreRule) not in graph:
            continue
        applies = graph.value(rule, PG.appliesToList)
        frame = graph.value(rule, PG.timeFrame)
        condition = graph.value(rule, PG.condition)
        rules.append(
            Rule(
                id=short_id(rule),
                label=str(graph.value(rule, RDFS.label) or short_id(rule)),
                points=int(graph.value(rule, PG.points)),
                provision=_reference(graph, rule),
                list_name=list_names.get(applies) if applies is not None else None,
                time_frame=short_id(frame).removeprefix("timeframe-") if frame is not None else None,
                condition=short_id(condition) if condition is not None else None,
                age_below=_int(graph, rule, PG.ageBelow),
                min_count=_int(graph, rule, PG.minCountOfList),
            )
        )
    bands = []
    for band in graph.subjects(PG.scoringTool, tool):
        if (band, RDF.type, PG.ScoreBand) not in graph:
            continue
        bands.append(
            Band(
                min_score=int(graph.value(band, PG.minScore)),
                max_score=_int(graph, band, PG.maxScore),
                category=int(graph.value(band, PG.categoryNumber)),
                label=str(graph.value(band, RDFS.label) or ""),
                actions=" ".join(str(a) for a in sorted(graph.objects(band, PG.associatedAction))),
                provision=_reference(graph, band),
            )
        )
    if not rules or not bands:
        raise InputError("the SERAF tool has no score rules or no score bands encoded")
    order = [VULNERABILITIES, MODERATE, SIGNIFICANT]
    frames = [None, "current", "recent"]

    def form_order(rule: Rule) -> tuple:
        case_level = rule.condition is not None or rule.age_below is not None or rule.min_count is not None
        listed = order.index(rule.list_name) if rule.list_name in order else len(order)
        return (case_level, listed, frames.index(rule.time_frame) if rule.time_frame in frames else 9, rule.id)

    return SerafRules(tool, lists, sorted(rules, key=form_order), sorted(bands, key=lambda b: b.min_score))


def indicator_rows(rules: SerafRules) -> list[dict[str, str]]:
    """Every indicator of every SERAF list: the list, the indicator's id and its wording."""
    return [
        {"list": kind, "id": ind.id, "indicator": ind.label} for kind, items in rules.lists.items() for ind in items
    ]


def _check_ids(rules: SerafRules, name: str, ids: frozenset[str]) -> None:
    known = {i.id for i in rules.lists.get(name, [])}
    unknown = sorted(ids - known)
    if unknown:
        raise InputError(f"unknown SERAF {name} indicator {unknown[0]!r} (see `protograph seraf --list-indicators`)")


def _ticked(child: SerafInput, rule: Rule) -> frozenset[str]:
    if rule.list_name == VULNERABILITIES:
        return child.vulnerabilities
    if rule.list_name == MODERATE:
        return child.moderate
    if rule.list_name == SIGNIFICANT:
        if rule.time_frame == "current":
            return child.significant_current
        if rule.time_frame == "recent":
            return child.significant_recent
        return child.significant_current | child.significant_recent
    return frozenset()


def score(rules: SerafRules, child: SerafInput) -> SerafResult:
    """Apply the encoded SERAF rules to a child's indicators: total, category, actions."""
    _check_ids(rules, VULNERABILITIES, child.vulnerabilities)
    _check_ids(rules, MODERATE, child.moderate)
    _check_ids(rules, SIGNIFICANT, child.significant_current | child.significant_recent)
    lines: list[ScoreLine] = []
    notes: list[str] = []
    for rule in rules.rules:
        case_level = rule.condition is not None or rule.age_below is not None or rule.min_count is not None
        if not case_level:
            count = len(_ticked(child, rule))
            if count:
                lines.append(ScoreLine(f"{rule.label} ({count} × {rule.points})", count * rule.points, rule.provision))
            continue
        if rule.condition is not None and rule.condition != short_id(COND.disabled):
            notes.append(f"rule {rule.id} has a condition ({rule.condition}) this scorer does not know; not applied")
            continue
        if rule.condition is not None and not child.disabled:
            continue
        if rule.age_below is not None:
            if child.age is None:
                if _ticked(child, rule):
                    notes.append(f"age not given, so '{rule.label}' was not applied")
                continue
            if child.age >= rule.age_below:
                continue
        if rule.min_count is not None and len(_ticked(child, rule)) < rule.min_count:
            continue
        lines.append(ScoreLine(rule.label, rule.points, rule.provision))
    total = sum(line.points for line in lines)
    band = next(b for b in rules.bands if b.min_score <= total and (b.max_score is None or total <= b.max_score))
    if (child.significant_current or child.significant_recent) and band.category <= 2:
        notes.append(
            "significant risk indicators are identified but the category is 'not at risk' or 'mild risk': "
            "a discussion with the team manager and any other professionals or carers involved should take place (app-2)"
        )
    return SerafResult(total, band.category, band.label, band.actions, lines, notes)

"""The SHACL shapes generated from a protocol's duties: one node shape a checkable duty, one
SHACL-SPARQL constraint a requirement of its evidence (each recipient it must reach).

A shape's ``sh:SPARQLTarget`` selects the obligations of its duty (so pySHACL must run with
``advanced=True``); its constraint's query selects the obligations with no evidencing event
between the trigger and the due time while the case's review date is past it, or, for a duty
with no deadline, none at all (it is *open*). The queries are standard SPARQL 1.1 (no VALUES,
no subqueries, no date arithmetic), so the reference engine (``validation``, pySHACL), the
batch engine (``batch``, pyoxigraph) and a SPARQL server run the very same text.
``protograph shapes ID`` writes them as Turtle (``shapes_turtle``)."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from ..corpus.duties import due_phrase
from ..corpus.loader import Corpus
from ..corpus.namespace import BASE, PG, ROLE
from .deadlines import Checkable, checkable_duties
from .evidence import Evidence
from .time_kinds import kind_phrase

SHAPES = Namespace(BASE + "shapes/case/")
PREFIXES = "PREFIX pg: <https://w3id.org/protograph/ns#>\n"


def constraint_query(check: Checkable, evidence: Evidence) -> str:
    """The SELECT query of one generated constraint: the obligations of this duty not met in time.

    ``$this`` is an obligation. With a deadline it is breached when no event that evidences
    the duty (evidence.py: its event types, to its recipient, or an event by the recipient
    itself) lies between the trigger and the due time while the review date is past the due
    time: case input refuses events after ``as_of``, so a completion after the due time
    implies that too, and the query needs no 'first completion' (which would compare every
    pair of completion events of a caseload). The time actually done is reported by the
    caller. Without a deadline it is open while no evidence follows the trigger at all.

    Negation is written OPTIONAL + !BOUND rather than FILTER NOT EXISTS: the same answers, but
    pyoxigraph evaluates NOT EXISTS once per obligation against every event of the caseload,
    which made one query take seconds over 1,000 cases; this form takes milliseconds. Every
    filter on the obligation's own variables sits at the OPTIONAL's top level (the left
    join's condition), where they are in scope."""
    duty = f"<{check.iri}>"
    done = evidence.pattern()
    not_trigger = evidence.condition()
    if check.timing.deadline is None:
        return (
            PREFIXES
            + f"""SELECT $this WHERE {{
  $this pg:obligationOf {duty} ;
        pg:triggeredBy ?trigger .
  ?trigger pg:case ?case ;
        pg:at ?start .
  OPTIONAL {{
      {done}
      FILTER (?doneAt >= ?start && {not_trigger})
  }}
  FILTER (!BOUND(?doneAt))
}}"""
        )
    return (
        PREFIXES
        + f"""SELECT $this WHERE {{
  $this pg:obligationOf {duty} ;
        pg:triggeredBy ?trigger ;
        pg:dueAt ?due .
  ?trigger pg:case ?case ;
        pg:at ?start .
  ?case pg:asOf ?asOf .
  FILTER (?asOf > ?due)
  OPTIONAL {{
      {done}
      FILTER (?doneAt >= ?start && ?doneAt <= ?due && {not_trigger})
  }}
  FILTER (!BOUND(?doneAt))
}}"""
    )


def target_query(check: Checkable) -> str:
    """The SPARQL target of one generated shape: the obligations of its duty."""
    return PREFIXES + f"SELECT ?this WHERE {{ ?this pg:obligationOf <{check.iri}> . }}"


def shape_iri(check: Checkable) -> URIRef:
    """The IRI of the shape generated for one duty."""
    return SHAPES[f"{check.duty.protocol}/{check.duty.id}"]


def constraint_message(check: Checkable, evidence: Evidence) -> str:
    """The message of one generated constraint, for a reviewer: what was not done, by when, the clause."""
    duty = check.duty
    deadline = check.timing.deadline
    when = due_phrase(deadline) if deadline is not None else "(open: no deadline)"
    start = check.timing.start
    if start is not None:
        when = f"{kind_phrase(start)}, then {when}"
    target = f" to {', '.join(sorted(evidence.to))}" if evidence.to else ""
    return f"Not done{target} {when}: {duty.label} ({duty.protocol} {duty.provision})"


def constraint_iri(check: Checkable, index: int) -> URIRef:
    """The IRI of a shape's ``index``-th constraint (one per requirement of its evidence)."""
    return URIRef(f"{shape_iri(check)}/constraint-{index + 1}")


def generate_shapes(checks: list[Checkable]) -> Graph:
    """SHACL shapes for a protocol's checkable duties (one node shape a duty, one constraint
    a requirement of its evidence: each recipient it must reach)."""
    shapes = Graph()
    shapes.bind("sh", SH)
    shapes.bind("pg", PG)
    shapes.bind("pgcase", SHAPES)
    for check in checks:
        node = shape_iri(check)
        shapes.add((node, RDF.type, SH.NodeShape))
        shapes.add((node, RDFS.label, Literal(f"{check.duty.protocol} {check.duty.provision}: {check.duty.label}")))
        target = URIRef(f"{node}/target")
        shapes.add((node, SH.target, target))
        shapes.add((target, RDF.type, SH.SPARQLTarget))
        shapes.add((target, SH.select, Literal(target_query(check))))
        shapes.add((node, SH.severity, SH[check.severity]))
        shapes.add((node, RDFS.comment, Literal(f"Severity: {check.severity_reason}")))
        shapes.add((node, PG.obligationOf, check.iri))
        for index, evidence in enumerate(check.evidence):
            constraint = constraint_iri(check, index)
            shapes.add((node, SH.sparql, constraint))
            shapes.add((constraint, RDF.type, SH.SPARQLConstraint))
            shapes.add((constraint, SH.message, Literal(constraint_message(check, evidence))))
            shapes.add((constraint, SH.select, Literal(constraint_query(check, evidence))))
            for role in sorted(evidence.to or ()):
                shapes.add((constraint, PG.to, ROLE[role]))
    return shapes


def protocol_shapes(corpus: Corpus, protocol_id: str) -> Graph:
    """The generated case shapes of one protocol."""
    return generate_shapes(checkable_duties(corpus, protocol_id))


def shapes_turtle(corpus: Corpus, protocol_id: str) -> str:
    """The generated case shapes of one protocol as Turtle, as ``protograph shapes`` writes them."""
    return protocol_shapes(corpus, corpus.info(protocol_id).id).serialize(format="turtle")

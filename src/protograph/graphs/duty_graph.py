"""Duty graphs: who owes what to whom, by when, as a networkx graph, and the questions board
members ask of it (which role carries most duties, the chain of deadlines from first suspicion
to a conclusive decision, roles one protocol names and another does not).

Nodes (``kind`` attribute) and their ids:

- ``role:<id>`` — an agency or professional role, shared across protocols;
- ``event:<id>`` — an event type: what triggers a duty, or what shows it was done;
- ``duty:<protocol>:<id>`` — one duty of one protocol, with its clause and quote;
- ``deadline:<protocol>:<id>`` — one timescale of one protocol that a duty must meet;
- ``form:<protocol>:<id>`` — one form or tool of one protocol that a duty uses.

Edges (``kind`` attribute): ``bears`` role → duty, ``owed-to`` duty → role, ``triggers``
event → duty, ``completes`` duty → event (the event a case timeline shows when the duty is
done), ``due`` duty → deadline, ``uses`` duty → form. Every node lists the protocols it
appears in (``protocols``), so a graph of several protocols can be filtered by protocol."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass

import networkx as nx
from rdflib import RDFS, URIRef

from ..corpus.duties import Duty, due_phrase, duties
from ..corpus.loader import Corpus
from ..corpus.namespace import ACTION, EVENT, PG
from ..corpus.terms import first_provision, label, short_id
from .timeline import column_of, conditions_in_words, starts, when_in_words

KINDS = ["role", "duty", "event", "deadline", "form"]
EDGE_KINDS = ["bears", "owed-to", "triggers", "completes", "due", "uses"]


def role_node(role: str) -> str:
    """The node id of a shared role."""
    return f"role:{role}"


def event_node(event: str) -> str:
    """The node id of a shared event type."""
    return f"event:{event}"


def duty_node(protocol: str, duty_id: str) -> str:
    """The node id of one protocol's duty."""
    return f"duty:{protocol}:{duty_id}"


def _add_node(graph: nx.DiGraph, node: str, in_protocol: str, **attrs: object) -> None:
    if node in graph:
        protocols = graph.nodes[node]["protocols"]
        if in_protocol not in protocols:
            graph.nodes[node]["protocols"] = sorted([*protocols, in_protocol])
        return
    graph.add_node(node, protocols=[in_protocol], **attrs)


def _completion_event(corpus: Corpus, protocol: str, duty: Duty) -> str:
    """The event type that shows the duty was done: its own pg:completionEvent, else the
    event its action is evidenced by (ontology/vocab/actions.ttl), else ''."""
    if duty.completion_event:
        node: object = EVENT[duty.completion_event]
    else:
        node = corpus.ontology.value(ACTION[duty.action], PG.evidencedBy)
        if node is None:
            return ""
    return str(corpus.ontology.value(node, PG.caseId) or short_id(node))


def duty_graph(corpus: Corpus, protocols: list[str]) -> nx.DiGraph:
    """The duty graph of the chosen protocols: roles, duties, events, deadlines and forms.

    Nodes and edges are added in sorted order, so the graph (and anything drawn from it) is
    the same on every run. Unknown protocol ids raise InputError (from the loader)."""
    chosen = sorted(set(protocols))
    graph = nx.DiGraph(protocols=chosen)
    ontology = corpus.ontology
    event_labels = {e: _event_label(corpus, e) for e in _events_named(corpus, chosen)}
    for protocol in chosen:
        local = corpus.graph(protocol)
        for duty in duties(corpus, [protocol]):
            node = duty_node(protocol, duty.id)
            completion = _completion_event(corpus, protocol, duty)
            graph.add_node(
                node,
                kind="duty",
                label=duty.label,
                protocols=[protocol],
                protocol=protocol,
                provision=duty.provision,
                quote=duty.quote,
                modality=duty.modality,
                wording=duty.wording,
                action=duty.action,
                bearers=list(duty.bearers),
                recipients=list(duty.recipients),
                trigger=duty.trigger,
                starts=starts(duty),
                completion=completion,
                when=duty.when(),
                forms=list(duty.forms),
                conditions=list(duty.conditions),
                who=" and ".join(duty.labels.get(r, r) for r in duty.bearers),
                to_whom=" and ".join(duty.labels.get(r, r) for r in duty.recipients),
                when_words=when_in_words(duty.deadline, starts(duty), event_labels) if duty.deadline else "",
                column=column_of(duty.deadline),
                scope=conditions_in_words(corpus, duty),
            )
            for role in duty.bearers:
                _add_node(graph, role_node(role), protocol, kind="role", label=duty.labels.get(role, role), id=role)
                graph.add_edge(role_node(role), node, kind="bears")
            for role in duty.recipients:
                _add_node(graph, role_node(role), protocol, kind="role", label=duty.labels.get(role, role), id=role)
                graph.add_edge(node, role_node(role), kind="owed-to")
            if duty.trigger:
                _add_node(
                    graph, event_node(duty.trigger), protocol, kind="event", label=_event_label(corpus, duty.trigger)
                )
                graph.add_edge(event_node(duty.trigger), node, kind="triggers")
            if completion:
                _add_node(graph, event_node(completion), protocol, kind="event", label=_event_label(corpus, completion))
                graph.add_edge(node, event_node(completion), kind="completes")
            if duty.deadline is not None:
                ts = duty.deadline
                deadline = f"deadline:{protocol}:{ts.id}"
                _add_node(
                    graph,
                    deadline,
                    protocol,
                    kind="deadline",
                    label=due_phrase(ts),
                    protocol=protocol,
                    provision=ts.provision,
                    quote=ts.quote,
                    min=ts.min,
                    max=ts.max,
                    working_days=ts.working_days,
                    relative_to=ts.relative_to,
                    what=ts.what,
                )
                graph.add_edge(node, deadline, kind="due")
            for form in duty.forms:
                iri = _local_iri(local, form)
                provision = first_provision(local, local.objects(iri, PG.provision)) if iri is not None else None
                form_node = f"form:{protocol}:{form}"
                _add_node(
                    graph,
                    form_node,
                    protocol,
                    kind="form",
                    label=str(local.value(iri, RDFS.label) or form) if iri is not None else form,
                    protocol=protocol,
                    provision=str(local.value(provision, PG.reference) or "") if provision is not None else "",
                    quote=str(local.value(provision, PG.quote) or "") if provision is not None else "",
                    instrument=label(ontology, local.value(iri, PG.instrumentKind)) if iri is not None else "",
                    purposes=sorted(label(ontology, p) for p in local.objects(iri, PG.purpose))
                    if iri is not None
                    else [],
                )
                graph.add_edge(node, form_node, kind="uses")
    return graph


def _event_label(corpus: Corpus, event: str) -> str:
    return label(corpus.ontology, EVENT[event])


def _events_named(corpus: Corpus, protocols: list[str]) -> set[str]:
    """Every event a duty of the protocols names: trigger, deadline start, prior event."""
    found: set[str] = set()
    for duty in duties(corpus, protocols):
        found.update([duty.trigger, *duty.requires])
        if duty.deadline is not None:
            found.add(duty.deadline.relative_to)
    return found - {""}


def _local_iri(graph: object, ident: str) -> URIRef | None:
    for subject in graph.subjects(PG.provision, None):  # type: ignore[attr-defined]
        if isinstance(subject, URIRef) and short_id(subject) == ident:
            return subject
    return None


def nodes_of_kind(graph: nx.DiGraph, kind: str, protocol: str | None = None) -> list[str]:
    """The nodes of one kind (all protocols, or those appearing in ``protocol``), sorted."""
    return sorted(
        n
        for n, data in graph.nodes(data=True)
        if data["kind"] == kind and (protocol is None or protocol in data["protocols"])
    )


def duties_per_role(graph: nx.DiGraph, protocol: str | None = None) -> list[tuple[str, int]]:
    """How many duties each role bears (in one protocol, or all in the graph), most first;
    ties in role-id order."""
    counts: Counter[str] = Counter()
    for role in nodes_of_kind(graph, "role"):
        for _, duty, kind in graph.out_edges(role, data="kind"):
            if kind == "bears" and (protocol is None or graph.nodes[duty]["protocol"] == protocol):
                counts[graph.nodes[role]["id"]] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def roles_only_in(graph: nx.DiGraph, a: str, b: str) -> list[str]:
    """Roles that protocol ``a`` names (as bearer or recipient of a duty) and ``b`` does not."""
    return sorted(
        data["id"]
        for _, data in graph.nodes(data=True)
        if data["kind"] == "role" and a in data["protocols"] and b not in data["protocols"]
    )


@dataclass(frozen=True)
class ChainStep:
    """One link of a chain of duties: from an event, the duties that lead to the next event.

    ``conditional`` is true when the duties state no trigger of their own (the text makes
    them owed only on an outcome a timeline cannot show, such as a positive assessment); the
    link is then drawn from an event that put the work in the bearer's hands."""

    source: str
    target: str
    duties: tuple[str, ...]
    provisions: tuple[str, ...]
    deadline: str
    conditional: bool
    quote: str

    def as_row(self) -> dict[str, object]:
        """The step as a plain dict (JSON- and DataFrame-ready)."""
        return {
            "from": self.source,
            "to": self.target,
            "deadline": self.deadline or "(no deadline stated)",
            "conditional": self.conditional,
            "provisions": ", ".join(self.provisions),
            "duties": ", ".join(self.duties),
            "quote": self.quote,
        }


def _hours(graph: nx.DiGraph, duty: str) -> float:
    """The duty's deadline in hours (its maximum), for choosing the tightest of several."""
    for _, target, kind in graph.out_edges(duty, data="kind"):
        if kind == "due":
            return _iso_hours(graph.nodes[target]["max"], graph.nodes[target]["working_days"])
    return float("inf")


def _iso_hours(iso: str, working_days: bool) -> float:
    import re

    match = re.fullmatch(r"P(T?)([\d.]+)([MHDWY])", iso)
    if not match:
        return 0.0
    is_time, number, unit = match.groups()
    value = float(number)
    factor = {("T", "M"): 1 / 60, ("T", "H"): 1, ("", "D"): 24, ("", "W"): 168, ("", "M"): 720, ("", "Y"): 8760}
    hours = value * factor[(is_time, unit)]
    return hours * 1.4 if working_days else hours  # working days run longer than calendar days


def _links(graph: nx.DiGraph, protocol: str) -> dict[tuple[str, str, bool], list[str]]:
    """Event → event links made by one protocol's duties, and whether each is conditional."""
    protocol_duties = [n for n in nodes_of_kind(graph, "duty", protocol) if graph.nodes[n]["completion"]]
    handed: dict[str, set[str]] = {}  # role -> events completed by a duty that role bears or receives
    for n in protocol_duties:
        data = graph.nodes[n]
        if data["starts"]:
            for role in [*data["bearers"], *data["recipients"]]:
                handed.setdefault(role, set()).add(data["completion"])
    links: dict[tuple[str, str, bool], list[str]] = {}
    for n in protocol_duties:
        data = graph.nodes[n]
        target = data["completion"]
        if data["starts"]:
            sources, conditional = {data["starts"]}, False
        else:
            sources = set().union(*(handed.get(role, set()) for role in data["bearers"]))
            conditional = True
        for source in sorted(sources - {target}):
            links.setdefault((source, target, conditional), []).append(n)
    return links


def deadline_chain(
    graph: nx.DiGraph, protocol: str, start: str = "trafficking-suspected", end: str = "conclusive-decision"
) -> list[ChainStep]:
    """The chain of duties, with their deadlines, that leads one protocol from event ``start``
    (first suspicion) to event ``end`` (the conclusive decision); empty when there is none.

    Each link is a duty triggered by one event (or whose deadline runs from it) and evidenced
    by the next. Where the protocol states no trigger for the duty that reaches an event, the
    chain may pass through it as a conditional link from an event that handed the work to its
    bearer. Among the chains, the one with fewest conditional links, then fewest links
    without a deadline, then fewest links is chosen (ties by event id, so it is stable)."""
    links = _links(graph, protocol)
    outgoing: dict[str, list[tuple[str, bool, list[str]]]] = {}
    for (source, target, conditional), members in sorted(links.items()):
        outgoing.setdefault(source, []).append((target, conditional, members))
    queue: list[tuple[tuple[int, int, int], tuple[str, ...], tuple[tuple[str, bool], ...]]] = [
        ((0, 0, 0), (start,), ())
    ]
    settled: set[str] = set()
    while queue:
        cost, path, kinds = heapq.heappop(queue)
        here = path[-1]
        if here == end:
            return [_step(graph, links, path[i], path[i + 1], kinds[i][1]) for i in range(len(path) - 1)]
        if here in settled:
            continue
        settled.add(here)
        for target, conditional, members in outgoing.get(here, []):
            if target in settled:
                continue
            has_deadline = any(_hours(graph, m) != float("inf") for m in members)
            step_cost = (cost[0] + int(conditional), cost[1] + int(not has_deadline), cost[2] + 1)
            heapq.heappush(queue, (step_cost, (*path, target), (*kinds, (target, conditional))))
    return []


def _step(graph: nx.DiGraph, links: dict, source: str, target: str, conditional: bool) -> ChainStep:
    members = sorted(links[(source, target, conditional)], key=lambda n: (_hours(graph, n), n))
    tightest = members[0]
    deadline = graph.nodes[tightest]["when"] if _hours(graph, tightest) != float("inf") else ""
    return ChainStep(
        source=source,
        target=target,
        duties=tuple(n.rsplit(":", 1)[1] for n in members),
        provisions=tuple(sorted({graph.nodes[n]["provision"] for n in members}, key=str)),
        deadline=deadline,
        conditional=conditional,
        quote=graph.nodes[tightest]["quote"],
    )


def _diff_nodes(corpus: Corpus, graph: nx.DiGraph, a: str, b: str) -> list[tuple[str, list[str], list[str]]]:
    """Each change between versions ``a`` and ``b`` (protocol.diff: duties, deadlines, forms)
    with the nodes of its side in ``a`` and of its side in ``b``, matched by clause and quote."""
    from ..comparing.diff import diff, duty_summary

    duty_nodes: dict[tuple[str, str, str, str], list[str]] = {}
    for protocol in (a, b):
        for duty in duties(corpus, [protocol]):
            key = (protocol, duty.provision, duty_summary(corpus, duty), duty.quote)
            duty_nodes.setdefault(key, []).append(duty_node(protocol, duty.id))
    matched = []
    for change in diff(corpus, a, b, areas=["duty", "timescale", "form"]):
        if change.kind == "moved":
            continue  # the same rule under another clause: unchanged on the graph
        sides: list[list[str]] = []
        for protocol, side, opposite in ((a, change.before, change.after), (b, change.after, change.before)):
            if side is None:
                sides.append([])
                continue
            provision, value, quote = side
            if change.area == "duty":
                found = duty_nodes.get((protocol, provision, value, quote), [])
            elif change.area == "timescale":
                found = [
                    n
                    for n in nodes_of_kind(graph, "deadline", protocol)
                    if graph.nodes[n]["provision"] == provision and graph.nodes[n]["quote"] == quote
                ]
            else:
                found = _form_nodes(graph, protocol, change.topic, value, opposite[1] if opposite else "")
            sides.append([n for n in found if n in graph])
        matched.append((change.kind, sides[0], sides[1]))
    return matched


def _form_nodes(graph: nx.DiGraph, protocol: str, purpose: str, mine: str, other: str) -> list[str]:
    """The form nodes of one side of a form change (diff gives one change per purpose, each side
    its forms joined by ', '): the forms this version names for the purpose and the other does
    not, so that CYPR replaced by CYP (4lscb-ctp-2011 12.3 → 4lscb-met-2013 5.2) marks both
    forms as one change, while a tool both versions name for the purpose stays unchanged."""
    only_here = set(mine.split(", ")) - set(other.split(", ") if other else ())
    return [
        n
        for n in nodes_of_kind(graph, "form", protocol)
        if purpose in graph.nodes[n].get("purposes", ()) and graph.nodes[n]["instrument"] in only_here
    ]


def diff_status(corpus: Corpus, graph: nx.DiGraph, a: str, b: str) -> dict[str, str]:
    """Each node's diff status between versions ``a`` and ``b`` (protocol.diff): added,
    removed or changed duties, deadlines and forms, and roles only one version names;
    every other node is unchanged. Facts are matched to nodes by clause and quote."""
    status: dict[str, str] = {}
    for kind, before, after in _diff_nodes(corpus, graph, a, b):
        for node in [*before, *after]:
            if status.get(node) != "changed":  # a form replacing another for one purpose stays a change
                status[node] = kind
    for role in roles_only_in(graph, a, b):
        status[role_node(role)] = "removed"
    for role in roles_only_in(graph, b, a):
        status[role_node(role)] = "added"
    return dict(sorted(status.items()))


def diff_sides(corpus: Corpus, graph: nx.DiGraph, a: str, b: str) -> dict[str, list[str]]:
    """For each node of a fact changed between versions ``a`` and ``b``, the nodes of the
    same fact in the other version, so that a changed duty can be shown with both sides."""
    sides: dict[str, set[str]] = {}
    for kind, before, after in _diff_nodes(corpus, graph, a, b):
        if kind != "changed":
            continue
        for node in before:
            sides.setdefault(node, set()).update(after)
        for node in after:
            sides.setdefault(node, set()).update(before)
    return {node: sorted(others) for node, others in sorted(sides.items()) if others}

"""Case timelines: read a case file strictly, or fail with one line naming file, line, problem.

A case is YAML (DESIGN.md, "Case timelines"):

    id: case-017
    as_of: 2024-03-05T17:00+00:00          # optional; default: the last event
    child: {age: 15, looked_after: true, uasc: true}   # also age_disputed, date_of_birth, placement, ...
    events:
      - {at: 2024-03-01T09:00+00:00, type: trafficking-suspected, by: border-force}

Times are ISO 8601 with an offset; a naive time is an error, never guessed. PyYAML's own
timestamp resolution is switched off (it silently makes naive datetimes), and every value
keeps its line so errors can point at it. Case files are read, never written."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path
from types import GeneratorType
from typing import Any, NoReturn

import yaml

from ..errors import ErrorCollector, InputError
from ..guard.input_files import check_size, find_line, read_text, reread_text

MAX_CASE_BYTES = 5 * 1024 * 1024
RDF_CASE_SUFFIXES = (".ttl", ".nt", ".rdf", ".xml", ".jsonld")
FIRST_YEAR, LAST_YEAR = 1900, 2199
CHANNELS = ("telephone", "written")
CATEGORIES = ("missing", "absent")
CHILD_FIELDS = {
    "age": int,
    "age_disputed": bool,
    "looked_after": bool,
    "uasc": bool,
    "disabled": bool,
    "date_of_birth": date,
    "allocated_social_worker": bool,
    "placement": str,
    "consent": bool,
    "english_preferred": bool,
    "icta_site": bool,
    "la_parental_responsibility": bool,
    "emergency_protection_order": bool,
}
EVENT_FIELDS = {"id", "at", "type", "by", "to", "channel", "category", "note"}
# Where a case's review date (as_of) came from, as every report states it. Precedence: the
# case's own as_of (YAML/RDF field, or the as_of column of children.csv) wins; --as-of (or the
# as_of argument of the library) is used for the cases that give none; failing both, the
# case's last event.
AS_OF_IN_CASE = "given in the case"
AS_OF_FOR_RUN = "given for the run"
AS_OF_LAST_EVENT = "the last event"
_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Event:
    """One event of a case timeline."""

    id: str
    at: datetime
    type: str
    by: str = ""
    to: str = ""
    channel: str = ""
    category: str = ""
    line: int = 0


@dataclass(frozen=True)
class Child:
    """What the case says about the child; None where it says nothing."""

    age: int | None = None
    age_disputed: bool | None = None  # the person's age is disputed or uncertain
    looked_after: bool | None = None
    uasc: bool | None = None
    disabled: bool | None = None
    date_of_birth: date | None = None
    allocated_social_worker: bool | None = None
    placement: str | None = None
    consent: bool | None = None
    english_preferred: bool | None = None
    icta_site: bool | None = None
    la_parental_responsibility: bool | None = None
    emergency_protection_order: bool | None = None

    def get(self, name: str) -> object:
        """A field by its case-file name."""
        return getattr(self, name, None)


@dataclass(frozen=True)
class Case:
    """A case timeline: the child, the events in time order, and when it is reviewed."""

    id: str
    child: Child
    events: tuple[Event, ...]
    as_of: datetime
    source: str = ""
    as_of_given: bool = field(default=False, compare=False)
    as_of_source: str = field(default="", compare=False)

    @property
    def review_date_source(self) -> str:
        """Where the review date came from: given in the case, given for the run, or the last event."""
        return self.as_of_source or (AS_OF_IN_CASE if self.as_of_given else AS_OF_LAST_EVENT)

    @cached_property
    def events_by_type(self) -> dict[str, tuple[Event, ...]]:
        """The events of each type, in time order (computed once; deadlines look events up by type)."""
        index: dict[str, list[Event]] = {}
        for event in self.events:
            index.setdefault(event.type, []).append(event)
        return {kind: tuple(events) for kind, events in index.items()}


@cache
def event_type_ids() -> frozenset[str]:
    """The event type ids case files may use (from ontology/vocab)."""
    from ..corpus.namespace import PG

    return _vocab_ids(PG.EventType)


@cache
def role_ids() -> frozenset[str]:
    """The role ids case files may use (roles with a pg:caseId)."""
    from ..corpus.namespace import PG

    return _vocab_ids(PG.Role)


CATEGORY_MEANINGS = {
    "missing": "the child's whereabouts are unknown (a 'missing' episode)",
    "absent": "the child is not where they should be, but is not at apparent risk (an 'absent' episode)",
}


def vocabulary(kind: str) -> list[dict[str, str]]:
    """The ids a case file may use for ``events``, ``roles`` or ``categories``, each with its
    label and meaning (from ontology/vocab), sorted by id."""
    if kind == "categories":
        return [{"id": c, "label": c, "meaning": CATEGORY_MEANINGS[c]} for c in sorted(CATEGORIES)]
    from rdflib import RDF, RDFS
    from rdflib.namespace import SKOS

    from ..corpus.loader import ontology_graph
    from ..corpus.namespace import PG

    graph = ontology_graph(copy=False)
    cls = {"events": PG.EventType, "roles": PG.Role}[kind]
    rows = []
    for node in graph.subjects(RDF.type, cls):
        for case_id in graph.objects(node, PG.caseId):
            rows.append(
                {
                    "id": str(case_id),
                    "label": str(graph.value(node, RDFS.label) or ""),
                    "meaning": " ".join(str(graph.value(node, SKOS.definition) or "").split()),
                }
            )
    return sorted(rows, key=lambda r: r["id"])


def _hint(value: str, choices: Iterable[str]) -> str:
    from ..corpus.suggest import did_you_mean

    return did_you_mean(value, choices)


def _vocab_ids(cls: object) -> frozenset[str]:
    from ..corpus.loader import case_ids_of

    return case_ids_of(cls)  # type: ignore[arg-type]


# --- strict YAML ------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamp resolution: times stay text until we parse them."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class _Value:
    value: Any
    line: int | str
    raw: str | None = None  # a plain YAML scalar that YAML 1.1 read as a number or boolean: as written


_SURROGATE = re.compile("[\ud800-\udfff]")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)", re.ASCII)
MAX_OFFSET_HOURS = 14


def _check_unicode(value: str, path: str, line: int | str) -> None:
    """Refuse a string holding a lone surrogate (``"\\ud800"`` in YAML or JSON): not a character,
    it cannot be written to any output, so it would crash a report."""
    match = _SURROGATE.search(value)
    if match:
        raise InputError(
            f"text holds a lone surrogate (\\u{ord(match.group(0)):04x}), which is not a Unicode character", path, line
        )


def _plain(node: yaml.Node, path: str, seen: set[int]) -> _Value:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise InputError("YAML anchors and aliases are not allowed in case files", path, line)
    seen.add(id(node))
    if len(seen) > 200_000:
        raise InputError("too many values for one case file", path, line)
    if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
        raise InputError(f"unsupported YAML tag {node.tag!r}", path, line)  # e.g. !!python/object/apply
    if isinstance(node, yaml.MappingNode):
        result: dict[str, _Value] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, path, seen).value
            if not isinstance(key, str):
                raise InputError(f"mapping key {key!r} is not text", path, key_node.start_mark.line + 1)
            if key in result:
                raise InputError(f"duplicate key {key!r}", path, key_node.start_mark.line + 1)
            result[key] = _plain(value_node, path, seen)
        return _Value(result, line)
    if isinstance(node, yaml.SequenceNode):
        return _Value([_plain(item, path, seen) for item in node.value], line)
    constructor = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if constructor is None:
        raise InputError(f"unsupported YAML tag {node.tag!r}", path, line)
    try:
        value = constructor(_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError) as exc:
        raise InputError(f"bad value {node.value!r}: {exc}", path, line) from None
    except (LookupError, AttributeError, TypeError):  # PyYAML's own slips: !!bool maybe, !!int '', bad !!timestamp
        raise InputError(f"bad value {node.value!r} for {node.tag}", path, line) from None
    if isinstance(value, GeneratorType):  # a collection tag (!!map, !!seq, !!set) on a plain value
        raise InputError(f"{node.tag} cannot tag the plain value {node.value!r}", path, line)
    if isinstance(value, str):
        _check_unicode(value, path, line)
    # YAML 1.1 reads 0123 as 83, 12:30 as 750, 0x1F as 31, 1_000 as 1000 and yes as true: keep
    # the text as written, so an id or a role is read as the user wrote it (never renumbered)
    raw = node.value if node.style is None and isinstance(value, (int, float)) else None
    return _Value(value, line, raw)


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _compose(text: str, path: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"not valid YAML: {problem}", path, line) from None
    except yaml.reader.ReaderError as exc:  # a control character: its message spans two lines
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise InputError(f"not valid YAML: character {char!r} is not allowed", path, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {' '.join(str(exc).split())}", path) from None
    except RecursionError:  # PyYAML composes recursively: [[[[...]]]] thousands deep
        raise InputError("not valid YAML: nested too deeply", path) from None


# --- field parsing ------------------------------------------------------------------------


_DATE_ONLY = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|z|[+-]\d{2}:?\d{2})?$")
_NAIVE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")


def suggest_time(text: str) -> str | None:
    """A valid date-time close to what was written: a date alone becomes midnight UTC
    (``2024-03-08`` -> ``2024-03-08T00:00+00:00``, keeping an offset already given), a naive
    time gets ``+00:00``. None when no plain repair fits."""
    text = text.strip()
    date_only = _DATE_ONLY.match(text)
    if date_only:
        offset = date_only.group(2) or "+00:00"
        offset = "+00:00" if offset in ("Z", "z") else offset
        if len(offset) == 5:  # +0100
            offset = f"{offset[:3]}:{offset[3:]}"
        return f"{date_only.group(1)}T00:00{offset}"
    naive = _NAIVE.match(text)
    if naive:
        return f"{naive.group(1)}T{naive.group(2)}+00:00"
    return None


def _time_hint(value: str) -> str:
    suggestion = suggest_time(value)
    return f" (write e.g. {suggestion})" if suggestion else ""


def parse_time(value: Any, path: str | None, line: int | str | None, what: str = "time") -> datetime:
    """Parse an ISO 8601 date-time that must carry a UTC offset."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        if _DATE_ONLY.match(value.strip()):  # a date alone is no time of day: never guessed
            raise InputError(f"{what} {value!r} is a date without a time of day{_time_hint(value)}", path, line)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"{what} {value!r} is not a valid ISO 8601 date-time{_time_hint(value)}", path, line
            ) from None
    else:
        raise InputError(f"{what} {value!r} is not a date-time", path, line)
    offset = moment.utcoffset()
    if moment.tzinfo is None or offset is None:
        suggestion = suggest_time(moment.isoformat(timespec="minutes") if moment.second == 0 else moment.isoformat())
        raise InputError(f"{what} {value!r} has no UTC offset (write e.g. {suggestion})", path, line)
    if offset.microseconds or offset.seconds % 60:
        raise InputError(f"{what} {value!r} has a UTC offset with seconds; offsets are hours and minutes", path, line)
    if abs(offset.total_seconds()) > MAX_OFFSET_HOURS * 3600:
        raise InputError(
            f"{what} {value!r} has a UTC offset beyond ±{MAX_OFFSET_HOURS:02d}:00; no time zone is that far from UTC",
            path,
            line,
        )
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # deadlines past 9999 overflow; no case lies there
        raise InputError(f"{what} {value!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}", path, line)
    return moment


def _text(item: _Value, name: str, path: str) -> str:
    value = item.raw if item.raw is not None else item.value
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{name} must be text, not {item.value!r}", path, item.line)
    return value.strip()


def _child(item: _Value | None, path: str) -> Child:
    if item is None or item.value is None:
        return Child()
    if not isinstance(item.value, dict):
        raise InputError("child must be a mapping (age, looked_after, uasc, ...)", path, item.line)
    values: dict[str, Any] = {}
    for name, entry in sorted(item.value.items()):
        kind = CHILD_FIELDS.get(name)
        if kind is None:
            raise InputError(
                f"unknown child field {name!r} (known: {', '.join(sorted(CHILD_FIELDS))})", path, entry.line
            )
        value = entry.value
        if value is None:
            continue
        if kind is bool and not isinstance(value, bool):
            raise InputError(f"child {name} must be true or false, not {value!r}", path, entry.line)
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"child age must be a whole number of years, not {value!r}", path, entry.line)
            if entry.raw is not None and not _DECIMAL.fullmatch(entry.raw):
                raise InputError(
                    f"child age {entry.raw!r} must be written in decimal digits (YAML would read it as {value})",
                    path,
                    entry.line,
                )
            if not 0 <= value <= 25:
                raise InputError(f"child age {value} is outside 0 to 25", path, entry.line)
        if kind is date:
            try:
                value = date.fromisoformat(str(value))
            except ValueError:
                raise InputError(
                    f"child date_of_birth {value!r} is not a valid date (YYYY-MM-DD)", path, entry.line
                ) from None
        if kind is str:
            value = str(value)
        values[name] = value
    return Child(**values)


def _event(item: _Value, index: int, path: str) -> Event:
    if not isinstance(item.value, dict):
        raise InputError("each event must be a mapping with at least 'at' and 'type'", path, item.line)
    fields = item.value
    for name, entry in fields.items():
        if name not in EVENT_FIELDS:
            raise InputError(
                f"unknown event field {name!r} (known: {', '.join(sorted(EVENT_FIELDS))})", path, entry.line
            )
    for required in ("at", "type"):
        if required not in fields:
            raise InputError(f"event has no {required!r}", path, item.line)
    at = parse_time(fields["at"].value, path, fields["at"].line, "event time")
    event_type = _text(fields["type"], "event type", path)
    if event_type not in event_type_ids():
        raise InputError(
            f"unknown event type {event_type!r}{_hint(event_type, event_type_ids())}; "
            "list them with: protograph vocab events",
            path,
            fields["type"].line,
        )
    values: dict[str, str] = {}
    for name in ("by", "to"):
        if name in fields and fields[name].value is not None:
            role = _text(fields[name], f"event {name!r}", path)
            if role not in role_ids():
                raise InputError(
                    f"unknown role {role!r} in {name!r}{_hint(role, role_ids())}; list them with: protograph vocab roles",
                    path,
                    fields[name].line,
                )
            values[name] = role
    if "channel" in fields and fields["channel"].value is not None:
        channel = _text(fields["channel"], "channel", path)
        if channel not in CHANNELS:
            raise InputError(f"unknown channel {channel!r} (telephone or written)", path, fields["channel"].line)
        values["channel"] = channel
    if "category" in fields and fields["category"].value is not None:
        category = _text(fields["category"], "category", path)
        if category not in CATEGORIES:
            raise InputError(
                f"unknown category {category!r}{_hint(category, CATEGORIES)} (missing or absent)",
                path,
                fields["category"].line,
            )
        if event_type != "missing":
            raise InputError("only a 'missing' event has a category", path, fields["category"].line)
        values["category"] = category
    event_id = _text(fields["id"], "event id", path) if "id" in fields else f"line-{item.line}"
    return Event(id=event_id, at=at, type=event_type, line=item.line, **values)


def case_from_mapping(root: _Value, path: str, as_of: datetime | None = None) -> Case:
    """Build a Case from a parsed YAML (or equivalent) mapping, checking every field."""
    if not isinstance(root.value, dict):
        raise InputError("a case file must be a mapping with 'id' and 'events'", path, root.line)
    fields = root.value
    for name, entry in fields.items():
        if name not in {"id", "as_of", "child", "events"}:
            raise InputError(f"unknown case field {name!r} (known: as_of, child, events, id)", path, entry.line)
    if "id" not in fields:
        raise InputError("case has no 'id'", path, root.line)
    case_id = fields["id"].raw if fields["id"].raw is not None else fields["id"].value
    if not isinstance(case_id, str) or not _CASE_ID.fullmatch(case_id):
        raise InputError(f"case id {case_id!r} must be letters, digits, '.', '_' or '-'", path, fields["id"].line)
    if "events" not in fields:
        raise InputError("case has no 'events'", path, root.line)
    raw_events = fields["events"]
    if not isinstance(raw_events.value, list):
        raise InputError("'events' must be a list", path, raw_events.line)
    if not raw_events.value:
        raise InputError("'events' is empty", path, raw_events.line)
    events = [_event(item, i, path) for i, item in enumerate(raw_events.value)]
    seen: dict[str, int] = {}
    for event in events:
        if event.id in seen:
            raise InputError(f"duplicate event id {event.id!r} (also on line {seen[event.id]})", path, event.line)
        seen[event.id] = event.line
    ordered = tuple(sorted(events, key=lambda e: (e.at, e.line)))
    if "as_of" in fields:  # the case's own review date wins over the run's
        as_of, source = parse_time(fields["as_of"].value, path, fields["as_of"].line, "as_of"), AS_OF_IN_CASE
    elif as_of is not None:
        source = AS_OF_FOR_RUN
    else:
        as_of, source = ordered[-1].at, AS_OF_LAST_EVENT
    late = [e for e in ordered if e.at > as_of]
    if late:
        whose = "the review date given for the run" if source == AS_OF_FOR_RUN else "as_of"
        raise InputError(f"event at {late[0].at.isoformat()} is after {whose} {as_of.isoformat()}", path, late[0].line)
    given = source != AS_OF_LAST_EVENT
    return Case(case_id, _child(fields.get("child"), path), ordered, as_of, path, given, source)


def read_yaml_values(path: str | Path, what: str = "a case file") -> _Value:
    """Read a YAML file as strictly as a case file (no aliases, tags, duplicate keys or
    implicit timestamps), each value with its line, for readers of formats built on cases
    (the scope tests' files)."""
    path = Path(path)
    shown = str(path)
    text = read_text(path, what, "YAML", MAX_CASE_BYTES)
    node = _compose(text, shown)
    if node is None:
        raise InputError("file holds no YAML document", shown, 1)
    return _plain(node, shown, set())


def read_case(path: str | Path, as_of: datetime | None = None) -> Case:
    """Read one YAML case file (never modifying it)."""
    return case_from_mapping(read_yaml_values(path), str(path), as_of)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


_TURTLE_EVENT = {"at": "at", "eventType": "type", "by": "by", "to": "to", "channel": "channel", "category": "category"}
_TURTLE_CASE = {"caseIdentifier": "id", "asOf": "as_of", "child": "child"}
# where the shared terms live: an event type or role from any other namespace is refused
_TURTLE_TERMS = {"eventType": "event/", "by": "role/", "to": "role/"}


def _turtle_value(node: object, prop: str, path: str, place: str) -> object:
    """One RDF value as a case-file value: an event type or a role must be an IRI of the shared
    vocabulary (its last segment is the id); every other value must be a literal."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from ..corpus.namespace import BASE

    namespace = _TURTLE_TERMS.get(prop)
    if namespace is not None:
        if not isinstance(node, URIRef):
            raise InputError(f"pg:{prop} must be an IRI of the shared vocabulary ({BASE}{namespace}…)", path, place)
        iri = str(node)
        local = iri[len(BASE + namespace) :]
        if not iri.startswith(BASE + namespace) or not local or "/" in local or "#" in local:
            raise InputError(
                f"pg:{prop} <{iri}> is not a term of the shared vocabulary ({BASE}{namespace}…)", path, place
            )
        return local
    if not isinstance(node, Literal):
        raise InputError(f"pg:{prop} must be a literal value, not {node}", path, place)
    _check_unicode(str(node), path, place)
    if node.datatype in (XSD.dateTime, XSD.date, XSD.string) or node.datatype is None:
        return str(node)
    value = node.toPython()
    return str(node) if isinstance(value, Literal) else value  # ill-typed: refused as the wrong kind later


def _one(graph: object, subject: object, prop: str, path: str, place: str) -> object | None:
    """The one value of ``pg:prop``; two values (which RDF allows) would be picked by hash order,
    so the result would change from run to run: refused."""
    from rdflib import URIRef

    from ..corpus.namespace import PG

    values = sorted(graph.objects(subject, URIRef(str(PG) + prop)))  # type: ignore[attr-defined]
    if len(values) > 1:
        shown = ", ".join(repr(str(v)) for v in values[:3])
        raise InputError(f"{len(values)} values of pg:{prop} ({shown}) where one is allowed", path, place)
    return values[0] if values else None


def _refuse_unknown_pg(graph: object, subject: object, allowed: set[str], what: str, path: str, place: str) -> None:
    """A pg: property the reader does not know (a misspelt pg:lookedafter) would be ignored."""
    from ..corpus.namespace import PG

    for prop in sorted({str(p) for p in graph.predicates(subject, None)}):  # type: ignore[attr-defined]
        if prop.startswith(str(PG)) and prop[len(str(PG)) :] not in allowed:
            known = ", ".join(f"pg:{a}" for a in sorted(allowed))
            raise InputError(f"unknown {what} property pg:{prop[len(str(PG)) :]} (known: {known})", path, place)


def read_case_turtle(path: str | Path, as_of: datetime | None = None) -> Case:
    """Read one case written in Turtle (or N-Triples, RDF/XML, JSON-LD) with the pg: case vocabulary (pg:Case, pg:CaseEvent,
    pg:at, pg:eventType, pg:by, pg:to, pg:child ...); checked exactly as a YAML case is, and more:
    a property given two values, an unknown pg: property, an event type or role outside the shared
    vocabulary, an event not linked to the case or not named by an IRI are refused.
    Places in errors are the event's IRI, since Turtle parsers give no line per triple."""
    from rdflib import RDF, URIRef

    from ..corpus.loader import parse_file
    from ..corpus.namespace import PG
    from ..errors import EncodingError

    path = Path(path)
    shown = str(path)
    if path.is_file():
        check_size(path, MAX_CASE_BYTES, "a case file")
    try:
        graph = parse_file(path, error=InputError, limit=MAX_CASE_BYTES)
    except EncodingError as exc:  # pragma: no cover - parse_file raises the error type given
        raise InputError(exc.problem, shown, exc.place) from None
    cases = sorted(graph.subjects(RDF.type, PG.Case))
    if len(cases) != 1:
        line = find_line(reread_text(path, MAX_CASE_BYTES), [f"<{cases[1]}>"]) if len(cases) > 1 else None
        raise InputError(f"a case file must describe exactly one pg:Case, found {len(cases)}", shown, line)
    node = cases[0]
    _refuse_unknown_pg(graph, node, set(_TURTLE_CASE), "case", shown, str(node))
    fields: dict[str, _Value] = {}
    for prop, name in _TURTLE_CASE.items():
        value = _one(graph, node, prop, shown, f"pg:{prop}")
        if value is not None and name != "child":
            fields[name] = _Value(_turtle_value(value, prop, shown, f"pg:{prop}"), f"pg:{prop}")
    child = _one(graph, node, "child", shown, "pg:child")
    if child is not None:
        child_props = {_camel(name): name for name in CHILD_FIELDS}
        _refuse_unknown_pg(graph, child, set(child_props), "child", shown, "pg:child")
        values = {}
        for prop, name in child_props.items():
            value = _one(graph, child, prop, shown, f"pg:{prop}")
            if value is not None:
                values[name] = _Value(_turtle_value(value, prop, shown, f"pg:{prop}"), f"pg:{prop}")
        fields["child"] = _Value(values, "pg:child")
    linked = set(graph.subjects(PG.case, node))
    typed = set(graph.subjects(RDF.type, PG.CaseEvent))
    for stray in sorted(typed ^ linked):
        problem = "is not a pg:CaseEvent" if stray in linked else f"is not linked to the case by pg:case <{node}>"
        raise InputError(f"an event that {problem}; it would be ignored", shown, str(stray))
    events = []
    for event in sorted(linked):
        place = str(event)
        if not isinstance(event, URIRef):
            raise InputError(
                "a case event that is a blank node; name each event by an IRI (its last segment is the event id)",
                shown,
                "pg:case",
            )
        _refuse_unknown_pg(graph, event, {*_TURTLE_EVENT, "case", "note"}, "event", shown, place)
        if len(set(graph.objects(event, PG.case))) > 1:
            raise InputError("an event linked to more than one case by pg:case", shown, place)
        entry = {"id": _Value(place.rsplit("/", 1)[-1], place)}
        for prop, name in _TURTLE_EVENT.items():
            value = _one(graph, event, prop, shown, place)
            if value is not None:
                entry[name] = _Value(_turtle_value(value, prop, shown, place), place)
        events.append(_Value(entry, place))
    fields["events"] = _Value(events, str(node))
    return case_from_mapping(_Value(fields, str(node)), shown, as_of)


def read_any_case(path: str | Path, as_of: datetime | None = None) -> Case:
    """Read a case file in YAML (.yaml, .yml) or, with the pg: case vocabulary, in an RDF
    format (.ttl, .nt, .rdf/.xml RDF/XML, .jsonld JSON-LD); any other suffix is read as YAML."""
    if Path(path).suffix.lower() in RDF_CASE_SUFFIXES:
        return read_case_turtle(path, as_of)
    return read_case(path, as_of)


def read_cases(paths: Iterable[str | Path], as_of: datetime | None = None) -> list[Case]:
    """Read several case files (YAML or Turtle). Cases that share an id are all kept, each
    id made unique with its file name (see unique_ids)."""
    return unique_ids([read_any_case(path, as_of) for path in paths])[0]


def read_caseloads(paths: Iterable[str | Path], as_of: datetime | None = None) -> tuple[list[Case], list[str]]:
    """Read several caseloads (files or folders) as one: the cases, ids made unique across them
    all, and the notes saying which ids were shared (unique_ids)."""
    return unique_ids([case for path in paths for case in _read_caseload(Path(path), as_of)])


def unique_ids(cases: list[Case]) -> tuple[list[Case], list[str]]:
    """Every case is checked, even when two files give the same id (the same case written in
    YAML and Turtle, or two reviewers' copies): each such case is shown as ``id@file-name``
    (``id@path`` if the names also clash), and a note says so. Returns the cases and the notes."""
    from dataclasses import replace

    by_id: dict[str, list[int]] = {}
    for index, case in enumerate(cases):
        by_id.setdefault(case.id, []).append(index)
    result = list(cases)
    notes = []
    for case_id, indexes in sorted(by_id.items()):
        if len(indexes) < 2:
            continue
        names = [Path(cases[i].source).name for i in indexes]
        use_path = len(set(names)) < len(names)
        for i in indexes:
            where = cases[i].source if use_path else Path(cases[i].source).name
            result[i] = replace(cases[i], id=f"{case_id}@{where}")
        files = ", ".join(cases[i].source for i in indexes)
        notes.append(
            f"case id {case_id!r} is used by {len(indexes)} files ({files}): each is checked, shown as {case_id}@<file>"
        )
    return result, notes


# --- caseloads: a folder of case files, or events.csv (+ children.csv) -----------------------

EVENT_COLUMNS = ("case", "at", "type", "by", "to", "channel", "category", "id", "note")
CHILD_COLUMNS = ("case", "as_of", *CHILD_FIELDS)
MAX_CSV_BYTES = 200 * 1024 * 1024
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _csv_text(
    path: Path, allowed: tuple[str, ...], required: tuple[str, ...], given: str | None = None
) -> tuple[str, list[str], Iterator[tuple[int, list[str], int, int]]]:
    """Read a CSV strictly: known header, rows numbered as a spreadsheet numbers them (the
    header is row 1). Returns the text, the header and, lazily, every row that is not blank as
    (number, cells, start, end), start and end its place in the text, so a row can be read
    again later (:func:`_csv_row_at`) without keeping every row in memory. With ``given``, that
    text is read instead of the file (named ``path`` in errors)."""
    import csv
    from collections import deque

    shown = str(path)
    text = read_text(path, "a caseload CSV", "CSV", MAX_CSV_BYTES) if given is None else given
    # newline="": line breaks inside quoted fields reach the reader, which alone knows rows
    # (str.splitlines would also split on form feeds and U+2028 inside a field).
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        deque(reader, maxlen=0)  # the syntax of the whole file first, as a fault stops reading at once
    except csv.Error as exc:
        raise InputError(f"not valid CSV: {exc}", shown, reader.line_num) from None
    position = 0

    def lines() -> Iterator[str]:
        nonlocal position
        for line in io.StringIO(text, newline=""):
            position += len(line)
            yield line

    reader = csv.reader(lines(), strict=True)  # the reader pulls one line at a time: no lookahead
    header_row = next(reader, None)
    if header_row is None:
        raise InputError("file holds no header row", shown)
    header = [h.strip() for h in header_row]
    for index, name in enumerate(header, start=1):
        if name not in allowed:
            raise InputError(f"unknown column {name!r} (known: {', '.join(allowed)})", shown, f"1:{index}")
    for name in required:
        if name not in header:
            raise InputError(f"missing column {name!r}", shown, 1)
    if len(set(header)) != len(header):
        raise InputError("a column name appears twice", shown, 1)

    def rows() -> Iterator[tuple[int, list[str], int, int]]:
        start = position
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield number, row, start, position
            start = position

    return text, header, rows()


class _NotPlain(Exception):
    """A caseload CSV the streamed reading does not take on: anything unusual (a fault, a line
    break other than LF or CRLF, a record over several lines, a byte-order mark, text that is
    not UTF-8). It is then read as text, which reports each fault as it always has."""


MAX_STREAMED_CSV_BYTES = 8 * 1024**3
MAX_STREAMED_LINE_BYTES = 1 << 20


class _TextRows:
    """The rows of a CSV held as text, read again by their place in it."""

    def __init__(self, text: str):
        self.text = text

    def rows(self, places: Iterable[tuple[int, int]]) -> list[list[str]]:
        return [_csv_row_at(self.text, start, end) for start, end in places]


def _csv_row_checked(
    shown: str, header: list[str], number: int, row: list[str], errors: ErrorCollector
) -> list[str] | None:
    """The row's cells stripped, or None (the fault recorded) when the row is not as wide as
    the header or a field holds a line break."""
    with errors.check():
        if len(row) != len(header):
            raise InputError(f"row has {len(row)} fields, the header has {len(header)}", shown, number)
        for column, cell in enumerate(row, start=1):
            if "\n" in cell or "\r" in cell:
                raise InputError("a field holds a line break", shown, f"{number}:{column}")
        return [cell.strip() for cell in row]
    return None


def _csv_row_at(text: str, start: int, end: int | None) -> list[str]:
    """The cells of a row already read and checked once, from its place in the text."""
    import csv

    return [cell.strip() for cell in next(csv.reader([text[start:end]], strict=True))]


def _csv_scalar(text: str, kind: type) -> object:
    if kind is bool:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if kind is int:
        # decimal digits only: int() would also take 1_5, +15 and other scripts' digits
        return int(text) if re.fullmatch(r"[0-9]{1,3}", text) else text
    return text


def _event_row(header: list[str], number: int, row: list[str]) -> _Value:
    """An events.csv row as the event mapping of a case file, each value placed row:column."""
    return _Value(
        {
            name: _Value(value, f"{number}:{column}")
            for column, (name, value) in enumerate(zip(header, row, strict=True), start=1)
            if value != "" and name != "case"
        },
        number,
    )


def _child_row(header: list[str], number: int, row: list[str], shown: str) -> tuple[str, _Value | None, _Value]:
    """A children.csv row: its case id, its review date (as_of) if given, and the child mapping."""
    fields = dict(zip(header, row, strict=True))
    case_id = fields.pop("case")
    review = fields.pop("as_of", "")
    review_date = None
    if review:
        place = f"{number}:{header.index('as_of') + 1}"
        review_date = _Value(parse_time(review, shown, place, "as_of"), place)
    child = _Value(
        {
            name: _Value(_csv_scalar(value, CHILD_FIELDS[name]), f"{number}:{header.index(name) + 1}")
            for name, value in fields.items()
            if value != ""
        },
        number,
    )
    return case_id, review_date, child


# Rows a sorted run holds before it is written to the scratch folder (and the k-way merge
# begins): a few tens of megabytes of rows in memory at most, whatever the caseload.
RUN_ROWS = 200_000
_BLOCK_ROWS = 4096  # rows a pickled block of a run holds


@dataclass(frozen=True)
class _CsvLayout:
    """What a worker needs, beside the rows themselves, to build cases from CSV rows."""

    header: tuple[str, ...]
    child_header: tuple[str, ...]
    shown: str
    children_shown: str
    as_of: datetime | None


class CaseChunk:
    """Some cases of a caseload, in report order, as sent to a worker: ``len()`` is the number of
    cases, :meth:`cases` builds them (raising InputError at a fault)."""

    def __len__(self) -> int:
        raise NotImplementedError

    def cases(self) -> list[Case]:
        raise NotImplementedError


class BuiltChunk(CaseChunk):
    """Cases already built (case files, a caseload read as text)."""

    def __init__(self, cases: list[Case]):
        self._cases = cases

    def __len__(self) -> int:
        return len(self._cases)

    def cases(self) -> list[Case]:
        return self._cases


class RawChunk(CaseChunk):
    """The rows of some cases of a CSV caseload, as the text of their lines (one line a row,
    each without its line end) and their row numbers, events grouped by case in case id order,
    with each case's children.csv row if any: cheap to send to a worker, which builds the cases
    there (:meth:`cases`), checking every value as a case file's is checked."""

    def __init__(
        self, layout: _CsvLayout, count: int, events: list[str], numbers: Any, children: list[str], child_numbers: Any
    ):
        self.layout = layout
        self.count = count
        self.events = "\n".join(events)
        self.numbers = numbers
        self.children = "\n".join(children)
        self.child_numbers = child_numbers
        self._fast: _FastCases | None = None

    def __len__(self) -> int:
        return self.count

    def cases(self) -> list[Case]:
        import csv

        layout = self.layout
        header = list(layout.header)
        column = header.index("case")
        children: dict[str, tuple[int, list[str]]] = {}
        if self.child_numbers:
            child_header = list(layout.child_header)
            child_column = child_header.index("case")
            for number, row in zip(self.child_numbers, csv.reader(self.children.split("\n"), strict=True), strict=True):
                cells = [cell.strip() for cell in row]
                children[cells[child_column]] = (number, cells)
        built: list[Case] = []
        case_id = None
        rows: list[tuple[int, list[str]]] = []
        for number, row in zip(self.numbers, csv.reader(self.events.split("\n"), strict=True), strict=True):
            cells = [cell.strip() for cell in row]
            if cells[column] != case_id:
                if rows:
                    built.append(self._case(case_id, rows, children.get(case_id)))  # type: ignore[arg-type]
                case_id, rows = cells[column], []
            rows.append((number, cells))
        if rows:
            built.append(self._case(case_id, rows, children.get(case_id)))  # type: ignore[arg-type]
        return built

    def _case(self, case_id: str, rows: list[tuple[int, list[str]]], child: tuple[int, list[str]] | None) -> Case:
        """The case built directly from its cells when every value is one the checks take
        (the common case), else by the reading of a case file (:meth:`_checked_case`), which
        raises the fault: the same Case either way."""
        fast = self._fast
        if fast is None:
            fast = self._fast = _FastCases(self.layout)
        return fast.case(case_id, rows, child) or self._checked_case(case_id, rows, child)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_fast": None}

    def _checked_case(
        self, case_id: str, rows: list[tuple[int, list[str]]], child: tuple[int, list[str]] | None
    ) -> Case:
        layout = self.layout
        header = list(layout.header)
        first = rows[0][0]
        events = [_event_row(header, number, cells) for number, cells in rows]
        mapping: dict[str, _Value] = {"id": _Value(case_id, first), "events": _Value(events, first)}
        if child is not None:
            _, review_date, values = _child_row(list(layout.child_header), child[0], child[1], layout.children_shown)
            mapping["child"] = values
            if review_date is not None:
                mapping["as_of"] = review_date
        return case_from_mapping(_Value(mapping, first), layout.shown, layout.as_of)


class _FastCases:
    """Cases built straight from checked CSV cells, for a worker: known event types, roles,
    times and children are looked up once. ``case`` gives None at any value it is not sure
    the checks take; the case is then read as a case file is, which reports the fault."""

    def __init__(self, layout: _CsvLayout):
        header = layout.header
        self.layout = layout
        self.columns = [
            header.index(name) if name in header else None
            for name in ("at", "type", "by", "to", "channel", "category", "id")
        ]
        self.types = event_type_ids()
        self.roles = role_ids()
        self.times: dict[str, datetime] = {}
        child_header = layout.child_header
        self.review = child_header.index("as_of") if "as_of" in child_header else None
        self.child_values = [i for i, name in enumerate(child_header) if name not in ("case", "as_of")]
        self.children: dict[tuple[str, ...], Child] = {}

    def time(self, text: str, what: str) -> datetime | None:
        moment = self.times.get(text)
        if moment is None:
            try:
                moment = parse_time(text, None, None, what)
            except InputError:
                return None
            if len(self.times) < 100_000:
                self.times[text] = moment
        return moment

    def child(self, number: int, cells: list[str]) -> Child | None:
        key = tuple(cells[i] for i in self.child_values)
        known = self.children.get(key)
        if known is None:
            header = list(self.layout.child_header)
            try:
                _, _, values = _child_row(
                    header, number, [cell if i != self.review else "" for i, cell in enumerate(cells)], ""
                )
                known = _child(values, "")
            except InputError:
                return None
            if len(self.children) < 10_000:
                self.children[key] = known
        return known

    def case(
        self, case_id: str, rows: list[tuple[int, list[str]]], child_row: tuple[int, list[str]] | None
    ) -> Case | None:
        if not _CASE_ID.fullmatch(case_id):
            return None
        at_column, type_column, by_column, to_column, channel_column, category_column, id_column = self.columns
        events = []
        seen: set[str] = set()
        for number, cells in rows:
            at = self.time(cells[at_column], "event time")  # type: ignore[index]
            kind = cells[type_column]  # type: ignore[index]
            if at is None or kind not in self.types:
                return None
            by = cells[by_column] if by_column is not None else ""
            to = cells[to_column] if to_column is not None else ""
            channel = cells[channel_column] if channel_column is not None else ""
            category = cells[category_column] if category_column is not None else ""
            if (by and by not in self.roles) or (to and to not in self.roles) or (channel and channel not in CHANNELS):
                return None
            if category and (category not in CATEGORIES or kind != "missing"):
                return None
            event_id = (cells[id_column] if id_column is not None else "") or f"line-{number}"
            if event_id in seen:
                return None
            seen.add(event_id)
            events.append(Event(event_id, at, kind, by, to, channel, category, number))
        ordered = tuple(sorted(events, key=lambda e: (e.at, e.line)))
        child = Child()
        review = ""
        if child_row is not None:
            number, cells = child_row
            found = self.child(number, cells)
            if found is None:
                return None
            child = found
            review = cells[self.review] if self.review is not None else ""
        if review:
            as_of, source = self.time(review, "as_of"), AS_OF_IN_CASE
            if as_of is None:
                return None
        elif self.layout.as_of is not None:
            as_of, source = self.layout.as_of, AS_OF_FOR_RUN
        else:
            as_of, source = ordered[-1].at, AS_OF_LAST_EVENT
        if ordered[-1].at > as_of:
            return None
        return Case(case_id, child, ordered, as_of, self.layout.shown, source != AS_OF_LAST_EVENT, source)


_SCAN_BYTES = 1 << 20  # bytes the first reading checks at a time


def _plain_lines(data: bytes) -> list[str]:
    """Whole lines of a CSV file (``data`` ends at a line end, or at the end of the file) as
    text without their line ends; _NotPlain at a NUL byte, text that is not UTF-8, a byte-order
    mark past the start, or a carriage return but in a CRLF line end."""
    if b"\x00" in data:
        raise _NotPlain
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotPlain from None
    if "\ufeff" in text:
        raise _NotPlain
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            raise _NotPlain
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _plain_rows(
    path: Path, allowed: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[str], Iterator[list[str]]]:
    """Read a CSV file as a stream, a block of lines at a time, never holding the file: the
    header and, lazily, the cells of every row (blank rows included), one a line from row 2 on.
    Raises _NotPlain at anything unusual (see _NotPlain), a record over several lines included."""
    import csv
    import stat

    from ..guard.input_files import remember_input

    try:
        info = os.stat(path)
    except OSError:
        raise _NotPlain from None
    if not stat.S_ISREG(info.st_mode) or not 0 < info.st_size <= MAX_STREAMED_CSV_BYTES:
        raise _NotPlain
    remember_input(path)

    def blocks() -> Iterator[list[str]]:
        with open(path, "rb") as handle:
            carry = handle.read(3)
            carry = carry.removeprefix(b"\xef\xbb\xbf")
            while block := handle.read(_SCAN_BYTES):
                data = carry + block
                cut = data.rfind(b"\n") + 1
                carry = data[cut:]
                if len(carry) >= MAX_STREAMED_LINE_BYTES:
                    raise _NotPlain  # no row is that long: a binary file, read (and refused) as text
                if cut:
                    yield _plain_lines(data[:cut])
            if carry:
                yield _plain_lines(carry)

    def parsed(lines: list[str]) -> list[list[str]]:
        try:
            rows = list(csv.reader(lines, strict=True))
        except csv.Error:
            raise _NotPlain from None
        if len(rows) != len(lines):
            raise _NotPlain  # a record over several lines
        return rows

    source = blocks()
    first = next(source, [])
    if not first:
        raise _NotPlain
    rows = parsed(first)
    header = [h.strip() for h in rows[0]]
    if any(name not in allowed for name in header) or any(name not in header for name in required):
        raise _NotPlain
    if len(set(header)) != len(header):
        raise _NotPlain

    def cells() -> Iterator[list[str]]:
        yield from rows[1:]
        for lines in source:
            yield from parsed(lines)

    return header, cells()


def _line_records(path: Path, column: int) -> Iterator[tuple[str, int, str]]:
    """(case id, row number, line without its end) of each row of a CSV file that the streamed
    scan has checked (one line a row, UTF-8, no stray carriage return), blank rows left out."""
    import csv

    with open(path, "rb") as handle:
        opening = handle.read(3)
        handle.seek(3 if opening == b"\xef\xbb\xbf" else 0)
        handle.readline()  # the header
        for number, raw in enumerate(handle, start=2):
            line = raw.decode("utf-8").rstrip("\n").removesuffix("\r") if raw.endswith(b"\n") else raw.decode("utf-8")
            head = line.split(",", 1)[0] if column == 0 else '"'
            if '"' in head:
                cells = next(csv.reader([line], strict=True), [])
                case_id = cells[column].strip() if len(cells) > column else ""
            else:
                case_id = head.strip()
            if case_id:  # a checked row with no case id is blank
                yield case_id, number, line


def _write_blocks(path: Path, records: Iterable[tuple[str, int, str]]) -> None:
    import pickle
    from itertools import islice

    iterator = iter(records)
    with open(path, "wb") as handle:
        while block := list(islice(iterator, _BLOCK_ROWS)):
            pickle.dump(block, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _read_blocks(path: Path) -> Iterator[tuple[str, int, str]]:
    import pickle

    with open(path, "rb") as handle:
        while True:
            try:
                block = pickle.load(handle)
            except EOFError:
                return
            yield from block


class _Join:
    """Children.csv's case ids, in order, matched against events.csv's case ids as they come in
    order: ``faulty`` once a child row has no events, or a case has two child rows."""

    def __init__(self, ids: Iterator[str]):
        self._ids = ids
        self._next = next(ids, None)
        self.faulty = False

    def see(self, case_id: str) -> None:
        while self._next is not None and self._next < case_id:
            self.faulty = True  # a child row whose case has no events
            self._next = next(self._ids, None)
        if self._next == case_id:
            self._next = next(self._ids, None)
            if self._next == case_id:
                self.faulty = True

    def end(self) -> bool:
        if self._next is not None:
            self.faulty = True
        return self.faulty


class SameOrder(Exception):
    """Two case ids of a caseload given in another order (CsvCaseload.raw_chunks) have the same
    place in it: ``args[0]``."""


class _Fault(Exception):
    """The streamed reading met a fault: the caseload is read again as text, strictly."""


def _remove_scratch(path: str, owner: int) -> None:
    import shutil

    if os.getpid() == owner:  # never from a forked worker
        shutil.rmtree(path, ignore_errors=True)


class CsvCaseload:
    """A caseload CSV folder (events.csv, and children.csv if present), read so that a large
    caseload never sits in memory: memory does not grow with the caseload.

    On construction, each file is streamed once and checked row by row (the CSV syntax, the
    width of each row, a case id in each row), and the cases are counted. An events.csv
    already grouped by case in ascending case id order (as sample-caseload writes it, or an
    export ordered by case) is then read straight through; any other order (an export ordered
    by time) is sorted by case id and row number first, in sorted runs of at most ``run_rows``
    (default RUN_ROWS) rows written to a scratch folder (tempfile's, never beside the input; removed by
    :meth:`close`, at exit, or when the caseload is dropped) and merged. children.csv is sorted
    the same way when it is not in case id order, and joined to the cases by merging the two
    ordered streams. :meth:`raw_chunks` cuts the cases, in case id order, into chunks of their
    rows' text that a worker builds into cases; :meth:`chunks` builds them here.

    Texts given in memory, and files the streamed reading does not take on (a byte-order mark
    is fine; a record over several lines, a carriage return alone, text not UTF-8 are not), are
    read whole as text, keeping where each case's rows lie.

    At the first fault anywhere, the caseload is read again as text from the start checking each
    row alone, as it always was, so that the faults are reported as they always were: in file
    order, every fault of every row, up to 20 (each with its row and column)."""

    def __init__(
        self,
        folder: Path,
        as_of: datetime | None = None,
        texts: dict[str, str] | None = None,
        run_rows: int | None = None,
    ):
        """Read ``folder``'s events.csv and children.csv; with ``texts`` (file name to CSV text:
        events.csv, and children.csv if any), read those texts as the folder's files."""
        self.folder = folder
        self.as_of = as_of
        self.run_rows = max(1, run_rows or RUN_ROWS)
        self._texts = texts
        self._shown = str(folder / "events.csv")
        self._scratch: str | None = None
        self._finalizer: Any = None
        self._streamed = False
        self._orderings = 0  # sorted again by another order (raw_chunks), each in its own files
        self._errors = ErrorCollector(str(folder))
        try:
            if texts is None:
                try:
                    self._stream_scan()
                    self._streamed = True
                except _NotPlain:
                    self.close()
                except _Fault:
                    self._replay()
            if not self._streamed:
                self._scan(strict=False)
                if self._errors.errors:
                    self._report_faults()
        except BaseException:
            self.close()
            raise

    # --- the streamed reading -----------------------------------------------------------------

    def _scratch_folder(self) -> Path:
        import tempfile
        import weakref

        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix="protograph-caseload-")
            self._finalizer = weakref.finalize(self, _remove_scratch, self._scratch, os.getpid())
        return Path(self._scratch)

    def close(self) -> None:
        """Remove the scratch folder of sorted runs, if any (the caseload cannot be read after)."""
        if self._finalizer is not None:
            self._finalizer()

    def _check_stream(
        self, name: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> tuple[list[str], Iterator[str]]:
        """Stream one file, checking each row as the first reading always has; the header and,
        lazily, each row's case id. Raises _NotPlain (read it as text) or _Fault."""
        header, rows = _plain_rows(self.folder / name, allowed, required)
        column = header.index("case")
        width = len(header)

        def ids() -> Iterator[str]:
            for row in rows:
                if len(row) == width:
                    case_id = row[column].strip()
                    if case_id:
                        yield case_id
                        continue
                if any(cell.strip() for cell in row):
                    raise _Fault  # too wide or too narrow, or no case id; a blank row is left out

        return header, ids()

    def _stream_scan(self) -> None:
        """The first reading, streamed: check both files, count the cases, and find (or make)
        each file's rows in case id order. Raises _NotPlain or _Fault."""
        self._child_header: list[str] = []
        self._children_sorted: Path | None = None
        self._has_children = (self.folder / "children.csv").exists()
        join: _Join | None = None
        if self._has_children:
            header, ids = self._check_stream("children.csv", CHILD_COLUMNS, ("case",))
            self._child_header = header
            ordered, previous = True, None
            for case_id in ids:
                if previous is not None and case_id <= previous:
                    ordered = False
                previous = case_id
            if not ordered:
                self._children_sorted = self._sort(
                    "children", _line_records(self.folder / "children.csv", header.index("case"))
                )
            join = _Join(record[0] for record in self._child_records())
        header, ids = self._check_stream("events.csv", EVENT_COLUMNS, ("case", "at", "type"))
        self._header = header
        ordered, previous, count = True, None, 0
        for case_id in ids:
            if case_id != previous:
                if previous is not None and case_id < previous:
                    ordered = False
                count += 1
                if join is not None and ordered:
                    join.see(case_id)
            previous = case_id
        if previous is None:
            raise _Fault  # only the header: today's reading says so
        self._events_sorted: Path | None = None
        if not ordered:
            self._events_sorted = self._sort("events", _line_records(self.folder / "events.csv", header.index("case")))
            join = _Join(record[0] for record in self._child_records()) if self._has_children else None
            count = 0
            previous = None
            for case_id, _, _ in _read_blocks(self._events_sorted):
                if case_id != previous:
                    count += 1
                    if join is not None:
                        join.see(case_id)
                previous = case_id
        if join is not None and join.end():
            raise _Fault
        self._count = count
        self._layout = _CsvLayout(
            tuple(self._header),
            tuple(self._child_header),
            self._shown,
            str(self.folder / "children.csv"),
            self.as_of,
        )

    def _sort(self, name: str, records: Iterator[tuple[str, int, str]]) -> Path:
        """``records`` sorted by case id and row number, in a file of the scratch folder:
        sorted runs of at most run_rows rows, then merged (heapq.merge)."""
        import heapq
        from itertools import islice

        folder = self._scratch_folder()
        runs: list[Path] = []
        while run := sorted(islice(records, self.run_rows)):
            path = folder / f"{name}-run-{len(runs)}"
            _write_blocks(path, run)
            runs.append(path)
            del run
        if len(runs) == 1:
            return runs[0]
        merged = folder / f"{name}-sorted"
        _write_blocks(merged, heapq.merge(*(_read_blocks(path) for path in runs)))
        for path in runs:
            path.unlink()
        return merged

    def _ordered(
        self, name: str, records: Iterator[tuple[str, int, str]], order: Callable[[str], str]
    ) -> Iterator[tuple[str, int, str]]:
        """``records`` sorted on disk by ``order`` of their case id, then case id and row number,
        each keyed ``order + NUL + case id``."""

        def keyed() -> Iterator[tuple[str, int, str]]:
            last, key = None, ""
            for case_id, number, line in records:
                if case_id != last:
                    last, key = case_id, f"{order(case_id)}\x00{case_id}"
                yield key, number, line

        self._orderings += 1
        return _read_blocks(self._sort(f"{name}-ordered-{self._orderings}", keyed()))

    def _child_records(self) -> Iterator[tuple[str, int, str]]:
        if self._children_sorted is not None:
            return _read_blocks(self._children_sorted)
        return _line_records(self.folder / "children.csv", self._child_header.index("case"))

    def _event_records(self) -> Iterator[tuple[str, int, str]]:
        if self._events_sorted is not None:
            return _read_blocks(self._events_sorted)
        return _line_records(self.folder / "events.csv", self._header.index("case"))

    def raw_chunks(self, size: int | None = None, order: Callable[[str], str] | None = None) -> Iterator[CaseChunk]:
        """The cases in case id order, ``size`` at a time (all at once without a size), as chunks
        to build (a worker builds a RawChunk from its rows' text). With ``order`` (a read that
        was streamed only: :attr:`streamed`), the cases in the order of ``order(case id)``
        instead, both files sorted again by it in the scratch folder (memory still holds a run
        of rows, not the caseload); two case ids with the same ``order`` raise SameOrder."""
        if not self._streamed:
            if order is not None:
                raise ValueError("only a streamed CSV caseload is given in another order")
            for cases in self.chunks(size):
                yield BuiltChunk(cases)
            return
        from array import array

        size = size or max(1, self._count)
        events = self._event_records()
        children = self._child_records() if self._has_children else iter(())
        if order is not None:  # each id is keyed by its order, then by itself, so a case's rows stay together
            events = self._ordered("events", events, order)
            children = self._ordered("children", children, order) if self._has_children else iter(())
        child = next(children, None)
        count, current = 0, None
        lines: list[str] = []
        numbers = array("q")
        child_lines: list[str] = []
        child_numbers = array("q")
        for case_id, number, line in events:
            if case_id != current:
                if order is not None and current is not None:
                    before, now = current.partition("\x00")[0], case_id.partition("\x00")[0]
                    if before == now:
                        raise SameOrder(now)
                if count == size:
                    yield RawChunk(self._layout, count, lines, numbers, child_lines, child_numbers)
                    count, lines, numbers, child_lines, child_numbers = 0, [], array("q"), [], array("q")
                current = case_id
                count += 1
                if child is not None and child[0] == case_id:
                    child_lines.append(child[2])
                    child_numbers.append(child[1])
                    child = next(children, None)
            lines.append(line)
            numbers.append(number)
        if count:
            yield RawChunk(self._layout, count, lines, numbers, child_lines, child_numbers)

    def fault(self, error: InputError) -> NoReturn:
        """A chunk of the streamed reading would not build (``error``): read the caseload
        again as text and raise every fault, as the reading always has."""
        if not self._streamed:
            raise error
        self._replay(error)

    def _replay(self, first: InputError | None = None) -> NoReturn:
        self._streamed = False
        self.close()
        self._scan(strict=False)  # the first reading as it always was: it may stop here
        self._report_faults(first)

    # --- the caseload read as text ------------------------------------------------------------

    def _read(
        self, name: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> tuple[_TextRows, list[str], Iterator[tuple[int, list[str], int, int]]]:
        """A CSV of the folder, read whole as text."""
        path = self.folder / name
        text, header, rows = _csv_text(path, allowed, required, self._given(name))
        return _TextRows(text), header, rows

    def _scan(self, strict: bool) -> None:
        """Read both files as text. ``strict``: check each events.csv row and children.csv row
        alone, so that every fault is found where it is and reported in file order."""
        from array import array

        shown = self._shown
        self._errors = errors = ErrorCollector(str(self.folder))
        self._source, header, rows = self._read("events.csv", EVENT_COLUMNS, ("case", "at", "type"))
        self._header = header
        self._rows: dict[str, array] = {}  # case id -> (row number, start, end) of each of its rows
        faulty: set[str] = set()
        case_column = header.index("case")
        count = 0
        for number, raw, start, end in rows:
            row = _csv_row_checked(shown, header, number, raw, errors)
            if row is None:
                continue
            count += 1
            case_id = row[case_column]
            with errors.check():
                if not case_id:
                    raise InputError("row has no case id", shown, f"{number}:{case_column + 1}")
            if not case_id:
                continue
            if strict:
                with errors.check():
                    try:
                        _event(_event_row(header, number, row), 0, shown)  # each row alone: every fault reported
                    except InputError:
                        faulty.add(case_id)
                        raise
            places = self._rows.get(case_id)
            if places is None:
                places = self._rows[case_id] = array("Q")
            places.extend((number, start, end))
        if not count and not errors.errors:
            raise InputError("no events: the file holds only its header row", shown, 2)
        self._children: dict[str, tuple[int, int, int]] = {}
        self._child_source = _TextRows("")
        self._child_header = []
        children_path = self.folder / "children.csv"
        if children_path.exists() if self._texts is None else "children.csv" in self._texts:
            self._scan_children(children_path, faulty, strict)
        self.ids = sorted(case_id for case_id in self._rows if case_id not in faulty)

    def _scan_children(self, path: Path, faulty: set[str], strict: bool) -> None:
        errors = self._errors
        shown = str(path)
        self._child_source, header, rows = self._read("children.csv", CHILD_COLUMNS, ("case",))
        self._child_header = header
        case_column = header.index("case")
        for number, raw, start, end in rows:
            row = _csv_row_checked(shown, header, number, raw, errors)
            if row is None:
                continue
            with errors.check():
                if strict:
                    case_id, _, child = _child_row(header, number, row, shown)
                else:
                    case_id = row[case_column]
                if case_id in self._children:
                    raise InputError(f"case {case_id!r} has a second row", shown, number)
                if case_id not in self._rows:
                    hint = "" if case_id in faulty else _suggest_case(case_id, self._rows)
                    raise InputError(f"case {case_id!r} has no events in events.csv{hint}", shown, number)
                if strict:
                    try:
                        _child(child, shown)  # checked here, so a fault names children.csv
                    except InputError:
                        faulty.add(case_id)  # reported once, here; the case is not built
                        raise
                self._children[case_id] = (number, start, end)

    def _given(self, name: str) -> str | None:
        return None if self._texts is None else self._texts.get(name)

    def _report_faults(self, first: InputError | None = None) -> NoReturn:
        """Read the caseload again, checking each row alone, and raise every fault found."""
        found = list(self._errors.errors) or ([first] if first is not None else [])
        self._scan(strict=True)
        for case_id in self.ids:
            with self._errors.check():
                self._case(case_id)
        self._errors.finish()
        if found:  # pragma: no cover - the strict reading finds at least what the first found
            raise found[0]
        raise InputError("the caseload could not be read", self._shown)  # pragma: no cover

    def __len__(self) -> int:
        """The number of cases."""
        return self._count if self._streamed else len(self.ids)

    def _case(self, case_id: str) -> Case:
        places = self._rows[case_id]
        first = places[0]
        rows = self._source.rows((places[i + 1], places[i + 2]) for i in range(0, len(places), 3))
        events = [_event_row(self._header, places[3 * i], row) for i, row in enumerate(rows)]
        mapping: dict[str, _Value] = {"id": _Value(case_id, first), "events": _Value(events, first)}
        child_place = self._children.get(case_id)
        if child_place is not None:
            number, start, end = child_place
            _, review_date, child = _child_row(
                self._child_header,
                number,
                self._child_source.rows([(start, end)])[0],
                str(self.folder / "children.csv"),
            )
            mapping["child"] = child
            if review_date is not None:
                mapping["as_of"] = review_date
        return case_from_mapping(_Value(mapping, first), self._shown, self.as_of)

    def chunks(self, size: int | None = None) -> Iterator[list[Case]]:
        """The cases in case id order, ``size`` at a time (all at once without a size)."""
        if self._streamed:
            for chunk in self.raw_chunks(size):
                try:
                    cases = chunk.cases()
                except InputError as error:
                    self.fault(error)
                yield cases
            return
        size = size or max(1, len(self.ids))
        for begin in range(0, len(self.ids), size):
            chunk = []
            for case_id in self.ids[begin : begin + size]:
                try:
                    chunk.append(self._case(case_id))
                except InputError:
                    self._report_faults()
            yield chunk


def read_caseload_csv(folder: Path, as_of: datetime | None = None) -> list[Case]:
    """Read events.csv (and children.csv if present) from a folder: one case a case id, in case
    id order (see :class:`CsvCaseload`, which reads a large caseload a chunk at a time)."""
    return _all_cases(CsvCaseload(folder, as_of))


def _suggest_case(case_id: str, known: dict[str, object]) -> str:
    from ..corpus.suggest import did_you_mean

    return did_you_mean(case_id, known)


def read_caseload(path: str | Path, as_of: datetime | None = None) -> list[Case]:
    """Read a caseload: one case file, a folder of case files (*.yaml, *.yml, *.ttl), or a
    folder holding events.csv (+ children.csv). Nothing is skipped: a folder that mixes the two
    kinds, or holds a CSV file that would not be read, is refused; files that share a case id are
    all read, each id made unique with its file name (unique_ids)."""
    return unique_ids(_read_caseload(Path(path), as_of))[0]


def _read_caseload(path: Path, as_of: datetime | None) -> list[Case]:
    source = _caseload_source(path, as_of)
    return _all_cases(source) if isinstance(source, CsvCaseload) else source


def _all_cases(caseload: CsvCaseload) -> list[Case]:
    return [case for chunk in caseload.chunks() for case in chunk]


def _caseload_source(path: Path, as_of: datetime | None) -> list[Case] | CsvCaseload:
    """The cases of one file or folder, or a CSV caseload still to be read chunk by chunk."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError("file or folder not found", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", str(path)) from None
    if not stat.S_ISDIR(mode):
        return [read_any_case(path, as_of)]  # a FIFO or a device is refused there, unread
    suffixes = (".yaml", ".yml", *RDF_CASE_SUFFIXES)
    entries = sorted(p for p in path.iterdir() if not p.is_dir())
    case_files = [p for p in entries if p.suffix.lower() in suffixes]
    csv_files = [p for p in entries if p.suffix.lower() == ".csv"]
    if (path / "events.csv") in csv_files:
        if case_files:
            raise InputError(
                "a case file beside events.csv would not be read; give the CSV caseload and case files "
                "as separate folders",
                str(case_files[0]),
            )
        for other in csv_files:
            if other.name not in ("events.csv", "children.csv"):
                raise InputError(
                    "a CSV file beside events.csv that would not be read (only children.csv is)", str(other)
                )
        return CsvCaseload(path, as_of)
    if csv_files:
        raise InputError(
            "a CSV file in a folder without events.csv would not be read (a caseload CSV is named events.csv)",
            str(csv_files[0]),
        )
    if not case_files:
        raise InputError(f"folder holds no case files ({', '.join(suffixes)}) and no events.csv", str(path))
    return [read_any_case(f, as_of) for f in case_files]


class Caseload:
    """The cases of one run, given a chunk at a time: a CSV caseload is built from its rows
    chunk by chunk (see :class:`CsvCaseload`), so memory does not grow with the caseload;
    case files are read at once (each is at most a few megabytes). ``notes`` say which case
    ids were shared by several files (unique_ids)."""

    def __init__(self, paths: Iterable[str | Path], as_of: datetime | None = None):
        paths = [Path(path) for path in paths]
        self._csv: CsvCaseload | None = None
        self._cases: list[Case] = []
        self.notes: list[str] = []
        source = _caseload_source(paths[0], as_of) if len(paths) == 1 else None
        if isinstance(source, CsvCaseload):
            self._csv = source
        elif source is not None:
            self._cases, self.notes = unique_ids(source)
        else:  # several caseloads: each read whole, in turn, so faults are reported in the order given
            self._cases, self.notes = read_caseloads(paths, as_of)

    @classmethod
    def of(cls, cases: list[Case], notes: list[str] | None = None) -> Caseload:
        """A caseload of cases already read."""
        caseload = cls.__new__(cls)
        caseload._csv, caseload._cases, caseload.notes = None, list(cases), list(notes or [])
        return caseload

    def __len__(self) -> int:
        """How many cases the run checks."""
        return len(self._csv) if self._csv is not None else len(self._cases)

    def all(self) -> list[Case]:
        """Every case, at once."""
        return [case for chunk in self.chunks() for case in chunk]

    def chunks(self, size: int | None = None) -> Iterator[list[Case]]:
        """The cases, ``size`` at a time (all at once without a size), in the order they are reported."""
        if self._csv is not None:
            yield from self._csv.chunks(size)
            return
        size = size or max(1, len(self._cases))
        for begin in range(0, len(self._cases), size):
            yield self._cases[begin : begin + size]

    @property
    def streamed(self) -> bool:
        """Whether this is a CSV caseload read streamed, whose cases :meth:`raw_chunks` can give
        in another order without holding them."""
        return self._csv is not None and self._csv._streamed

    def raw_chunks(self, size: int | None = None, order: Callable[[str], str] | None = None) -> Iterator[CaseChunk]:
        """As :meth:`chunks`, each chunk still to be built (:meth:`CaseChunk.cases`), so that a
        worker process can build it; a chunk that will not build is passed to :meth:`fault`.
        ``order``: see CsvCaseload.raw_chunks (only when :attr:`streamed`)."""
        if self._csv is not None:
            yield from self._csv.raw_chunks(size, order)
            return
        if order is not None:
            raise ValueError("only a streamed CSV caseload is given in another order")
        for cases in self.chunks(size):
            yield BuiltChunk(cases)

    def fault(self, error: InputError) -> NoReturn:
        """Raise every fault of the caseload, as reading it reports them, once a chunk would not
        build with ``error``."""
        if self._csv is not None:
            self._csv.fault(error)
        raise error

    def close(self) -> None:
        """Remove what reading the caseload left in the scratch folder (sorted runs), if anything."""
        if self._csv is not None:
            self._csv.close()

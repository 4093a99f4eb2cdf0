"""Fuzzing the JSON-LD case reader (and the CSV child columns) as test_fuzz.py fuzzes YAML,
Turtle and CSV: whatever a file holds, reading it gives a case that validates, or fails with
one InputError line naming the file, never another exception; and a JSON-LD case says exactly
what the same case says in YAML (no value picked by hash order, none renumbered).

Derandomized, no example database; the number of examples each property ran is printed at
the end of the run ("hypothesis examples run", tests/conftest.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from protograph.cases.reading import read_any_case, read_case, read_caseload
from protograph.errors import InputError
from test_fuzz import EVENT_TYPES, ROLES, check, fuzz_settings, mutated, read_then_validate, workdir  # noqa: F401

CONTEXT = {"pg": "https://w3id.org/protograph/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
EVENT = "https://w3id.org/protograph/event/"
ROLE = "https://w3id.org/protograph/role/"
CASE_IRI = "https://w3id.org/protograph/case/"


def jsonld_case(case: dict) -> str:
    """A case (the YAML mapping) written as JSON-LD with the pg: case vocabulary."""
    events = []
    for event in case["events"]:
        node = {
            "@id": f"{CASE_IRI}{case['id']}/event/{event['id']}",
            "@type": "pg:CaseEvent",
            "pg:at": {"@value": event["at"], "@type": "xsd:dateTime"},
            "pg:eventType": {"@id": EVENT + event["type"]},
        }
        for name in ("by", "to"):
            if name in event:
                node[f"pg:{name}"] = {"@id": ROLE + event[name]}
        if "channel" in event:
            node["pg:channel"] = event["channel"]
        events.append(node)
    document = {
        "@context": CONTEXT,
        "@id": CASE_IRI + case["id"],
        "@type": "pg:Case",
        "pg:caseIdentifier": case["id"],
        "@reverse": {"pg:case": events},
    }
    if "child" in case:
        child = {}
        if "age" in case["child"]:
            child["pg:age"] = case["child"]["age"]
        if "looked_after" in case["child"]:
            child["pg:lookedAfter"] = case["child"]["looked_after"]
        document["pg:child"] = child
    if "as_of" in case:
        document["pg:asOf"] = {"@value": case["as_of"], "@type": "xsd:dateTime"}
    return json.dumps(document, indent=1)


TIMES = st.builds(
    lambda day, hour, minute, offset: f"2024-03-{day:02d}T{hour:02d}:{minute:02d}:00{offset}",
    st.integers(1, 28),
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 45]),
    st.sampled_from(["+00:00", "+05:30", "-08:00", "+14:00", "-12:00", "Z"]),
)


@st.composite
def cases(draw: st.DrawFn) -> dict:
    """A realistic case as a YAML mapping: 1 to 12 events with ids, some roles and channels."""
    events = []
    for number in range(draw(st.integers(1, 12))):
        event = {"id": f"e{number}", "at": draw(TIMES), "type": draw(st.sampled_from(EVENT_TYPES))}
        if draw(st.booleans()):
            event["by"] = draw(st.sampled_from(ROLES))
        if draw(st.booleans()):
            event["to"] = draw(st.sampled_from(ROLES))
        if event["type"] != "missing" and draw(st.booleans()):
            event["channel"] = draw(st.sampled_from(["telephone", "written"]))
        events.append(event)
    case = {"id": draw(st.from_regex(r"case-[0-9]{1,4}", fullmatch=True)), "events": events}
    if draw(st.booleans()):
        case["child"] = {"age": draw(st.integers(0, 25)), "looked_after": draw(st.booleans())}
    if draw(st.booleans()):
        case["as_of"] = "2024-04-01T00:00:00+00:00"
    return case


def facts(case) -> tuple:
    """What a case says, without where it was written."""
    return (
        case.id,
        case.child,
        case.as_of,
        tuple((e.id, e.at, e.type, e.by, e.to, e.channel, e.category) for e in case.events),
    )


@fuzz_settings(120)
@given(case=cases())
def test_a_json_ld_case_says_exactly_what_the_same_yaml_case_says(workdir, examples_run, case):  # noqa: F811
    examples_run["JSON-LD cases read against YAML"] += 1
    (workdir / "same.yaml").write_text(yaml.safe_dump(case, sort_keys=False), encoding="utf-8")
    (workdir / "same.jsonld").write_text(jsonld_case(case), encoding="utf-8")
    try:
        from_yaml = read_case(workdir / "same.yaml")
    except InputError:
        examples_run["JSON-LD cases read against YAML, refused by both"] += 1
        try:
            read_any_case(workdir / "same.jsonld")
        except InputError:
            return
        raise AssertionError("the YAML case is refused but the same JSON-LD case is accepted") from None
    assert facts(read_any_case(workdir / "same.jsonld")) == facts(from_yaml)


JSONLD_SNIPPETS = [b'"', b"{", b"}", b"[", b"]", b",", b":", b'"@context": "http://x/"', b'"@import": "x"', b"\\ud800"]
JSONLD_SWAPS = [
    b"true",
    b"42",
    b"-1",
    b'"x"',
    b"null",
    b'{"@id": "http://evil.example/referral"}',
    b'{"@id": "https://w3id.org/protograph/event/nothing"}',
    b'{"@value": "2024-03-01T09:00:00+15:00", "@type": "xsd:dateTime"}',
    b'["case-1", "case-2"]',
    b"[]",
    b"{}",
]


@fuzz_settings(150)
@given(case=cases(), data=st.data())
def test_a_mutated_json_ld_case_either_validates_or_is_refused_with_input_error(
    check,  # noqa: F811
    workdir,  # noqa: F811
    examples_run,
    case,
    data,
):
    examples_run["mutated JSON-LD cases"] += 1
    path = workdir / "mutated.jsonld"
    path.write_bytes(data.draw(mutated(jsonld_case(case).encode(), JSONLD_SNIPPETS, JSONLD_SWAPS)))
    if read_then_validate(check, read_any_case, path) is not None:
        examples_run["mutated JSON-LD cases, accepted"] += 1


@fuzz_settings(120)
@given(age=st.one_of(st.integers(-5, 40).map(str), st.text(min_size=1, max_size=6)))
def test_a_csv_age_is_read_as_its_decimal_digits_or_refused(workdir, examples_run, age):  # noqa: F811
    examples_run["children.csv ages"] += 1
    folder = workdir / "csv-age"
    folder.mkdir(exist_ok=True)
    (folder / "events.csv").write_text(
        "case,at,type,by\nc1,2024-03-01T09:00+00:00,trafficking-suspected,border-force\n", encoding="utf-8"
    )
    table = io.StringIO()
    csv.writer(table, lineterminator="\n").writerows([["case", "age"], ["c1", age]])
    (folder / "children.csv").write_text(table.getvalue(), encoding="utf-8")
    try:
        [case] = read_caseload(folder)
    except InputError as error:
        assert "\n" not in str(error) and str(error).startswith(str(folder))
        return
    written = age.strip()
    if not written:
        assert case.child.age is None
        return
    assert written.isascii() and written.isdigit() and case.child.age == int(written)
    examples_run["children.csv ages, accepted"] += 1


def test_the_json_ld_writer_round_trips_a_real_case(workdir):  # noqa: F811
    """The writer the properties rely on reads back as the YAML it came from."""
    source = Path(__file__).parent / "data" / "cases" / "case-017-uasc-trafficked.yaml"
    mapping = yaml.load(source.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    mapping["child"] = {"age": 15, "looked_after": True}
    for number, event in enumerate(mapping["events"]):
        event["id"] = f"e{number}"
        event.pop("category", None)
        event["at"] = event["at"]
    (workdir / "real.yaml").write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    (workdir / "real.jsonld").write_text(jsonld_case(mapping), encoding="utf-8")
    assert facts(read_any_case(workdir / "real.jsonld")) == facts(read_case(workdir / "real.yaml"))

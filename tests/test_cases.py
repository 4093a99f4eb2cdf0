"""Case files: read strictly; every fault gets one line naming file, line and problem."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from protograph.cases.reading import read_any_case, read_case
from protograph.errors import InputError

DATA = Path(__file__).parent / "data" / "cases"

GOOD = """id: case-x
child: {age: 15, looked_after: true}
events:
  - {at: 2024-03-01T09:00+00:00, type: referral, by: police, to: mash, channel: telephone}
  - {at: 2024-03-02T08:00+01:00, type: missing, category: absent}
"""


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_case_reads_with_events_in_time_order_and_offsets_kept(tmp_path):
    case = read_case(write(tmp_path, GOOD))
    assert case.id == "case-x" and case.child.age == 15 and case.child.looked_after is True
    assert [e.type for e in case.events] == ["referral", "missing"]
    assert case.events[1].at == datetime(2024, 3, 2, 7, 0, tzinfo=UTC)
    assert case.as_of == case.events[-1].at and not case.as_of_given


def test_events_written_out_of_order_are_sorted_by_time(tmp_path):
    text = GOOD.replace("2024-03-01T09:00+00:00", "2024-03-03T09:00+00:00")
    assert [e.type for e in read_case(write(tmp_path, text)).events] == ["missing", "referral"]


@pytest.mark.parametrize(
    "text, line, problem",
    [
        (GOOD.replace("09:00+00:00", "09:00:00"), 4, "has no UTC offset"),
        (GOOD.replace("2024-03-01T09:00+00:00", "2024-02-30T09:00+00:00"), 4, "is not a valid ISO 8601 date-time"),
        (GOOD.replace("type: referral", "type: refferal"), 4, "unknown event type 'refferal'"),
        (GOOD.replace("to: mash", "to: mash-team"), 4, "unknown role 'mash-team'"),
        (GOOD.replace("category: absent", "category: away"), 5, "unknown category 'away'"),
        (GOOD.replace("channel: telephone", "channel: fax"), 4, "unknown channel 'fax'"),
        (GOOD.replace("age: 15", "age: -3"), 2, "outside 0 to 25"),
        (GOOD.replace("age: 15", "age: fifteen"), 2, "whole number"),
        (GOOD.replace("id: case-x\n", ""), 1, "case has no 'id'"),
        (GOOD.replace("at: 2024-03-02T08:00+01:00, ", ""), 5, "event has no 'at'"),
        ("id: a\nevents: {at: 2024-03-01T09:00+00:00}\n", 2, "'events' must be a list"),
        ("id: a\nevents:\n  - {at: 2024-03-01T09:00+00:00, type: missing}\n  - {at: [1, 2}\n", 4, "not valid YAML"),
        ("id: a\nx: &a [1]\nevents: *a\n", 2, "aliases are not allowed"),
        (GOOD + "as_of: 2024-03-01T12:00+00:00\n", 5, "is after as_of"),
        (
            GOOD.replace("events:", "events:\n  - {id: e2, at: 2024-03-01T08:00+00:00, type: returned}").replace(
                "type: missing", "type: missing, id: e2"
            ),
            6,
            "duplicate event id 'e2'",
        ),
    ],
)
def test_bad_case_files_fail_with_file_line_and_problem(tmp_path, text, line, problem):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_case(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert problem in message and "\n" not in message


@pytest.mark.parametrize(
    "content, problem", [(b"", "file is empty"), (b"\x00\x01\x02", "binary"), (b"id: \xff\xfe", "not UTF-8")]
)
def test_empty_binary_and_wrongly_encoded_files_are_refused(tmp_path, content, problem):
    path = tmp_path / "case.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem):
        read_case(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"nope\.yaml: file not found"):
        read_case(tmp_path / "nope.yaml")


def test_the_turtle_case_equals_the_yaml_case():
    yaml_case = read_any_case(DATA / "case-017-uasc-trafficked.yaml")
    ttl_case = read_any_case(DATA / "case-017-uasc-trafficked.ttl")
    assert (ttl_case.id, ttl_case.child, ttl_case.as_of) == (yaml_case.id, yaml_case.child, yaml_case.as_of)
    assert [(e.at, e.type, e.by, e.to, e.channel) for e in ttl_case.events] == [
        (e.at, e.type, e.by, e.to, e.channel) for e in yaml_case.events
    ]


def test_a_naive_time_in_a_turtle_case_is_refused_naming_the_event(tmp_path):
    text = (
        (DATA / "case-017-uasc-trafficked.ttl")
        .read_text()
        .replace('"2024-03-02T08:00:00+00:00"', '"2024-03-02T08:00:00"')
    )
    path = write(tmp_path, text, "case.ttl")
    with pytest.raises(InputError, match=r"case-017/event/e6: event time '2024-03-02T08:00:00' has no UTC offset"):
        read_any_case(path)


def test_reading_never_modifies_the_case_file():
    path = DATA / "case-017-uasc-trafficked.yaml"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read_case(path, as_of=datetime(2024, 4, 1, tzinfo=timezone(timedelta(hours=1))))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_broken_turtle_case_is_refused_naming_file_and_line(tmp_path):
    path = write(tmp_path, "@prefix pg: <https://w3id.org/protograph/ns#> .\n\npg:a pg:b .\n pg:c ] .\n", "case.ttl")
    with pytest.raises(InputError) as caught:
        read_any_case(path)
    assert str(caught.value).startswith(f"{path}:") and "not valid Turtle" in str(caught.value)

"""Scope is read, never guessed: one age rule, age-disputed people, a status rule that keeps a
missing UASC looked after, and duties that are not checkable.

* "A child" means under 18: every duty applies to anyone the case does not show to be 18 or
  over; a case that shows a person is 18 or over gets "not applicable" from every duty to a
  child; a bound the text states (5 and over, 18 and over) must be shown.
* A duty whose text covers people whose age is disputed (pg:includesAgeDisputed) applies
  whatever the recorded age when the case says ``age_disputed: true``.
* 4lscb-met-guide-2018 100: "UASC who are in the care of the local authority and who go missing
  continue to remain Looked After children".
* A duty with pg:notCheckable gets no shape, no obligation and no finding; ``show`` gives the
  reason and ``coverage`` counts such duties."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from protograph.cases.reading import Case, Child, read_any_case, read_case, read_caseload
from protograph.checking.compliance import outcomes
from protograph.checking.deadlines import checkable_duties, not_checkable, obligations
from protograph.checking.shapes import generate_shapes, shape_iri
from protograph.checking.validation import validate_case
from protograph.corpus.namespace import PG
from support import run_protograph
from test_validation_engine import CHECKS, START, _case, _trigger_events

GUIDE = "4lscb-met-guide-2018"


def _owed(check, child: Child) -> tuple[bool, str]:
    case = replace(_case(check, _trigger_events(check), START + timedelta(days=400)), child=child)
    owed, not_applicable = obligations([check], case)
    return bool(owed), "; ".join(why for _, why in not_applicable)


@pytest.mark.parametrize("protocol_id, check", CHECKS, ids=[f"{p}:{c.duty.id}" for p, c in CHECKS])
def test_one_age_rule_for_every_checkable_duty(protocol_id, check):
    duty = check.duty
    base = _case(check, [], START).child
    if duty.age_at_least is not None and duty.age_at_least >= 18:
        assert _owed(check, replace(base, age=duty.age_at_least + 1))[0]  # a duty for adults reaches them
        return
    adult, why = _owed(check, replace(base, age=18, date_of_birth=None))
    assert not adult and "18 or over" in why  # the case shows the person is 18 or over
    unknown, why = _owed(check, replace(base, age=None, date_of_birth=None))
    stated_bound = (duty.age_at_least or 0) > 0 or (duty.age_below or 18) < 18
    assert unknown is not stated_bound, why  # no age given: a child, unless the text states its own bound
    if stated_bound:
        assert why.startswith("case does not give the child's age")
    seventeen = date(START.year - 17, START.month, START.day) - timedelta(days=1)
    assert _owed(check, replace(base, age=None, date_of_birth=seventeen))[0] is ((duty.age_below or 18) > 17)


def test_age_disputed_people_are_covered_only_by_duties_whose_text_says_so(corpus):
    checks = {c.duty.id: c for c in checkable_duties(corpus, "4lscb-ctp-2011")}
    covering = checks["duty-7.5-contact-childrens-services-and-police"]
    assert covering.duty.includes_age_disputed
    recorded_19 = replace(_case(covering, [], START).child, age=19)
    assert not _owed(covering, recorded_19)[0]
    assert _owed(covering, replace(recorded_19, age_disputed=True))[0]
    other = next(c for _, c in CHECKS if not c.duty.includes_age_disputed and c.duty.age_at_least is None)
    other_19 = replace(_case(other, [], START).child, age=19, age_disputed=True)
    assert not _owed(other, other_19)[0]


def test_age_disputed_is_read_from_yaml_turtle_and_children_csv(tmp_path):
    yaml_case = tmp_path / "case.yaml"
    yaml_case.write_text(
        "id: a\nchild: {age: 19, age_disputed: true}\nevents:\n  - {at: 2024-01-01T09:00+00:00, type: missing}\n",
        encoding="utf-8",
    )
    assert read_case(yaml_case).child.age_disputed is True
    turtle = tmp_path / "case.ttl"
    turtle.write_text(
        "@prefix pg: <https://w3id.org/protograph/ns#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<urn:c> a pg:Case ; pg:caseIdentifier 't' ; pg:child [ pg:age 19 ; pg:ageDisputed true ] .\n"
        "<urn:c/e1> a pg:CaseEvent ; pg:case <urn:c> ; pg:at '2024-01-01T09:00:00+00:00'^^xsd:dateTime ;\n"
        "    pg:eventType <https://w3id.org/protograph/event/missing> .\n",
        encoding="utf-8",
    )
    assert read_any_case(turtle).child.age_disputed is True
    folder = tmp_path / "caseload"
    folder.mkdir()
    (folder / "events.csv").write_text("case,at,type\nc1,2024-01-01T09:00+00:00,missing\n", encoding="utf-8")
    (folder / "children.csv").write_text("case,age,age_disputed\nc1,19,yes\n", encoding="utf-8")
    (case,) = read_caseload(folder)
    assert (case.child.age, case.child.age_disputed) == (19, True)


UASC_MISSING = """\
id: {id}
as_of: 2024-05-20T12:00+01:00
child: {{age: 16, uasc: {uasc}, looked_after: true, placement: foster}}
events:
  - {{at: 2024-05-01T22:00+01:00, type: missing, category: missing}}
  - {{at: 2024-05-01T22:15+01:00, type: notify, by: foster-carer, to: police}}
  - {{at: {ended}, type: care-ended, by: childrens-services}}
  - {{at: 2024-05-12T09:00+01:00, type: returned, by: police}}
"""


def _return_interview(corpus, tmp_path, uasc: bool, ended: str):
    path = tmp_path / "case.yaml"
    path.write_text(UASC_MISSING.format(id="uasc-care-ended", uasc=str(uasc).lower(), ended=ended), encoding="utf-8")
    result = validate_case(corpus, read_case(path), GUIDE)
    (outcome,) = [o for o in outcomes(result) if o.duty == "duty-47-return-interview-looked-after"]
    return outcome


def test_4lscb_met_guide_2018_100_a_missing_uasc_in_care_remains_looked_after(corpus, tmp_path):
    rule = next(iter(corpus.graph(GUIDE).subjects(PG.resultingCondition, None)))
    assert str(rule).endswith("rule-100-missing-uasc-remains-looked-after")
    # inside: the care episode was closed while the UASC was missing; 47's return interview is still owed
    kept = _return_interview(corpus, tmp_path, uasc=True, ended="2024-05-09T10:00+01:00")
    assert kept.status == "not recorded"
    assert kept.reason.startswith("looked-after kept by 4lscb-met-guide-2018 100 after care-ended")


def test_the_rule_is_for_uasc_and_for_an_end_of_care_while_missing(corpus, tmp_path):
    citizen = _return_interview(corpus, tmp_path, uasc=False, ended="2024-05-09T10:00+01:00")
    assert (citizen.status, citizen.reason) == ("not applicable", "condition looked-after does not hold")
    before = _return_interview(corpus, tmp_path, uasc=True, ended="2024-04-20T10:00+01:00")
    assert (before.status, before.reason) == ("not applicable", "condition looked-after does not hold")


def test_a_not_checkable_duty_gets_no_shape_no_obligation_and_show_and_coverage_say_so(corpus, tmp_path):
    graph = corpus.graph(GUIDE)
    encoded = {str(s).rsplit("/", 1)[1]: str(o) for s, o in graph.subject_objects(PG.notCheckable)}
    assert encoded
    checks = checkable_duties(corpus, GUIDE)
    assert not {c.duty.id for c in checks} & set(encoded)
    reasons = not_checkable(corpus, GUIDE)
    assert {d: reasons[d] for d in encoded} == encoded
    shapes = {str(s) for s in generate_shapes(checks).subjects()}
    assert not [d for d in encoded if any(d in s for s in shapes)]
    assert all(shape_iri(c) is not None for c in checks)
    shown = run_protograph(["show", GUIDE], tmp_path).stdout
    duty, reason = sorted(encoded.items())[0]
    assert f"not checkable: {reason}" in shown
    counts = json.loads(run_protograph(["coverage", GUIDE, "--format", "json"], tmp_path).stdout)["summary"]
    assert counts["not_checkable_duties"] == len(encoded)


def test_a_person_the_case_shows_to_be_18_gets_not_applicable_from_every_child_duty(corpus):
    case = read_case("tests/data/cases/case-017-uasc-trafficked.yaml")
    adult = Case(case.id, replace(case.child, age=18), case.events, case.as_of)
    for protocol in corpus.ids():
        result = validate_case(corpus, adult, protocol)
        assert result.findings == [], protocol
        assert not [o for o in result.obligations if (o.check.duty.age_at_least or 0) < 18], protocol

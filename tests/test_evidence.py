"""Which case events show a duty done: the shared vocabulary (actions.ttl) says it, in one
place, and both engines read it the same way.

A written referral to children's services ten minutes after the concern meets "contact
children's services"; only events *to* the role a duty names count for it; an event *by* that
role itself (the police found the child) shows it already knows, so not telling it is no
failure."""

from __future__ import annotations

import textwrap

from protograph.cases.reading import read_case
from protograph.checking.batch import validate_batch
from protograph.checking.deadlines import checkable_duties
from protograph.checking.evidence import evidence_of
from protograph.checking.validation import validate_case
from protograph.corpus.namespace import ACTION, EVENT, PG

CTP = "4lscb-ctp-2011"


def _case(tmp_path, text: str):
    path = tmp_path / "case.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return read_case(path)


def _both(corpus, case, protocol: str):
    """The findings of both engines, which must agree."""
    reference = validate_case(corpus, case, protocol)
    (batch,) = validate_batch(corpus, [case], [protocol])
    rows = sorted(str(sorted(f.as_row().items())) for f in reference.findings)
    assert rows == sorted(str(sorted(f.as_row().items())) for f in batch.findings)
    return reference


def _found(result, duty: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.status, f.late_by or "", f.recipients) for f in result.findings if f.duty == duty]


def test_the_vocabulary_says_a_referral_and_a_notification_both_evidence_contacting_referring_and_reporting(corpus):
    ontology = corpus.ontology
    for action in ("notify", "refer", "report-missing"):
        evidence = {
            *ontology.objects(ACTION[action], PG.evidencedBy),
            *ontology.objects(ACTION[action], PG.alsoEvidencedBy),
        }
        assert evidence == {EVENT.notify, EVENT.referral}, action
        assert ontology.value(ACTION[action], PG.evidenceToRecipient).toPython() is True
        assert ontology.value(ACTION[action], PG.metByRecipientEvent).toPython() is True
    # one requirement per recipient: 'contact children's services and the police' is two
    groups = evidence_of(ontology, "notify", ("childrens-services", "police"))
    assert [sorted(g.types) for g in groups] == [["notify", "referral"]] * 2
    assert "police" in groups[1].to and "mash" in groups[0].to  # a role covers the roles under it


def test_4lscb_ctp_2011_7_5_a_written_referral_ten_minutes_after_the_concern_is_contacting_childrens_services(
    corpus, tmp_path
):
    case = _case(
        tmp_path,
        """\
        id: referral-counts-as-contact
        as_of: 2024-03-04T18:00+00:00
        child: {age: 15}
        events:
          - {at: 2024-03-04T10:00+00:00, type: trafficking-suspected, by: education}
          - {at: 2024-03-04T10:10+00:00, type: referral, by: education, to: childrens-services, channel: written}
          - {at: 2024-03-04T10:20+00:00, type: notify, by: education, to: police}
        """,
    )
    result = _both(corpus, case, CTP)
    assert _found(result, "duty-7.5-contact-childrens-services-and-police") == []


def test_4lscb_ctp_2011_7_5_only_an_event_to_the_named_recipient_counts(corpus, tmp_path):
    case = _case(
        tmp_path,
        """\
        id: referral-to-health-is-not-contact-with-childrens-services
        as_of: 2024-03-04T18:00+00:00
        child: {age: 15}
        events:
          - {at: 2024-03-04T10:00+00:00, type: trafficking-suspected, by: education}
          - {at: 2024-03-04T10:10+00:00, type: referral, by: education, to: health, channel: written}
          - {at: 2024-03-04T10:20+00:00, type: notify, by: education, to: police}
        """,
    )
    result = _both(corpus, case, CTP)
    (finding,) = [f for f in result.findings if f.duty == "duty-7.5-contact-childrens-services-and-police"]
    assert finding.status == "not recorded" and "childrens-services" in finding.recipients
    assert "police" not in finding.recipients


MISSING_TRAFFICKED_CHILD = """\
    id: police-found-the-child
    as_of: 2024-05-02T12:00+01:00
    child: {age: 15, looked_after: true, placement: foster}
    events:
      - {at: 2024-04-20T10:00+01:00, type: trafficking-suspected, by: police}
      - {at: 2024-05-01T21:00+01:00, type: missing, category: missing}
      - {at: 2024-05-01T21:15+01:00, type: notify, by: foster-carer, to: childrens-services}
"""


def test_4lscb_ctp_2011_17_1_the_police_finding_the_child_means_nobody_failed_to_tell_the_police(corpus, tmp_path):
    found_by_police = MISSING_TRAFFICKED_CHILD + "      - {at: 2024-05-01T21:40+01:00, type: returned, by: police}\n"
    result = _both(corpus, _case(tmp_path, found_by_police), CTP)
    assert _found(result, "duty-17.1-notify-missing-immediately") == []
    # without the police's own event, the police were never told: a finding for the police only
    result = _both(corpus, _case(tmp_path, MISSING_TRAFFICKED_CHILD), CTP)
    assert [(s, r) for s, _, r in _found(result, "duty-17.1-notify-missing-immediately")] == [
        ("not recorded", ("police",))
    ]


def test_the_event_that_triggers_a_duty_never_counts_as_its_completion_by_its_type(corpus):
    """met-2013 5.2: the social worker is 'also informed' of a referral; the referral itself
    (to children's services) does not inform the allocated social worker."""
    (check,) = [
        c for c in checkable_duties(corpus, "4lscb-met-2013") if c.duty.id == "duty-5.2-inform-allocated-social-worker"
    ]
    assert check.duty.trigger == "referral" and "referral" in check.completions
    shapes_query = next(iter(check.evidence)).condition()
    assert "?done != ?trigger" in shapes_query

"""Facts of herts-tc-2016 (Hertfordshire Safeguarding Children Board, Safeguarding children
who may have been trafficked, Multi-Agency Protocol, 2016) that a policy lead would check:
each test pins one fact of the encoding."""

from __future__ import annotations

import pytest
from rdflib import RDF, Namespace
from rdflib import namespace as rns
from rdflib.namespace import PROV, SKOS

from protograph.corpus.namespace import ACTION, CONCEPT, EVENT, INSTR, PG, PURPOSE, ROLE, TOPIC, protocol_iri
from support import duration, quote_of, reference_of

ID = "herts-tc-2016"
P = Namespace(str(protocol_iri(ID)) + "/")
HOUR, DAY, MONTH, MINUTE = (rns.TIME.unitHour, rns.TIME.unitDay, rns.TIME.unitMonth, rns.TIME.unitMinute)


@pytest.fixture(scope="module")
def g(corpus):
    return corpus.graph(ID)


def span(g, timescale):
    return duration(g, g.value(timescale, PG.minDuration)), duration(g, g.value(timescale, PG.maxDuration))


def test_herts_tc_2016_is_a_peer_not_a_revision_of_the_4lscb_line(g):
    protocol = protocol_iri(ID)
    assert (protocol, RDF.type, PG.ProtocolVersion) in g
    assert str(g.value(protocol, PG.issuer)) == "Hertfordshire Safeguarding Children Board"
    assert "Hertfordshire" in {str(a) for a in g.objects(protocol, PG.area)}
    assert g.value(protocol, PROV.wasRevisionOf) is None


def test_herts_tc_2016_telephone_referral_to_mash_must_be_confirmed_in_writing_within_48_hours(g):
    duty = P["duty-8.2-confirm-telephone-referral-in-writing"]
    assert g.value(duty, PG.bearer) == ROLE.professional
    assert g.value(duty, PG.action) == ACTION["confirm-referral-in-writing"]
    assert g.value(duty, PG.trigger) == EVENT.referral
    assert str(g.value(duty, PG.triggerChannel)) == "telephone"
    assert g.value(duty, PG.triggerRecipient) == ROLE.mash
    assert g.value(duty, PG.modality) == PG.must
    assert str(g.value(duty, PG.modalWording)) == "must"
    deadline = g.value(duty, PG.deadline)
    assert span(g, deadline) == ((48, HOUR), (48, HOUR))
    assert g.value(deadline, PG.topic) == TOPIC["referral-confirmation"]
    assert g.value(deadline, PG.relativeTo) == EVENT.referral
    assert reference_of(g, duty) == "8.2"
    assert "must be confirmed in writing within 48 hours" in quote_of(g, duty)


def test_herts_tc_2016_mash_team_manager_will_decide_within_24_hours_and_notify_referrers(g):
    duty = P["duty-8.2-mash-decision-24h"]
    assert g.value(duty, PG.bearer) == ROLE.mash
    assert g.value(duty, PG.action) == ACTION["decide-course-of-action"]
    assert g.value(duty, PG.trigger) == EVENT.referral
    assert g.value(duty, PG.triggerRecipient) == ROLE.mash
    assert g.value(duty, PG.modality) == PG.will
    deadline = g.value(duty, PG.deadline)
    assert span(g, deadline) == ((24, HOUR), (24, HOUR))
    assert g.value(deadline, PG.topic) == TOPIC["referral-decision"]
    assert "will make a decision on the case within 24 hours" in quote_of(g, duty)
    notify = P["duty-8.2-mash-notify-referrer"]
    assert g.value(notify, PG.action) == ACTION.notify
    assert g.value(notify, PG.bearer) == ROLE.mash
    assert g.value(notify, PG.modality) == PG.will
    # the 24 hours attach to the decision only
    assert g.value(notify, PG.deadline) is None


def test_herts_tc_2016_written_referral_to_mash_with_its_information(g):
    form = P["form-8.2-written-referral"]
    assert (form, RDF.type, PG.Form) in g
    assert g.value(form, PG.instrumentKind) == INSTR["written-referral"]
    assert g.value(form, PG.purpose) == PURPOSE["refer-to-childrens-services"]
    duty = P["duty-8.2-written-referral-to-mash"]
    assert g.value(duty, PG.recipient) == ROLE.mash
    assert g.value(duty, PG.form) == form
    assert g.value(duty, PG.modality) == PG.should
    contents = quote_of(g, P["duty-8.2-referral-contents"])
    for item in (
        "date of birth, and any languages spoken",
        "immigration status",
        "statutory agencies that are currently working with the child",
        "as indicated in the risk assessment",
    ):
        assert item in contents
    passed = P["duty-8.2-pass-to-assessment-team"]
    assert g.value(passed, PG.bearer) == ROLE.mash
    assert str(g.value(passed, PG.conditionText)) == "Where there are concerns about trafficking"


def test_herts_tc_2016_nrm_has_two_stages_local_then_central_competent_authority(g):
    stages = {
        int(g.value(s, PG.stageNumber)): s
        for s in g.subjects(RDF.type, PG.ProcessStage)
        if g.value(s, PG.process) == CONCEPT["national-referral-mechanism"]
    }
    assert sorted(stages) == [1, 2]
    one, two = stages[1], stages[2]
    assert set(g.objects(one, PG.performedBy)) == {ROLE["childrens-services"]}
    assert g.value(one, PG.outcomeEvent) == EVENT["reasonable-grounds-decision"]
    assert "as the local competent authority" in quote_of(g, one)
    assert ROLE.ukhtc in set(g.objects(two, PG.performedBy))
    assert g.value(two, PG.outcomeEvent) == EVENT["conclusive-decision"]
    assert "as central competent authority to decide within 30 days" in quote_of(g, two)
    assert reference_of(g, one) == reference_of(g, two) == "4.3"


def test_herts_tc_2016_reasonable_grounds_established_locally_by_childrens_services(g):
    duty = P["duty-6.2-reasonable-grounds-locally"]
    assert g.value(duty, PG.bearer) == ROLE["childrens-services"]
    assert g.value(duty, PG.action) == ACTION["make-reasonable-grounds-decision"]
    assert g.value(duty, PG.modality) == PG.will
    # no duty gives the reasonable grounds decision to the UKHTC in this protocol
    rg = [d for d in g.subjects(PG.action, ACTION["make-reasonable-grounds-decision"])]
    assert rg and all(g.value(d, PG.bearer) == ROLE["childrens-services"] for d in rg)


def test_herts_tc_2016_ukhtc_decides_within_30_days_of_nrm_referral(g):
    duty = P["duty-4.3-ukhtc-decision-30-days"]
    assert g.value(duty, PG.bearer) == ROLE.ukhtc
    assert g.value(duty, PG.action) == ACTION["make-conclusive-decision"]
    assert g.value(duty, PG.trigger) == EVENT["nrm-referral"]
    deadline = g.value(duty, PG.deadline)
    assert (deadline, RDF.type, PG.Deadline) in g
    assert span(g, deadline) == ((30, DAY), (30, DAY))
    assert g.value(deadline, PG.relativeTo) == EVENT["nrm-referral"]
    assert g.value(deadline, PG.topic) == TOPIC["nrm-decision"]


def test_herts_tc_2016_private_fostering_under_16_or_18_if_disabled_more_than_27_days(g):
    definition = P["def-10.1-private-fostering"]
    assert g.value(definition, PG.defines) == CONCEPT["private-fostering"]
    assert g.value(definition, PG.ageBelow).toPython() == 16
    assert g.value(definition, PG.ageBelowIfDisabled).toPython() == 18
    assert duration(g, g.value(definition, PG.minDurationExclusive)) == (27, DAY)
    assert reference_of(g, definition) == "10.1"
    quote = quote_of(g, definition)
    for relative in ("Parent, step-parent or legal guardian", "grandparent", "brother or sister", "aunt or uncle"):
        assert relative in quote
    period = P["ts-10.1-private-fostering-more-than-27-days"]
    assert (period, RDF.type, PG.OpenEndedPeriod) in g  # "more than 27 days": a lower bound, not a due time
    assert g.value(period, PG.topic) == TOPIC["private-fostering"]
    assert span(g, period) == ((27, DAY), (27, DAY))


def test_herts_tc_2016_agencies_must_report_private_fostering_to_childrens_services(g):
    duty = P["duty-10.1-report-private-fostering"]
    assert g.value(duty, PG.bearer) == ROLE["all-agencies"]
    assert g.value(duty, PG.action) == ACTION["report-private-fostering"]
    assert g.value(duty, PG.recipient) == ROLE["childrens-services"]
    assert g.value(duty, PG.trigger) == EVENT["private-fostering-known"]
    assert g.value(duty, PG.modality) == PG.must
    assert str(g.value(duty, PG.modalWording)) == "have a duty to"


def test_herts_tc_2016_protocol_reviewed_every_12_months_by_the_board(g):
    duty = P["duty-14-review-protocol"]
    assert g.value(duty, PG.bearer) == ROLE["safeguarding-board"]
    assert g.value(duty, PG.action) == ACTION["review-protocol"]
    # 'on a 12 monthly basis' is a recurrence, not a deadline: the duty points to it with pg:timescale
    assert g.value(duty, PG.deadline) is None
    period = g.value(duty, PG.timescale)
    assert (period, RDF.type, PG.Recurrence) in g
    assert g.value(period, PG.recurring).toPython() is True
    assert g.value(period, PG.topic) == TOPIC["protocol-review"]
    assert span(g, period) == ((12, MONTH), (12, MONTH))
    assert reference_of(g, duty) == "14"


def test_herts_tc_2016_police_notify_childrens_services_via_mash_and_refer_immediately_after_police_protection(g):
    notify = P["duty-6.7-police-notify-childrens-services-via-mash"]
    assert g.value(notify, PG.bearer) == ROLE.police
    assert g.value(notify, PG.recipient) == ROLE.mash
    assert g.value(notify, PG.modality) == PG.should
    refer = P["duty-6.7-immediate-referral-after-police-protection"]
    assert g.value(refer, PG.trigger) == EVENT["police-protection"]
    assert g.value(refer, PG.recipient) == ROLE["childrens-services"]
    deadline = g.value(refer, PG.deadline)
    assert g.value(deadline, PG.immediate).toPython() is True
    assert span(g, deadline) == ((0, MINUTE), (0, MINUTE))


def test_herts_tc_2016_only_accredited_interpreters_never_anyone_connected_with_the_child(g):
    only = P["duty-9-accredited-interpreters-only"]
    never = P["duty-9-never-connected-interpreter"]
    assert g.value(only, PG.action) == ACTION["use-approved-interpreter"]
    assert g.value(only, PG.modality) == PG.should
    assert g.value(never, PG.action) == ACTION["use-connected-adult-as-interpreter"]
    assert g.value(never, PG.modality) == PG.mustNot  # "should ... never": no exception (second reading)
    assert reference_of(g, never) == "9"
    assert "never use anyone connected with the child in the capacity of interpreter" in quote_of(g, never)


def test_herts_tc_2016_identifying_trafficked_children_lists_all_nine_bullets(g):
    lst = P["list-5.3-identifying-trafficked-children"]
    assert g.value(lst, PG.listKind) == CONCEPT["list-general-trafficking"]
    members = list(g.objects(lst, SKOS.member))
    assert len(members) == 9
    quotes = {quote_of(g, m) for m in members}
    assert any(q.startswith("The child may be required to carry out household chores") for q in quotes)
    assert any("particularly prevalent in the sex industry" in q for q in quotes)
    assert all(reference_of(g, m) == "5.3" for m in members)


@pytest.mark.parametrize(
    ("name", "kind", "count", "sample"),
    [
        ("list-6.3-health-indicators", "list-health-indicators", 4, "no real kinship"),
        ("list-6.4-school-patterns", "list-school-patterns", 3, "going missing off the roll"),
        ("list-6.5-housing-patterns", "list-housing-patterns", 6, "high turnover of children at a specific address"),
        ("list-5.1-forms-of-control", "list-control-methods", 7, "retaining travel and other documents"),
    ],
)
def test_herts_tc_2016_agency_indicator_lists_are_complete(g, name, kind, count, sample):
    lst = P[name]
    assert g.value(lst, PG.listKind) == CONCEPT[kind]
    members = list(g.objects(lst, SKOS.member))
    assert len(members) == count
    assert any(sample in quote_of(g, m) for m in members)


def test_herts_tc_2016_child_trafficking_is_movement_for_exploitation_and_consent_is_irrelevant(g):
    intro = P["def-1-child-trafficking"]
    assert g.value(intro, PG.defines) == CONCEPT["child-trafficking"]
    assert set(g.objects(intro, PG.component)) == {CONCEPT.movement, CONCEPT.exploitation}
    assert (
        quote_of(g, intro)
        == "Child trafficking is the movement of children into and within a country in order to exploit them."
    )
    purposes = P["def-5.1-child-trafficking-purposes-and-consent"]
    assert g.value(purposes, PG.consentIrrelevant).toPython() is True
    assert {
        CONCEPT["sexual-exploitation"],
        CONCEPT["domestic-servitude"],
        CONCEPT["debt-bondage"],
        CONCEPT["benefit-fraud"],
    } <= set(g.objects(purposes, PG.exploitationType))
    un = P["def-4.1-trafficking-un-convention"]
    assert set(g.objects(un, PG.component)) == {CONCEPT.movement, CONCEPT.means, CONCEPT.exploitation}


def test_herts_tc_2016_information_sharing_lawful_under_three_conditions(g):
    lawful = [
        P["duty-11-lawful-sharing-consent"],
        P["duty-11-lawful-sharing-public-interest"],
        P["duty-11-lawful-sharing-court-order"],
    ]
    for duty in lawful:
        assert g.value(duty, PG.action) == ACTION["share-information"]
        assert g.value(duty, PG.modality) == PG.may
        assert quote_of(g, duty).startswith("Sharing of information is lawful where:")
    share = P["duty-11-share-with-police-and-fssw"]
    assert set(g.objects(share, PG.recipient)) == {ROLE.police, ROLE["childrens-services"]}
    assert g.value(share, PG.modality) == PG.should
    power = P["duty-11-crime-and-disorder-act-power"]
    assert "Crime & Disorder Act 1998" in quote_of(g, power)


def test_herts_tc_2016_escalation_local_managers_then_senior_managers_then_board(g):
    steps = [P["duty-13-local-managers-resolve"], P["duty-13-refer-to-senior-managers"], P["duty-13-escalate-to-board"]]
    assert [g.value(s, PG.modality) for s in steps] == [PG.will, PG.should, PG.should]
    assert all(g.value(s, PG.action) == ACTION["resolve-disagreement"] for s in steps)
    assert g.value(steps[2], PG.recipient) == ROLE["safeguarding-board"]
    record = P["duty-13-record-disagreements"]
    assert g.value(record, PG.action) == ACTION.record
    assert "service case records" in quote_of(g, record)


def test_herts_tc_2016_missing_risk_assessment_must_include_trafficking_information(g):
    duty = P["duty-10.2-risk-assessment-includes-trafficking"]
    assert g.value(duty, PG.trigger) == EVENT.missing
    assert g.value(duty, PG.modality) == PG.must
    assert "prior to reporting the child missing to the police must include" in quote_of(g, duty)


def test_herts_tc_2016_schools_statutory_duty_and_admissions_copy_documents(g):
    statutory = P["duty-6.4-identify-children-missing-education"]
    assert g.value(statutory, PG.bearer) == ROLE.education
    assert g.value(statutory, PG.modality) == PG.must
    assert "Education and Inspections Act 2006" in quote_of(g, statutory)
    admissions = P["duty-6.4-admissions-copy-documents-verify-relationship"]
    assert g.value(admissions, PG.action) == ACTION["check-identity-and-documents"]
    assert g.value(admissions, PG.modality) == PG.should
    manager = P["duty-6.4-raise-with-service-manager"]
    assert g.value(manager, PG.recipient) == ROLE.manager


def test_herts_tc_2016_names_ukba_and_ukhtc_as_printed(g):
    terms = {
        (g.value(m, PG.mentions), str(g.value(m, PG.termUsed)), reference_of(g, m))
        for m in g.subjects(RDF.type, PG.Mention)
    }
    assert (ROLE["border-force"], "UK Border Agency", "5.2") in terms
    assert (ROLE["border-force"], "UK Border Agency", "app-1") in terms
    assert (ROLE.ukhtc, "UK Human Trafficking Centre (UKHTC)", "7.1") in terms
    assert (ROLE.ukhtc, "United Kingdom Human Trafficking Centre", "app-1") in terms
    assert (ROLE["safeguarding-board"], "Hertfordshire's Safeguarding Children Board (HSCB)", "1") in terms
    assert (ROLE.ceop, "Child Exploitation and Online Protection Centre (CEOP)", "7.2") in terms
    # support services of section 7 carry no duty
    for role in (ROLE.ceop, ROLE.nspcc, ROLE["refugee-council"]):
        assert not list(g.subjects(PG.bearer, role))


def test_herts_tc_2016_referral_triggered_assessments_and_police_notification_are_not_checked_on_cases(g):
    # owed only in circumstances a timeline does not record (review of the triggers)
    for name in (
        "duty-4.3-local-trafficking-assessment",
        "duty-6.2-assess-needs",
        "duty-6.2-deal-with-referrals",
        "duty-8.3-child-and-family-assessment",
        "duty-6.7-police-notify-childrens-services-via-mash",
        "duty-5.2-ukba-refer-to-childrens-social-care",
    ):
        duty = P[name]
        assert g.value(duty, PG.trigger) is None, name
        assert g.value(duty, PG.triggerRecipient) is None, name
        assert g.value(duty, PG.conditionText) is not None, name
        assert "No trigger (review)" in str(g.value(duty, SKOS.editorialNote)), name
    police = P["duty-6.7-police-notify-childrens-services-via-mash"]
    assert "comes to their attention during the course of any enquiries" in str(g.value(police, PG.conditionText))
    # the UKHTC referral is stated three times (4.3, 6.2, 8.3), each owed only on reasonable grounds
    for ref in ("4.3", "6.2", "8.3"):
        assert g.value(P[f"duty-{ref}-refer-to-ukhtc"], PG.trigger) is None
    # the referral on suspicion keeps its trigger
    refer = P["duty-4.3-refer-to-local-competent-authority"]
    assert g.value(refer, PG.trigger) == EVENT["trafficking-suspected"]
    assert g.value(refer, PG.recipient) == ROLE["childrens-services"]
    assert g.value(refer, PG.deadline) is None

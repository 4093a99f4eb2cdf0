"""Facts of 4lscb-met-guide-2018 (4LSCB Missing, Exploited and Trafficked information guide)
that a policy lead would check: each test pins one fact of the encoding."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Literal, Namespace
from rdflib import namespace as rns
from rdflib.namespace import DCTERMS, PROV, SKOS

from protograph.corpus.namespace import ACTION, CONCEPT, COND, EVENT, INSTR, PG, PURPOSE, ROLE, TOPIC, protocol_iri
from support import duration, quotes_of, reference_of

ID = "4lscb-met-guide-2018"
P = Namespace(str(protocol_iri(ID)) + "/")


@pytest.fixture(scope="module")
def g(corpus):
    return corpus.graph(ID)


def labels_of_list(g, lst) -> set[str]:
    return {str(g.value(m, RDFS.label)) for m in g.objects(lst, SKOS.member)}


def test_4lscb_met_guide_2018_is_undated_revision_of_the_2013_protocol_issued_2018_or_later(g):
    iri = protocol_iri(ID)
    assert g.value(iri, PROV.wasRevisionOf) == protocol_iri("4lscb-met-2013")
    assert g.value(iri, DCTERMS.issued) == Literal("2018", datatype=rns.XSD.gYear)
    assert "Serious Violence Strategy (2018)" in str(g.value(iri, PG.dateNote))
    assert {str(a) for a in g.objects(iri, PG.area)} == {"Hampshire", "Isle of Wight", "Portsmouth", "Southampton"}


def test_4lscb_met_guide_2018_uasc_at_very_high_risk_of_going_missing_within_24_hours_of_entering_uk(g):
    ts = P["ts-98-uasc-missing-within-24h"]
    assert (ts, RDF.type, PG.RiskWindow) in g
    assert g.value(ts, PG.topic) == TOPIC["flight-risk-window"]
    assert g.value(ts, PG.relativeTo) == EVENT["arrived-uk"]
    assert g.value(ts, PG.condition) == COND.uasc
    assert duration(g, g.value(ts, PG.maxDuration)) == (24, rns.TIME.unitHour)
    assert duration(g, g.value(ts, PG.minDuration)) == (24, rns.TIME.unitHour)
    assert reference_of(g, ts) == "98"
    assert "very high risk of going missing within 24 hours of entering the UK" in quotes_of(g, ts)[0]


def test_4lscb_met_guide_2018_three_missing_episodes_in_90_days_count_missing_only_not_absent(g):
    thr = P["thr-50-missing-3-in-90-days"]
    assert g.value(thr, PG.count).toPython() == 3
    assert duration(g, g.value(thr, PG.window)) == (90, rns.TIME.unitDay)
    assert g.value(thr, PG.countsEvent) == EVENT.missing
    assert {str(c) for c in g.objects(thr, PG.countsCategory)} == {"missing"}
    duty = P["duty-50-initial-assessment-three-missing"]
    assert duty in set(g.objects(thr, PG.consequence))
    assert g.value(duty, PG.action) == ACTION["complete-initial-assessment"]
    assert g.value(duty, PG.triggerThreshold) == thr
    assert g.value(duty, PG.modality) == PG.will
    assert "3 missing episodes in 90 days" in quotes_of(g, duty)[0]


def test_4lscb_met_guide_2018_ppn1_issued_when_recorded_missing_3_times_in_90_days(g):
    thr = P["thr-95-missing-3-in-90-days"]
    assert {str(c) for c in g.objects(thr, PG.countsCategory)} == {"missing"}
    duty = P["duty-95-ppn1-three-in-90-days"]
    assert g.value(duty, PG.bearer) == ROLE.police
    assert g.value(duty, PG.recipient) == ROLE["childrens-services"]
    assert g.value(duty, PG.action) == ACTION["issue-police-alert-form"]
    assert g.value(duty, PG.triggerThreshold) == thr
    assert any("recorded as missing 3 times in 90 days" in q for q in quotes_of(g, duty))


def test_4lscb_met_guide_2018_ppn1_is_the_police_alert_to_childrens_services(g):
    form = P["form-95-ppn1"]
    assert (form, RDF.type, PG.Form) in g
    assert g.value(form, PG.instrumentKind) == INSTR.ppn1
    assert set(g.objects(form, PG.purpose)) == {PURPOSE["alert-childrens-services"]}
    assert "police Children and Young People form (PPN1)" in {str(t) for t in g.objects(form, PG.termUsed)}
    # three circumstances, all duties of the police with the PPN1
    ppn1_duties = set(g.subjects(PG.form, form))
    assert len(ppn1_duties) == 3
    assert all(g.value(d, PG.bearer) == ROLE.police for d in ppn1_duties)


def test_4lscb_met_guide_2018_college_of_policing_missing_has_four_risk_categories_and_no_absent(g):
    d = P["def-12-college-of-policing-missing"]
    assert g.value(d, PG.defines) == CONCEPT.missing
    assert str(g.value(d, PG.definedBy)) == "College of Policing"
    assert set(g.objects(d, PG.riskLevel)) == {
        CONCEPT["risk-no-apparent"],
        CONCEPT["risk-low"],
        CONCEPT["risk-medium"],
        CONCEPT["risk-high"],
    }
    assert set(g.objects(d, PG.component)) == {CONCEPT["whereabouts-unknown"], CONCEPT["until-located"]}
    assert not list(g.subjects(PG.defines, CONCEPT.absent))
    # and the DCSF definition of a runaway or missing child is given beside it
    dcsf = P["def-11-dcsf-runaway-or-missing"]
    assert g.value(dcsf, PG.defines) == CONCEPT.runaway
    assert g.value(dcsf, PG.ageBelow).toPython() == 18


def test_4lscb_met_guide_2018_initial_assessment_within_7_working_days_of_referral(g):
    duty = P["duty-81-initial-assessment"]
    assert g.value(duty, PG.bearer) == ROLE["childrens-services"]
    assert g.value(duty, PG.action) == ACTION["complete-initial-assessment"]
    assert g.value(duty, PG.trigger) == EVENT.referral
    assert g.value(duty, PG.modality) == PG.should
    ts = g.value(duty, PG.deadline)
    assert duration(g, g.value(ts, PG.maxDuration)) == (7, PG.unitWorkingDay)
    assert g.value(ts, PG.topic) == TOPIC["initial-assessment"]
    assert "within 7 working days of the referral" in quotes_of(g, duty)[0]


def test_4lscb_met_guide_2018_golden_hour_is_the_first_hour_and_carer_must_contact_police_and_social_care_immediately(
    g,
):
    gh = P["ts-71-golden-hour"]
    assert g.value(gh, PG.topic) == TOPIC["golden-hour"]
    assert g.value(gh, PG.relativeTo) == EVENT.missing
    assert duration(g, g.value(gh, PG.maxDuration)) == (1, rns.TIME.unitHour)
    assert reference_of(g, gh) == "71"
    assert "first hour after a child goes missing" in quotes_of(g, gh)[0]
    duty = P["duty-71-contact-police-and-social-care-immediately"]
    assert g.value(duty, PG.bearer) == ROLE["foster-carer"]
    assert g.value(duty, PG.modality) == PG.must
    assert set(g.objects(duty, PG.recipient)) == {ROLE.police, ROLE["childrens-services"]}
    ts = g.value(duty, PG.deadline)
    assert g.value(ts, PG.immediate).toPython() is True
    assert duration(g, g.value(ts, PG.maxDuration)) == (0, rns.TIME.unitMinute)
    assert "IMMEDIATELY" in quotes_of(g, duty)[0]
    call = P["duty-71-call-999-if-absconds"]
    assert g.value(call, PG.modality) == PG.must and "call 999 immediately" in quotes_of(g, call)[0]


def test_4lscb_met_guide_2018_looked_after_return_interview_within_a_maximum_of_72_hours_soft(g):
    duty = P["duty-47-return-interview-looked-after"]
    assert g.value(duty, PG.condition) == COND["looked-after"]
    assert g.value(duty, PG.trigger) == EVENT.returned
    assert g.value(duty, PG.modality) == PG.should
    ts = g.value(duty, PG.deadline)
    assert duration(g, g.value(ts, PG.maxDuration)) == (72, rns.TIME.unitHour)
    assert g.value(ts, PG.soft).toPython() is True


def test_4lscb_met_guide_2018_police_review_usually_6_to_8_hours_and_immediate_safe_and_well_interview(g):
    ts = P["ts-43-police-review-6-8h"]
    assert (ts, RDF.type, PG.ScheduledPoint) in g  # "after a defined period of time, usually 6-8 hours"
    assert g.value(P["duty-43-police-review-and-recontact"], PG.timescale) == ts
    assert duration(g, g.value(ts, PG.minDuration)) == (6, rns.TIME.unitHour)
    assert duration(g, g.value(ts, PG.maxDuration)) == (8, rns.TIME.unitHour)
    assert g.value(ts, PG.soft).toPython() is True
    sw = P["duty-45-safe-and-well-interview"]
    assert g.value(sw, PG.bearer) == ROLE.police
    assert g.value(sw, PG.action) == ACTION["conduct-safe-and-well-check"]
    assert g.value(g.value(sw, PG.deadline), PG.immediate).toPython() is True


def test_4lscb_met_guide_2018_missing_more_than_24_hours_sent_to_national_missing_people_bureau(g):
    ts = P["ts-97-missing-more-than-24h"]
    assert g.value(ts, PG.topic) == TOPIC["national-missing-bureau"]
    assert duration(g, g.value(ts, PG.maxDuration)) == (24, rns.TIME.unitHour)
    duty = P["duty-97-notify-national-bureau"]
    assert g.value(duty, PG.action) == ACTION["notify-national-missing-bureau"]
    assert g.value(duty, PG.recipient) == ROLE["national-missing-persons-bureau"]


def test_4lscb_met_guide_2018_unsupervised_time_starts_at_no_more_than_half_an_hour(g):
    ts = P["ts-74-unsupervised-half-hour"]
    assert (ts, RDF.type, PG.Cap) in g  # "no more than half an hour ... in one go": a cap, not a due time
    assert (P["ts-74-rise-half-hour-intervals"], RDF.type, PG.Step) in g  # "rises in half hour intervals"
    assert g.value(ts, PG.topic) == TOPIC["unsupervised-time"]
    assert duration(g, g.value(ts, PG.maxDuration)) == (0.5, rns.TIME.unitHour)
    rise = P["ts-74-rise-half-hour-intervals"]
    assert g.value(rise, PG.recurring).toPython() is True
    assert g.value(P["duty-74-rise-half-hour-intervals"], PG.modality) == PG.recommended


def test_4lscb_met_guide_2018_public_authorities_must_submit_nrm_referral_to_secretary_of_state(g):
    duty = P["duty-87-nrm-referral-duty-to-notify"]
    assert g.value(duty, PG.bearer) == ROLE["public-authority"]
    assert g.value(duty, PG.recipient) == ROLE["home-office"]
    assert g.value(duty, PG.action) == ACTION["submit-nrm-referral"]
    assert g.value(duty, PG.modality) == PG.must
    assert str(g.value(duty, PG.modalWording)) == "MUST"
    assert g.value(g.value(duty, PG.form), PG.instrumentKind) == INSTR["nrm-referral-form"]


def test_4lscb_met_guide_2018_icta_referral_required_in_early_adopter_sites(g):
    for slug in ("duty-29-refer-to-icta", "duty-69-refer-to-icta"):
        duty = P[slug]
        assert g.value(duty, PG.action) == ACTION["refer-to-icta"]
        assert g.value(duty, PG.recipient) == ROLE["icta-service"]
        assert g.value(duty, PG.condition) == COND["early-adopter-site"]
        assert g.value(duty, PG.modality) == PG.must
        assert g.value(g.value(duty, PG.form), PG.instrumentKind) == INSTR["icta-referral-form"]


def test_4lscb_met_guide_2018_trafficking_three_elements_and_children_two_components(g):
    three = P["def-24-three-elements"]
    assert set(g.objects(three, PG.component)) == {CONCEPT.movement, CONCEPT.control, CONCEPT.exploitation}
    assert "must be proven" in quotes_of(g, three)[0]
    child = P["def-79-child-trafficking-two-components"]
    assert g.value(child, PG.defines) == CONCEPT["child-trafficking"]
    assert set(g.objects(child, PG.component)) == {CONCEPT.movement, CONCEPT.exploitation}
    assert g.value(child, PG.consentIrrelevant).toPython() is True
    c27 = P["def-27-child-trafficking"]
    assert g.value(c27, PG.ageBelow).toPython() == 18 and g.value(c27, PG.consentIrrelevant).toPython() is True


def test_4lscb_met_guide_2018_county_lines_and_child_criminal_exploitation_are_two_definitions(g):
    cl = P["def-20-county-lines"]
    cce = P["def-20-child-criminal-exploitation"]
    assert g.value(cl, PG.defines) == CONCEPT["county-lines"]
    assert g.value(cce, PG.defines) == CONCEPT["child-criminal-exploitation"]
    assert CONCEPT["violence-or-threat"] in set(g.objects(cce, PG.component))
    assert g.value(cce, PG.ageBelow).toPython() == 18
    assert "Serious Violence Strategy (2018)" in str(g.value(cce, PG.definedBy))


def test_4lscb_met_guide_2018_indicator_lists_have_every_item(g):
    expected = {
        "list-22-county-lines": 10,
        "list-40-push-missing": 7,
        "list-40-pull-missing": 9,
        "list-41-push-trafficking": 11,
        "list-41-pull-trafficking": 20,
        "list-52-cse": 15,
        "list-63-reluctance-to-disclose": 8,
        "list-66-port-of-entry": 10,
        "list-66-sponsor": 3,
        "list-67-whilst-resident": 18,
        "list-68-internally-trafficked": 17,
        "list-48-return-interview-topics": 8,
        "list-57-residential-steps": 11,
        "list-69-trafficked-children-needs": 9,
        "list-71-immediate-safety-plan": 37,
    }
    for name, n in expected.items():
        assert len(set(g.objects(P[name], SKOS.member))) == n, name


def test_4lscb_met_guide_2018_cse_list_adds_peers_connected_to_county_lines(g):
    labels = labels_of_list(g, P["list-52-cse"])
    assert "Having peers connected to drug use and county lines." in labels
    assert "Moving care homes or foster care placements." in labels
    resident = labels_of_list(g, P["list-67-whilst-resident"])
    assert {"Underage marriage.", "Located/recovered from a place of exploitation."} <= resident


def test_4lscb_met_guide_2018_push_and_pull_factors_for_going_missing_are_split_by_column(g):
    push = labels_of_list(g, P["list-40-push-missing"])
    pull = labels_of_list(g, P["list-40-pull-missing"])
    assert "Conflict within the home or placement" in push
    assert "The attraction of staying out with peers, boyfriends or girlfriends" in pull
    assert "Peer pressure" in pull and "Peer pressure" not in push
    assert "Missing episodes" in labels_of_list(g, P["list-41-push-trafficking"])
    assert "Being liked and receiving affection" in labels_of_list(g, P["list-41-pull-trafficking"])


def test_4lscb_met_guide_2018_community_partnership_information_form_ad362_shares_intelligence(g):
    form = P["form-app-2-community-partnership-information"]
    assert g.value(form, PG.instrumentKind) == INSTR["community-partnership-information-form"]
    assert set(g.objects(form, PG.purpose)) == {PURPOSE["share-intelligence"]}
    tool = P["tool-54-local-risk-assessment"]
    assert g.value(tool, PG.instrumentKind) == INSTR["local-risk-assessment-tool"]


def test_4lscb_met_guide_2018_nrm_has_four_stages_with_45_day_reflection_period(g):
    stages = {g.value(s, PG.stageNumber).toPython(): s for s in g.subjects(RDF.type, PG.ProcessStage)}
    assert sorted(stages) == [1, 2, 3, 4]
    assert g.value(stages[2], PG.performedBy) == ROLE["childrens-services"]
    assert g.value(stages[2], PG.outcomeEvent) == EVENT["nrm-referral"]
    assert g.value(stages[4], PG.outcomeEvent) == EVENT["conclusive-decision"]
    ts = P["ts-app-3-reflection-period-45-days"]
    assert duration(g, g.value(ts, PG.maxDuration)) == (45, rns.TIME.unitDay)
    assert g.value(ts, PG.topic) == TOPIC["nrm-reflection-period"]


def test_4lscb_met_guide_2018_names_ukba_ukhtc_lscb_and_nps(g):
    terms = {(str(g.value(m, PG.termUsed)), g.value(m, PG.mentions)) for m in g.subjects(RDF.type, PG.Mention)}
    assert ("UK Borders Agency (UKBA)", ROLE["border-force"]) in terms
    assert ("UKHTC", ROLE.ukhtc) in terms
    assert ("LSCB", ROLE["safeguarding-board"]) in terms
    assert ("NPS", ROLE["probation-yot"]) in terms


def test_4lscb_met_guide_2018_bureau_24_hours_is_a_qualifying_period_ended_by_return(g):
    """'Details of individuals missing more than 24 hours are automatically sent': the 24 hours
    say which children the details are sent for, not by when (issue #15)."""
    duty = P["duty-97-notify-national-bureau"]
    assert g.value(duty, PG.deadline) is None
    ts = g.value(duty, PG.timescale)
    assert ts == P["ts-97-missing-more-than-24h"]
    assert (ts, RDF.type, PG.QualifyingPeriod) in g
    assert (ts, RDF.type, PG.Deadline) not in g
    assert duration(g, g.value(ts, PG.maxDuration)) == (24, rns.TIME.unitHour)
    assert g.value(ts, PG.relativeTo) == EVENT.missing
    assert g.value(duty, PG.cancelledBy) == EVENT.returned
    # "If this is not appropriate the police must be informed": not recorded on a timeline
    assert g.value(P["duty-97-inform-police-not-appropriate"], PG.trigger) is None


def test_4lscb_met_guide_2018_ppn1_missing_and_not_returned_is_ended_by_return_and_harm_is_not_checked(g):
    assert g.value(P["duty-95-ppn1-missing-not-returned"], PG.cancelledBy) == EVENT.returned
    assert g.value(P["duty-95-ppn1-returned-harmed"], PG.trigger) is None


def test_4lscb_met_guide_2018_pull_factors_continued_kept_as_printed(g):
    lst = P["list-41-pull-trafficking"]
    assert "Pull Factors Continued…" in quotes_of(g, lst)
    assert "Living with domestic abuse" in labels_of_list(g, lst)
    assert "Living with domestic abuse" not in labels_of_list(g, P["list-41-push-trafficking"])
    assert "Decision (second reader" in str(g.value(lst, SKOS.editorialNote))


def test_4lscb_met_guide_2018_quotes_are_sentences_not_runs_of_paragraphs(g):
    # quotes once ran over dozens of paragraphs (e.g. 35-98 for the UASC 24-hour sentence)
    long = {str(s): len(str(q)) for s, q in g.subject_objects(PG.quote) if len(str(q)) > 1000}
    assert long == {}
    assert quotes_of(g, P["ts-98-uasc-missing-within-24h"]) == [
        "Children and young people who enter the UK as Unaccompanied Asylum Seeking Children (UASC) are especially "
        "vulnerable to trafficking and as a result are at very high risk of going missing within 24 hours of "
        "entering the UK."
    ]

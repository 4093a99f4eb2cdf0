"""Facts of the 4LSCB Child Trafficking Protocol (November 2011) that a policy lead would check."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, SKOS, URIRef
from rdflib import namespace as rdf_ns

from protograph.corpus.namespace import ACTION, CONCEPT, COND, EVENT, INSTR, PG, PURPOSE, ROLE, TOPIC, protocol_iri
from support import duration as duration_of
from support import quote_of, reference_of

PID = "4lscb-ctp-2011"
P = f"https://w3id.org/protograph/protocol/{PID}/"


@pytest.fixture(scope="module")
def g(corpus):
    return corpus.graph(PID)


def node(local: str) -> URIRef:
    return URIRef(P + local)


def duration(g, ts, which):
    return duration_of(g, g.value(ts, which))


def test_4lscb_ctp_2011_is_first_version_dated_november_2011_covering_four_areas(g):
    iri = protocol_iri(PID)
    assert (iri, RDF.type, PG.ProtocolVersion) in g
    assert g.value(iri, rdf_ns.PROV.wasRevisionOf) is None
    assert str(g.value(iri, rdf_ns.DCTERMS.issued)) == "2011-11"
    areas = {str(a) for a in g.objects(iri, PG.area)}
    assert areas == {"Hampshire", "Isle of Wight", "Southampton", "Portsmouth"}


def test_4lscb_ctp_2011_child_victims_often_flee_care_within_48_hours_of_safeguarding(g):
    ts = node("ts-9.5-flight-risk-48h")
    assert (ts, RDF.type, PG.RiskWindow) in g
    assert g.value(ts, PG.topic) == TOPIC["flight-risk-window"]
    assert g.value(ts, PG.relativeTo) == EVENT["child-safeguarded"]
    assert duration(g, ts, PG.minDuration) == (48, rdf_ns.TIME.unitHour)
    assert duration(g, ts, PG.maxDuration) == (48, rdf_ns.TIME.unitHour)
    assert reference_of(g, ts) == "9.5"
    assert "often within 48 hours of safeguarding" in quote_of(g, ts)


def test_4lscb_ctp_2011_local_authority_will_decide_course_of_action_within_24_hours_of_referral(g):
    duty = node("duty-12.5-decide-course-of-action")
    assert g.value(duty, PG.bearer) == ROLE["local-authority"]
    assert g.value(duty, PG.action) == ACTION["decide-course-of-action"]
    assert g.value(duty, PG.modality) == PG.will
    assert str(g.value(duty, PG.modalWording)) == "will"
    assert g.value(duty, PG.trigger) == EVENT.referral
    ts = g.value(duty, PG.deadline)
    assert (ts, RDF.type, PG.Deadline) in g
    assert g.value(ts, PG.topic) == TOPIC["referral-decision"]
    assert duration(g, ts, PG.minDuration) == (24, rdf_ns.TIME.unitHour)
    assert duration(g, ts, PG.maxDuration) == (24, rdf_ns.TIME.unitHour)
    assert quote_of(g, duty) == "The Local Authority will decide on a course of action within 24 hours."
    # what the 24 hours run from is an editorial reading and must be recorded
    assert "CYPR" in str(g.value(duty, SKOS.editorialNote))


def test_4lscb_ctp_2011_joint_police_childrens_services_visit_within_24_to_48_hours(g):
    duty = node("duty-14.2-joint-visit")
    assert set(g.objects(duty, PG.bearer)) == {ROLE.police, ROLE["childrens-services"]}
    assert g.value(duty, PG.action) == ACTION["conduct-joint-visit"]
    assert g.value(duty, PG.modality) == PG.will
    ts = g.value(duty, PG.deadline)
    assert g.value(ts, PG.topic) == TOPIC["joint-visit"]
    assert g.value(ts, PG.relativeTo) == EVENT["child-safeguarded"]
    assert duration(g, ts, PG.minDuration) == (24, rdf_ns.TIME.unitHour)
    assert duration(g, ts, PG.maxDuration) == (48, rdf_ns.TIME.unitHour)
    assert "Within the first 24 – 48 hours" in quote_of(g, duty)
    assert g.value(duty, SKOS.editorialNote) is not None


def test_4lscb_ctp_2011_health_assessment_agreed_at_strategy_meeting_always_needs_completing(g):
    duty = node("duty-14.2-health-assessment")
    assert g.value(duty, PG.action) == ACTION["complete-health-assessment"]
    assert g.value(duty, PG.modality) == PG.must
    # owed only for a health assessment "agreed at the strategy meeting", which no case event records
    assert g.value(duty, PG.trigger) is None
    assert "agreed at the strategy meeting" in str(g.value(duty, PG.conditionText))
    assert "always needs to be completed" in quote_of(g, duty)


def test_4lscb_ctp_2011_missing_people_helpline_and_section_20_care_are_not_checked_on_every_event(g):
    # "Where there is concern that a trafficked child has been moved elsewhere in the country"
    assert g.value(node("duty-14.3-contact-missing-people-helpline"), PG.trigger) is None
    # an age assessment of an accompanied child does not bring them into care
    assert g.value(node("duty-10.3-accommodate-unaccompanied-child"), PG.trigger) is None
    # 17.1: notify the police and children's services immediately when a child goes missing from care
    duty = node("duty-17.1-notify-missing-immediately")
    assert g.value(duty, PG.trigger) == EVENT["missing"]
    assert g.value(g.value(duty, PG.deadline), PG.immediate).toPython() is True


def test_4lscb_ctp_2011_fingerprints_photographs_dna_only_age_5_and_over_with_consent(g):
    expected = {
        "duty-14.5-fingerprints-age-5": ACTION["take-fingerprints"],
        "duty-14.5-photograph-age-5": ACTION["take-photograph"],
        "duty-14.5-dna-age-5": ACTION["take-dna"],
    }
    for local, action in expected.items():
        duty = node(local)
        assert g.value(duty, PG.action) == action
        assert g.value(duty, PG.ageAtLeast).toPython() == 5
        assert g.value(duty, PG.condition) == COND.consent
        assert g.value(duty, PG.modality) == PG.must
        assert str(g.value(duty, PG.modalWording)) == "to be taken"
        assert reference_of(g, duty) == "14.5"
        assert "aged 5 years and over to be taken with consent" in quote_of(g, duty)


def test_4lscb_ctp_2011_only_local_authority_with_parental_responsibility_can_consent(g):
    duty = node("duty-14.6-la-consent-with-pr")
    assert g.value(duty, PG.bearer) == ROLE["local-authority"]
    assert g.value(duty, PG.condition) == COND["parental-responsibility"]
    assert "Consent can only be given by the local authority" in quote_of(g, duty)


def test_4lscb_ctp_2011_fingerprints_must_be_checked_against_immigration_database(g):
    duty = node("duty-14.8-check-fingerprints-database")
    assert g.value(duty, PG.action) == ACTION["check-fingerprints-database"]
    assert g.value(duty, PG.modality) == PG.must
    assert g.value(duty, PG.trigger) == EVENT["fingerprints-taken"]


def test_4lscb_ctp_2011_professionals_should_immediately_contact_childrens_services_and_police(g):
    duty = node("duty-7.5-contact-childrens-services-and-police")
    assert g.value(duty, PG.bearer) == ROLE.professional
    assert set(g.objects(duty, PG.recipient)) == {ROLE["childrens-services"], ROLE.police}
    assert g.value(duty, PG.trigger) == EVENT["trafficking-suspected"]
    assert g.value(duty, PG.modality) == PG.should
    ts = g.value(duty, PG.deadline)
    assert g.value(ts, PG.immediate).toPython() is True
    assert duration(g, ts, PG.maxDuration) == (0, rdf_ns.TIME.unitMinute)
    assert g.value(ts, PG.topic) == TOPIC["report-concern"]


def test_4lscb_ctp_2011_child_missing_from_care_notified_to_police_and_childrens_services_immediately(g):
    duty = node("duty-17.1-notify-missing-immediately")
    assert g.value(duty, PG.modality) == PG.must
    assert g.value(duty, PG.trigger) == EVENT.missing
    assert g.value(duty, PG.condition) == COND["looked-after"]
    assert set(g.objects(duty, PG.recipient)) == {ROLE.police, ROLE["childrens-services"]}
    # "a child victim": a child suspected of having been trafficked, not every looked-after child
    assert g.value(duty, PG.requiresPriorEvent) == EVENT["trafficking-suspected"]
    ts = g.value(duty, PG.deadline)
    assert g.value(ts, PG.immediate).toPython() is True
    assert g.value(ts, PG.topic) == TOPIC["report-missing"]


def test_4lscb_ctp_2011_duties_after_a_generic_trigger_apply_only_where_trafficking_is_suspected(g):
    # a referral, a safeguarding, a missing episode or fingerprints start these duties only in a
    # case that already shows a trafficking suspicion (the protocol's scope, and 14.3's
    # "potentially trafficked child", 17.1's "child victim", 13.3's "child trafficking investigations")
    for local in (
        "duty-12.5-decide-course-of-action",
        "duty-13.1-convene-strategy-discussion",
        "duty-13.3-commence-nrm",
        "duty-14.2-joint-visit",
        "duty-14.3-notify-police-ukba-if-missing",
        "duty-14.5-photograph-age-5",
        "duty-14.5-dna-age-5",
        "duty-14.5-fingerprints-age-5",
        "duty-14.8-check-fingerprints-database",
        "duty-17.1-notify-missing-immediately",
        "duty-17.1-follow-missing-procedures",
    ):
        duty = node(local)
        assert g.value(duty, PG.trigger) != EVENT["trafficking-suspected"], local
        assert g.value(duty, PG.requiresPriorEvent) == EVENT["trafficking-suspected"], local
    # 14.3: the contingency plan belongs to the Local Authority's planning of "that child's care"
    assert g.value(node("duty-14.3-notify-police-ukba-if-missing"), PG.condition) == COND["looked-after"]


def test_4lscb_ctp_2011_suspected_trafficked_child_found_notify_police_childrens_services_and_health(g):
    duty = node("duty-20.1-notify-agencies-immediately")
    assert reference_of(g, duty) == "20.1"
    assert set(g.objects(duty, PG.recipient)) == {ROLE.police, ROLE["childrens-services"], ROLE.health}
    assert g.value(duty, PG.modality) == PG.will
    assert g.value(g.value(duty, PG.deadline), PG.immediate).toPython() is True


def test_4lscb_ctp_2011_initial_responders_must_remove_child_to_place_of_safety(g):
    duty = node("duty-7.17-remove-to-place-of-safety")
    assert g.value(duty, PG.action) == ACTION["safeguard-child"]
    assert g.value(duty, PG.modality) == PG.must
    assert quote_of(g, duty) == "Initial responders must ensure that the child victim is removed to a place of safety."


def test_4lscb_ctp_2011_police_station_only_in_exceptional_circumstances_is_should_not(g):
    duty = node("duty-11.6-police-station-exceptional-only")
    assert g.value(duty, PG.action) == ACTION["use-police-station-as-place-of-safety"]
    assert g.value(duty, PG.modality) == PG.shouldNot
    assert str(g.value(duty, PG.modalWording)) == "should only be used in exceptional circumstances"
    hostels = node("duty-11.3-not-hostels-or-supported-lodgings")
    assert g.value(hostels, PG.modality) == PG.shouldNot
    assert "Hostels or Supported Lodgings" in quote_of(g, hostels)


def test_4lscb_ctp_2011_sponsor_checks_must_never_and_do_not(g):
    assert g.value(node("duty-8.2-language-check"), PG.modality) == PG.must
    never = node("duty-8.2-never-introduce-unconfirmed-relative")
    assert g.value(never, PG.modality) == PG.mustNot
    assert str(g.value(never, PG.modalWording)) == "Never"
    calls = node("duty-8.2-no-direct-calls-home")
    assert g.value(calls, PG.modality) == PG.mustNot
    assert str(g.value(calls, PG.modalWording)) == "Do not"


def test_4lscb_ctp_2011_interpreter_never_the_sponsor_and_interview_delayed_until_found(g):
    never = node("duty-15.12-interpreter-never-sponsor")
    assert g.value(never, PG.modality) == PG.mustNot
    assert g.value(never, PG.action) == ACTION["use-connected-adult-as-interpreter"]
    delay = node("duty-15.13-delay-until-interpreter")
    assert g.value(delay, PG.action) == ACTION["delay-interview"]
    assert g.value(delay, PG.modality) == PG.should
    crb = node("duty-15.11-approved-crb-checked-interpreter")
    assert g.value(crb, PG.condition) == COND["not-english-speaking"]


def test_4lscb_ctp_2011_cypr_required_for_child_under_18_at_risk_alerts_partner_agencies(g):
    form = node("form-12.3-cypr")
    assert (form, RDF.type, PG.Form) in g
    assert g.value(form, PG.instrumentKind) == INSTR.cypr
    assert g.value(form, PG.purpose) == PURPOSE["alert-childrens-services"]
    duty = node("duty-12.3-cypr-child-at-risk")
    # "a child (a person under 18 years of age)" is the definition of a child, not a bound of
    # its own: the definition carries it, and the duty covers an age-disputed person (10.4)
    assert g.value(duty, PG.ageBelow) is None
    assert g.value(node("def-12.3-child-under-18"), PG.ageBelow).toPython() == 18
    assert g.value(duty, PG.includesAgeDisputed).toPython() is True
    assert g.value(duty, PG.modality) == PG.must
    assert g.value(duty, PG.form) == form
    assert g.value(node("duty-12.1-submit-cypr"), PG.form) == form
    s47 = node("duty-12.1-initiate-section-47")
    assert g.value(s47, PG.action) == ACTION["start-section-47-enquiry"]
    assert g.value(s47, PG.modality) == PG.must


def test_4lscb_ctp_2011_ukba_mentions_map_to_immigration_authority(g):
    mentions = {m for m in g.subjects(RDF.type, PG.Mention) if g.value(m, PG.mentions) == ROLE["border-force"]}
    refs = {reference_of(g, m) for m in mentions}
    assert refs == {"12.4", "13.5", "14.3", "20.2"}
    m = node("mention-12.4-ukba")
    assert str(g.value(m, PG.termUsed)) == "United Kingdom Border Agency (UKBA)"
    crb = node("mention-15.11-crb")
    assert g.value(crb, PG.mentions) == CONCEPT["criminal-records-check"]
    pct_refs = {
        reference_of(g, m)
        for m in g.subjects(PG.mentions, ROLE.health)
        if "Primary Care Trust" in str(g.value(m, PG.termUsed)) or str(g.value(m, PG.termUsed)) == "PCT"
    }
    assert pct_refs == {"13.1", "13.5", "20.1"}


def test_4lscb_ctp_2011_involve_ukba_from_outset_is_are_to_must(g):
    duty = node("duty-12.4-involve-ukba")
    assert g.value(duty, PG.recipient) == ROLE["border-force"]
    assert g.value(duty, PG.modality) == PG.must
    assert str(g.value(duty, PG.modalWording)) == "are to"


def test_4lscb_ctp_2011_child_trafficking_has_three_components_with_listed_purposes(g):
    d = node("def-4.2-child-trafficking-three-components")
    assert g.value(d, PG.defines) == CONCEPT["child-trafficking"]
    assert set(g.objects(d, PG.component)) == {CONCEPT.movement, CONCEPT.control, CONCEPT.exploitation}
    purposes = set(g.objects(d, PG.exploitationType))
    assert {
        CONCEPT["sexual-exploitation"],
        CONCEPT["domestic-servitude"],
        CONCEPT["labour-exploitation"],
        CONCEPT["criminal-exploitation"],
        CONCEPT["benefit-fraud"],
        CONCEPT["illegal-adoption"],
        CONCEPT.fgm,
        CONCEPT["forced-marriage"],
    } <= purposes


def test_4lscb_ctp_2011_children_special_case_two_components_consent_irrelevant_under_18(g):
    special = node("def-5.1-child-trafficking-two-components")
    assert set(g.objects(special, PG.component)) == {CONCEPT.movement, CONCEPT.exploitation}
    consent = node("def-5.2-child-trafficking-consent-irrelevant")
    assert g.value(consent, PG.consentIrrelevant).toPython() is True
    child = node("def-5.2-child")
    assert g.value(child, PG.defines) == CONCEPT.child
    assert g.value(child, PG.ageAtLeast).toPython() == 0
    assert g.value(child, PG.ageBelow).toPython() == 18
    assert "aged 0 to 18 years" in quote_of(g, child)


def test_4lscb_ctp_2011_children_cannot_be_smuggled(g):
    refs = {reference_of(g, d) for d in g.subjects(PG.defines, CONCEPT.smuggling)}
    assert refs == {"3.4", "16.3"}
    for d in g.subjects(PG.defines, CONCEPT.smuggling):
        assert g.value(d, PG.ageAtLeast).toPython() == 18


def test_4lscb_ctp_2011_fear_instilled_by_six_methods_in_printed_order(g):
    lst = node("list-6.2-fear-methods")
    assert g.value(lst, PG.listKind) == CONCEPT["list-control-methods"]
    members = list(g.objects(lst, SKOS.member))
    assert len(members) == 6
    labels = {str(g.value(m, RDFS.label)) for m in members}
    assert {
        "Religion pressure",
        "Spiritual persuasion",
        "Violence",
        "Sexual assault",
        "Threats of violence to the victim",
        "Threats of violence to family and/or friends",
    } == labels


def test_4lscb_ctp_2011_vulnerable_witness_under_17_with_march_2011_revision_noted(g):
    d = node("def-15.1-vulnerable-witness-under-17")
    assert g.value(d, PG.ageBelow).toPython() == 17
    assert "revised to Under 18 years of age in March 2011" in quote_of(g, d)
    assert "March 2011" in str(g.value(d, SKOS.editorialNote))
    intimidated = node("def-15.3-intimidated-witness-17-and-over")
    assert g.value(intimidated, PG.ageAtLeast).toPython() == 17


def test_4lscb_ctp_2011_safe_word_must_be_used_and_nrm_commenced(g):
    safe = node("duty-13.4-use-safe-word")
    assert g.value(safe, PG.action) == ACTION["use-safe-word"]
    assert g.value(safe, PG.modality) == PG.must
    nrm = node("duty-13.3-commence-nrm")
    assert g.value(nrm, PG.action) == ACTION["submit-nrm-referral"]
    assert g.value(nrm, PG.modality) == PG.must


def test_4lscb_ctp_2011_no_sections_9_3_or_9_4_invented(g):
    refs = {str(r) for r in g.objects(None, PG.reference)}
    assert "9.3" not in refs and "9.4" not in refs
    assert {"9.1", "9.2", "9.5", "9.6", "9.7"} <= refs
    # the list labels printed under section 20 ("1.2" ... "2.2") are not references
    assert not refs & {"1.2", "1.3", "1.4", "2.2"}
    for fact in g.subjects(PG.provision, None):
        prov = g.value(fact, PG.provision)
        if "Hampshire Primary Care Trust" in str(g.value(prov, PG.quote)):
            assert str(g.value(prov, PG.reference)) == "20.1"


# --- facts corrected in the fidelity review ------------------------------------------------


def test_4lscb_ctp_2011_custody_not_an_acceptable_process_is_should_not_not_must_not(g):
    # 9.2 has no "must not" / "never": the partners "have recognised" it "is not an acceptable process"
    duty = node("duty-9.2-no-custody")
    assert g.value(duty, PG.action) == ACTION["take-into-custody"]
    assert g.value(duty, PG.modality) == PG.shouldNot
    assert str(g.value(duty, PG.modalWording)) == "is not an acceptable process"
    assert reference_of(g, duty) == "9.2"


def test_4lscb_ctp_2011_additional_strategy_members_are_to_be_considered_not_required(g):
    additional = node("duty-13.5-consider-additional-members")
    assert g.value(additional, PG.modality) == PG.recommended
    assert str(g.value(additional, PG.modalWording)) == "to be considered"
    assert set(g.objects(additional, PG.recipient)) == {
        ROLE["border-force"],
        ROLE.education,
        ROLE.ukhtc,
        ROLE.barnardos,
    }
    core = node("duty-13.5-consider-core-organisations")
    assert g.value(core, PG.modality) == PG.recommended


def test_4lscb_ctp_2011_no_unsupervised_internet_is_should_not_allow(g):
    duty = node("duty-11.12-no-unsupervised-internet")
    assert g.value(duty, PG.action) == ACTION["allow-unsupervised-access"]
    assert g.value(duty, PG.modality) == PG.shouldNot
    assert quote_of(g, duty) == "The victims should have no unsupervised access to the internet."


def test_4lscb_ctp_2011_identify_phone_numbers_is_information_gathering_prevent_contact_only_recommended(g):
    numbers = node("duty-7.16-identify-numbers")
    assert g.value(numbers, PG.action) == ACTION["gather-information"]
    assert g.value(numbers, PG.modality) == PG.must
    prevent = node("duty-7.15-prevent-contact-with-trafficker")
    assert g.value(prevent, PG.action) == ACTION["prevent-contact-with-exploiter"]
    assert g.value(prevent, PG.modality) == PG.recommended
    consistent = node("duty-7.6-consistent-local-arrangements")
    assert g.value(consistent, PG.modality) == PG.should
    assert reference_of(g, consistent) == "7.6"


def test_4lscb_ctp_2011_quotes_are_the_sentence_carrying_the_fact(g):
    expected = {
        "ts-9.5-flight-risk-48h": "It is known that some child victims flee local authority care, often within 48 hours of safeguarding.",
        "duty-9.6-remove-items-for-dna": "This may include removing items such as the child's tooth brush, comb/hairbrush etc which could provide DNA or fingerprint data.",
        "duty-3.5-everyone-safeguard-welfare": "Moreover, everyone working with or in contact with children have a responsibility to take steps to make sure that their welfare is safeguarded and promoted.",
        "duty-12.2-assess-immediate-needs": "The agencies will assess the immediate needs and circumstances of the child.",
        "duty-12.2-agree-safeguarding-actions": "They will agree actions to safeguard and promote the welfare of the child, or others.",
        "duty-13.2-record-concerns": "Concerns will be recorded in writing to ensure an accurate and clear audit trail is maintained.",
        "duty-14.7-advise-partners-pr-confirmed": "The onus will be on the Local Authority to advise partners when parental responsibility has been confirmed.",
    }
    for local, quote in expected.items():
        assert quote_of(g, node(local)) == quote, local


def test_4lscb_ctp_2011_journey_over_a_year_is_an_open_ended_period_from_one_year(g):
    # "can take over a year": a lower bound with no upper one, not a period of one year
    ts = node("ts-4.3-journey-over-a-year")
    assert set(g.objects(ts, RDF.type)) == {PG.OpenEndedPeriod}
    assert duration(g, ts, PG.minDuration) == (1, rdf_ns.TIME.unitYear)
    assert duration(g, ts, PG.maxDuration) == (1, rdf_ns.TIME.unitYear)
    assert "over a year" in str(g.value(ts, RDFS.label))
    assert "lower bound" in str(g.value(ts, SKOS.editorialNote))

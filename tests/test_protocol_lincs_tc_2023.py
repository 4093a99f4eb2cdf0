"""Facts of lincs-tc-2023 (Lincolnshire, Safeguarding Children who may have been Trafficked
Procedure) that a policy lead would check: each test pins one fact of the encoding."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, RDFS, Literal, Namespace
from rdflib import namespace as rns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SKOS

from protograph.corpus.namespace import ACTION, CONCEPT, COND, EVENT, INSTR, PG, PURPOSE, ROLE, TOPIC, protocol_iri
from protograph.paths import sources_dir
from support import duration, quote_of, reference_of

ID = "lincs-tc-2023"
P = Namespace(str(protocol_iri(ID)) + "/")

# The document's headings, as printed, in order.
HEADINGS = [
    "Introduction",
    "Identification of Trafficked Children",
    "Possible indicators",
    "Referrals",
    "National Referral Mechanism (NRM)",
    "Social Work Assessment",
    "Strategy Discussion and Section 47 Enquiries",
    "Multi-Agency Meeting",
    "What Trafficked Children Need",
    "Returning Trafficked Children to their Country of Origin",
    "Trafficked Children who are Looked After",
]


def slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


@pytest.fixture(scope="module")
def g(corpus):
    return corpus.graph(ID)


def test_lincs_tc_2023_references_are_heading_slugs(g):
    source = (sources_dir() / "lincs-tc-2023.txt").read_text(encoding="utf-8").splitlines()
    for heading in HEADINGS:
        assert heading in [line.strip() for line in source], heading
    slugs = {slug(h) for h in HEADINGS}
    assert slug("National Referral Mechanism (NRM)") == "national-referral-mechanism-nrm"
    references = {str(o) for o in g.objects(None, PG.reference)}
    assert references <= slugs, references - slugs
    # every section of the document is encoded
    assert references == slugs
    # each named provision's printed heading matches its reference
    for provision, heading in g.subject_objects(PG.heading):
        assert str(g.value(provision, PG.reference)) == slug(str(heading))


def test_lincs_tc_2023_is_a_2023_lincolnshire_peer_protocol_with_inferred_issuer(g):
    iri = protocol_iri(ID)
    assert g.value(iri, DCTERMS.title) == Literal("Safeguarding Children who may have been Trafficked Procedure")
    assert g.value(iri, PG.issuer) == Literal("Lincolnshire Safeguarding Children Partnership")
    assert g.value(iri, PG.area) == Literal("Lincolnshire")
    assert g.value(iri, DCTERMS.issued) == Literal("2023", datatype=rns.XSD.gYear)
    note = str(g.value(iri, PG.dateNote))
    assert "Working Together to Safeguard Children 2023" in note and "inferred" in note
    assert g.value(iri, PROV.wasRevisionOf) is None


def test_lincs_tc_2023_palermo_definition_has_movement_means_exploitation_and_minimum_exploitation_kinds(g):
    d = P["def-introduction-trafficking-palermo"]
    assert g.value(d, PG.defines) == CONCEPT.trafficking
    assert "Palermo Protocol" in str(g.value(d, PG.definedBy))
    assert set(g.objects(d, PG.component)) == {CONCEPT.movement, CONCEPT.means, CONCEPT.exploitation}
    assert set(g.objects(d, PG.exploitationType)) == {
        CONCEPT["sexual-exploitation"],
        CONCEPT["labour-exploitation"],
        CONCEPT.slavery,
        CONCEPT["organ-harvesting"],
    }
    q = quote_of(g, d)
    assert "Exploitation shall include, at a minimum" in q and "· Of deception," in q
    # the document does not state the children's two-component rule nor consent irrelevance
    assert not list(g.subjects(PG.defines, CONCEPT["child-trafficking"]))
    assert g.value(d, PG.consentIrrelevant) is None


@pytest.mark.parametrize(
    "name, kind, count, first, last",
    [
        (
            "port-of-entry",
            CONCEPT["list-port-of-entry"],
            7,
            "Has entered the country illegally, has no passport or means of identification or has false documentation",
            "Is unable or is reluctant to give details of accommodation or other personal details",
        ),
        (
            "whilst-resident",
            CONCEPT["list-whilst-resident"],
            7,
            "Does not appear to have money but does have a mobile phone",
            "Has not been registered with or attended a GP practice; has not been enrolled in school",
        ),
        (
            "internal",
            CONCEPT["list-internal-trafficking"],
            6,
            "Physical symptoms indicating physical or sexual assault",
            "Low self-image, low self-esteem, self-harming behaviour, truancy and disengagement with education",
        ),
    ],
)
def test_lincs_tc_2023_three_indicator_lists_keep_every_item_in_printed_order(g, name, kind, count, first, last):
    lst = P[f"list-possible-indicators-{name}"]
    assert g.value(lst, PG.listKind) == kind
    members = set(g.objects(lst, SKOS.member))
    ordered = list(Collection(g, g.value(lst, SKOS.memberList)))
    assert len(members) == count and set(ordered) == members
    assert str(g.value(ordered[0], RDFS.label)) == first
    assert str(g.value(ordered[-1], RDFS.label)) == last
    for item in ordered:
        assert reference_of(g, item) == "possible-indicators"


def test_lincs_tc_2023_combined_indicator_items_are_kept_as_printed(g):
    item = P["ind-possible-indicators-whilst-resident-required-to-earn-minimum-daily"]
    assert quote_of(g, item) == (
        "Is required to earn a minimum amount of money every day, works in various locations, "
        "has limited amount of movement, is known to beg for money;"
    )


def test_lincs_tc_2023_concern_of_possible_trafficking_referred_immediately_to_childrens_services(g):
    d = P["duty-referrals-immediate-referral"]
    assert set(g.objects(d, PG.bearer)) == {ROLE["all-agencies"], ROLE.professional}
    assert g.value(d, PG.action) == ACTION.refer
    assert g.value(d, PG.recipient) == ROLE["childrens-services"]
    assert g.value(d, PG.trigger) == EVENT["trafficking-suspected"]
    assert g.value(d, PG.modality) == PG.should
    assert g.value(d, PG.modalWording) == Literal("should immediately")
    ts = g.value(d, PG.deadline)
    assert g.value(ts, PG.immediate).toPython() is True
    assert g.value(ts, PG.topic) == TOPIC["report-concern"]
    assert g.value(ts, PG.relativeTo) == EVENT["trafficking-suspected"]
    assert duration(g, g.value(ts, PG.maxDuration)) == (0, rns.TIME.unitMinute)
    assert reference_of(g, d) == "referrals"


def test_lincs_tc_2023_practitioners_should_not_heighten_risk_of_harm_or_abduction(g):
    d = P["duty-referrals-not-heighten-risk"]
    assert g.value(d, PG.modality) == PG.shouldNot
    assert g.value(d, PG.bearer) == ROLE.professional
    assert g.value(d, PG.action) == ACTION["heighten-risk-to-child"]
    assert "heighten the risk of harm or abduction" in quote_of(g, d)


def test_lincs_tc_2023_immigration_issues_with_ukvi_only_after_protection_addressed(g):
    d = P["duty-identification-of-trafficked-children-immigration-after-protection"]
    assert g.value(d, PG.modality) == PG.shouldNot
    assert g.value(d, PG.recipient) == ROLE["border-force"]
    assert "only when the child's need for protection from harm has been addressed" in quote_of(g, d)
    m = P["mention-identification-of-trafficked-children-ukvi"]
    assert g.value(m, PG.mentions) == ROLE["border-force"]
    assert g.value(m, PG.termUsed) == Literal("UK Visas and Immigration service")


def test_lincs_tc_2023_agencies_have_duty_to_notify_home_office_satisfied_by_nrm_for_under_18s(g):
    d = P["duty-national-referral-mechanism-nrm-notify-home-office"]
    assert g.value(d, PG.bearer) == ROLE["all-agencies"]
    assert g.value(d, PG.recipient) == ROLE["home-office"]
    assert g.value(d, PG.action) == ACTION["submit-nrm-referral"]
    assert g.value(d, PG.modality) == PG.must
    assert g.value(d, PG.modalWording) == Literal("have a duty")
    assert g.value(d, PG.ageBelow).toPython() == 18
    q = quote_of(g, d)
    assert q.startswith("Agencies have a duty to notify the Home Office")
    assert "For potential victims, under 18, this duty is satisfied through the completion of the NRM." in q
    assert reference_of(g, d) == "national-referral-mechanism-nrm"


def test_lincs_tc_2023_child_need_not_consent_to_an_nrm_referral(g):
    # no NRM duty is conditioned on consent
    for duty in g.subjects(PG.action, ACTION["submit-nrm-referral"]):
        assert COND.consent not in set(g.objects(duty, PG.condition)), duty
    d = P["duty-national-referral-mechanism-nrm-no-consent-needed"]
    assert g.value(d, PG.modality) == PG.may
    assert g.value(d, PG.consentIrrelevant).toPython() is True
    assert g.value(d, PG.ageBelow).toPython() == 18
    assert quote_of(g, d).startswith("A child does not have to consent for an NRM referral to be made")


def test_lincs_tc_2023_nrm_referral_must_be_made_for_cse_or_cce_victim_on_reasonable_grounds(g):
    d = P["duty-national-referral-mechanism-nrm-cse-cce-must-refer"]
    assert g.value(d, PG.modality) == PG.must
    assert g.value(d, PG.action) == ACTION["submit-nrm-referral"]
    assert "CSE or CCE victim" in str(g.value(d, PG.conditionText))
    assert g.value(d, PG.form) == P["form-national-referral-mechanism-nrm-report-modern-slavery"]


def test_lincs_tc_2023_first_responder_can_refer_where_suspected_but_cannot_be_proven(g):
    d = P["duty-national-referral-mechanism-nrm-first-responder-suspected"]
    assert g.value(d, PG.modality) == PG.may
    assert g.value(d, PG.modalWording) == Literal("can")
    assert "'suspected but cannot [be] prove[n]'" in quote_of(g, d)


def test_lincs_tc_2023_professionals_must_report_or_escalate_including_referral_to_lcc_childrens_services(g):
    d = P["duty-national-referral-mechanism-nrm-report-escalate"]
    assert g.value(d, PG.modality) == PG.must
    assert g.value(d, PG.recipient) == ROLE["childrens-services"]
    assert "Lincolnshire County Council (LCC) Children Services" in quote_of(g, d)
    # the NRM does not replace statutory duties: recorded with a reason, not silently skipped
    prov = P["prov-national-referral-mechanism-nrm-not-replace-statutory"]
    assert "Working Together" in str(g.value(prov, PG.coverageNote))


def test_lincs_tc_2023_nrm_report_modern_slavery_form_refers_to_competent_authority(g):
    f = P["form-national-referral-mechanism-nrm-report-modern-slavery"]
    assert (f, RDF.type, PG.Form) in g
    assert g.value(f, PG.instrumentKind) == INSTR["nrm-referral-form"]
    assert g.value(f, PG.purpose) == PURPOSE["refer-to-competent-authority"]
    assert g.value(f, PG.termUsed) == Literal("National Referral Mechanism, Report Modern Slavery form")


def test_lincs_tc_2023_screening_tool_must_be_completed_when_exploitation_suspected(g):
    d = P["duty-national-referral-mechanism-nrm-complete-screening-tool"]
    assert g.value(d, PG.modality) == PG.must
    assert g.value(d, PG.action) == ACTION["complete-exploitation-screening"]
    assert g.value(d, PG.trigger) == EVENT["exploitation-suspected"]
    assert g.value(d, PG.recipient) == ROLE.mace
    tool = g.value(d, PG.form)
    assert (tool, RDF.type, PG.Tool) in g
    assert g.value(tool, PG.instrumentKind) == INSTR["child-exploitation-screening-tool"]
    assert g.value(tool, PG.purpose) == PURPOSE["screen-exploitation"]
    # the MACE paragraph stands under the NRM heading
    assert reference_of(g, d) == "national-referral-mechanism-nrm"


def test_lincs_tc_2023_mace_business_is_weekly(g):
    ts = P["ts-national-referral-mechanism-nrm-weekly-mace-business"]
    assert (ts, RDF.type, PG.Recurrence) in g  # 'weekly': a recurrence, not a deadline
    assert g.value(ts, PG.recurring).toPython() is True
    assert duration(g, g.value(ts, PG.minDuration)) == (1, rns.TIME.unitWeek)
    assert duration(g, g.value(ts, PG.maxDuration)) == (1, rns.TIME.unitWeek)
    assert "The weekly MACE business" in quote_of(g, ts)


def test_lincs_tc_2023_interpreters_approved_and_dbs_checked(g):
    d = P["duty-strategy-discussion-and-section-47-enquiries-approved-interpreters"]
    assert g.value(d, PG.action) == ACTION["use-approved-interpreter"]
    assert g.value(d, PG.condition) == COND["not-english-speaking"]
    assert g.value(d, PG.modality) == PG.should
    m = P["mention-strategy-discussion-and-section-47-enquiries-dbs"]
    assert g.value(m, PG.mentions) == CONCEPT["criminal-records-check"]
    assert g.value(m, PG.termUsed) == Literal("DBS checked")
    assert g.value(m, PG.provision) == g.value(d, PG.provision)


def test_lincs_tc_2023_child_and_family_must_never_be_interviewed_together(g):
    d = P["duty-strategy-discussion-and-section-47-enquiries-not-interviewed-together"]
    assert g.value(d, PG.modality) == PG.mustNot
    assert g.value(d, PG.modalWording) == Literal("Under no circumstances should")
    assert g.value(d, PG.action) == ACTION["interview-child-with-family"]
    assert set(g.objects(d, PG.bearer)) == {ROLE.police, ROLE["childrens-services"]}
    assert reference_of(g, d) == "strategy-discussion-and-section-47-enquiries"
    decide = P["duty-strategy-discussion-and-section-47-enquiries-decide-joint-interview"]
    assert g.value(decide, PG.modality) == PG.should


def test_lincs_tc_2023_interpreter_must_never_be_the_sponsor_or_purported_parent(g):
    d = P["duty-strategy-discussion-and-section-47-enquiries-interpreter-not-sponsor"]
    assert g.value(d, PG.modality) == PG.mustNot
    assert "sponsor or another adult purporting to be the parent, guardian or relative" in quote_of(g, d)


def test_lincs_tc_2023_social_work_assessment_actions(g):
    see = P["duty-social-work-assessment-see-child-and-family"]
    assert g.value(see, PG.bearer) == ROLE["social-worker"]
    assert g.value(see, PG.modalWording) == Literal("should include")
    absent = P["duty-social-work-assessment-purported-carer-not-present"]
    assert g.value(absent, PG.modality) == PG.shouldNot
    assert g.value(absent, PG.action) == ACTION["allow-adult-presence"]
    overseas = P["duty-social-work-assessment-request-overseas"]
    assert g.value(overseas, PG.bearer) == ROLE["all-agencies"]
    assert (
        quote_of(g, overseas)
        == "All agencies involved should request this information from their counterparts overseas."
    )
    assert (
        g.value(P["duty-social-work-assessment-check-documentation"], PG.action)
        == ACTION["check-identity-and-documents"]
    )
    assert g.value(P["duty-social-work-assessment-photograph"], PG.action) == ACTION["take-photograph"]
    monitor = P["duty-social-work-assessment-continue-to-monitor"]
    assert "until the child is appropriately settled" in quote_of(g, monitor)


def test_lincs_tc_2023_multi_agency_meeting_after_section_47_convened_by_social_worker(g):
    d = P["duty-multi-agency-meeting-after-section-47"]
    assert g.value(d, PG.bearer) == ROLE["social-worker"]
    assert g.value(d, PG.action) == ACTION["hold-multi-agency-meeting"]
    assert g.value(d, PG.trigger) == EVENT["section-47-enquiry-completed"]
    assert {ROLE.manager, ROLE.police} <= set(g.objects(d, PG.involvesRole))
    wait = P["duty-multi-agency-meeting-no-further-action"]
    assert g.value(wait, PG.modality) == PG.shouldNot
    assert "until this meeting has been held" in str(g.value(wait, PG.conditionText))


def test_lincs_tc_2023_what_trafficked_children_need_eight_items_and_separate_interviews(g):
    lst = P["list-what-trafficked-children-need"]
    assert g.value(lst, PG.listKind) == CONCEPT["list-trafficked-children-needs"]
    ordered = list(Collection(g, g.value(lst, SKOS.memberList)))
    assert len(ordered) == 8 == len(set(g.objects(lst, SKOS.member)))
    assert str(g.value(ordered[-1], RDFS.label)) == (
        "Where appropriate, accommodation under Section 20 of the Children Act 1989 or an application of an Interim Care Order"
    )
    d = P["duty-what-trafficked-children-need-separate-interviews"]
    assert g.value(d, PG.modality) == PG.mustNot
    assert g.value(d, PG.modalWording) == Literal("at no stage should")
    assert g.value(d, PG.action) == ACTION["allow-adult-presence"]


def test_lincs_tc_2023_looked_after_trafficked_children(g):
    s20 = P["duty-trafficked-children-who-are-looked-after-section-20"]
    assert g.value(s20, PG.modality) == PG.may
    assert g.value(s20, PG.condition) == COND.uasc
    assert g.value(s20, PG.action) == ACTION["accommodate-child"]
    plan = P["duty-trafficked-children-who-are-looked-after-contingency-plans"]
    assert g.value(plan, PG.action) == ACTION["make-care-plan"]
    assert g.value(plan, PG.condition) == COND["looked-after"]
    carers = P["duty-trafficked-children-who-are-looked-after-carers-vigilant"]
    assert set(g.objects(carers, PG.bearer)) == {ROLE["residential-carer"], ROLE["foster-carer"]}
    share = P["duty-trafficked-children-who-are-looked-after-share-with-police"]
    assert g.value(share, PG.bearer) == ROLE["local-authority"]
    assert g.value(share, PG.recipient) == ROLE.police
    assert g.value(share, PG.modality) == PG.should


def test_lincs_tc_2023_return_handled_sensitively_and_ukvi_named_for_asylum(g):
    d = P["duty-returning-trafficked-children-to-their-country-of-origin-handled-sensitively"]
    assert g.value(d, PG.modality) == PG.recommended
    assert g.value(d, PG.action) == ACTION["arrange-return"]
    m = P["mention-returning-trafficked-children-to-their-country-of-origin-ukvi"]
    assert g.value(m, PG.termUsed) == Literal("UK Visas and Immigration service")
    assert reference_of(g, m) == "returning-trafficked-children-to-their-country-of-origin"


def test_lincs_tc_2023_no_provision_kept_only_as_a_coverage_tool_workaround(g):
    # the heading-joining bug of the coverage tool is fixed; these restated only sentences
    # already quoted in full by an encoded fact
    for name in (
        "prov-introduction-palermo-definition-opening",
        "prov-national-referral-mechanism-nrm-duty-to-notify-first-sentence",
        "prov-social-work-assessment-lead-in",
    ):
        assert (P[name], None, None) not in g, name


def test_lincs_tc_2023_one_nrm_referral_duty_is_checked_and_permissions_are_not(g):
    nrm = set(g.subjects(PG.action, ACTION["submit-nrm-referral"]))
    triggered = {d for d in nrm if g.value(d, PG.trigger) is not None}
    assert triggered == {P["duty-national-referral-mechanism-nrm-notify-home-office"]}
    for d in nrm:
        if g.value(d, PG.modality) == PG.may:
            assert g.value(d, PG.trigger) is None, d
    assert g.value(P["duty-national-referral-mechanism-nrm-report-escalate"], PG.trigger) is None
    assert g.value(P["duty-referrals-not-heighten-risk"], PG.trigger) is None


def test_lincs_tc_2023_prompt_decisions_on_referrals_to_childrens_services(g):
    d = P["duty-referrals-prompt-decisions"]
    assert g.value(d, PG.bearer) == ROLE["childrens-services"]
    assert g.value(d, PG.action) == ACTION["decide-course-of-action"]
    assert g.value(d, PG.trigger) == EVENT.referral
    assert g.value(d, PG.triggerRecipient) == ROLE["childrens-services"]
    # only a referral about 'a child who may be trafficked' (issue #15)
    assert g.value(d, PG.requiresPriorEvent) == EVENT["trafficking-suspected"]
    assert g.value(d, PG.modality) == PG.must
    assert g.value(d, PG.modalWording) == Literal("are needed")
    assert g.value(d, PG.deadline) is None  # 'Prompt' has no number
    assert quote_of(g, d) == (
        "Prompt decisions are needed when the concerns relate to a child who may be trafficked "
        "in order to act before the child goes missing."
    )

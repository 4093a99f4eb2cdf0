"""Facts of the 4LSCB Missing, Exploited and Trafficked Children Protocol (v1, December 2013)
that a policy lead would check, pinned on the real encoding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, SKOS, URIRef
from rdflib import namespace as rdf_ns

from protograph.corpus.namespace import ACTION, CONCEPT, COND, EVENT, INSTR, PG, PURPOSE, ROLE, TOPIC, protocol_iri
from support import duration as duration_of
from support import quotes_of, references_of

DCTERMS, PROV, TIME = rdf_ns.DCTERMS, rdf_ns.PROV, rdf_ns.TIME

PID = "4lscb-met-2013"
P = f"https://w3id.org/protograph/protocol/{PID}/"


@pytest.fixture(scope="module")
def g(corpus):
    return corpus.graph(PID)


def node(local: str) -> URIRef:
    return URIRef(P + local)


def duration(g, ts, which):
    return duration_of(g, g.value(ts, which))


def members(g, lst) -> set[URIRef]:
    return set(g.objects(lst, SKOS.member))


def test_4lscb_met_2013_is_version_1_of_december_2013_revising_the_2011_trafficking_protocol(g):
    iri = protocol_iri(PID)
    assert (iri, RDF.type, PG.ProtocolVersion) in g
    assert g.value(iri, PROV.wasRevisionOf) == protocol_iri("4lscb-ctp-2011")
    assert str(g.value(iri, DCTERMS.issued)) == "2013-12"
    assert {str(a) for a in g.objects(iri, PG.area)} == {"Hampshire", "Isle of Wight", "Portsmouth", "Southampton"}


def test_4lscb_met_2013_return_interview_for_looked_after_child_due_within_72_hours(g):
    duty = node("duty-5.3.1-return-interview-looked-after")
    assert g.value(duty, PG.action) == ACTION["conduct-return-interview"]
    assert g.value(duty, PG.trigger) == EVENT["returned"]
    assert g.value(duty, PG.condition) == COND["looked-after"]
    assert g.value(duty, PG.modality) == PG.should
    assert references_of(g, duty) == {"5.3.1"}
    ts = g.value(duty, PG.deadline)
    assert ts == node("ts-5.3.1-return-interview-looked-after-72h")
    assert (ts, RDF.type, PG.Deadline) in g
    assert g.value(ts, PG.topic) == TOPIC["return-interview"]
    assert g.value(ts, PG.relativeTo) == EVENT["returned"]
    assert duration(g, ts, PG.minDuration) == (72, TIME.unitHour)
    assert duration(g, ts, PG.maxDuration) == (72, TIME.unitHour)
    assert g.value(ts, PG.soft).toPython() is True
    assert (
        "within a maximum of 72 hours, although individual circumstances will impact on this timescale"
        in quotes_of(g, duty)[0]
    )


def test_4lscb_met_2013_seraf_completed_by_childrens_social_care_within_7_working_days_of_referral(g):
    duty = node("duty-5.3.2-seraf-within-7-working-days")
    assert set(g.objects(duty, PG.bearer)) == {ROLE["childrens-services"]}
    assert g.value(duty, PG.action) == ACTION["complete-seraf-assessment"]
    # a referral starts the clock only in a case that shows a CSE concern first
    assert g.value(duty, PG.trigger) == EVENT["referral"]
    assert g.value(duty, PG.requiresPriorEvent) == EVENT["exploitation-suspected"]
    assert g.value(duty, PG.modality) == PG.should
    assert g.value(duty, PG.form) == node("tool-app-2-seraf")
    ts = g.value(duty, PG.deadline)
    assert duration(g, ts, PG.maxDuration) == (7, PG.unitWorkingDay)
    assert duration(g, ts, PG.minDuration) == (7, PG.unitWorkingDay)
    assert g.value(ts, PG.relativeTo) == EVENT["referral"]
    assert "within 7 working days of the referral" in quotes_of(g, duty)[0]


def test_4lscb_met_2013_child_trafficking_assessment_tool_also_due_within_7_working_days(g):
    duty = node("duty-5.3.3-ctat-within-7-working-days")
    assert g.value(duty, PG.action) == ACTION["complete-trafficking-assessment"]
    tool = g.value(duty, PG.form)
    assert g.value(tool, PG.instrumentKind) == INSTR["child-trafficking-assessment-tool"]
    assert duration(g, g.value(duty, PG.deadline), PG.maxDuration) == (7, PG.unitWorkingDay)


def test_4lscb_met_2013_absent_or_missing_3_in_90_days_threshold_counts_both_categories(g):
    thr = node("thr-5.2-absent-or-missing-3-in-90-days")
    assert (thr, RDF.type, PG.Threshold) in g
    assert g.value(thr, PG.count).toPython() == 3
    window = g.value(thr, PG.window)
    assert (Decimal(str(g.value(window, TIME.numericDuration))), g.value(window, TIME.unitType)) == (90, TIME.unitDay)
    assert g.value(thr, PG.countsEvent) == EVENT["missing"]
    assert {str(c) for c in g.objects(thr, PG.countsCategory)} == {"absent", "missing"}
    duty = g.value(thr, PG.consequence)
    assert g.value(duty, PG.triggerThreshold) == thr
    assert g.value(duty, PG.action) == ACTION["issue-police-alert-form"]
    assert g.value(g.value(duty, PG.form), PG.instrumentKind) == INSTR["cyp-form"]
    # 5.3.1: the same count leads Children's Services to an Initial Assessment with a return interview
    thr531 = node("thr-5.3.1-absent-or-missing-3-in-90-days")
    assert {str(c) for c in g.objects(thr531, PG.countsCategory)} == {"absent", "missing"}
    assert g.value(g.value(thr531, PG.consequence), PG.action) == ACTION["complete-initial-assessment"]


def test_4lscb_met_2013_cyp_issued_by_police_in_exactly_three_circumstances(g):
    form = node("form-5.2-cyp")
    assert g.value(form, PG.purpose) == PURPOSE["alert-childrens-services"]
    duties = {d for d in g.subjects(PG.form, form) if g.value(d, PG.action) == ACTION["issue-police-alert-form"]}
    assert len(duties) == 3
    for duty in duties:
        assert set(g.objects(duty, PG.bearer)) == {ROLE["police"]}
        assert g.value(duty, PG.modality) == PG.will


def test_4lscb_met_2013_child_trafficking_definition_has_exactly_two_components_and_ignores_consent(g):
    child = node("def-4.3-child-trafficking")
    assert g.value(child, PG.defines) == CONCEPT["child-trafficking"]
    assert set(g.objects(child, PG.component)) == {CONCEPT["movement"], CONCEPT["exploitation"]}
    assert g.value(child, PG.consentIrrelevant).toPython() is True
    adult = node("def-4.3-trafficking")
    assert set(g.objects(adult, PG.component)) == {CONCEPT["movement"], CONCEPT["control"], CONCEPT["exploitation"]}
    assert "UNHCR" in str(g.value(adult, PG.definedBy))


def test_4lscb_met_2013_police_missing_is_medium_or_high_risk_and_absent_no_or_tolerable(g):
    missing = node("def-4.1-police-missing")
    assert g.value(missing, PG.defines) == CONCEPT["missing"]
    assert set(g.objects(missing, PG.riskLevel)) == {CONCEPT["risk-medium"], CONCEPT["risk-high"]}
    assert set(g.objects(missing, PG.component)) == {
        CONCEPT["whereabouts-unknown"],
        CONCEPT["out-of-character-or-risk"],
    }
    absent = node("def-4.1-police-absent")
    assert set(g.objects(absent, PG.riskLevel)) == {CONCEPT["risk-none"], CONCEPT["risk-tolerable"]}
    assert str(g.value(absent, PG.definedBy)) == "Hampshire Constabulary"
    assert len(members(g, node("list-4.1-police-assessment-factors"))) == 9


def test_4lscb_met_2013_cse_definition_covers_under_18s_exchange_power_and_technology(g):
    cse = node("def-4.2-cse")
    assert g.value(cse, PG.ageBelow).toPython() == 18
    assert {CONCEPT["exchange"], CONCEPT["power-imbalance"], CONCEPT["technology"]} <= set(g.objects(cse, PG.component))
    assert any("male and female children up to the age of 18 years" in q for q in quotes_of(g, cse))


def test_4lscb_met_2013_uasc_at_very_high_risk_of_going_missing_within_24_hours_of_arrival(g):
    ts = node("ts-5.2-uasc-missing-within-24h-of-arrival")
    assert (ts, RDF.type, PG.RiskWindow) in g
    assert g.value(ts, PG.topic) == TOPIC["flight-risk-window"]
    assert g.value(ts, PG.relativeTo) == EVENT["arrived-uk"]
    assert duration(g, ts, PG.maxDuration) == (24, TIME.unitHour)
    assert references_of(g, ts) == {"5.2"}


def test_4lscb_met_2013_police_send_details_of_children_missing_24_hours_to_national_bureau(g):
    duty = node("duty-5.2-notify-national-bureau")
    assert set(g.objects(duty, PG.bearer)) == {ROLE["police"]}
    assert g.value(duty, PG.recipient) == ROLE["national-missing-persons-bureau"]
    assert g.value(duty, PG.trigger) == EVENT["missing"]
    # "missing more than 24 hours": owed once 24 hours have passed, so a qualifying period, not a deadline
    assert g.value(duty, PG.deadline) is None
    ts = g.value(duty, PG.timescale)
    assert (ts, RDF.type, PG.QualifyingPeriod) in g
    assert duration(g, ts, PG.maxDuration) == (24, TIME.unitHour)
    assert g.value(ts, PG.relativeTo) == EVENT["missing"]
    assert g.value(duty, PG.cancelledBy) == EVENT["returned"]


def test_4lscb_met_2013_police_review_absent_reports_after_usually_6_to_8_hours(g):
    duty = node("duty-5.3.1-police-review-absent")
    assert str(g.value(duty, PG.triggerCategory)) == "absent"
    # "after a defined period of time, usually 6-8 hours": when the review happens, not a due time
    assert g.value(duty, PG.deadline) is None
    ts = g.value(duty, PG.timescale)
    assert (ts, RDF.type, PG.ScheduledPoint) in g
    assert duration(g, ts, PG.minDuration) == (6, TIME.unitHour)
    assert duration(g, ts, PG.maxDuration) == (8, TIME.unitHour)
    assert g.value(ts, PG.soft).toPython() is True
    assert g.value(ts, PG.topic) == TOPIC["police-missing-review"]


def test_4lscb_met_2013_golden_hour_after_a_trafficked_child_goes_missing(g):
    ts = node("ts-5.2-golden-hour")
    assert g.value(ts, PG.topic) == TOPIC["golden-hour"]
    assert g.value(ts, PG.relativeTo) == EVENT["missing"]
    assert duration(g, ts, PG.maxDuration) == (1, TIME.unitHour)


def test_4lscb_met_2013_strategy_discussion_decides_within_24_hours_or_without_delay(g):
    duty = node("duty-5.5.1-decide-within-24-hours")
    assert g.value(duty, PG.trigger) == EVENT["strategy-discussion"]
    day = g.value(duty, PG.deadline)
    assert duration(g, day, PG.maxDuration) == (24, TIME.unitHour)
    assert g.value(day, PG.relativeTo) == EVENT["strategy-discussion"]
    # "without delay if there is immediate concern": a circumstance no timeline records
    assert g.value(node("duty-5.5.1-decide-without-delay"), PG.trigger) is None
    now = g.value(node("duty-5.5.1-decide-without-delay"), PG.deadline)
    assert g.value(now, PG.immediate).toPython() is True
    assert duration(g, now, PG.maxDuration) == (0, TIME.unitMinute)


def test_4lscb_met_2013_strategy_meeting_always_convened_for_trafficking_and_attended_by_ukba(g):
    duty = node("duty-5.5.2-strategy-meeting-trafficking")
    assert g.value(duty, PG.action) == ACTION["hold-strategy-meeting"]
    assert g.value(duty, PG.modality) == PG.should
    assert str(g.value(duty, PG.modalWording)) == "should always be convened"
    ukba = node("duty-5.5.2-attend-ukba")
    assert set(g.objects(ukba, PG.bearer)) == {ROLE["border-force"]}
    assert g.value(ukba, PG.action) == ACTION["attend-meeting"]
    assert len(members(g, node("list-5.5.2-immediate-safety-plan"))) == 6


def test_4lscb_met_2013_seraf_scoring_rules_match_appendix_2(g):
    tool = node("tool-app-2-seraf")
    assert g.value(tool, PG.instrumentKind) == INSTR["seraf"]
    assert len(members(g, node("list-app-2-seraf-vulnerabilities"))) == 11
    assert len(members(g, node("list-app-2-seraf-moderate"))) == 10
    assert len(members(g, node("list-app-2-seraf-significant"))) == 9
    points = {
        r: g.value(r, PG.points).toPython()
        for r in g.subjects(PG.scoringTool, tool)
        if (r, RDF.type, PG.ScoreRule) in g
    }
    assert points[node("rule-app-2-seraf-significant-current-5")] == 5
    assert points[node("rule-app-2-seraf-significant-recent-1")] == 1
    assert points[node("rule-app-2-seraf-disability-1")] == 1
    under13 = node("rule-app-2-seraf-under-13-5")
    assert points[under13] == 5
    assert g.value(under13, PG.ageBelow).toPython() == 13
    assert g.value(under13, PG.minCountOfList).toPython() == 1
    assert g.value(under13, PG.appliesToList) == node("list-app-2-seraf-significant")


def test_4lscb_met_2013_seraf_bands_are_0_5_6_10_11_15_and_16_plus(g):
    tool = node("tool-app-2-seraf")
    bands = {}
    for band in g.subjects(PG.scoringTool, tool):
        if (band, RDF.type, PG.ScoreBand) in g:
            top = g.value(band, PG.maxScore)
            bands[g.value(band, PG.categoryNumber).toPython()] = (
                g.value(band, PG.minScore).toPython(),
                top.toPython() if top is not None else None,
            )
    assert bands == {1: (0, 5), 2: (6, 10), 3: (11, 15), 4: (16, None)}
    band4 = node("band-app-2-seraf-4")
    assert g.value(band4, PG.riskLevel) == CONCEPT["risk-seraf-4"]
    actions = " ".join(str(a) for a in g.objects(band4, PG.associatedAction))
    assert "long-term intensive direct work" in actions


def test_4lscb_met_2013_nrm_has_four_stages_and_a_45_day_reflection_period(g):
    stages = {g.value(s, PG.stageNumber).toPython(): s for s in g.subjects(RDF.type, PG.ProcessStage)}
    assert sorted(stages) == [1, 2, 3, 4]
    assert g.value(stages[2], PG.performedBy) == ROLE["childrens-services"]
    assert g.value(stages[2], PG.outcomeEvent) == EVENT["nrm-referral"]
    assert g.value(stages[4], PG.outcomeEvent) == EVENT["conclusive-decision"]
    ts = node("ts-app-3-reflection-period-45-days")
    assert (ts, RDF.type, PG.ExtendablePeriod) in g  # "an extendable reflection and recovery period"
    assert g.value(ts, PG.relativeTo) == EVENT["reasonable-grounds-decision"]
    assert duration(g, ts, PG.maxDuration) == (45, TIME.unitDay)


def test_4lscb_met_2013_nrm_referral_should_not_prevent_immediate_safeguarding(g):
    duty = node("duty-app-3-nrm-not-delay-safeguarding")
    assert g.value(duty, PG.modality) == PG.shouldNot
    assert "should not prevent immediate safeguarding actions" in quotes_of(g, duty)[0]


def test_4lscb_met_2013_port_of_entry_indicators_all_eleven_in_order(g):
    lst = node("list-5.1.3-port-of-entry")
    assert g.value(lst, PG.listKind) == CONCEPT["list-port-of-entry"]
    items = members(g, lst)
    assert len(items) == 11
    assert node("ind-5.1.3-false-documentation") in items
    assert len(members(g, node("list-5.1.3-whilst-resident"))) == 14
    assert len(members(g, node("list-5.1.3-internally-trafficked"))) == 17


def test_4lscb_met_2013_names_ukba_and_ukhtc_as_renamed_agencies(g):
    mentioned = {(g.value(m, PG.mentions), str(g.value(m, PG.termUsed))) for m in g.subjects(RDF.type, PG.Mention)}
    assert (ROLE["border-force"], "UK Borders Agency (UKBA)") in mentioned
    assert (ROLE["ukhtc"], "UKHTC") in mentioned
    assert (ROLE["safeguarding-board"], "Local Safeguarding Children Boards") in mentioned


def test_4lscb_met_2013_duties_ended_by_the_childs_return(g):
    for local in ("duty-5.2-notify-national-bureau", "duty-5.2-cyp-missing-not-returned"):
        duty = node(local)
        assert g.value(duty, PG.trigger) == EVENT["missing"]
        assert str(g.value(duty, PG.triggerCategory)) == "missing"
        assert set(g.objects(duty, PG.cancelledBy)) == {EVENT["returned"]}


@pytest.mark.parametrize(
    "local",
    [
        "duty-5.2-cyp-returned-harmed",  # "has suffered harm"
        "duty-5.2-inform-police-bureau-not-appropriate",  # "If this is not appropriate"
        "duty-5.2-refer-trafficking-concern",  # "If after discussion there remain concerns"
        "duty-5.2-refer-cse-concern",
        "duty-5.3.1-joint-safe-and-well-check",  # "may be appropriate, in some circumstances"
        "duty-5.3.1-return-interview-before-placement",  # "issues related to their placement"
        "duty-5.3.3-follow-nrm",  # "where, through the assessment process, it is suspected"
        "duty-5.5.1-inform-referrer-of-outcome",  # "the person making the referral": no case role
        "duty-5.5.2-strategy-meeting-trafficking",
        "duty-5.5.2-strategy-meeting-cse",  # SERAF category 3 or 4
        "duty-app-3-professional-completes-tool",
        "duty-app-3-nrm-referral-to-ukhtc",
        "duty-app-3-act-promptly-assess-need",
        "duty-app-3-conclusive-decision",  # "Following a positive reasonable grounds decision"
        "duty-app-3-ask-ukba-suspend-removal",
    ],
)
def test_4lscb_met_2013_duties_owed_only_in_circumstances_a_timeline_does_not_record_have_no_trigger(g, local):
    duty = node(local)
    assert (duty, RDF.type, PG.Duty) in g
    assert g.value(duty, PG.trigger) is None
    assert g.value(duty, PG.triggerThreshold) is None
    assert g.value(duty, PG.conditionText) is not None or "Trigger review" in str(g.value(duty, SKOS.editorialNote))


def test_4lscb_met_2013_trafficking_assessment_clock_starts_at_a_referral_only_after_a_trafficking_concern(corpus):
    g = corpus.graph("4lscb-met-2013")
    duty = node("duty-5.3.3-ctat-within-7-working-days")
    assert g.value(duty, PG.trigger) == EVENT["referral"]
    assert g.value(duty, PG.requiresPriorEvent) == EVENT["trafficking-suspected"]


# --- pinned by the fact-by-fact fidelity review ---------------------------------------------


def test_4lscb_met_2013_4_1_awareness_that_police_do_not_recognise_every_missing_report(g):
    duty = node("duty-4.1-aware-not-all-recognised-missing")
    assert g.value(duty, PG.action) == ACTION["be-aware"]
    assert g.value(duty, PG.modality) == PG.recommended
    assert str(g.value(duty, PG.modalWording)) == "it is important to be aware"
    assert quotes_of(g, duty) == [
        "However, it is important to be aware that within Hampshire Constabulary not all children reported "
        "to the police as missing will be recognised as such."
    ]


def test_4lscb_met_2013_5_2_referral_notifications_each_cite_their_own_sentence(g):
    lead = node("duty-5.2-inform-csc-lead-officer")
    assert quotes_of(g, lead) == [
        "The Children's Social Care lead officer for missing, exploited and trafficked children should be "
        "informed of the referral by the person receiving the referral."
    ]
    worker = node("duty-5.2-inform-allocated-social-worker")
    assert quotes_of(g, worker) == ["Where the child has an allocated social worker, they should also be informed."]
    assert g.value(worker, PG.condition) == COND["allocated-social-worker"]


def test_4lscb_met_2013_5_5_1_decision_label_matches_its_trigger(g):
    duty = node("duty-5.5.1-decide-within-24-hours")
    assert "of the referral" not in str(g.value(duty, rdf_ns.RDFS.label))
    assert (
        g.value(g.value(duty, PG.deadline), PG.relativeTo) == g.value(duty, PG.trigger) == EVENT["strategy-discussion"]
    )


def test_4lscb_met_2013_seraf_rules_quote_the_scoring_sentences_themselves(g):
    assert quotes_of(g, node("rule-app-2-seraf-vulnerability-1")) == ["Each vulnerability carries a score of 1."]
    moderate = node("rule-app-2-seraf-moderate-current-1")
    assert quotes_of(g, moderate) == [
        "These should be ticked if they are currently present or have been present during the past 6 months. "
        "Each moderate risk indicator carries a score of 1."
    ]
    assert g.value(moderate, PG.timeFrame) == CONCEPT["timeframe-current"]
    assert any(
        "this carries a score of 5 (right hand column)" in q
        for q in quotes_of(g, node("rule-app-2-seraf-significant-current-5"))
    )
    assert any(
        "this carries a score of 1 (left hand column)" in q
        for q in quotes_of(g, node("rule-app-2-seraf-significant-recent-1"))
    )


def test_4lscb_met_2013_seraf_band_actions_are_the_5_6_2_table_verbatim(g):
    def actions(n):
        return {str(a) for a in g.objects(node(f"band-app-2-seraf-{n}"), PG.associatedAction)}

    assert actions(1) == {"Educate to stay safe. Review risk following any significant change in circumstances."}
    assert actions(2) == {
        "Consider multi-agency meeting to share information and agree a plan to address risk and/or need. "
        "Work on risk awareness and staying safe should be undertaken with this child/young person. "
        "Review risk following any significant change in circumstances."
    }
    assert "At least one review meeting to be convened." in " ".join(actions(3))
    assert "including regular review meetings." in " ".join(actions(4))


def test_4lscb_met_2013_seraf_score_from_the_encoded_rules(g):
    from protograph.corpus.seraf import SerafInput, load_rules, score

    rules = load_rules(g)
    # under 13, disabled, one significant indicator present now and 6-12 months ago: 5 + 1 + 1 + 5 = 12
    child = SerafInput(
        significant_current=frozenset({"ind-app-2-periods-going-missing-overnight-longer"}),
        significant_recent=frozenset({"ind-app-2-periods-going-missing-overnight-longer"}),
        age=12,
        disabled=True,
    )
    result = score(rules, child)
    assert (result.total, result.category) == (12, 3)
    # 16 is the first score of category 4; 15 is still category 3
    sixteen = SerafInput(
        vulnerabilities=frozenset(i.id for i in rules.lists["vulnerabilities"]),
        moderate=frozenset(i.id for i in rules.lists["moderate"][:5]),
    )
    assert (score(rules, sixteen).total, score(rules, sixteen).category) == (16, 4)
    fifteen = SerafInput(
        vulnerabilities=frozenset(i.id for i in rules.lists["vulnerabilities"]),
        moderate=frozenset(i.id for i in rules.lists["moderate"][:4]),
    )
    assert (score(rules, fifteen).total, score(rules, fifteen).category) == (15, 3)


def test_4lscb_met_2013_reflection_period_facts_cite_their_own_sentences(g):
    ask = node("duty-app-3-ask-ukba-suspend-removal")
    assert quotes_of(g, ask) == ["During this time UKBA will be asked to suspend removal action."]
    period = node("ts-app-3-reflection-period-45-days")
    assert any(q.startswith("The 45 day period") for q in quotes_of(g, period))
    assert duration(g, period, PG.minDuration) == (45, TIME.unitDay)

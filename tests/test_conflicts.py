"""Conflicts across protocols and inside one, renames, and version diffs, on the real encodings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from protograph.comparing.conflicts import conflicts, protocol_renames
from protograph.comparing.diff import diff


@pytest.fixture(scope="module")
def found(corpus):
    return conflicts(corpus, include_superseded=True)


def _find(found, kind, topic_part):
    return [c for c in found if c.kind == kind and topic_part in c.topic]


def _values(conflict):
    return {(s.protocol, s.provision): s.value for s in conflict.sides}


def test_48_hours_of_safeguarding_is_not_compared_with_24_hours_of_entering_the_uk(found):
    # The two flight-risk windows count from different events: comparing them compares unlike things.
    assert not [c for c in found if c.kind == "timescale" and "flight-risk-window" in c.topic]


def test_absent_or_missing_three_times_conflicts_with_missing_three_times_in_90_days(found):
    (threshold,) = _find(found, "threshold", "repeat-missing")
    values = _values(threshold)
    assert values[("4lscb-met-2013", "5.2")] == "3 × absent or missing in 90 days"
    assert values[("4lscb-met-guide-2018", "95")] == "3 × missing in 90 days"


def test_police_absent_and_missing_categories_differ_from_the_college_of_policing_definition(found):
    (missing,) = [c for c in _find(found, "definition", "missing") if c.topic == "missing" and c.scope == "across"]
    values = _values(missing)
    assert "risk levels: high risk, medium risk" in values[("4lscb-met-2013", "4.1")]
    assert "no apparent risk" in values[("4lscb-met-guide-2018", "12")]
    assert "until located and wellbeing confirmed" in values[("4lscb-met-guide-2018", "12")]


def test_cypr_cyp_and_ppn1_are_different_forms_for_the_same_purpose(found):
    (alert,) = [c for c in _find(found, "form", "police alert to children's services") if c.scope == "across"]
    named = {s.protocol: s.value for s in alert.sides}
    assert (
        "CYPR" in named["4lscb-ctp-2011"]
        and "(CYP)" in named["4lscb-met-2013"]
        and "PPN1" in named["4lscb-met-guide-2018"]
    )


def test_a_document_contradicting_itself_is_found(found):
    inside = [c for c in found if c.scope == "within"]
    assert inside
    assert all(len(c.protocols) == 1 for c in inside)
    (trafficking,) = [
        c
        for c in inside
        if c.kind == "definition" and c.topic == "child trafficking" and c.protocols == ("4lscb-ctp-2011",)
    ]
    values = _values(trafficking)
    assert "control" in values[("4lscb-ctp-2011", "4.2")] and "control" not in values[("4lscb-ctp-2011", "5.1")]


def test_consistent_provisions_are_not_conflicts(found):
    # Both 4LSCB versions give the looked-after child's return interview a maximum of 72 hours.
    assert not [c for c in found if c.kind == "deadline" and c.obligation == "return-interview-after-missing-episode"]
    # Deadlines that agree in length but not in unit, or are both 'immediately', never conflict.
    for conflict in _find(found, "deadline", ""):
        assert len({s.value for s in conflict.sides}) > 1


def test_every_side_cites_its_clause_and_quotes_the_text(found):
    for conflict in found:
        assert len(conflict.sides) >= 2
        for side in conflict.sides:
            if side.value != "no such duty":
                assert side.provision and len(side.quote) > 5, conflict


def test_renames_are_shown_as_renames_and_never_as_conflicts(corpus, found):
    renamed = {r.concept: r for r in protocol_renames(corpus, include_superseded=True)}
    ukba = renamed["immigration authority"]
    words = {s.value for s in ukba.sides}
    assert any("UKBA" in w or "Border Agency" in w for w in words) and "UK Visas and Immigration service" in words
    assert any("UK Visas and Immigration" in n and "2013-04-01" in n for n in ukba.names)
    checks = renamed["criminal records check"]
    assert {s.value for s in checks.sides} >= {"Criminal Record Bureau (CRB) checked", "DBS checked"}
    for conflict in found:
        assert "immigration authority" not in conflict.topic and "criminal records" not in conflict.topic


def test_conflicts_json_has_kind_topic_and_sides_with_protocol_provision_value_quote():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from protograph.cli import main; main()",
            "conflicts",
            "--format",
            "json",
            "--protocols",
            "4lscb-ctp-2011,4lscb-met-guide-2018",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert entries
    for entry in entries:
        assert {"kind", "topic", "sides"} <= set(entry)
        for side in entry["sides"]:
            assert {"protocol", "provision", "value", "quote"} <= set(side)
            assert side["protocol"] in ("4lscb-ctp-2011", "4lscb-met-guide-2018")


def test_html_report_is_self_contained_and_escapes_the_text(tmp_path):
    out = tmp_path / "conflicts.html"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from protograph.cli import main; main()",
            "conflicts",
            "--format",
            "html",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "http://" not in page.split("<body>")[0]
    assert "<script" not in page and "src=" not in page
    assert 'href="#kind-headline"' in page and "@media print" in page
    assert page.index("Headline disagreements (") < page.index("Duty in one protocol, absent from another (")


def test_html_escapes_markup_in_every_field():
    from protograph.reports.policy import entries_html

    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    page = entries_html(
        [
            {
                "kind": "form",
                "topic": evil,
                "scope": "across",
                "note": evil,
                "sides": [{"protocol": evil, "provision": evil, "value": evil, "quote": evil}],
            }
        ],
        evil,
        evil,
    )
    assert "<script>" not in page and "<img" not in page
    assert page.count("&lt;script&gt;") >= 6


def test_diff_2011_to_2013_does_not_pair_risk_windows_counted_from_different_events(corpus):
    """ctp-2011 9.5: "some child victims flee local authority care, often within 48 hours of
    safeguarding" counts from the child being safeguarded; met-2013 5.2: UASC "are at very high
    risk of going missing within 24 hours of entering the UK" counts from arrival, for children
    not yet in care. Different events (and children): 2013 does not shorten 2011's window, it
    drops one and states another, so the diff shows one removed and one added flight-risk
    window, each with its own starting event in words, not a change from 48 to 24 hours."""
    changes = diff(corpus, "4lscb-ctp-2011", "4lscb-met-2013")
    window = [
        c for c in changes if c.area == "timescale" and c.topic.startswith("how soon a trafficked child may go missing")
    ]
    assert sorted((c.kind, (c.before or c.after)[0]) for c in window) == [("added", "5.2"), ("removed", "9.5")]
    (gone,) = [c for c in window if c.kind == "removed"]
    (new,) = [c for c in window if c.kind == "added"]
    assert "48 hours of safeguarding" in gone.before[2] and "from child safeguarded" in gone.before[1]
    assert "24 hours of entering the UK" in new.after[2] and "from arrived in the UK" in new.after[1]
    assert not any(
        internal in c.summary + str(c.before) + str(c.after)
        for c in window
        for internal in ("PT48H", "PT24H", "child-safeguarded", "arrived-uk")
    )
    added = [c for c in changes if c.kind == "added" and c.area == "timescale"]
    assert any(c.after[0] == "5.3.2" and "working days" in c.after[1] for c in added)
    removed = [c for c in changes if c.kind == "removed" and c.area == "timescale"]
    assert any(c.before[0] == "14.2" for c in removed)  # the 24-48 hour joint visit is gone in 2013


def test_diff_2013_to_2018_shows_changed_definitions_with_quotes_on_both_sides(corpus):
    changes = diff(corpus, "4lscb-met-2013", "4lscb-met-guide-2018", ["definition"])
    missing = [c for c in changes if c.topic == "missing"]
    assert missing and missing[0].kind == "changed"
    assert missing[0].before[0] == "4.1" and missing[0].after[0] == "12"
    assert "College of Policing" in missing[0].after[2]


def test_diff_names_a_rename_as_a_rename(corpus):
    changes = diff(corpus, "4lscb-ctp-2011", "lincs-tc-2023", ["rename"])
    assert {c.topic for c in changes} >= {"criminal records check", "immigration authority"}
    assert all(c.kind == "rename" for c in changes)


def test_diff_command_gives_changes_with_clauses_and_quotes_on_both_sides_in_json_and_markdown():
    args = [sys.executable, "-c", "from protograph.cli import main; main()", "diff", "4lscb-ctp-2011", "4lscb-met-2013"]
    as_json = subprocess.run(
        [*args, "--format", "json", "--area", "timescale"], capture_output=True, text=True, timeout=300
    )
    assert as_json.returncode == 0, as_json.stderr
    entries = json.loads(as_json.stdout)
    (gone,) = [
        e for e in entries if e["kind"] == "removed" and "how soon a trafficked child may go missing" in e["topic"]
    ]
    before, after = gone["sides"]
    assert (before["protocol"], before["provision"], after["protocol"], after["value"]) == (
        "4lscb-ctp-2011",
        "9.5",
        "4lscb-met-2013",
        "(none)",
    )
    assert "48 hours of safeguarding" in before["quote"]
    (new,) = [e for e in entries if e["kind"] == "added" and "how soon a trafficked child may go missing" in e["topic"]]
    assert new["sides"][1]["provision"] == "5.2" and "24 hours of entering the UK" in new["sides"][1]["quote"]
    as_markdown = subprocess.run([*args, "--format", "markdown"], capture_output=True, text=True, timeout=300)
    assert as_markdown.stdout.startswith(
        "# Changes from 4LSCB Child Trafficking Protocol 2011 to 4LSCB Missing, Exploited and Trafficked Protocol 2013"
    )


def test_every_bundled_protocol_has_a_short_title_used_with_its_id_in_sentences(corpus):
    from protograph.comparing.conflicts import conflicts, protocol_name

    names = {p: protocol_name(corpus, p) for p in corpus.ids()}
    assert names["herts-tc-2016"] == "Hertfordshire Trafficked Children Protocol 2016"
    assert all(corpus.info(p).short_title and len(n) <= 55 for p, n in names.items()), names
    (family,) = [
        c
        for c in conflicts(corpus, ["4lscb-ctp-2011", "herts-tc-2016"])
        if c.obligation == "the-childs-contact-with-family"
    ]
    assert family.summary.startswith("4LSCB Child Trafficking Protocol 2011 (4lscb-ctp-2011) 8.2 says ")
    assert "Hertfordshire Trafficked Children Protocol 2016 (herts-tc-2016) 8.4 says " in family.summary
    assert "Multi-Agency Protocol" not in family.summary  # the long title stays out of the sentence


def test_conflicts_report_is_a_library_call_naming_each_side_by_short_title_and_id(corpus):
    from protograph.reports.policy import conflicts_report, diff_report

    text, count = conflicts_report(corpus, ["4lscb-ctp-2011", "herts-tc-2016"], ["forbidden"], fmt="markdown")
    assert count == 1
    assert "- **4LSCB Child Trafficking Protocol 2011 (4lscb-ctp-2011) 8.2**: the child may not phone" in text
    page, _ = conflicts_report(corpus, ["4lscb-ctp-2011", "herts-tc-2016"], ["forbidden"], fmt="html")
    assert "<td>Hertfordshire Trafficked Children Protocol 2016 (herts-tc-2016)</td><td>8.4</td>" in page
    rows, _ = conflicts_report(corpus, ["4lscb-ctp-2011", "herts-tc-2016"], ["forbidden"], fmt="json")
    assert {s["protocol"] for s in json.loads(rows)[0]["sides"]} == {"4lscb-ctp-2011", "herts-tc-2016"}  # ids stay ids
    text, changes = diff_report(corpus, "4lscb-met-2013", "4lscb-met-guide-2018", ["form"], "markdown")
    assert changes >= 3 and "(4lscb-met-guide-2018) 95**: police Children and Young People form (PPN1)" in text


def test_a_body_and_a_body_within_it_are_not_a_bearer_conflict(corpus):
    """Guide 99 "will be accommodated in the care of the relevant local authority" and herts 5.2
    "referred to children's social care and accommodated" name one body: children's services
    are the local authority's (roles.ttl, skos:broader). Herts 6.2's children's services as
    *local* competent authority deciding reasonable grounds, against the guide's national
    Competent Authority, are two bodies and stay a bearer conflict."""
    default = conflicts(corpus, kinds=["bearer"])
    assert not [c for c in default if c.obligation == "accommodate-a-child-with-no-safe-carer"]
    assert not [
        c for c in default if c.obligation == "assess-the-needs-of-a-referred-child"
    ]  # herts 6.2 / lincs social worker
    (grounds,) = [c for c in default if c.obligation == "make-a-reasonable-grounds-decision"]
    assert {s.value for s in grounds.sides} == {"competent authority", "children's services"}
    older = conflicts(corpus, kinds=["bearer"], include_superseded=True)
    assert not [c for c in older if c.obligation == "tell-the-referrer-what-will-happen"]  # met-2013 5.5.1 / herts MASH


def test_a_definition_silent_on_a_facet_does_not_disagree_with_one_stating_it(corpus):
    """Guide 27 gives child trafficking an age ("Any child (0-17 years)"), 79 and herts 1 give
    none: silence, not a different age. Guide 30 only lists purposes ("Children can be
    trafficked for:"); its list items are never shown as the definition's words. Palermo's
    "means" (guide 23, herts 4.1, lincs) and the guide 24 / UNHCR "control, through harm/threat
    of harm or fraud" are one element under two names. What stays: ctp-2011 4.2's three
    components against its own 5.1 "only 2 components" for children, and the police's missing
    categories against the College of Policing's (met-2013 4.1 / guide 12)."""
    default = [c for c in conflicts(corpus, kinds=["definition"])]
    assert default == []
    everything = conflicts(corpus, kinds=["definition"], include_superseded=True)
    quotes = {s.quote for c in everything for s in c.sides}
    assert "Benefit fraud." not in quotes and not any(
        s.value.startswith("no components") for c in everything for s in c.sides
    )
    (inside,) = [c for c in everything if c.scope == "within" and c.topic == "child trafficking"]
    assert {s.provision for s in inside.sides} >= {"4.2", "5.1"} and {s.protocol for s in inside.sides} == {
        "4lscb-ctp-2011"
    }
    assert not [c for c in everything if c.topic == "trafficking"]
    (missing,) = [c for c in everything if c.topic == "missing"]
    assert {(s.protocol, s.provision) for s in missing.sides} == {
        ("4lscb-met-2013", "4.1"),
        ("4lscb-met-guide-2018", "12"),
    }


def test_a_definition_is_quoted_by_its_own_sentence_not_a_list_item(corpus):
    from protograph.comparing.diff import _definitions

    guide = _definitions(corpus.graph("4lscb-met-guide-2018"), corpus.ontology, "4lscb-met-guide-2018")
    quotes = {side[2] for sides in guide.values() for side in sides}
    assert "Children can be trafficked for:" in quotes and "Benefit fraud." not in quotes


def test_a_deadline_is_compared_with_the_duty_of_the_same_trigger(corpus):
    """ctp-2011 12.5 "The Local Authority will decide on a course of action within 24 hours" (of
    a referral to children's services) has its like in herts 8.2 "The MASH team manager will
    make a decision on the case within 24 hours" (of a referral to the MASH, children's
    services' front door), not in herts 6.2's general "deal with all referrals": same deadline,
    no conflict. Guide 81's initial assessment in 7 working days against herts 6.2, which gives
    the assessment no timescale, stays."""
    found = conflicts(corpus, kinds=["deadline"], include_superseded=True)
    assert not [c for c in found if c.obligation == "decide-on-a-referral-quickly"]
    (assessment,) = [
        c for c in conflicts(corpus, kinds=["deadline"]) if c.obligation == "assess-the-needs-of-a-referred-child"
    ]
    assert {(s.protocol, s.provision, s.value) for s in assessment.sides} >= {
        ("4lscb-met-guide-2018", "81", "7 working days"),
        ("herts-tc-2016", "6.2", "no timescale"),
    }


def test_diff_pairs_a_duty_with_the_one_doing_the_same_act_for_the_same_body(corpus):
    """met-2013 5.2: "local safeguarding procedures should be triggered, including referral to
    local authority children's social care and the police"; guide 91: "... including contact
    to the local Multi-Agency Safeguarding Hub and the police in an emergency situation". The
    guide encodes the MASH and the police as two duties with one quote; the 2013 referral is
    the MASH referral (same act, and the MASH is children's services' front door), so the
    diff says the police moved to emergencies only, never that children's social care was
    dropped. Guide 54's "refer to their local procedures" is not a new wording of 2013's app-3
    stage one, whose sentence stands in both versions."""
    changes = diff(corpus, "4lscb-met-2013", "4lscb-met-guide-2018", ["duty"])
    at_91 = [c for c in changes if c.after and c.after[0] == "91" and c.before and c.before[0] == "5.2"]
    referral = [c for c in at_91 if "trafficking" in c.topic and "refer" in c.topic.lower()]
    assert referral and all("MASH" in f for c in referral for f in c.facets if f.startswith("recipient"))
    assert not [f for c in at_91 for f in c.facets if f.startswith("recipient") and f.endswith("→ police")]
    added = [c for c in changes if c.kind == "added" and c.after[0] == "91"]
    assert any("police in an emergency" in c.topic for c in added)
    assert not [c for c in changes if c.after and c.after[0] == "app-3" and c.before and c.before[0] == "5.1.3"]


def test_diff_facets_speak_in_words_modality_as_written_and_forms_by_label_and_clause(corpus):
    """ctp-2011 13.1 "will" and guide 105 "will" are shown as *will*, not as the strength class
    "must"; met-2013 5.2's CYP and guide 95's PPN1 are named with their clauses, never by id;
    herts-style wider names of one body (children's services → the local authority, ctp 11.2 →
    met-2013 5.6.1 placements) are not a change of bearer."""
    old = diff(corpus, "4lscb-ctp-2011", "4lscb-met-2013", ["duty"])
    new = diff(corpus, "4lscb-met-2013", "4lscb-met-guide-2018", ["duty"])
    facets = [f for c in old + new for f in c.facets]
    assert "modality: will → should" in [f for c in old if c.before and c.before[0] == "13.1" for f in c.facets]
    assert "modality: should → will" in [f for c in new if c.after and c.after[0] == "105" for f in c.facets]
    assert (
        "form: police Children and Young People form (CYP) (5.2) → police Children and Young People form (PPN1) (95)"
        in facets
    )
    values = [side[1] for c in old + new for side in (c.before, c.after) if side]
    for internal in (
        "form-5.2-cyp",
        "form-95-ppn1",
        "tool-app-2-seraf",
        "childrens-services",
        "allocated-social-worker",
    ):
        assert not [f for f in facets + values if internal in f], internal
    (placement,) = [c for c in old if c.before and c.before[0] == "11.2" and c.after and c.after[0] == "5.6.1"]
    assert placement.kind == "moved"


def test_diff_of_definitions_changes_only_what_both_versions_state_differently(corpus):
    """met-2013 4.3 "Children are a special case for whom there are only two components" stands
    again in guide 79, and its UNHCR control/movement/exploitation in guide 24: unchanged, not
    a change to guide 27's "Any child (0-17 years)" or to guide 23's Palermo wording (means is
    the UNHCR's control). The age and the Palermo form are new sentences: added. The police's
    missing categories against the College of Policing's stay a change."""
    changes = diff(corpus, "4lscb-met-2013", "4lscb-met-guide-2018", ["definition"])
    changed = {c.topic for c in changes if c.kind == "changed"}
    assert "missing" in changed and not changed & {"child trafficking", "trafficking"}
    added = {(c.topic, c.after[0]) for c in changes if c.kind == "added"}
    assert {("child trafficking", "27"), ("child trafficking", "app-4")} <= added


@pytest.mark.parametrize(("a", "b"), [("4lscb-ctp-2011", "4lscb-met-2013"), ("4lscb-met-2013", "4lscb-met-guide-2018")])
def test_diff_names_timescale_and_threshold_topics_in_words(corpus, a, b):
    """A board paper reads 'how soon a trafficked child may go missing', not the topic's id
    'flight-risk-window': no timescale or threshold change of either diff shows a topic id in
    its topic or its plain sentence."""
    from rdflib import RDF

    from protograph.corpus.namespace import PG
    from protograph.corpus.terms import short_id

    topic_ids = {short_id(t) for t in corpus.ontology.subjects(RDF.type, PG.Topic)}
    assert {"flight-risk-window", "repeat-missing"} <= topic_ids
    changes = [c for c in diff(corpus, a, b) if c.area in ("timescale", "threshold")]
    assert changes
    for change in changes:
        words = f"{change.topic} {change.summary}"
        assert not [t for t in topic_ids if t in words.split() or f"{t} (" in words], words

"""The alignment of duties to shared obligations, and the conflicts and diffs built on it, on
the real corpus, read against the source texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from protograph.comparing.alignment import alignment_disagreements, carried_over, suggestions, unaligned
from protograph.comparing.conflicts import conflicts
from protograph.comparing.diff import diff
from protograph.corpus.duties import duties
from protograph.corpus.loader import load_corpus
from protograph.corpus.quotes import normalise

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "protocol-sources"


def _one(found, kind, obligation):
    matches = [c for c in found if c.kind == kind and c.obligation == obligation]
    assert len(matches) == 1, [(c.kind, c.obligation) for c in found]
    return {s.protocol: s for s in matches[0].sides}, matches[0]


def test_every_duty_is_aligned_or_marked_unique(corpus):
    left = [(d.protocol, d.provision, d.id) for d in unaligned(corpus)]
    assert left == [], f"align these (protograph align): {left}"


def test_carried_over_sentences_are_aligned_alike_and_paired_one_to_one(corpus):
    assert [d.line() for d in alignment_disagreements(corpus)] == []
    pairs = carried_over(corpus)
    assert len({(p.older.protocol, p.older.id, p.newer.protocol) for p in pairs}) == len(pairs)
    met, guide = {}, {}
    for p in pairs:
        if (p.older.protocol, p.newer.protocol) == ("4lscb-met-2013", "4lscb-met-guide-2018"):
            met[p.older.id], guide[p.newer.id] = p.newer.id, p.older.id
    assert met.get("duty-5.2-inform-allocated-social-worker") == "duty-93-inform-allocated-social-worker" or met


def test_suggestions_rank_the_right_obligation_first(corpus):
    (duty,) = [d for d in duties(corpus, ["4lscb-met-2013"]) if d.id == "duty-5.2-inform-allocated-social-worker-cse"]
    best = suggestions(corpus, duty)[0]
    assert best.obligation.id == "tell-the-childs-allocated-social-worker"
    assert "same action" in best.reasons


def test_an_alignment_naming_an_unknown_duty_or_obligation_is_one_clear_error(tmp_path):
    bundled = Path(__file__).resolve().parents[1] / "protocols"
    (tmp_path / "lincs-tc-2023.ttl").write_text(
        (bundled / "lincs-tc-2023.ttl").read_text(encoding="utf-8").replace("lincs-tc-2023", "lincs-copy"),
        encoding="utf-8",
    )
    source = SOURCES / "lincs-tc-2023.txt"
    if not source.is_file():
        pytest.skip(f"source texts not found at {SOURCES}")
    (tmp_path / "lincs-copy.txt").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "alignment").mkdir()
    prefixes = (
        "@prefix pg: <https://w3id.org/protograph/ns#> .\n"
        "@prefix obl: <https://w3id.org/protograph/obligation/> .\n"
        "@prefix p: <https://w3id.org/protograph/protocol/lincs-copy/> .\n"
    )
    alignment = tmp_path / "alignment" / "lincs-copy.ttl"
    for body, problem in (
        ("p:duty-nonexistent pg:alignedTo obl:refer-to-nrm .\n", "'duty-nonexistent' is not a duty of lincs-copy"),
        (
            "p:duty-referrals-immediate-referral pg:alignedTo obl:no-such-obligation .\n",
            "'no-such-obligation' is not an obligation of the shared list",
        ),
    ):
        alignment.write_text(prefixes + body, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "protograph", "list", "--corpus", str(tmp_path), "--no-bundled"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 2, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and problem in lines[0] and f"{alignment}:4:" in lines[0], lines


# ------------------------------------------------------------------ one test per conflict kind


def test_deadline_in_one_and_none_in_the_other(corpus):
    sides, _ = _one(
        conflicts(corpus, ["4lscb-met-2013", "herts-tc-2016"], ["deadline"]),
        "deadline",
        "assess-the-needs-of-a-referred-child",
    )
    assert (
        sides["4lscb-met-2013"].value == "7 working days" and "within 7 working days" in sides["4lscb-met-2013"].quote
    )
    assert sides["herts-tc-2016"].value == "no timescale"


def test_consent_asked_in_4lscb_met_guide_2018_104_is_forgone_where_a_risk_in_herts_tc_2016_8_1(corpus):
    sides, conflict = _one(
        conflicts(corpus, ["4lscb-met-guide-2018", "herts-tc-2016"], ["consent"]),
        "consent",
        "seek-parents-consent-to-a-referral",
    )
    assert sides["4lscb-met-guide-2018"].provision == "104" and sides["herts-tc-2016"].provision == "8.1"
    assert "put the child at further risk" in sides["herts-tc-2016"].quote
    assert "ask for consent" in sides["4lscb-met-guide-2018"].quote
    assert "not where seeking it could put the child at further risk" in sides["herts-tc-2016"].value
    assert (
        conflict.summary.startswith("4LSCB") and " 104 says " in conflict.summary and " 8.1 says " in conflict.summary
    )


def test_4lscb_ctp_2011_8_2_forbids_direct_calls_home_where_herts_tc_2016_8_4_helps_contact_with_family(corpus):
    sides, _ = _one(
        conflicts(corpus, ["4lscb-ctp-2011", "herts-tc-2016"], ["forbidden"]),
        "forbidden",
        "the-childs-contact-with-family",
    )
    assert sides["4lscb-ctp-2011"].provision == "8.2" and "Do not allow" in sides["4lscb-ctp-2011"].quote
    assert (
        sides["herts-tc-2016"].provision == "8.4" and "get in touch with their family" in sides["herts-tc-2016"].quote
    )


def test_4lscb_ctp_2011_involves_immigration_from_the_outset_lincs_tc_2023_only_after_protection(corpus):
    sides, conflict = _one(
        conflicts(corpus, ["4lscb-ctp-2011", "lincs-tc-2023"], ["order"]),
        "order",
        "involve-immigration-authorities-in-decisions",
    )
    assert sides["4lscb-ctp-2011"].provision == "12.4" and "from the outset" in sides["4lscb-ctp-2011"].quote
    assert "only when the child's need for protection from harm has been addressed" in sides["lincs-tc-2023"].quote
    assert "from the outset" in sides["4lscb-ctp-2011"].value and "only once" in sides["lincs-tc-2023"].value


def test_opposed_positions_come_from_the_data_and_not_the_wording(corpus):
    # the same facts without the position statements: no forbidden, consent or order conflict
    from protograph.comparing.positions import clashes, statements
    from protograph.corpus.namespace import PG

    chosen = ["4lscb-ctp-2011", "4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"]
    assert {(s.protocol, s.provision) for s in statements(corpus, chosen)} >= {
        ("4lscb-ctp-2011", "8.2"),
        ("herts-tc-2016", "8.4"),
        ("4lscb-met-guide-2018", "104"),
        ("herts-tc-2016", "8.1"),
    }
    stripped = load_corpus()
    for protocol_id in chosen:
        graph = stripped.graph(protocol_id)
        for node in list(graph.subjects(PG.takesPosition, None)):
            graph.remove((node, None, None))
    assert clashes(stripped, chosen) == []
    assert not [c for c in conflicts(stripped, chosen) if c.kind in ("forbidden", "consent", "order")]


def test_placements_in_4lscb_ctp_2011_11_3_and_4lscb_met_2013_5_6_1_agree(corpus):
    # "not appropriate ... in Hostels or Supported Lodgings" and "placements with carers who have
    # experience": one text forbids a kind of placement, the other requires another; not one
    # text forbidding what the other requires (the old wording rule said it was)
    found = conflicts(corpus, ["4lscb-ctp-2011", "4lscb-met-2013"], ["forbidden"])
    assert not [c for c in found if c.obligation == "place-the-child-with-skilled-carers"]


def test_prohibition_restating_the_obligation_is_not_required_against_forbidden(corpus):
    # "Under no circumstances should the child and their family ... be interviewed together" says
    # what 4lscb-ctp-2011 16.4's "speak to a suspected child victim without the knowledge of the carer" says.
    found = conflicts(corpus, ["4lscb-ctp-2011", "lincs-tc-2023"], ["forbidden", "modality"])
    assert not [c for c in found if c.obligation == "see-the-child-apart-from-the-adults-with-them"]


def test_modality_by_strength_and_not_by_wording(corpus):
    found = conflicts(corpus, ["4lscb-met-2013", "4lscb-met-guide-2018"], ["modality"])
    # 2013 5.3.1 'it may be appropriate ... to undertake these [Safe and Well checks] jointly' against 2018 45
    # 'the police are responsible for conducting an immediate Safe & Well Interview'. (The return interview,
    # once this example, is no longer one: 46 'responsible for deciding whether' is another act, and 47
    # keeps 5.3.1's 'should' word for word; see tests/test_reading_checks.py.)
    sides, _ = _one(found, "modality", "safe-and-well-check-when-a-missing-child-returns")
    assert sides["4lscb-met-2013"].value.startswith("may") and sides["4lscb-met-guide-2018"].value.startswith("must")
    for conflict in found:  # 'must' against 'will' is one strength
        words = {s.value.split(" (")[0] for s in conflict.sides}
        assert words not in ({"must", "will"},), conflict


def test_bearer_and_recipient(corpus):
    found = conflicts(corpus, ["herts-tc-2016", "lincs-tc-2023"], ["recipient", "bearer"])
    sides, _ = _one(found, "recipient", "refer-to-nrm")
    assert sides["herts-tc-2016"].value == "competent authority" and sides["lincs-tc-2023"].value == "Home Office"


def test_definitions_thresholds_and_forms_are_still_compared(corpus):
    found = conflicts(corpus, include_superseded=True)
    kinds = {c.kind for c in found}
    assert {"definition", "threshold", "form"} <= kinds


def test_superseded_versions_are_compared_only_when_asked(corpus):
    default = conflicts(corpus)
    assert not {"4lscb-ctp-2011", "4lscb-met-2013"} & {s.protocol for c in default for s in c.sides}
    named = conflicts(corpus, ["4lscb-ctp-2011", "herts-tc-2016"])
    assert {"4lscb-ctp-2011"} <= {s.protocol for c in named for s in c.sides}


def test_ids_only_pairing_is_gone_nrm_referral_is_never_absent(corpus):
    found = conflicts(corpus, ["herts-tc-2016", "4lscb-met-2013", "4lscb-ctp-2011", "lincs-tc-2023"], ["absent"])
    assert not [c for c in found if c.obligation == "refer-to-nrm"]


def test_report_ranks_disagreements_before_absent_with_a_plain_sentence(corpus):
    found = conflicts(corpus)
    kinds = [c.kind for c in found]
    assert "absent" in kinds and kinds.index("absent") > max(
        i for i, k in enumerate(kinds) if k != "absent"
    ) - kinds.count("absent")
    assert [c.rank for c in found] == list(range(1, len(found) + 1))
    for conflict in found:
        assert conflict.summary
        for internal in ("PT48H", "PT0S", "child-safeguarded", "(RiskWindow)", "mustNot"):
            assert internal not in conflict.summary
    first = found[0]
    assert first.kind != "absent"
    for side in first.sides:  # each protocol by its short title, its id beside it
        assert f"{corpus.info(side.protocol).short_title} ({side.protocol})" in first.summary


# ------------------------------------------------------------------ read against the source texts


def _source(protocol_id):
    path = SOURCES / f"{protocol_id}.txt"
    if not path.is_file():
        pytest.skip(f"source texts not found at {SOURCES}: cannot check entries against them")
    return " " + normalise(path.read_text(encoding="utf-8")).lower() + " "


def _stands_in(quote, text):
    parts = [normalise(p).lower() for p in quote.split("[...]") if normalise(p)]
    return bool(parts) and all(p in text for p in parts)


@pytest.mark.parametrize("a,b", [("4lscb-met-2013", "4lscb-met-guide-2018"), ("4lscb-ctp-2011", "4lscb-met-2013")])
def test_no_sentence_in_both_versions_is_added_or_removed(corpus, a, b):
    text_a, text_b = _source(a), _source(b)
    wrong = []
    for change in diff(corpus, a, b):
        if change.kind == "added" and _stands_in(change.after[2], text_a):
            wrong.append(("added", change.after[0], change.after[2][:80]))
        if change.kind == "removed" and _stands_in(change.before[2], text_b):
            wrong.append(("removed", change.before[0], change.before[2][:80]))
    assert wrong == []


def test_no_absent_claim_is_disproved_by_the_other_text(corpus):
    everything = corpus.ids()
    wrong = []
    for conflict in conflicts(corpus, everything, ["absent"]):
        present = [s for s in conflict.sides if s.value != "no such duty"]
        for lacking in (s.protocol for s in conflict.sides if s.value == "no such duty"):
            text = _source(lacking)
            wrong += [
                (conflict.obligation, s.protocol, s.provision, lacking) for s in present if _stands_in(s.quote, text)
            ]
    assert wrong == []


def test_diff_reports_changed_facets_and_one_change_per_form_purpose(corpus):
    changes = diff(corpus, "4lscb-met-2013", "4lscb-met-guide-2018")
    strategy = [c for c in changes if c.kind == "changed" and c.obligation == "hold-strategy-discussion"]
    assert strategy and any("deadline: no timescale → immediately" in f for c in strategy for f in c.facets)
    forms = [c for c in diff(corpus, "4lscb-ctp-2011", "4lscb-met-2013", ["form"]) if "police alert" in c.topic]
    assert len(forms) == 1 and forms[0].kind == "changed"
    assert [c for c in changes if c.area == "threshold" and c.kind == "changed"]
    for change in changes:  # an identical sentence never shows as a changed rule
        if change.kind == "changed" and change.area == "duty":
            assert normalise(change.before[2]) != normalise(change.after[2])


def test_timescales_takes_output(tmp_path):
    out = tmp_path / "t.csv"
    result = subprocess.run(
        [sys.executable, "-m", "protograph", "timescales", "--format", "csv", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "quote" in out.read_text(encoding="utf-8").splitlines()[0]


def test_align_command_lists_nothing_left_to_align():
    result = subprocess.run([sys.executable, "-m", "protograph", "align"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 duties not aligned" in result.stdout


def test_loader_is_unaffected_without_alignment_files(tmp_path):
    corpus = load_corpus()
    assert corpus.graph("lincs-tc-2023")


def test_steps_ordered_differently_by_their_deadlines_are_an_order_conflict(corpus):
    # 4lscb-met-guide-2018 after a return: safe and well check (45, immediately) before the return
    # interview (47, 72 hours). A text giving the interview 24 hours and the check 48 hours after
    # the same event puts the two steps the other way round; one giving the same order does not.
    from dataclasses import replace

    from protograph.comparing.alignment import obligations
    from protograph.comparing.by_obligation import aligned_duties, first_steps, order_findings

    guide = aligned_duties(corpus, ["4lscb-met-guide-2018"])
    steps = first_steps(guide)[("4lscb-met-guide-2018", "returned")]
    check, interview = (
        steps["safe-and-well-check-when-a-missing-child-returns"],
        steps["return-interview-after-missing-episode"],
    )
    assert check.deadline.immediate and interview.deadline.max == "PT72H"

    def other(duty, hours):
        deadline = replace(duty.deadline, min=f"PT{hours}H", max=f"PT{hours}H", immediate=False)
        return replace(duty, protocol="other-protocol", deadline=deadline)

    for check_hours, interview_hours, conflicting in ((48, 24, True), (24, 48, False), (24, 24, False)):
        by_obligation = {
            oid: {**by_protocol, "other-protocol": [other(steps[oid], h)]}
            for oid, by_protocol, h in (
                (
                    "safe-and-well-check-when-a-missing-child-returns",
                    guide["safe-and-well-check-when-a-missing-child-returns"],
                    check_hours,
                ),
                (
                    "return-interview-after-missing-episode",
                    guide["return-interview-after-missing-episode"],
                    interview_hours,
                ),
            )
        }
        found = order_findings(by_obligation, obligations(corpus))
        assert bool(found) == conflicting, (check_hours, interview_hours, found)
        if found:
            (finding,) = found
            sides = {protocol: (duty, words) for duty, protocol, words in finding.sides}
            assert sides["4lscb-met-guide-2018"][0].provision == "45"
            listed = obligations(corpus)
            check_label = listed["safe-and-well-check-when-a-missing-child-returns"].label
            interview_label = listed["return-interview-after-missing-episode"].label
            assert (
                sides["4lscb-met-guide-2018"][1] == f"{check_label} (immediately) before {interview_label} (72 hours)"
            )
            assert sides["other-protocol"][1] == f"{interview_label} (24 hours) before {check_label} (48 hours)"


def test_no_two_real_protocols_order_the_same_steps_differently_by_deadline(corpus):
    # Read against the texts: after one event, no two protocols give deadlines to the same two
    # obligations (the only stated order that differs is 4lscb-ctp-2011 12.4 against lincs-tc-2023,
    # a position: test above). This pins that the deadline rule claims no order the texts lack.
    from protograph.comparing.alignment import obligations
    from protograph.comparing.by_obligation import aligned_duties, order_findings

    assert order_findings(aligned_duties(corpus, corpus.ids()), obligations(corpus)) == []


def test_time_kind_qualifying_period_against_a_deadline_for_the_national_missing_persons_bureau():
    # Read against the texts, no two protocols give one obligation different kinds of time
    # expression: 4lscb-met-2013 5.2 and 4lscb-met-guide-2018 97 both send details of a child
    # "missing more than 24 hours" (a qualifying period: nothing is due before it has passed).
    # An encoding reading 97 as "within 24 hours" (a deadline) is a time-kind conflict, not a
    # deadline against "no timescale".
    from rdflib import RDF, URIRef

    from protograph.corpus.namespace import PG

    pair = ["4lscb-met-2013", "4lscb-met-guide-2018"]
    real = load_corpus()
    assert not [
        c for c in conflicts(real, pair, ["time-kind"]) if c.obligation == "notify-the-national-missing-persons-bureau"
    ]
    misread = load_corpus()
    graph = misread.graph("4lscb-met-guide-2018")
    base = "https://w3id.org/protograph/protocol/4lscb-met-guide-2018/"
    duty, period = URIRef(base + "duty-97-notify-national-bureau"), URIRef(base + "ts-97-missing-more-than-24h")
    assert (period, RDF.type, PG.QualifyingPeriod) in graph
    graph.remove((duty, PG.timescale, period))
    graph.remove((period, RDF.type, PG.QualifyingPeriod))
    graph.add((duty, PG.deadline, period))
    graph.add((period, RDF.type, PG.Deadline))
    found = conflicts(misread, pair, ["time-kind", "deadline"])
    sides, conflict = _one(found, "time-kind", "notify-the-national-missing-persons-bureau")
    assert sides["4lscb-met-2013"].provision == "5.2" and "missing more than 24 hours" in sides["4lscb-met-2013"].quote
    assert (
        sides["4lscb-met-2013"].value.startswith("a qualifying period")
        and sides["4lscb-met-guide-2018"].value == "a deadline"
    )
    assert not [
        c for c in found if c.kind == "deadline" and c.obligation == "notify-the-national-missing-persons-bureau"
    ]

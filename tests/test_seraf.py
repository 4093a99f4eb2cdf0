"""SERAF scoring (4lscb-met-2013 Appendix 2), run from the encoded rules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdflib import Graph

from protograph.corpus.namespace import PG
from protograph.corpus.seraf import SerafInput, load_rules, score
from protograph.errors import InputError

VULNERABILITIES = [
    "ind-app-2-breakdown-family-relationships",
    "ind-app-2-low-self-esteem",
    "ind-app-2-sexual-abuse",
    "ind-app-2-family-history-domestic-abuse",
    "ind-app-2-isolated-from-peers-social-networks",
    "ind-app-2-unsuitable-inappropriate-accommodation",
]
MODERATE = [
    "ind-app-2-staying-out-late",
    "ind-app-2-drugs-misuse",
    "ind-app-2-alcohol-misuse",
    "ind-app-2-multiple-callers-unknown-adults-older",
]
MISSING_OVERNIGHT = "ind-app-2-periods-going-missing-overnight-longer"
OLDER_BOYFRIEND = "ind-app-2-older-boyfriend-relationship-controlling-adult"


@pytest.fixture(scope="module")
def rules(corpus):
    return load_rules(corpus.graph("4lscb-met-2013"))


def test_seraf_lists_have_the_printed_number_of_indicators(rules):
    assert [len(rules.lists[name]) for name in ("vulnerabilities", "moderate", "significant")] == [11, 10, 9]


def test_worked_example_twelve_year_old_with_one_current_significant_indicator_and_one_vulnerability(rules):
    result = score(
        rules,
        SerafInput(
            vulnerabilities=frozenset(VULNERABILITIES[:1]), significant_current=frozenset([MISSING_OVERNIGHT]), age=12
        ),
    )
    # 1 (vulnerability) + 5 (current significant) + 5 (under 13 with a significant indicator)
    assert result.total == 11
    assert result.category == 3
    assert "Convene multi-agency meeting" in result.actions
    assert [line.points for line in result.lines] == [1, 5, 5]


def test_significant_indicator_in_both_columns_scores_six_and_asks_for_a_team_manager_discussion(rules):
    result = score(
        rules,
        SerafInput(
            significant_current=frozenset([OLDER_BOYFRIEND]), significant_recent=frozenset([OLDER_BOYFRIEND]), age=15
        ),
    )
    assert result.total == 6
    assert result.category == 2
    assert any("team manager" in note for note in result.notes)


@pytest.mark.parametrize(
    "vulnerabilities, moderate, expected_category",
    [
        (5, 0, 1),  # 5: top of category 1 (0-5)
        (6, 0, 2),  # 6: bottom of category 2 (6-10)
        (6, 4, 2),  # 10: top of category 2
        (6, 4 + 1, 3),  # 11: bottom of category 3 (11-15)
    ],
)
def test_band_boundaries_follow_appendix_2(rules, vulnerabilities, moderate, expected_category):
    extra_vulnerabilities = [i.id for i in rules.lists["vulnerabilities"]][:vulnerabilities]
    moderate_ids = [i.id for i in rules.lists["moderate"]][:moderate]
    result = score(
        rules, SerafInput(vulnerabilities=frozenset(extra_vulnerabilities), moderate=frozenset(moderate_ids), age=15)
    )
    assert result.total == vulnerabilities + moderate
    assert result.category == expected_category


def test_sixteen_or_more_is_category_4_significant_risk(rules):
    significant = [i.id for i in rules.lists["significant"]][:3]
    result = score(
        rules,
        SerafInput(significant_current=frozenset(significant), vulnerabilities=frozenset(VULNERABILITIES[:1]), age=14),
    )
    assert result.total == 16 and result.category == 4
    assert "long-term intensive direct work" in result.actions


def test_thirteen_year_old_gets_no_age_points_but_twelve_year_old_does(rules):
    child = dict(significant_current=frozenset([MISSING_OVERNIGHT]))
    assert score(rules, SerafInput(age=13, **child)).total == 5
    assert score(rules, SerafInput(age=12, **child)).total == 10


def test_age_rule_counts_a_significant_indicator_present_only_six_to_twelve_months_ago(rules):
    assert score(rules, SerafInput(significant_recent=frozenset([MISSING_OVERNIGHT]), age=11)).total == 1 + 5


def test_unknown_age_is_not_guessed_and_says_so(rules):
    result = score(rules, SerafInput(significant_current=frozenset([MISSING_OVERNIGHT])))
    assert result.total == 5
    assert any("age not given" in note for note in result.notes)


def test_disability_adds_one(rules):
    assert score(rules, SerafInput(disabled=True, age=15)).total == 1


def test_an_unknown_indicator_is_refused(rules):
    with pytest.raises(InputError, match="unknown SERAF moderate indicator 'ind-nope'"):
        score(rules, SerafInput(moderate=frozenset(["ind-nope"])))


def test_the_score_follows_the_encoded_rules_not_the_code(corpus):
    graph = Graph()
    graph += corpus.graph("4lscb-met-2013")
    for rule in list(graph.subjects(PG.ageBelow, None)):
        if (rule, PG.points, None) in graph:
            graph.remove((rule, None, None))
    rules = load_rules(graph)
    assert score(rules, SerafInput(significant_current=frozenset([MISSING_OVERNIGHT]), age=12)).total == 5


def test_cli_scores_a_child_as_json():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from protograph.cli import main; main()",
            "seraf",
            "--significant-current",
            MISSING_OVERNIGHT,
            "--vulnerability",
            VULNERABILITIES[0],
            "--age",
            "12",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["score"], data["category"]) == (11, 3)

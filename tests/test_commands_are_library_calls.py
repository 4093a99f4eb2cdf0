"""What a corpus or graph command prints or writes is what a notebook gets from the library
function the command calls: the same call on the same corpus, the same bytes.

The commands run in this process on the session's corpus (``load_corpus`` answers with it),
so each comparison costs one library call more, not one corpus load more."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from protograph import frames
from protograph.checking.protocol_checks import check_protocol, check_protocols
from protograph.checking.shapes import protocol_shapes, shapes_turtle
from protograph.corpus.catalogue import protocol_list, protocol_rows
from protograph.corpus.coverage import coverage, protocol_coverage, summary
from protograph.corpus.encoding_checks import source_text_for
from protograph.corpus.seraf import SerafInput, indicator_rows, load_rules, score
from protograph.corpus.timescales import timescale_rows, timescales
from protograph.errors import InputError
from protograph.graphs.page import write_duty_graph_page
from protograph.graphs.timeline_page import write_timeline_page
from protograph.reports.coverage_report import render_coverage
from protograph.reports.seraf_report import render_indicators, render_score
from protograph.reports.timescale_report import render_timescales

HERTS, LINCS = "herts-tc-2016", "lincs-tc-2023"
MET_2013, MET_GUIDE_2018 = "4lscb-met-2013", "4lscb-met-guide-2018"


@pytest.fixture
def command(monkeypatch, corpus):
    """Run ``protograph ARGS...`` in this process on the session's corpus: (exit status, stdout, stderr)."""
    import protograph.corpus.loader as loader
    from protograph.cli.main import cli

    monkeypatch.setattr(loader, "load_corpus", lambda dirs=(), bundled=True, **options: corpus)

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, list(args), standalone_mode=False, catch_exceptions=False)
        return result.return_value, result.stdout, result.stderr

    return run


def test_coverage_prints_the_report_the_library_gives_and_a_notebook_gets_its_sentences(command, corpus):
    status, out, _ = command("coverage", HERTS, "--all", "--format", "json")
    report = protocol_coverage(corpus, HERTS)
    assert status == 0 and out == render_coverage(report, "json", show_all=True) + "\n"
    printed = json.loads(out)
    _, text = source_text_for(corpus.graph(HERTS), corpus.info(HERTS).path)
    assert printed["summary"] == summary(coverage(corpus.graph(HERTS), text), corpus.graph(HERTS))
    assert frames.coverage(corpus, HERTS).to_dict("records") == printed["sentences"]


def test_coverage_strict_fails_exactly_when_a_sentence_is_unexplained(command, corpus):
    report = protocol_coverage(corpus, LINCS)
    status, out, _ = command("coverage", LINCS, "--strict")
    assert out == render_coverage(report, "table") + "\n"
    assert out.splitlines()[-1].startswith(f"{LINCS}: {report.counts['normative']} normative")
    assert status == (1 if report.counts["unexplained"] else 0)
    unexplained = frames.coverage(corpus, LINCS, show_all=False)
    assert len(unexplained) == report.counts["unexplained"] and set(unexplained["status"]) <= {"unexplained"}


def test_check_prints_each_protocol_check_of_the_library_and_fails_when_one_finds_a_problem(command, corpus):
    status, out, _ = command("check", HERTS, MET_2013)
    checked = list(check_protocols(corpus, [HERTS, MET_2013]))
    assert [c.protocol for c in checked] == [HERTS, MET_2013]
    assert out == "".join(line + "\n" for c in checked for line in c.lines())
    assert status == (0 if all(c.passed for c in checked) else 1)


def test_a_protocol_check_names_its_file_before_each_problem_and_counts_them(corpus):
    checked = check_protocol(corpus, HERTS)
    found = checked.problems + ["scope: an example problem"]
    lines = type(checked)(HERTS, checked.path, found).lines()
    assert lines[-1] == f"{HERTS}: {len(found)} problem(s)"
    assert lines[-2] == f"{corpus.info(HERTS).path}: scope: an example problem"


def test_seraf_prints_the_score_the_library_gives(command, corpus):
    missing_overnight, family_breakdown = (
        "ind-app-2-periods-going-missing-overnight-longer",
        "ind-app-2-breakdown-family-relationships",
    )
    status, out, _ = command(
        "seraf", "--significant-current", missing_overnight, "--vulnerability", family_breakdown, "--age", "12"
    )
    child = SerafInput(
        vulnerabilities=frozenset({family_breakdown}), significant_current=frozenset({missing_overnight}), age=12
    )
    result = score(load_rules(corpus.graph(MET_2013)), child)
    # 1 vulnerability + 5 for a current significant indicator + 5 under 13 with one: 11, category 3
    assert (result.total, result.category) == (11, 3)
    assert status == 0 and out == render_score(result, "table") + "\n"
    assert f"SERAF score 11: category 3 ({result.category_label})" in out.splitlines()


def test_seraf_lists_the_indicators_the_library_reads(command, corpus):
    rules = load_rules(corpus.graph(MET_2013))
    status, out, _ = command("seraf", "--list-indicators", "--format", "json")
    assert status == 0 and out == render_indicators(rules, "json") + "\n"
    assert json.loads(out) == indicator_rows(rules)
    assert {row["list"] for row in indicator_rows(rules)} == set(rules.lists)


def test_timescales_print_the_rows_the_library_gives(command, corpus):
    status, out, _ = command("timescales", "--protocols", f"{HERTS},{LINCS}", "--format", "json")
    rows = timescale_rows(corpus, [HERTS, LINCS])
    assert rows == [t.as_row() for t in timescales(corpus, [HERTS, LINCS])]
    assert status == 0 and json.loads(out) == rows
    assert frames.timescales(corpus, [HERTS, LINCS])["id"].tolist() == [row["id"] for row in rows]


def test_timescales_side_by_side_is_the_library_matrix(command, corpus):
    status, out, _ = command("timescales", "--matrix", "--protocols", f"{LINCS},{HERTS}")
    text, what = render_timescales(timescale_rows(corpus, [LINCS, HERTS]), [LINCS, HERTS], "table", as_matrix=True)
    assert status == 0 and out == text + "\n"
    assert out.split("\n", 1)[0].split() == ["topic", "kind", LINCS, HERTS]
    assert what.endswith(" rows")


def test_list_gives_the_rows_of_the_library_and_of_the_notebook(command, corpus):
    status, out, _ = command("list", "--format", "json")
    assert status == 0 and json.loads(out) == protocol_list() == protocol_rows(corpus)
    assert frames.protocols(corpus).to_dict("records") == protocol_rows(corpus)


def test_shapes_prints_the_turtle_of_the_library_shapes(command, corpus):
    status, out, _ = command("shapes", HERTS)
    assert status == 0 and out == shapes_turtle(corpus, HERTS) + "\n"
    assert len(protocol_shapes(corpus, HERTS)) > 0


def test_graph_writes_the_page_the_library_writes(command, corpus, tmp_path):
    status, _, err = command("graph", MET_2013, MET_GUIDE_2018, "--diff", "--output", str(tmp_path / "cli.html"))
    graph, size = write_duty_graph_page(corpus, [MET_2013, MET_GUIDE_2018], tmp_path / "lib.html", show_diff=True)
    assert status == 0 and (tmp_path / "cli.html").read_bytes() == (tmp_path / "lib.html").read_bytes()
    assert f"({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links, {size:,} bytes)" in err


def test_the_library_refuses_a_graph_diff_without_two_versions(corpus, tmp_path):
    with pytest.raises(InputError, match="--diff needs exactly two protocol ids"):
        write_duty_graph_page(corpus, [MET_2013, MET_2013], tmp_path / "g.html", show_diff=True)
    assert not (tmp_path / "g.html").exists()


def test_timeline_writes_the_page_the_library_writes(command, corpus, tmp_path):
    status, _, err = command("timeline", HERTS, LINCS, "--event", "missing", "--output", str(tmp_path / "cli.html"))
    size = write_timeline_page(corpus, [HERTS, LINCS, HERTS], "missing", tmp_path / "lib.html")
    assert status == 0 and (tmp_path / "cli.html").read_bytes() == (tmp_path / "lib.html").read_bytes()
    assert f"({size:,} bytes)" in err


def test_the_library_refuses_a_timeline_of_three_protocols(corpus, tmp_path):
    with pytest.raises(InputError, match="timeline takes one or two protocol ids, got 3"):
        write_timeline_page(corpus, [HERTS, LINCS, MET_2013], "missing", tmp_path / "t.html")
    assert not (tmp_path / "t.html").exists()


def test_conflicts_diff_and_align_print_what_the_policy_report_functions_give(command, corpus):
    from protograph.reports.policy import align_report, conflicts_report, diff_report

    status, out, _ = command("conflicts", "--protocols", "4lscb-ctp-2011,herts-tc-2016", "--format", "markdown")
    text, count = conflicts_report(corpus, ["4lscb-ctp-2011", "herts-tc-2016"], fmt="markdown")
    assert status == 0 and out == text + "\n" and count > 0
    status, out, _ = command("conflicts", "--summary", "--within")
    assert status == 0 and out == conflicts_report(corpus, scope="within", summary=True)[0] + "\n"
    status, out, _ = command("diff", MET_2013, MET_GUIDE_2018, "--area", "form", "--format", "json")
    assert status == 0 and out == diff_report(corpus, MET_2013, MET_GUIDE_2018, ["form"], "json")[0] + "\n"
    status, out, _ = command("align", "--format", "json")
    text, left = align_report(corpus, fmt="json")
    assert (status, out) == (1 if left else 0, text + "\n")

"""The duty graph (networkx) and its offline HTML page, on the real encodings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from protograph.cli.graph_commands import graph_command
from protograph.cli.main import cli, main
from protograph.comparing.diff import diff
from protograph.corpus.duties import duties
from protograph.graphs.duty_graph import (
    deadline_chain,
    diff_sides,
    diff_status,
    duties_per_role,
    duty_graph,
    duty_node,
    nodes_of_kind,
    roles_only_in,
)
from protograph.graphs.page import render_graph_html, script_json

PAGE_DATA = re.compile(r'<script type="application/json" id="pg-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def met_2013(corpus):
    return duty_graph(corpus, ["4lscb-met-2013"])


@pytest.fixture(scope="module")
def herts(corpus):
    return duty_graph(corpus, ["herts-tc-2016"])


def page_data(page: str) -> dict:
    return json.loads(PAGE_DATA.search(page).group(1))


def test_4lscb_met_2013_graph_has_a_node_for_every_duty_with_bearer_and_recipient_edges(corpus, met_2013):
    encoded = duties(corpus, ["4lscb-met-2013"])
    assert len(nodes_of_kind(met_2013, "duty")) == len(encoded)
    for duty in encoded:
        node = duty_node("4lscb-met-2013", duty.id)
        assert {s for s, _, k in met_2013.in_edges(node, data="kind") if k == "bears"} == {
            f"role:{r}" for r in duty.bearers
        }
        assert {t for _, t, k in met_2013.out_edges(node, data="kind") if k == "owed-to"} == {
            f"role:{r}" for r in duty.recipients
        }
        if duty.trigger:
            assert met_2013.has_edge(f"event:{duty.trigger}", node)
        if duty.deadline:
            assert met_2013.has_edge(node, f"deadline:4lscb-met-2013:{duty.deadline.id}")
        for form in duty.forms:
            assert met_2013.has_edge(node, f"form:4lscb-met-2013:{form}")


def test_4lscb_met_2013_police_notify_national_bureau_of_a_child_missing_more_than_24_hours(met_2013):
    # 5.2 "Details of individuals missing more than 24 hours are automatically sent": the 24 hours
    # qualify the duty (it arises once they have passed); they are not a time it is due by
    node = duty_node("4lscb-met-2013", "duty-5.2-notify-national-bureau")
    assert met_2013.has_edge("role:police", node)
    assert met_2013.has_edge(node, "role:national-missing-persons-bureau")
    assert met_2013.has_edge("event:missing", node)
    assert [t for _, t, k in met_2013.out_edges(node, data="kind") if k == "due"] == []
    assert met_2013.nodes[node]["when_words"] == ""
    assert "only after more than 24 hours (not a due time)" in met_2013.nodes[node]["scope"]
    assert met_2013.nodes[node]["provision"] == "5.2"


def test_herts_tc_2016_chain_from_suspicion_to_conclusive_decision_ends_with_ukhtc_deciding_within_30_days(herts):
    chain = deadline_chain(herts, "herts-tc-2016")
    assert [chain[0].source] + [s.target for s in chain] == [
        "trafficking-suspected",
        "referral",
        "nrm-referral",
        "conclusive-decision",
    ]
    refer, onward, decide = chain
    assert refer.duties == ("duty-4.3-refer-to-local-competent-authority",) and not refer.conditional
    # the onward NRM referral is owed only 'If assessment proves there are reasonable grounds' (4.3)
    assert onward.conditional and "duty-4.3-refer-to-ukhtc" in onward.duties
    assert decide.deadline == "within 30 days of nrm-referral" and decide.provisions == ("4.3",)
    assert "decide within 30 days" in decide.quote


def test_4lscb_met_2013_states_no_triggered_path_to_an_nrm_referral_so_it_has_no_chain(met_2013):
    # 5.3.3 and Appendix 3 make the NRM referral owed only 'through the assessment process'
    assert deadline_chain(met_2013, "4lscb-met-2013") == []


def test_herts_tc_2016_childrens_services_bear_most_duties(corpus, herts):
    counts = duties_per_role(herts, "herts-tc-2016")
    assert counts[0][0] == "childrens-services"
    expected = sum(1 for d in duties(corpus, ["herts-tc-2016"]) if "childrens-services" in d.bearers)
    assert counts[0][1] == expected
    assert counts == sorted(counts, key=lambda item: (-item[1], item[0]))


def test_roles_in_4lscb_ctp_2011_and_not_in_4lscb_met_2013_are_those_its_duties_name(corpus):
    graph = duty_graph(corpus, ["4lscb-ctp-2011", "4lscb-met-2013"])

    def named(protocol: str) -> set[str]:
        return {r for d in duties(corpus, [protocol]) for r in (*d.bearers, *d.recipients)}

    only_2011 = roles_only_in(graph, "4lscb-ctp-2011", "4lscb-met-2013")
    assert only_2011 == sorted(named("4lscb-ctp-2011") - named("4lscb-met-2013"))
    assert "interpreter" in only_2011
    assert "lead-professional" in roles_only_in(graph, "4lscb-met-2013", "4lscb-ctp-2011")


def test_diff_colours_every_added_and_removed_duty_between_2011_and_2013(corpus):
    graph = duty_graph(corpus, ["4lscb-ctp-2011", "4lscb-met-2013"])
    status = diff_status(corpus, graph, "4lscb-ctp-2011", "4lscb-met-2013")
    changes = [c for c in diff(corpus, "4lscb-ctp-2011", "4lscb-met-2013", areas=["duty"])]
    for kind, protocol in (("added", "4lscb-met-2013"), ("removed", "4lscb-ctp-2011")):
        coloured = [n for n, s in status.items() if s == kind and n.startswith(f"duty:{protocol}:")]
        assert len(coloured) == sum(1 for c in changes if c.kind == kind)
    changed = [n for n, s in status.items() if s == "changed" and n.startswith("duty:")]
    assert len(changed) == 2 * sum(1 for c in changes if c.kind == "changed")
    assert status["role:interpreter"] == "removed"
    page = render_graph_html(graph, "diff", status)
    colours = {n["status"] for n in page_data(page)["nodes"]}
    assert colours == {"added", "removed", "changed", "unchanged"}


@pytest.mark.parametrize(
    ("a", "b", "old", "new"),
    [
        ("4lscb-ctp-2011", "4lscb-met-2013", "form:4lscb-ctp-2011:form-12.3-cypr", "form:4lscb-met-2013:form-5.2-cyp"),
        (
            "4lscb-met-2013",
            "4lscb-met-guide-2018",
            "form:4lscb-met-2013:form-5.2-cyp",
            "form:4lscb-met-guide-2018:form-95-ppn1",
        ),
    ],
)
def test_diff_colours_a_police_alert_form_replaced_for_the_same_purpose_as_one_change(corpus, a, b, old, new):
    # CYPR (4lscb-ctp-2011 12.3) → CYP (4lscb-met-2013 5.2) → PPN1 (4lscb-met-guide-2018 95): each
    # the police's alert to children's services; the page shows a change with both sides, never
    # a form removed and another added
    graph = duty_graph(corpus, [a, b])
    status = diff_status(corpus, graph, a, b)
    assert status[old] == "changed" and status[new] == "changed"
    assert new in diff_sides(corpus, graph, a, b)[old]
    page = {n["id"]: n["status"] for n in page_data(render_graph_html(graph, "diff", status))["nodes"]}
    assert page[old] == page[new] == "changed"


def test_diff_leaves_a_tool_both_versions_name_for_one_purpose_unchanged(corpus):
    # the Child Trafficking Assessment Tool assesses trafficking in 4lscb-met-2013 5.3.3 and in the
    # 2018 guide's app-3: not a change, though the 2013 matrix beside it is gone
    a, b = "4lscb-met-2013", "4lscb-met-guide-2018"
    status = diff_status(corpus, duty_graph(corpus, [a, b]), a, b)
    assert "form:4lscb-met-guide-2018:tool-app-3-trafficking-assessment" not in status
    assert status["form:4lscb-met-2013:tool-5.1.3-risk-assessment-matrix"] == "changed"


def test_page_is_self_contained_with_vis_network_inlined_and_a_policy_forbidding_remote_loads(met_2013):
    page = render_graph_html(met_2013, "Duty graph: 4lscb-met-2013")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page, re.I)
    assert all(url.startswith(("data:", '"data:', "'data:")) for url in re.findall(r"url\(([^)]*)\)", page))
    assert "@import" not in page
    assert "vis.Network" in page and "vis-network" in page
    assert len(page_data(page)["nodes"]) == met_2013.number_of_nodes()
    assert len(page_data(page)["edges"]) == met_2013.number_of_edges()
    assert "innerHTML" not in page.split('<script type="application/json" id="pg-options">')[1].split("</script>", 2)[2]


def test_injected_script_label_stays_data_and_round_trips_exactly():
    hostile = '</script><script>window.pwned=1</script> <img src=x onerror="alert(1)"> href \u2028 &amp;'
    graph = nx.DiGraph(protocols=["x"])
    graph.add_node(
        "role:x", kind="role", label=hostile, id="x", protocols=["x"], provision="1<2", quote=hostile, protocol="x"
    )
    page = render_graph_html(graph, hostile)
    assert "<script>window.pwned" not in page
    assert "<img src=x" not in page
    scripts = "".join(re.findall(r"<script[^>]*>(.*?)</script>", page, re.S))
    assert "\u2028" not in scripts and "</" not in PAGE_DATA.search(page).group(1)
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;" in page  # the title, escaped
    (node,) = page_data(page)["nodes"]
    assert node["label"] == hostile and node["quote"] == hostile and node["provision"] == "1<2"
    assert json.loads(script_json({"a": hostile})) == {"a": hostile}


def test_page_is_byte_identical_across_runs_and_hash_seeds(tmp_path):
    outputs = []
    for seed in ("0", "1", "12345"):
        out = tmp_path / f"g-{seed}.html"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from protograph.cli.graph_commands import graph_command; graph_command()",
                "herts-tc-2016",
                "lincs-tc-2023",
                "--output",
                str(out),
            ],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setitem(cli.commands, "graph", graph_command)
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code, capsys.readouterr().err


def test_graph_command_writes_the_page_and_reports_its_counts(monkeypatch, capsys, tmp_path, herts):
    out = tmp_path / "herts.html"
    code, err = run_cli(monkeypatch, capsys, "graph", "herts-tc-2016", "--output", str(out))
    assert code == 0
    assert f"{herts.number_of_nodes()} nodes" in err
    assert len(page_data(out.read_text(encoding="utf-8"))["nodes"]) == herts.number_of_nodes()


def test_graph_command_unknown_id_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path):
    code, err = run_cli(monkeypatch, capsys, "graph", "no-such-protocol", "--output", str(tmp_path / "g.html"))
    assert code == 2
    assert err.count("\n") == 1 and "unknown protocol id 'no-such-protocol'" in err
    assert not (tmp_path / "g.html").exists()


def test_graph_command_diff_needs_exactly_two_ids(monkeypatch, capsys, tmp_path):
    code, err = run_cli(monkeypatch, capsys, "graph", "herts-tc-2016", "--diff", "--output", str(tmp_path / "g.html"))
    assert code == 2 and "--diff needs exactly two protocol ids" in err
    assert not Path(tmp_path / "g.html").exists()

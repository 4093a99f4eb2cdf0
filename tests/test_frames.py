"""The notebook API returns DataFrames a reviewer can filter, and a timeline figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

from protograph import frames

matplotlib.use("Agg")
CASE = Path(__file__).parent / "data" / "cases" / "case-017-uasc-trafficked.yaml"


def test_findings_frame_has_one_row_per_finding_with_clause_and_quote(corpus):
    case = frames.read_case(CASE)
    frame = frames.findings(corpus, case, "4lscb-met-2013")
    assert {"protocol", "provision", "severity", "deadline", "actual", "late_by", "quote"} <= set(frame.columns)
    assert set(frame["protocol"]) == {"4lscb-met-2013"}
    assert frame["quote"].str.len().min() > 10


def test_outcomes_frame_covers_every_checkable_duty(corpus):
    from protograph.checking.deadlines import checkable_duties

    case = frames.read_case(CASE)
    frame = frames.outcomes(corpus, case, "herts-tc-2016")
    assert set(frame["duty"]) == {c.duty.id for c in checkable_duties(corpus, "herts-tc-2016")}
    assert set(frame["status"].astype(str)) <= {
        "met",
        "late",
        "not recorded",
        "open",
        "pending",
        "not applicable",
    }


def test_matrix_frame_has_a_column_per_protocol(corpus):
    case = frames.read_case(CASE)
    frame = frames.matrix(corpus, case)
    assert list(frame.columns) == corpus.ids()
    assert frame.index.name == "duty" and len(frame) > 0


def test_timeline_plot_draws_a_row_per_triggered_duty_and_the_events(corpus):
    case = frames.read_case(CASE)
    figure = frames.plot_timeline(corpus, case, "4lscb-met-2013")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels[-1] == "case events" and len(labels) >= 2


def test_conflicts_frame_has_a_row_per_side_and_filters_by_kind(corpus):
    frame = frames.conflicts(corpus, ["4lscb-ctp-2011", "4lscb-met-guide-2018"], ["form"])
    assert set(frame["kind"]) == {"form"}
    assert {"4lscb-ctp-2011", "4lscb-met-guide-2018"} <= set(frame["protocol"])


def test_diff_frame_has_both_versions_clauses(corpus):
    frame = frames.diff(corpus, "4lscb-ctp-2011", "4lscb-met-2013", ["timescale"])
    row = frame[(frame["kind"] == "changed") & frame["topic"].str.startswith("flight-risk-window")].iloc[0]
    assert (row["4lscb-ctp-2011 clause"], row["4lscb-met-2013 clause"]) == ("9.5", "5.2")

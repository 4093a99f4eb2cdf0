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
        "not done by the deadline",
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
    assert len(labels) == len(frames.outcomes(corpus, case, "4lscb-met-2013").query("status != 'not applicable'"))
    assert [t.get_text() for t in figure.axes[1].get_yticklabels()] == ["case events"]
    events = [t.get_text() for t in figure.axes[1].texts]
    assert sorted(events) == sorted(e.type + (f" → {e.to}" if e.to else "") for e in case.events)


def test_conflicts_frame_has_a_row_per_side_and_filters_by_kind(corpus):
    frame = frames.conflicts(corpus, ["4lscb-ctp-2011", "4lscb-met-guide-2018"], ["form"])
    assert set(frame["kind"]) == {"form"}
    assert {"4lscb-ctp-2011", "4lscb-met-guide-2018"} <= set(frame["protocol"])


def test_diff_frame_has_both_versions_clauses(corpus):
    frame = frames.diff(corpus, "4lscb-ctp-2011", "4lscb-met-2013", ["duty"])
    row = frame[(frame["kind"] == "changed") & (frame["4lscb-ctp-2011 clause"] == "7.17")].iloc[0]
    assert (
        row["4lscb-met-2013 clause"] == "5.6.1"
    )  # "must ensure ... removed to a place of safety" → "may involve removing"
    windows = frames.diff(corpus, "4lscb-ctp-2011", "4lscb-met-2013", ["timescale"])
    windows = windows[windows["topic"].str.startswith("how soon a trafficked child may go missing")]
    assert sorted(
        zip(windows["kind"], windows["4lscb-ctp-2011 clause"], windows["4lscb-met-2013 clause"], strict=True)
    ) == [
        ("added", "", "5.2"),
        ("removed", "9.5", ""),
    ]  # 48 hours of safeguarding and 24 hours of entering the UK count from different events


# --- issue #18: real types, one drawing, legible labels -------------------------------------

# A 15-year-old in foster care goes missing twice in two days: a dozen events, several within
# minutes of each other (the carer calls police and the social worker at once).
BUSY = """id: case-busy-weekend
as_of: 2024-04-08T12:00+01:00
child: {age: 15, looked_after: true}
events:
  - {at: 2024-04-05T18:00+01:00, type: missing, by: foster-carer, category: missing}
  - {at: 2024-04-05T18:20+01:00, type: notify, by: foster-carer, to: police}
  - {at: 2024-04-05T18:25+01:00, type: notify, by: foster-carer, to: childrens-services}
  - {at: 2024-04-05T18:40+01:00, type: notify, by: police, to: mash}
  - {at: 2024-04-06T07:00+01:00, type: returned}
  - {at: 2024-04-06T07:30+01:00, type: safe-and-well-check, by: police}
  - {at: 2024-04-06T21:00+01:00, type: missing, by: foster-carer, category: missing}
  - {at: 2024-04-06T21:10+01:00, type: notify, by: foster-carer, to: police}
  - {at: 2024-04-06T21:15+01:00, type: notify, by: foster-carer, to: childrens-services}
  - {at: 2024-04-07T09:00+01:00, type: returned}
  - {at: 2024-04-07T09:45+01:00, type: safe-and-well-check, by: police}
  - {at: 2024-04-07T16:00+01:00, type: return-interview, by: social-worker}
"""


def _busy(tmp_path):
    path = tmp_path / "case-busy.yaml"
    path.write_text(BUSY, encoding="utf-8")
    return frames.read_case(path)


def test_frames_hold_real_times_durations_and_categorical_statuses(corpus):
    import pandas as pd

    case = frames.read_case(CASE)
    frame = frames.findings(corpus, case, "in-force")
    for column in ("trigger_at", "deadline", "actual", "as_of"):
        assert isinstance(frame[column].dtype, pd.DatetimeTZDtype), column
    for column in ("late_by", "overdue_by", "open_for"):
        assert pd.api.types.is_timedelta64_dtype(frame[column]), column
    assert isinstance(frame["status"].dtype, pd.CategoricalDtype) and frame["status"].cat.ordered
    late = frame[frame["status"] == "late"]
    # lateness sorts and sums: the return interview 13 hours past its 72 hours
    assert (late["actual"] - late["deadline"] == late["late_by"]).all()
    assert pd.Timedelta(hours=13) in set(late["late_by"])
    overdue = frame[frame["status"] == "not done by the deadline"]
    assert overdue["late_by"].isna().all() and (overdue["overdue_by"] == overdue["as_of"] - overdue["deadline"]).all()
    assert set(frame["protocol"]) <= {"4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"}
    assert frame["open_for"].sum() > pd.Timedelta(days=10)
    shown = frames.readable(frame)
    assert "13 h" in set(shown["late_by"]) and shown["trigger_at"].map(type).eq(str).all()


def test_plot_timeline_is_drawn_once_and_keeps_a_dozen_labels_legible(corpus, tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    case = _busy(tmp_path)
    assert len(case.events) == 12
    before = plt.get_fignums()
    figure = frames.plot_timeline(corpus, case, "4lscb-met-2013")
    assert isinstance(figure, Figure)
    assert plt.get_fignums() == before  # not registered with pyplot: a notebook shows it once
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    events = figure.axes[1].texts
    assert len(events) == 12
    boxes = [t.get_window_extent(renderer) for t in events]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), "two event labels overlap"
    ticks = [t for t in figure.axes[0].get_yticklabels() if t.get_text()]
    tick_boxes = [t.get_window_extent(renderer) for t in ticks]
    for i, a in enumerate(tick_boxes):
        for b in tick_boxes[i + 1 :]:
            assert not a.overlaps(b), "two duty labels overlap"
    outcomes = frames.outcomes(corpus, case, "4lscb-met-2013")
    words = {w for label in outcomes["duty_label"] for w in str(label).split()}
    for tick in ticks:
        label = tick.get_text().replace("\n", " ").rsplit(" [", 1)[0]  # without the status
        for word in label.split()[1:]:  # after the provision
            assert word in words or word == "…", word


def test_a_timeline_as_a_cells_last_line_is_shown_once_in_a_real_kernel(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            f"from protograph import frames\ncorpus = frames.load()\ncase = frames.read_case({str(CASE)!r})"
        ),
        nbformat.v4.new_code_cell('frames.plot_timeline(corpus, case, "4lscb-met-2013")'),
    ]
    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute()
    images = [o for o in notebook.cells[1].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1, notebook.cells[1].outputs

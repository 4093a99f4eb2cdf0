"""The library API for notebooks: pandas DataFrames of findings, outcomes, the compliance
matrix and timescales, a timeline plot of a case's events against its deadlines, and the
board's question (who must do what, by when, after an event) as a table.

    from protograph import frames
    corpus = frames.load()
    case = frames.read_case("tests/data/cases/case-017-uasc-trafficked.yaml")
    frames.findings(corpus, case, "4lscb-met-2013")
    frames.matrix(corpus, case)

To share a notebook without personal data, read cases with a secret salt:
``frames.read_case(path, salt=os.environ["PROTOGRAPH_SALT"])``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .cases.reading import Case, read_any_case
from .checking.caseload import validate_cases
from .checking.compliance import STATUS_ORDER
from .checking.compliance import matrix as matrix_rows
from .checking.compliance import outcomes as outcome_rows
from .checking.deadlines import DEFAULT_IMMEDIATE_TOLERANCE
from .corpus.loader import Corpus, load_corpus
from .corpus.timescales import timescales as timescale_records

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

STATUS_COLOURS = {
    "met": "#2e7d32",
    "pending": "#9e9e9e",
    "late": "#ef6c00",
    "not recorded": "#c62828",
    "open": "#6a1b9a",
}


def load(corpus_dirs: list[str | Path] | None = None, bundled: bool = True) -> Corpus:
    """Load the bundled protocols (and any of your own folders)."""
    return load_corpus([Path(d) for d in corpus_dirs or []], bundled=bundled)


def read_case(path: str | Path, as_of: datetime | None = None, salt: str | bytes | None = None) -> Case:
    """Read one case file (YAML or Turtle); it is never modified. With a secret ``salt`` (at
    least 16 characters) its id, event ids and file name are replaced by stable pseudonyms
    (pseudonymise.py), so every frame and plot made from it shows only those."""
    case = read_any_case(path, as_of)
    if salt is None:
        return case
    from .cases.pseudonymise import Pseudonymiser

    return Pseudonymiser(salt).case(case)


def _protocols(corpus: Corpus, protocols: str | list[str] | None) -> list[str]:
    if protocols is None or protocols == "all":
        return corpus.ids()
    chosen = [protocols] if isinstance(protocols, str) else list(protocols)
    return [corpus.info(p).id for p in chosen]


def findings(
    corpus: Corpus,
    case: Case,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
) -> pd.DataFrame:
    """Every breached or open duty of the case, one row a finding, most serious first."""
    import pandas as pd

    results = validate_cases(corpus, [case], _protocols(corpus, protocols), tolerance)
    rows = [f.as_row() for r in results for f in r.findings]
    columns = [
        "protocol",
        "provision",
        "severity",
        "severity_reason",
        "status",
        "duty_label",
        "trigger",
        "trigger_at",
        "deadline",
        "actual",
        "late_by",
        "open_for",
        "modality",
        "recipients",
        "message",
        "quote",
        "duty",
        "case",
    ]
    return pd.DataFrame(rows, columns=columns)


def outcomes(
    corpus: Corpus,
    case: Case,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
) -> pd.DataFrame:
    """Every checkable duty's outcome for the case: met, late, not recorded, open,
    pending or not applicable (with the reason)."""
    import pandas as pd

    results = validate_cases(corpus, [case], _protocols(corpus, protocols), tolerance)
    rows = [o.as_row() for r in results for o in outcome_rows(r)]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["status"] = pd.Categorical(frame["status"], categories=STATUS_ORDER, ordered=True)
    return frame.sort_values(["protocol", "status", "provision", "duty"]).reset_index(drop=True)


def matrix(
    corpus: Corpus,
    case: Case,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    include_not_applicable: bool = False,
) -> pd.DataFrame:
    """The protocol × duty matrix: a row per (action, trigger), a column per protocol."""
    import pandas as pd

    results = validate_cases(corpus, [case], _protocols(corpus, protocols), tolerance)
    rows, columns = matrix_rows(results, include_not_applicable)
    return pd.DataFrame(rows, columns=columns).set_index("duty")


def timescales(corpus: Corpus, protocols: str | list[str] | None = None) -> pd.DataFrame:
    """Every timescale the chosen protocols state."""
    import pandas as pd

    return pd.DataFrame([t.as_row() for t in timescale_records(corpus, _protocols(corpus, protocols))])


def plot_timeline(
    corpus: Corpus,
    case: Case,
    protocol: str,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    ax: object | None = None,
) -> Figure:
    """Plot the case's events and, for each triggered duty of one protocol, a bar from
    trigger to deadline coloured by outcome, with a marker where it was done."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    frame = outcomes(corpus, case, protocol, tolerance)
    frame = frame[frame["status"] != "not applicable"]
    figure, axis = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(11, 0.45 * (len(frame) + 4) + 1))
    labels = []
    for row_index, row in enumerate(frame.itertuples()):
        start = datetime.fromisoformat(row.trigger_at)
        colour = STATUS_COLOURS.get(str(row.status), "#607d8b")
        if isinstance(row.deadline, str):
            end = datetime.fromisoformat(row.deadline)
            axis.barh(
                row_index,
                mdates.date2num(end) - mdates.date2num(start),
                left=mdates.date2num(start),
                height=0.5,
                color=colour,
                alpha=0.35,
                edgecolor=colour,
            )
            axis.plot([mdates.date2num(end)], [row_index], marker="|", markersize=14, color=colour)
        else:
            axis.plot([mdates.date2num(start)], [row_index], marker=">", color=colour)
        if isinstance(row.actual, str):
            axis.plot([mdates.date2num(datetime.fromisoformat(row.actual))], [row_index], marker="o", color=colour)
        labels.append(f"{row.provision} {str(row.duty_label)[:55]} [{row.status}]")
    event_row = len(labels)
    for index, event in enumerate(case.events):
        x = mdates.date2num(event.at)
        axis.plot([x], [event_row], marker="D", color="#263238")
        axis.annotate(
            event.type,
            (x, event_row),
            textcoords="offset points",
            xytext=(0, -14 - 11 * (index % 3)),
            fontsize=7,
            ha="center",
        )
    labels.append("case events")
    axis.set_yticks(range(len(labels)), labels, fontsize=8)
    axis.invert_yaxis()
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M"))
    axis.axvline(mdates.date2num(case.as_of), color="#455a64", linestyle="--", linewidth=1)
    axis.set_title(f"{case.id} against {protocol}: deadlines (bars), done (dots), review date (dashed)")
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def conflicts(corpus: Corpus, protocols: str | list[str] | None = None, kinds: list[str] | None = None) -> pd.DataFrame:
    """Conflicts among the chosen protocols, one row a side (kind, topic, scope, protocol,
    provision, value, quote), so they filter and pivot like any table."""
    import pandas as pd

    from .comparing.conflicts import conflicts as find

    chosen = _protocols(corpus, protocols) if protocols is not None else None
    rows = [
        {"rank": c.rank, "kind": c.kind, "topic": c.topic, "summary": c.summary, "scope": c.scope, **s.as_row()}
        for c in find(corpus, chosen, kinds)
        for s in c.sides
    ]
    return pd.DataFrame(
        rows, columns=["rank", "kind", "topic", "summary", "scope", "protocol", "provision", "value", "quote"]
    )


def diff(corpus: Corpus, a: str, b: str, areas: list[str] | None = None) -> pd.DataFrame:
    """What changed from version ``a`` to ``b``: one row a change, both sides' clause, value and quote."""
    import pandas as pd

    from .comparing.diff import diff as compare

    rows = []
    for change in compare(corpus, a, b, areas):
        before = change.before or ("", "", "")
        after = change.after or ("", "", "")
        rows.append(
            {
                "kind": change.kind,
                "area": change.area,
                "topic": change.topic,
                "rank": change.rank,
                "summary": change.summary,
                "facets": "; ".join(change.facets),
                f"{a} clause": before[0],
                f"{a} says": before[1],
                f"{b} clause": after[0],
                f"{b} says": after[1],
                f"{a} quote": before[2],
                f"{b} quote": after[2],
            }
        )
    return pd.DataFrame(rows)


def timeline(corpus: Corpus, protocol: str, event: str, compare_with: list[str] | None = None) -> pd.DataFrame:
    """Who must do what, by when, after ``event`` (missing, trafficking-suspected, referral,
    returned, ...) in one protocol: one row a duty, soonest first (column, who, what, to whom,
    by when, modality and its wording, clause, conditions), and with ``compare_with`` how each
    other protocol states the same obligation."""
    import pandas as pd

    from .graphs.timeline import COLUMN_IDS
    from .graphs.timeline import timeline as build

    cards = sorted(build(corpus, protocol, event, compare_with).cards, key=lambda c: COLUMN_IDS.index(c.column))
    return pd.DataFrame([card.as_row() for card in cards])

"""The library API for notebooks: pandas DataFrames of findings, outcomes, the compliance
matrix and timescales, a timeline plot of a case's events against its deadlines, and the
board's question (who must do what, by when, after an event) as a table; and what the
corpus commands list: the protocols and a protocol's coverage of its source text.

    from protograph import frames
    corpus = frames.load()
    case = frames.read_case("tests/data/cases/case-017-uasc-trafficked.yaml")
    frames.findings(corpus, case, "4lscb-met-2013")
    frames.matrix(corpus, case)

To share a notebook without personal data, read cases with a secret salt:
``frames.read_case(path, salt=os.environ["PROTOGRAPH_SALT"])``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .cases.reading import Case, read_any_case
from .checking.caseload import validate_cases
from .checking.compliance import matrix as matrix_rows
from .checking.compliance import outcomes as outcome_rows
from .checking.deadlines import DEFAULT_IMMEDIATE_TOLERANCE
from .corpus.loader import Corpus, load_corpus
from .corpus.timescales import timescales as timescale_records
from .reports.findings import FINDING_DUTY_COLUMNS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

STATUS_COLOURS = {
    "met": "#2e7d32",
    "pending": "#9e9e9e",
    "late": "#ef6c00",
    "not done by the deadline": "#c62828",
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
    if protocols is None or protocols in ("all", "in-force"):
        return corpus.ids()
    chosen = [protocols] if isinstance(protocols, str) else list(protocols)
    return [corpus.info(p).id for p in chosen]


def _results(
    corpus: Corpus, case: Case, protocols: str | list[str] | None, tolerance: timedelta, area: str | None = None
) -> list:
    """Validate one case; ``protocols="in-force"`` keeps, for each line, the version in force
    when each duty was triggered, and ``area`` keeps one line (an area or a version id)."""
    chosen = _protocols(corpus, protocols)
    if area is not None:
        from .checking.in_force import select_area

        in_area = select_area(corpus, area)
        chosen = [p for p in chosen if p in in_area]
    results = validate_cases(corpus, [case], chosen, tolerance)
    if protocols == "in-force":
        from .checking.in_force import keep_in_force

        results = keep_in_force(corpus, results)
    return results


TIME_COLUMNS = ("trigger_at", "deadline", "actual", "as_of")
DURATION_COLUMNS = ("late_by", "overdue_by", "open_for")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Times as tz-aware datetimes (UTC), lateness as Timedelta, statuses as an ordered
    categorical named as the legend names them; the text forms stay only in ``*_text`` columns."""
    import pandas as pd

    from .reports.explain import SHOWN_ORDER, status_label

    for column in TIME_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    if "status" in frame:
        frame["status"] = pd.Categorical(
            [status_label(str(s)) for s in frame["status"]], categories=SHOWN_ORDER, ordered=True
        )
    if {"deadline", "actual", "as_of", "trigger_at", "status"} <= set(frame.columns):
        late = frame["status"] == "late"
        overdue = frame["status"] == "not done by the deadline"
        opened = frame["status"] == "open"
        given = frame["open_for"] if "open_for" in frame else None  # the checker's, from when the duty was owed
        frame["late_by"] = (frame["actual"] - frame["deadline"]).where(late)
        frame["overdue_by"] = (frame["as_of"] - frame["deadline"]).where(overdue)
        frame["open_for"] = (frame["as_of"] - frame["trigger_at"]).where(opened)
        if given is not None:
            parsed = pd.to_timedelta([_delay(v) for v in given])
            frame["open_for"] = pd.Series(parsed, index=frame.index).where(opened & given.notna(), frame["open_for"])
        for column in DURATION_COLUMNS:
            frame[column] = pd.to_timedelta(frame[column])
    return frame


def _delay(text: object) -> object:
    """'2 d 3 h 5 min' (describe_delay's text) back to a timedelta; None for blanks."""
    import re

    if not isinstance(text, str) or not text.strip():
        return None
    units = {"d": "days", "h": "hours", "min": "minutes"}
    parts = re.findall(r"(\d+)\s*(d|h|min)\b", text)
    return timedelta(**{units[u]: int(n) for n, u in parts}) if parts else None


def _with_review(rows: list[dict[str, object]], case: Case) -> list[dict[str, object]]:
    return [{**row, "as_of": case.as_of.isoformat(), "as_of_source": case.review_date_source} for row in rows]


FINDING_COLUMNS = [
    *FINDING_DUTY_COLUMNS,
    "trigger",
    "trigger_at",
    "deadline",
    "actual",
    "late_by",
    "overdue_by",
    "open_for",
    "as_of",
    "as_of_source",
    "modality",
    "message",
    "quote",
    "duty",
    "case",
]


def findings(
    corpus: Corpus,
    case: Case,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    area: str | None = None,
) -> pd.DataFrame:
    """Every late, overdue or open duty of the case, one row a finding, most serious first.

    ``protocols``: an id, a list, ``"all"`` (default) or ``"in-force"`` (per line, the version
    in force when each duty was triggered); ``area`` keeps one line. Times are tz-aware
    datetimes, ``late_by`` / ``overdue_by`` / ``open_for`` Timedeltas (NaT where they do not
    apply), ``status`` an ordered categorical; ``readable(frame)`` gives the text forms."""
    import pandas as pd

    from .reports.findings import finding_row

    results = _results(corpus, case, protocols, tolerance, area)
    rows = [finding_row(corpus, case, f) for r in results for f in r.findings]
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return _typed(frame)


def outcomes(
    corpus: Corpus,
    case: Case,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    area: str | None = None,
) -> pd.DataFrame:
    """Every checkable duty's outcome for the case: met, late, not done by the deadline, open,
    pending or not applicable (with the reason); typed as ``findings`` is."""
    import pandas as pd

    results = _results(corpus, case, protocols, tolerance, area)
    rows = _with_review([o.as_row() for r in results for o in outcome_rows(r)], case)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = _typed(frame)
    return frame.sort_values(["protocol", "status", "provision", "duty"]).reset_index(drop=True)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for display only: times as ISO text, durations as '1 d 2 h 5 min', blanks empty."""
    from .checking.validation import describe_delay

    shown = frame.copy()
    for column in TIME_COLUMNS:
        if column in shown:
            shown[column] = [t.isoformat() if t is not None and t == t else "" for t in shown[column]]
    for column in DURATION_COLUMNS:
        if column in shown:
            shown[column] = [
                describe_delay(d.to_pytimedelta()) if d == d and d is not None else "" for d in shown[column]
            ]
    if "status" in shown:
        shown["status"] = shown["status"].astype(str)
    return shown


def matrix(
    corpus: Corpus,
    case: Case,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    include_not_applicable: bool = False,
    area: str | None = None,
) -> pd.DataFrame:
    """The protocol × duty matrix: a row per (action, trigger), a column per protocol, the
    columns grouped by line (versions oldest first)."""
    import pandas as pd

    from .checking.in_force import ordered_by_line

    results = _results(corpus, case, protocols, tolerance, area)
    order = ordered_by_line(corpus, [r.protocol for r in results])
    results.sort(key=lambda r: order.index(r.protocol))
    rows, columns = matrix_rows(results, include_not_applicable)
    return pd.DataFrame(rows, columns=columns).set_index("duty")


def timescales(corpus: Corpus, protocols: str | list[str] | None = None) -> pd.DataFrame:
    """Every timescale the chosen protocols state."""
    import pandas as pd

    return pd.DataFrame([t.as_row() for t in timescale_records(corpus, _protocols(corpus, protocols))])


def protocols(corpus: Corpus) -> pd.DataFrame:
    """The loaded protocol versions as `protograph list` shows them: id, title, issuer, date,
    what each revises, how many duties and timescales it encodes, where it was read from."""
    import pandas as pd

    from .corpus.catalogue import PROTOCOL_COLUMNS, protocol_rows

    return pd.DataFrame(protocol_rows(corpus), columns=PROTOCOL_COLUMNS)


def coverage(corpus: Corpus, protocol: str, show_all: bool = True) -> pd.DataFrame:
    """Every normative sentence of a protocol's source text with what of its encoding quotes
    it (status encoded / explained / unexplained, the provisions, the cue that made it
    normative), as `protograph coverage --all` lists them; ``show_all=False`` keeps the
    unexplained ones."""
    import pandas as pd

    from .corpus.coverage import protocol_coverage

    columns = ["line", "status", "cue", "provisions", "sentence", "note"]
    return pd.DataFrame(protocol_coverage(corpus, protocol).records(show_all), columns=columns)


def _wrap(text: str, width: int, lines: int) -> str:
    """Wrap at word boundaries (never mid-word); past ``lines`` lines, end with '…'."""
    import textwrap

    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1 :]), width, placeholder=" …")]
    return "\n".join(wrapped)


def plot_timeline(
    corpus: Corpus,
    case: Case,
    protocol: str,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    ax: object | None = None,
) -> Figure:
    """Plot the case's events and, for each triggered duty of one protocol, a bar from
    trigger to deadline coloured by outcome, with a marker where it was done.

    The figure is returned and never registered with pyplot, so a notebook shows it once
    (as a cell's last value) and never twice. Duty labels wrap at word boundaries; event
    labels are set in lanes below the duties so that no two overlap, however close in time.
    ``protocol`` may be ``"in-force"``: the version of each line in force at the first event
    is plotted if only one line applies, else pass a version id."""
    import matplotlib
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Load the session's backend (in Jupyter, the inline one registers how a returned Figure is
    # shown) without creating the figure through pyplot, which would draw it a second time.
    plt.switch_backend(matplotlib.get_backend())
    frame = outcomes(corpus, case, protocol, tolerance)
    frame = frame[frame["status"] != "not applicable"] if not frame.empty else frame
    labels = [f"{row.provision} {_wrap(str(row.duty_label), 44, 3)} [{row.status}]" for row in frame.itertuples()]
    heights = [label.count("\n") + 1 for label in labels]
    duty_rows = sum(heights) * 0.17 + 0.25 * len(labels)
    events_height = 0.5 + 0.22 * min(len(case.events), 12)
    if ax is not None:  # the duties on the caller's axes, the events in lanes just below them
        figure, axis = ax.figure, ax  # type: ignore[attr-defined]
        if getattr(figure.canvas, "get_renderer", None) is None:
            FigureCanvasAgg(figure)
        lanes_axis = axis.inset_axes([0, -0.55, 1, 0.42], sharex=axis)  # type: ignore[attr-defined]
    else:
        figure = Figure(figsize=(13, max(3.0, duty_rows + events_height + 1.2)))
        FigureCanvasAgg(figure)
        grid = figure.add_gridspec(2, 1, height_ratios=[max(duty_rows, 0.8), events_height], hspace=0.08)
        axis = figure.add_subplot(grid[0])
        lanes_axis = figure.add_subplot(grid[1], sharex=axis)
        figure.subplots_adjust(left=0.3, right=0.98, top=0.94, bottom=0.08)
    y = 0.0
    ticks = []
    for (_, row), height in zip(frame.iterrows(), heights, strict=True):
        y += 0.5 + 0.25 * height
        ticks.append(y)
        start = mdates.date2num(row["trigger_at"])
        colour = STATUS_COLOURS.get(str(row["status"]), "#607d8b")
        if row["deadline"] is not None and row["deadline"] == row["deadline"]:  # not NaT
            end = mdates.date2num(row["deadline"])
            axis.barh(y, end - start, left=start, height=0.5, color=colour, alpha=0.35, edgecolor=colour)
            axis.plot([end], [y], marker="|", markersize=14, color=colour)
        else:
            axis.plot([start], [y], marker=">", color=colour)
        if row["actual"] is not None and row["actual"] == row["actual"]:
            axis.plot([mdates.date2num(row["actual"])], [y], marker="o", color=colour)
        y += 0.25 * height
    axis.set_yticks(ticks, labels, fontsize=8)
    axis.set_ylim(y + 0.5, -0.2)
    axis.axvline(mdates.date2num(case.as_of), color="#455a64", linestyle="--", linewidth=1)
    axis.set_title(
        f"{case.id} against {protocol}\ndeadlines (bars), done (dots); dashed line: review date "
        f"{case.as_of:%d %b %Y %H:%M}, {case.review_date_source}",
        fontsize=10,
        loc="left",
    )
    moments = [e.at for e in case.events] + [case.as_of]
    for column in ("trigger_at", "deadline", "actual"):
        if not frame.empty:
            moments += [t.to_pydatetime() for t in frame[column] if t == t and t is not None]
    first, last = mdates.date2num(min(moments)), mdates.date2num(max(moments))
    pad = max((last - first) * 0.03, 1 / 48)
    axis.set_xlim(first - pad, last + pad)
    _event_lanes(figure, lanes_axis, case)
    lanes_axis.axvline(mdates.date2num(case.as_of), color="#455a64", linestyle="--", linewidth=1)
    axis.tick_params(axis="x", labelbottom=False)
    lanes_axis.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%H:%M"))
    for label in lanes_axis.get_xticklabels():
        label.set_fontsize(8)
    return figure


def _event_lanes(figure: Figure, axis: object, case: Case) -> None:
    """Each event a diamond on the top line of ``axis`` and its label in the first lane below
    where it overlaps no label already placed (measured with the renderer, not guessed)."""
    import matplotlib.dates as mdates

    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    base = 0.0
    axis.set_ylim(-0.5 - 0.9 * min(len(case.events), 12), 0.6)  # type: ignore[attr-defined]
    placed: list[list[object]] = []
    for event in case.events:
        x = mdates.date2num(event.at)
        label = event.type + (f" → {event.to}" if event.to else "")
        axis.plot([x], [base], marker="D", color="#263238", markersize=5)  # type: ignore[attr-defined]
        lane = 0
        while True:
            lane_y = base - 0.9 * (lane + 1)
            text = axis.text(  # type: ignore[attr-defined]
                x,
                lane_y,
                label,
                fontsize=7,
                ha="center",
                va="center",
                zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
            )
            box = text.get_window_extent(renderer).expanded(1.06, 1.1)
            if lane >= len(placed):
                placed.append([])
            if not any(box.overlaps(other) for other in placed[lane]):
                placed[lane].append(box)
                axis.plot([x, x], [base, lane_y + 0.3], color="#b0bec5", linewidth=0.6, zorder=0)  # type: ignore[attr-defined]
                break
            text.remove()
            lane += 1
    lanes = max(len(placed), 1)
    axis.set_ylim(base - 0.9 * lanes - 0.6, base + 0.6)  # type: ignore[attr-defined]
    axis.set_yticks([base], ["case events"], fontsize=8)  # type: ignore[attr-defined]


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


# --- a caseload partition, and a caseload partitioned on Dask ----------------------------------

_BUNDLED: list[Corpus] = []


def _bundled_corpus() -> Corpus:
    """The bundled corpus, loaded once in this process (a Dask worker loads it for its first partition)."""
    if not _BUNDLED:
        _BUNDLED.append(load_corpus([], bundled=True))
    return _BUNDLED[0]


def _csv_of(frame: pd.DataFrame) -> str:
    """A frame of caseload columns as the CSV text of the file it would come from."""
    return frame.to_csv(index=False, na_rep="", lineterminator="\n")


def validate_partition(
    events: pd.DataFrame,
    children: pd.DataFrame | None = None,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    as_of: datetime | None = None,
    corpus: Corpus | None = None,
) -> pd.DataFrame:
    """Validate one partition of a caseload: ``events`` with the columns of events.csv and
    ``children`` (optional) with those of children.csv, read as text (``dtype=str``, empty cells
    empty or missing), every row of a case in this partition. Returns one row a finding with the
    fields of ``protograph validate --format json`` (FINDING_FIELDS), cases in id order, each
    case's findings in the order that output gives them.

    The partition is read exactly as ``protograph validate`` reads a CSV caseload (a fault raises
    InputError naming the row and column within the partition); children rows of cases that have
    no events in the partition are left to the partition that holds their events. An ``order``
    column, if any, gives the rows' order in the source (see :func:`partition_by_case`) and is
    not passed on. ``protocols``: an id, a list, "all" (default) or "in-force"; ``corpus``:
    default the bundled protocols, loaded once a process."""
    import pandas as pd

    from .cases.reading import CsvCaseload
    from .reports.caseload_run import RunOptions, validate_chunk
    from .reports.findings import FINDING_FIELDS, finding_row

    if events.empty:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in FINDING_FIELDS})
    corpus = corpus or _bundled_corpus()
    if "order" in events.columns:
        events = events.sort_values("order", kind="stable").drop(columns="order")
    texts = {"events.csv": _csv_of(events)}
    if children is not None:
        texts["children.csv"] = _csv_of(children[children["case"].isin(set(events["case"]))])
    caseload = CsvCaseload(Path("partition"), as_of, texts)
    options = RunOptions(
        tuple(_protocols(corpus, protocols)), tolerance, "json", in_force=protocols == "in-force", engine="batch"
    )
    rows = [
        finding_row(corpus, result.case, finding)
        for cases in caseload.chunks()
        for result in validate_chunk(corpus, cases, options)
        for finding in result.findings
    ]
    return pd.DataFrame(rows, columns=FINDING_FIELDS)


def partition_by_case(events: object, npartitions: int) -> object:
    """A Dask DataFrame of events.csv rows repartitioned so that every case lies in one
    partition (a shuffle on the case column), each row numbered in an ``order`` column first so
    that a case's rows keep their order (validate_partition sorts on it)."""
    numbered = events.assign(order=1)  # type: ignore[attr-defined]
    numbered = numbered.assign(order=numbered["order"].cumsum())
    return numbered.shuffle("case", npartitions=npartitions)


def validate_dask(
    events: object,
    children: pd.DataFrame | None = None,
    protocols: str | list[str] | None = None,
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE,
    as_of: datetime | None = None,
) -> object:
    """The findings of a caseload partitioned by case on Dask: ``validate_partition`` mapped over
    the partitions of ``events`` (a dask.dataframe of events.csv's columns read as text, every
    case's rows in one partition: read one file per group of cases, or use
    :func:`partition_by_case`) with ``dask.dataframe.map_partitions``. ``children`` is the
    children.csv frame (one row a case: small beside the events; a Dask frame is computed
    first) given to every partition. Returns a lazy Dask DataFrame of findings; ``.compute()``
    it, or write it with ``to_parquet``. Each worker loads the bundled corpus once."""
    import pandas as pd

    from .reports.findings import FINDING_FIELDS

    if children is not None and not isinstance(children, pd.DataFrame):
        children = children.compute()  # type: ignore[attr-defined]
    meta = pd.DataFrame({name: pd.Series(dtype=object) for name in FINDING_FIELDS})
    return events.map_partitions(  # type: ignore[attr-defined]
        validate_partition, children, protocols=protocols, tolerance=tolerance, as_of=as_of, meta=meta
    )


def _free_loopback_ports(count: int) -> list[int]:
    """``count`` consecutive ports nobody listens on at 127.0.0.1."""
    import random
    import socket

    picker = random.Random()
    for _ in range(200):
        first = picker.randrange(20_000, 60_000 - count)
        sockets = []
        try:
            for port in range(first, first + count):
                held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(held)
                held.bind(("127.0.0.1", port))
            return list(range(first, first + count))
        except OSError:
            continue
        finally:
            for held in sockets:
                held.close()
    raise OSError("no free ports on 127.0.0.1")


def _allow_loopback(ports: list[int]) -> None:
    """In a Dask worker: let its network guard (installed when it first loads the protocols)
    reach the cluster's own ports on 127.0.0.1, and nothing else."""
    from .guard import network

    for port in ports:
        network.allow("127.0.0.1", port)


@contextmanager
def local_cluster(n_workers: int = 2) -> Iterator[object]:
    """A Dask cluster of ``n_workers`` worker processes on this machine, listening on
    127.0.0.1 only, and a ``distributed.Client`` connected to it (yielded). protograph refuses
    every network connection while it runs; the cluster's own ports on the loopback interface,
    chosen before it starts, are the one exception, made here, in this process and in each worker
    (``client.run``). A cluster of several machines would need the same exception for its own
    addresses, which this version does not make."""
    from distributed import Client, LocalCluster

    from .guard import network

    ports = _free_loopback_ports(1 + 2 * n_workers)
    for port in ports:
        network.allow("127.0.0.1", port)
    scheduler, workers, nannies = ports[0], ports[1 : 1 + n_workers], ports[1 + n_workers :]
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=scheduler,
            dashboard_address=None,
            worker_dashboard_address=None,
            worker_port=workers,
            port=nannies,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_allow_loopback, ports)
        yield client

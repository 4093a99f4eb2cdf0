"""A caseload partitioned by case and validated on a Dask cluster (two worker processes on
127.0.0.1) gives exactly the findings ``protograph validate --format json`` gives in one process."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from protograph import frames
from protograph.cases.reading import Caseload
from protograph.cases.synthetic import write_caseload
from protograph.reports.caseload_run import RunOptions, validate_caseload
from protograph.reports.findings import FINDING_FIELDS

HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    write_caseload(30, folder := tmp_path_factory.mktemp("dask") / "caseload", 7)
    return folder


def _command_findings(corpus, folder: Path) -> list[dict]:
    out = io.BytesIO()
    validate_caseload(corpus, Caseload([folder]), RunOptions(tuple(corpus.ids()), HOUR, "json"), out)
    return json.loads(out.getvalue())


def _by_case(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(str(row["case"]), []).append(row)
    return grouped


def _records(frame) -> list[dict]:
    return [{k: (None if v != v else v) for k, v in row.items()} for row in frame.to_dict("records")]  # NaN: None


def test_one_partition_gives_the_findings_of_the_command(corpus, sample):
    import pandas as pd

    events = pd.read_csv(sample / "events.csv", dtype=str, keep_default_na=False)
    children = pd.read_csv(sample / "children.csv", dtype=str, keep_default_na=False)
    found = frames.validate_partition(events, children, corpus=corpus)
    assert list(found.columns) == FINDING_FIELDS
    expected = _command_findings(corpus, sample)
    assert expected and list(expected[0]) == FINDING_FIELDS
    assert _records(found) == expected


def test_a_partition_without_its_childrens_rows_elsewhere_is_read_strictly(corpus, sample):
    import pandas as pd

    from protograph.errors import InputError

    events = pd.read_csv(sample / "events.csv", dtype=str, keep_default_na=False)
    events.loc[3, "at"] = "2024-03-01T09:00"  # no UTC offset
    with pytest.raises(InputError, match=r"partition/events.csv:5:2: event time '2024-03-01T09:00' has no UTC offset"):
        frames.validate_partition(events, corpus=corpus)


def test_a_caseload_on_a_two_worker_local_dask_cluster_gives_the_single_process_findings(corpus, sample):
    dd = pytest.importorskip("dask.dataframe")
    pytest.importorskip("distributed")
    import pandas as pd

    events = dd.read_csv(sample / "events.csv", dtype=str, keep_default_na=False)
    children = pd.read_csv(sample / "children.csv", dtype=str, keep_default_na=False)
    parted = frames.partition_by_case(events, 3)
    with frames.local_cluster(2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        found = frames.validate_dask(parted, children).compute()
    assert list(found.columns) == FINDING_FIELDS
    expected = _command_findings(corpus, sample)
    assert len(found) == len(expected) > 0
    assert _by_case(_records(found)) == _by_case(expected)

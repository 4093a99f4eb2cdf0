"""The command line: list, show, timescales, coverage and check, their formats and errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from protograph.cli.main import cli, main

EXPECTED = ["4lscb-ctp-2011", "4lscb-met-2013", "4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"]


def run(*args: str) -> tuple[int, str, str]:
    """Run the installed entry point in-process and capture status, stdout and stderr."""
    runner = CliRunner()
    result = runner.invoke(cli, list(args), standalone_mode=False, catch_exceptions=True)
    return result.exit_code, result.stdout, result.stderr if hasattr(result, "stderr") else ""


def run_process(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from protograph.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_list_json_names_every_bundled_protocol_with_its_revision():
    result = run_process("list", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == EXPECTED
    by_id = {r["id"]: r for r in rows}
    assert by_id["4lscb-met-2013"]["revision_of"] == "4lscb-ctp-2011"
    assert by_id["4lscb-met-guide-2018"]["revision_of"] == "4lscb-met-2013"
    assert all(r["duties"] > 0 for r in rows)


def test_the_light_protocol_list_gives_the_rows_of_the_full_load(corpus):
    """`list` reads the bundled corpus with pyoxigraph alone; it must say what the full
    rdflib load says, count for count."""
    from protograph.corpus.catalogue import bundled_protocol_rows, protocol_rows

    assert bundled_protocol_rows() == protocol_rows(corpus)


@pytest.mark.parametrize(
    ("args", "absent"), [(["--help"], ["rdflib", "pyoxigraph", "pyshacl"]), (["list"], ["rdflib"])]
)
def test_light_commands_do_not_import_heavy_libraries(args, absent):
    code = (
        "import sys\n"
        "from protograph.cli import main\n"
        f"sys.argv = ['protograph', *{args!r}]\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in {absent!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_list_with_a_corpus_folder_takes_the_full_load(tmp_path):
    import shutil

    from protograph.paths import data_dir

    shutil.copy(data_dir("protocols") / "lincs-tc-2023.ttl", tmp_path / "lincs-copy.ttl")
    result = run_process("list", "--no-bundled", "--corpus", str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["lincs-tc-2023"]
    assert rows[0]["source"].endswith("lincs-copy.ttl")


def test_timescales_json_has_the_fields_design_fixes():
    result = run_process("timescales", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows
    for field in ("protocol", "provision", "what", "min", "max", "working_days", "quote"):
        assert all(field in r for r in rows), field
    assert {r["protocol"] for r in rows} == set(EXPECTED)


def test_timescales_filter_by_protocol_and_markdown():
    result = run_process("timescales", "--protocols", "herts-tc-2016", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("| protocol | provision | what | kind | min | max | working_days | quote |")
    assert "herts-tc-2016" in result.stdout and "4lscb-met-2013" not in result.stdout


def test_show_lists_duties_by_role_with_clause_references():
    result = run_process("show", "4lscb-met-2013")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("4lscb-met-2013: ")
    assert "== " in result.stdout and "(4lscb-met-2013 5.3.1)" in result.stdout


def test_show_json_groups_duties_by_role():
    result = run_process("show", "herts-tc-2016", "--format", "json")
    data = json.loads(result.stdout)
    assert data["protocol"] == "herts-tc-2016"
    assert data["counts"]["duties"] == sum(1 for _ in {d["id"] for ds in data["duties_by_role"].values() for d in ds})


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["show", "no-such-protocol"], "unknown protocol id 'no-such-protocol'"),
        (["timescales", "--protocols", "nope"], "unknown protocol id 'nope'"),
        (["list", "--corpus", "/no/such/folder"], "/no/such/folder: corpus folder not found"),
        (["coverage", "x", "--no-bundled"], "--no-bundled needs at least one --corpus folder"),
    ],
)
def test_bad_input_gets_one_line_and_exit_status_2(args, fragment):
    result = run_process(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_for_every_bundled_protocol():
    result = run_process("check")
    assert result.returncode == 0, result.stdout[-2000:]
    for protocol_id in EXPECTED:
        assert f"{protocol_id}: 0 problem(s)" in result.stdout


def test_help_lists_the_commands():
    code, out, _ = run("--help")
    assert code == 0
    for command in ("list", "show", "timescales", "coverage", "check", "seraf"):
        assert command in out


def test_main_is_the_console_entry_point():
    assert callable(main)


def test_validate_with_an_unknown_protocol_exits_2_naming_the_known_ids():
    result = run_process("validate", "tests/data/cases/case-017-uasc-trafficked.yaml", "--protocol", "herts-2016")
    assert result.returncode == 2
    assert result.stderr.strip().startswith(
        "protograph: unknown protocol id 'herts-2016' (did you mean 'herts-tc-2016'?) (known: 4lscb-ctp-2011,"
    )


def test_validate_a_missing_case_file_exits_2():
    result = run_process("validate", "tests/data/cases/no-such-case.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == "protograph: tests/data/cases/no-such-case.yaml: file or folder not found"


def test_timescales_matrix_puts_protocols_side_by_side():
    result = run_process("timescales", "--matrix", "--format", "markdown")
    assert result.returncode == 0, result.stderr
    header, _, *rows = result.stdout.splitlines()
    assert header == "| topic | kind | " + " | ".join(EXPECTED) + " |"
    flight = next(r for r in rows if r.startswith("| flight-risk-window |"))
    assert "PT48H (soft) (9.5)" in flight and "PT24H (98)" in flight
    html = run_process("timescales", "--format", "html").stdout
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html

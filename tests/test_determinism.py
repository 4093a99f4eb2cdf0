"""Every command's output is byte-identical from run to run and whatever PYTHONHASHSEED is, so
reports and generated files diff cleanly in git (STYLE.md: output is sorted and stable).

Each hash seed gets its own process and its own working folder holding copies of the inputs,
and every command runs there with relative paths: a temporary path, a clock reading or a
set's iteration order that leaked into an output makes the runs differ, and the test names the
command. To keep the run short, one process per seed runs every command through the CLI's own
entry point (``protograph.cli.main``), the corpus loaded once per process;
``test_the_driver_prints_what_the_protograph_command_prints`` checks that this gives the
very bytes the ``protograph`` command gives."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from protograph.cases import synthetic

DATA = Path(__file__).parent / "data" / "cases"
SEEDS = ["0", "1", "12345"]
PROTOCOLS = ["4lscb-ctp-2011", "4lscb-met-2013", "4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"]
ONE_CASE = "cases/case-herts-telephone-referral-confirmed-48h-1min-late.yaml"
SERAF = [
    *("--vulnerability", "ind-app-2-breakdown-family-relationships"),
    *("--moderate", "ind-app-2-alcohol-misuse"),
    *("--significant-current", "ind-app-2-emotional-abuse-controlling-adult"),
    *("--age", "14"),
]


def _commands() -> dict[str, tuple[list[str], list[str]]]:
    """Command name -> (arguments, files it writes)."""
    commands: dict[str, tuple[list[str], list[str]]] = {}

    def add(name: str, args: list[str], writes: list[str] | None = None) -> None:
        commands[name] = (args, writes or [])

    for fmt in ("table", "markdown", "json"):
        add(f"list --format {fmt}", ["list", "--format", fmt])
        add(f"show --format {fmt}", ["show", "4lscb-met-2013", "--format", fmt])
        add(f"coverage --all --format {fmt}", ["coverage", "4lscb-met-2013", "--all", "--format", fmt])
        add(f"seraf --format {fmt}", ["seraf", *SERAF, "--format", fmt])
        add(f"validate one case --format {fmt}", ["validate", ONE_CASE, "--format", fmt])
        add(f"validate folder --format {fmt}", ["validate", "cases", "--format", fmt])
    for fmt in ("table", "markdown", "json", "csv", "html"):
        add(f"timescales --format {fmt}", ["timescales", "--format", fmt])
        add(f"validate --report --format {fmt}", ["validate", "cases", "--report", "--format", fmt])
    for fmt in ("table", "markdown", "json", "csv"):
        add(f"timescales --matrix --format {fmt}", ["timescales", "--matrix", "--format", fmt])
    for fmt in ("table", "markdown", "json", "html"):
        add(f"conflicts --format {fmt}", ["conflicts", "--format", fmt])
        add(f"diff --format {fmt}", ["diff", "4lscb-met-2013", "4lscb-met-guide-2018", "--format", fmt])
    add("timescales --protocols", ["timescales", "--protocols", "lincs-tc-2023,herts-tc-2016", "--format", "json"])
    add("check", ["check"])
    add("seraf --list-indicators", ["seraf", "--list-indicators"])
    for protocol in PROTOCOLS:
        add(f"shapes {protocol}", ["shapes", protocol])
    add("shapes --output", ["shapes", "herts-tc-2016", "--output", "shapes.ttl"], ["shapes.ttl"])
    add("conflicts --summary", ["conflicts", "--summary"])
    add("conflicts --summary --format markdown", ["conflicts", "--summary", "--format", "markdown"])
    add("conflicts --within", ["conflicts", "--within", "--format", "json"])
    add("conflicts --kind deadline --across", ["conflicts", "--kind", "deadline", "--across"])
    add("conflicts --output html", ["conflicts", "--format", "html", "--output", "conflicts.html"], ["conflicts.html"])
    add("diff --area duty", ["diff", "4lscb-ctp-2011", "4lscb-met-2013", "--area", "duty"])
    add("diff --output html", ["diff", "4lscb-ctp-2011", "4lscb-met-2013", "--format", "html", "--output", "d.html"])
    commands["diff --output html"] = (commands["diff --output html"][0], ["d.html"])
    add("graph", ["graph", "herts-tc-2016", "lincs-tc-2023", "--output", "graph.html"], ["graph.html"])
    add("graph --diff", ["graph", "4lscb-ctp-2011", "4lscb-met-2013", "--diff", "--output", "g.html"], ["g.html"])
    add("validate --matrix", ["validate", "cases", "--matrix"])
    add("validate --protocol", ["validate", ONE_CASE, "--protocol", "herts-tc-2016", "--format", "markdown"])
    add("validate turtle case", ["validate", "case-017-uasc-trafficked.ttl", "--format", "json"])
    add("validate csv caseload", ["validate", "caseload", "--format", "json"])
    add("validate csv caseload --report", ["validate", "caseload", "--report", "--format", "csv"])
    add("validate --output", ["validate", "cases", "--format", "json", "--output", "v.json"], ["v.json"])
    add(
        "validate --report --output html",
        ["validate", "cases", "caseload", "--report", "--format", "html", "--output", "report.html"],
        ["report.html"],
    )
    return commands


COMMANDS = _commands()

# Runs every command through protograph's entry point in one process, capturing what it prints
# and the files it writes; the corpus is loaded once (each command would load the same files).
DRIVER = r"""
import contextlib, io, json, sys
from pathlib import Path
import protograph.corpus.loader
from protograph.cli import main

load, loaded = protograph.corpus.loader.load_corpus, {}
def load_once(dirs=(), **options):
    key = (tuple(map(str, dirs)), tuple(sorted(options.items())))
    if key not in loaded:
        loaded[key] = load(dirs, **options)
    return loaded[key]
protograph.corpus.loader.load_corpus = load_once
commands = json.loads(Path(sys.argv[1]).read_text())
results = {}
for name, (args, writes) in commands.items():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exit:
            code = exit.code
    files = {f: Path(f).read_bytes().decode("utf-8", "replace") if Path(f).exists() else None for f in writes}
    results[name] = {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(), "files": files}
Path(sys.argv[2]).write_text(json.dumps(results, ensure_ascii=False))
"""


def _write_inputs(folder: Path) -> None:
    """The inputs, copied: YAML cases, a Turtle case, and a CSV caseload folder."""
    shutil.copytree(DATA, folder / "cases", ignore=shutil.ignore_patterns("*.ttl"))
    shutil.copy(DATA / "case-017-uasc-trafficked.ttl", folder)
    (folder / "caseload").mkdir()
    with (folder / "caseload" / "events.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "at", "type", "by", "to", "channel", "category", "id"])
        for case in synthetic.caseload(12, seed=7):
            for e in case.events:
                writer.writerow([case.id, e.at.isoformat(), e.type, e.by, e.to, e.channel, e.category, e.id])
    with (folder / "caseload" / "children.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "age", "looked_after", "uasc"])
        for case in synthetic.caseload(12, seed=7):
            child = case.child
            cells = [child.age, child.looked_after, child.uasc]
            writer.writerow([case.id, *("" if v is None else str(v).lower() for v in cells)])


def _env(seed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONHASHSEED", "PROTOGRAPH_DEBUG"))}
    return env | {"PYTHONHASHSEED": seed, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "100"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every command's output, per hash seed; the seeds run side by side, each in its own folder."""
    base = tmp_path_factory.mktemp("determinism")
    (base / "commands.json").write_text(json.dumps(COMMANDS))
    (base / "driver.py").write_text(DRIVER)
    running = {}
    for seed in SEEDS:
        folder = base / f"seed-{seed}"
        folder.mkdir()
        _write_inputs(folder)
        running[seed] = subprocess.Popen(
            [sys.executable, str(base / "driver.py"), str(base / "commands.json"), str(base / f"{seed}.json")],
            cwd=folder,
            env=_env(seed),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    for process in running.values():
        _, err = process.communicate(timeout=900)
        assert process.returncode == 0, err.decode()
    return {seed: json.loads((base / f"{seed}.json").read_text()) for seed in SEEDS}


def _first_difference(a: str, b: str) -> str:
    for number, (left, right) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), start=1):
        if left != right:
            return f"line {number}:\n  {left[:300]}\n  {right[:300]}"
    return f"lengths {len(a)} and {len(b)}"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_output_is_byte_identical_across_runs_and_hash_seeds(runs, name):
    first = runs[SEEDS[0]][name]
    assert first["code"] in (0, 1), first["stderr"]  # it ran, and did what was asked
    assert first["stdout"].strip() or all(first["files"].values()), "nothing was written"
    for seed in SEEDS[1:]:
        other = runs[seed][name]
        for part in ("stdout", "stderr"):
            assert other[part] == first[part], f"{part} differs, seed 0 vs {seed}, " + _first_difference(
                first[part], other[part]
            )
        for path, text in first["files"].items():
            assert other["files"][path] == text, f"{path} differs, seed 0 vs {seed}, " + _first_difference(
                text or "", other["files"][path] or ""
            )
        assert other["code"] == first["code"]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_output_carries_no_clock_reading_nor_folder_of_the_run(runs, name):
    # Each seed ran in its own folder, seconds apart: a date stamp of today would still match.
    result = runs[SEEDS[0]][name]
    texts = [result["stdout"], result["stderr"], *(t or "" for t in result["files"].values())]
    today = [date.today(), datetime.now(UTC).date()]
    stamps = (
        {d.isoformat() for d in today} | {d.strftime("%d %B %Y") for d in today} | {d.strftime("%Y%m%d") for d in today}
    )
    for text in texts:
        assert not any(stamp in text for stamp in stamps), "today's date is in the output"
        assert "seed-0" not in text and "determinism" not in text, "the run's folder is in the output"


@pytest.mark.parametrize("name", ["conflicts --summary", "validate one case --format json", "graph --diff"])
def test_the_driver_prints_what_the_protograph_command_prints(runs, tmp_path, name):
    args, writes = COMMANDS[name]
    _write_inputs(tmp_path)
    command = [str(Path(sys.executable).with_name("protograph")), *args]
    done = subprocess.run(command, cwd=tmp_path, env=_env("0"), capture_output=True, text=True, timeout=300)
    expected = runs["0"][name]
    assert (done.returncode, done.stdout, done.stderr) == (expected["code"], expected["stdout"], expected["stderr"])
    for path in writes:
        assert (tmp_path / path).read_bytes().decode() == expected["files"][path]

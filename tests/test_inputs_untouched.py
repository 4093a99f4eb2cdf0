"""Inputs are read, never written, and a command leaves nothing behind but what it was asked
to write: no temporary file or copy of a case anywhere (README: "Case files are read, never
written"; a case file names a child, so a stray copy is a leak). The one thing ``validate``
keeps is the cache of what the protocols and vocabularies compile to (corpus/cache.py): it is pointed at a
folder of the test's own (PROTOGRAPH_CACHE_DIR), shown to be used, and shown to hold no case
id, event or note.

Each command runs as the user runs it, a `protograph` process, with its working folder, TMPDIR
and HOME all empty folders of its own, on copies of the inputs: YAML cases, a Turtle case, a CSV
caseload folder, and a protocol folder for --corpus with the source texts beside the protocols
(PROTOGRAPH_SOURCES points at an empty folder, so the texts beside them are the ones read)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from protograph.paths import data_dir, sources_dir

DATA = Path(__file__).parent / "data" / "cases"
PROTOCOLS = ["4lscb-met-2013", "herts-tc-2016", "lincs-tc-2023"]
CASE_ID = "case-herts-telephone-referral-confirmed-48h-1min-late"
CSV_CASE_ID = "child-q7-fuzzmarker"
NOTE = "Seen at the bus station by the youth worker on Tuesday evening"
CORPUS = ["--corpus", "protocols", "--no-bundled"]
YAML = f"in/cases/{CASE_ID}.yaml"

# name -> (arguments, files the user asked for, in the working folder)
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "validate": (["validate", YAML], []),
    "validate turtle --format json": (["validate", "in/case-017-uasc-trafficked.ttl", "--format", "json"], []),
    "validate csv caseload --format markdown": (["validate", "in/caseload", "--format", "markdown"], []),
    "validate --matrix": (["validate", "in/cases", "in/caseload", "--matrix"], []),
    "validate --report --format csv": (["validate", "in/cases", "in/caseload", "--report", "--format", "csv"], []),
    "validate --report --output html": (
        ["validate", "in/cases", "in/caseload", "--report", "--format", "html", "--output", "report.html"],
        ["report.html"],
    ),
    "validate --output": (["validate", YAML, "--format", "json", "--output", "findings.json"], ["findings.json"]),
    "validate --corpus": (["validate", "in/caseload", "--report", *CORPUS], []),
    "validate --engine reference --corpus": (["validate", YAML, "--engine", "reference", *CORPUS], []),
    "shapes --output": (["shapes", "lincs-tc-2023", *CORPUS, "--output", "shapes.ttl"], ["shapes.ttl"]),
    "conflicts --output html": (["conflicts", *CORPUS, "--format", "html", "--output", "c.html"], ["c.html"]),
    "diff --output html": (
        ["diff", "herts-tc-2016", "lincs-tc-2023", *CORPUS, "--format", "html", "--output", "d.html"],
        ["d.html"],
    ),
    "list --corpus": (["list", *CORPUS, "--format", "json"], []),
    "check --corpus": (["check", *CORPUS], []),
    "coverage --corpus": (["coverage", "lincs-tc-2023", *CORPUS], []),
    "seraf --corpus": (["seraf", "--list-indicators", *CORPUS], []),
    "timescales --corpus": (["timescales", *CORPUS, "--matrix", "--format", "csv"], []),
    "graph --corpus": (["graph", "herts-tc-2016", "lincs-tc-2023", *CORPUS, "--output", "g.html"], ["g.html"]),
}


def _inputs(folder: Path) -> None:
    """Copies of the inputs: the YAML cases, the Turtle case, a CSV caseload (with a note, which
    no output shows), and three protocols with their source texts beside them."""
    shutil.copytree(DATA, folder / "in" / "cases", ignore=shutil.ignore_patterns("*.ttl"))
    shutil.copy(DATA / "case-017-uasc-trafficked.ttl", folder / "in")
    caseload = folder / "in" / "caseload"
    caseload.mkdir()
    (caseload / "events.csv").write_text(
        "case,at,type,by,to,channel,note\n"
        f"{CSV_CASE_ID},2024-05-13T09:00+01:00,trafficking-suspected,education,,,{NOTE}\n"
        f"{CSV_CASE_ID},2024-05-13T11:30+01:00,referral,education,mash,telephone,\n"
        f"{CSV_CASE_ID},2024-05-16T10:00+01:00,referral-confirmed-in-writing,education,mash,,\n",
        encoding="utf-8",
    )
    (caseload / "children.csv").write_text(f"case,age,looked_after\n{CSV_CASE_ID},14,no\n", encoding="utf-8")
    (folder / "protocols").mkdir()
    for protocol in PROTOCOLS:
        shutil.copy(data_dir("protocols") / f"{protocol}.ttl", folder / "protocols")
        shutil.copy(sources_dir() / f"{protocol}.txt", folder / "protocols")


def _state(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: its sha256 and modification time (ns)."""
    return {
        str(path.relative_to(folder)): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """The inputs (under inputs/), and empty folders to run in: work/ (cwd), tmp/ (TMPDIR),
    home/ (HOME), sources/ (PROTOGRAPH_SOURCES) and cache/ (PROTOGRAPH_CACHE_DIR)."""
    _inputs(tmp_path / "inputs")
    for name in ("work", "tmp", "home", "sources", "cache"):
        (tmp_path / name).mkdir()
    return tmp_path


def _run(place: Path, args: list[str]) -> subprocess.CompletedProcess:
    inputs = place / "inputs"
    args = [str(inputs / a) if a.startswith("in/") or a == "protocols" else a for a in args]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROTOGRAPH_", "XDG_"))}
    env |= {
        "TMPDIR": str(place / "tmp"),
        "HOME": str(place / "home"),
        "PROTOGRAPH_SOURCES": str(place / "sources"),
        "PROTOGRAPH_CACHE_DIR": str(place / "cache"),
        "PYTHONDONTWRITEBYTECODE": "1",  # Python's own bytecode cache is not the tool's doing
    }
    command = [str(Path(sys.executable).with_name("protograph")), *args]
    return subprocess.run(command, cwd=place / "work", env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_modifies_no_input_and_leaves_only_what_it_was_asked_to_write(place, name):
    args, outputs = COMMANDS[name]
    before = _state(place / "inputs")
    done = _run(place, args)
    assert done.returncode in (0, 1), done.stderr  # it ran, and did what was asked
    assert _state(place / "inputs") == before  # same files, same bytes, same mtimes, nothing added
    assert _everything(place / "work") == sorted(outputs)
    assert all((place / "work" / output).stat().st_size for output in outputs)
    assert _everything(place / "tmp") == [] and _everything(place / "home") == []
    assert _everything(place / "sources") == []
    cached = _everything(place / "cache")
    assert bool(cached) == (args[0] == "validate"), cached  # validate keeps compiled protocols, and only validate
    assert all(name.startswith(("compiled-", "vocabulary-")) and name.endswith(".pickle") for name in cached), cached
    # and so no case id or note can sit in a file outside the output asked for; say so anyway
    requested = {place / "work" / output for output in outputs}
    for path in place.rglob("*"):
        if path.is_file() and path not in requested and not path.is_relative_to(place / "inputs"):
            text = path.read_bytes()
            assert not any(marker.encode() in text for marker in (CASE_ID, CSV_CASE_ID, NOTE)), path


def test_the_outputs_asked_for_do_show_the_cases(place):
    # The markers are real: a report asked for does name the cases (the note stays unshown).
    _run(place, COMMANDS["validate --report --output html"][0])
    _run(place, COMMANDS["validate --output"][0])
    assert CASE_ID in (place / "work" / "findings.json").read_text(encoding="utf-8")
    assert NOTE not in (place / "work" / "report.html").read_text(encoding="utf-8")


def test_the_protocol_copies_are_the_ones_read(place):
    # Without the source texts beside the copied protocols (and none in PROTOGRAPH_SOURCES),
    # loading them fails: so the runs above did read the copies and their source texts.
    for text in (place / "inputs" / "protocols").glob("*.txt"):
        text.unlink()
    done = _run(place, ["list", *CORPUS])
    assert done.returncode == 2 and "source text" in done.stderr

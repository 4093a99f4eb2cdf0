"""Bad input gets one clear line naming the file, the place and the problem, and a non-zero
exit: never a traceback, never a silent pass (DESIGN.md, Non-negotiables).

Every entry of ``tests/data/bad/`` (a file, or a folder for a caseload or a --corpus) is named
for its fault and listed in ``tests/data/bad/expected.tsv`` with the file its error must name,
the place (line; row:column for CSV; the event IRI in an RDF case, whose parsers give no line
per triple) and a fragment of the problem. Each runs through the real ``protograph`` command
in its own process, as a user runs it.

Decisions these files pin (and what is therefore *not* in the corpus):
- events written out of time order are accepted and sorted (tests/test_cases.py), not refused;
- a UTF-8 byte-order mark at the start of a file is accepted (Excel writes one); one in the
  middle of a file, UTF-16 (with or without its mark) and Latin-1 are refused;
- owl:imports is refused in any RDF input, naming its line, and never followed;
- RDF/XML with a DOCTYPE or ENTITY and JSON-LD with a string ``@context`` or ``@import`` are
  refused before the parser runs; only inline contexts are read."""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from support import run_protograph

BAD = Path(__file__).parent / "data" / "bad"
COMMANDS = {
    "case": ["validate", "--quiet", "--protocol", "herts-tc-2016"],
    "corpus": ["list", "--corpus"],
}


def manifest() -> list[tuple[str, str, str, str, str]]:
    """The rows of expected.tsv: entry, command, file named, place, problem fragment."""
    rows = []
    for line in (BAD / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            entry, command, named, place, problem = line.split("\t")
            rows.append((entry, command, named, place, problem))
    return rows


run = run_protograph


def digests(entry: Path) -> dict[str, str]:
    files = sorted(entry.rglob("*")) if entry.is_dir() else [entry]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


def assert_one_clear_line(result: subprocess.CompletedProcess[str], named: str, place: str, problem: str) -> None:
    """Exit 2, exactly one line on stderr naming file, place and problem, no traceback, no result."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    where = f"{named}:{place}" if place else named
    assert lines[0].startswith(f"protograph: {where}: "), lines[0]
    assert problem in lines[0], lines[0]
    assert result.stdout.strip() == "", result.stdout


def test_the_corpus_holds_at_least_40_bad_inputs_each_listed_once():
    entries = sorted(p.name for p in BAD.iterdir() if p.name != "expected.tsv")
    listed = [row[0] for row in manifest()]
    assert len(entries) >= 40
    assert sorted(listed) == entries  # every file is tested, and every row has its file


@pytest.mark.parametrize("entry, command, named, place, problem", manifest(), ids=[r[0] for r in manifest()])
def test_bad_input_is_refused_with_one_line_naming_file_place_and_problem(entry, command, named, place, problem):
    before = digests(BAD / entry)
    result = run([*COMMANDS[command], entry], BAD)
    assert_one_clear_line(result, named, place, problem)
    assert digests(BAD / entry) == before  # input files are never modified


def test_an_out_of_order_timeline_is_not_bad_input_it_is_sorted(tmp_path):
    """The one fault the corpus leaves out on purpose: events need not be written in order."""
    case = tmp_path / "case-out-of-order.yaml"
    case.write_text(
        "id: case-out-of-order\n"
        "events:\n"
        "  - {at: 2024-03-01T11:00+00:00, type: referral, by: police, to: childrens-services, channel: telephone}\n"
        "  - {at: 2024-03-01T09:00+00:00, type: trafficking-suspected, by: border-force}\n",
        encoding="utf-8",
    )
    result = run(["validate", "--quiet", "--protocol", "herts-tc-2016", "--format", "json", str(case)], tmp_path)
    assert result.returncode in (0, 1) and result.stderr == "", result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_a_utf8_byte_order_mark_at_the_start_is_accepted_as_excel_writes_it(tmp_path):
    folder = tmp_path / "caseload"
    folder.mkdir()
    (folder / "events.csv").write_bytes(
        "case,at,type,by\ncase-a,2024-03-01T09:00+00:00,trafficking-suspected,border-force\n".encode("utf-8-sig")
    )
    result = run(["validate", "--quiet", "--protocol", "herts-tc-2016", str(folder)], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "case-a" in result.stdout


SIZE_CASES = {
    "case.yaml": ("case", "a case file"),
    "case.ttl": ("case", "a case file"),
    "case.jsonld": ("case", "a case file"),
    "caseload/events.csv": ("case", "a caseload CSV"),
    "corpus/mini-2024.ttl": ("corpus", "an RDF file"),
}


@pytest.mark.parametrize("name", sorted(SIZE_CASES))
def test_a_600_mb_file_is_refused_by_its_size_without_being_read(tmp_path, name):
    """The file is sparse (no disk used) and the process may not hold 400 MB, so it can only
    be refused cleanly if its size is checked before a byte is read."""
    command, what = SIZE_CASES[name]
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(600 * 1024 * 1024)
    target = path.parent.name if "/" in name else name
    result = run([*COMMANDS[command], target], tmp_path, memory_limit=400 * 1024 * 1024)
    assert_one_clear_line(result, name, "", f"file is 629,145,600 bytes; {what} may be at most")


def test_reading_a_600_mb_file_really_needs_more_memory_than_the_size_test_allows(tmp_path):
    """Proves the size test above can fail: the same limit stops a process that reads the file."""
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(600 * 1024 * 1024)
    code = "import sys, pathlib; pathlib.Path(sys.argv[1]).read_bytes()"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (400 * 1024 * 1024, 400 * 1024 * 1024))

    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60, preexec_fn=limit
    )
    assert result.returncode != 0 and "MemoryError" in result.stderr

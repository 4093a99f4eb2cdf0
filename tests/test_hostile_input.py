"""Hostile and broken input, second round (issue #20): values YAML 1.1 would change, files that
are not files, outputs aimed at inputs, arguments that overflow, messages that could forge a
line, and reads that never end. Each refusal is the one line of DESIGN.md: exit 2, one line
``protograph: FILE:PLACE: problem``, no traceback, no stdout, inputs unchanged. The bad inputs
that are plain files live in tests/data/bad/ (test_bad_input.py); these need a FIFO, a link to
a device, a second argument, a generated 4 MB file or a full device."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from protograph.cases.reading import read_case, read_caseload
from protograph.corpus.loader import json_faults
from protograph.errors import InputError
from protograph.guard.input_files import read_bytes
from protograph.guard.output_files import write_output
from protograph.paths import sources_dir
from support import run_protograph

CASES = Path(__file__).parent / "data" / "cases"
VALIDATE = ["validate", "--quiet", "--protocol", "herts-tc-2016"]
GOOD_EVENTS = (
    "events:\n"
    "  - {at: 2024-03-01T09:00+00:00, type: trafficking-suspected, by: border-force}\n"
    "  - {at: 2024-03-01T11:00+00:00, type: referral, by: police, to: childrens-services, channel: telephone}\n"
)


def one_line(result: subprocess.CompletedProcess[str], starts: str, problem: str) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"protograph: {starts}"), lines[0]
    assert problem in lines[0], lines[0]
    assert result.stdout == "", result.stdout
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- values silently changed: ids are read as written -----------------------------------------


@pytest.mark.parametrize("written", ["0123", "0x1F", "1_000", "1.10", "017", "+12"])
def test_a_yaml_case_id_that_yaml_11_reads_as_a_number_is_read_as_written(tmp_path, written):
    path = tmp_path / "case.yaml"
    path.write_text(f"id: {written}\n" + GOOD_EVENTS, encoding="utf-8")
    if written == "+12":
        with pytest.raises(InputError, match=r"case id '\+12' must be letters"):
            read_case(path)
        return
    assert read_case(path).id == written


def test_a_numeric_case_id_keeps_its_leading_zero_in_the_findings(tmp_path):
    text = (CASES / "case-017-uasc-trafficked.yaml").read_text(encoding="utf-8")
    path = tmp_path / "case.yaml"
    path.write_text(text.replace("id: case-017", "id: 0123"), encoding="utf-8")
    result = run_protograph(["validate", "--quiet", "--format", "json", str(path)], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)
    assert findings and {f["case"] for f in findings} == {"0123"}  # never 83


def test_numeric_event_ids_are_read_as_written(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(
        "id: c1\nevents:\n"
        "  - {id: 007, at: 2024-03-01T09:00+00:00, type: trafficking-suspected, by: border-force}\n"
        "  - {id: 0x1F, at: 2024-03-03T11:00+00:00, type: referral, by: police, to: childrens-services}\n"
        "  - {id: 12:30, at: 2024-03-03T12:00+00:00, type: returned}\n",
        encoding="utf-8",
    )
    assert [e.id for e in read_case(path).events] == ["007", "0x1F", "12:30"]


@pytest.mark.parametrize(
    "offset, ok",
    [("+14:00", True), ("-12:00", True), ("+05:45", True), ("+14:01", False), ("-15:00", False), ("+01:00:01", False)],
)
def test_utc_offsets_beyond_14_hours_or_with_seconds_are_refused(tmp_path, offset, ok):
    path = tmp_path / "case.yaml"
    path.write_text(
        f"id: c1\nevents:\n  - {{at: '2024-03-01T09:00{offset}', type: trafficking-suspected, by: border-force}}\n",
        encoding="utf-8",
    )
    if ok:
        assert read_case(path).events[0].at.utcoffset() is not None
    else:
        with pytest.raises(InputError, match=r"UTC offset (beyond ±14:00|with seconds)"):
            read_case(path)


# --- silent passes ----------------------------------------------------------------------------


def test_protocols_naming_nothing_is_refused_not_read_as_all(tmp_path):
    for value in (",", " , ,"):
        one_line(run_protograph(["timescales", "--protocols", value], tmp_path), "", "names no protocol id")


def test_an_unknown_protocol_in_protocols_is_refused_by_every_command(tmp_path):
    for command in (["timescales"], ["conflicts"]):
        result = run_protograph([*command, "--protocols", "herts-tc-2016,nope-2020"], tmp_path)
        one_line(result, "", "unknown protocol id 'nope-2020'")


def test_a_link_to_dev_zero_inside_a_case_folder_is_refused_not_skipped(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.yaml").write_text("id: a\n" + GOOD_EVENTS, encoding="utf-8")
    (folder / "b.yaml").symlink_to("/dev/zero")
    one_line(run_protograph([*VALIDATE, "cases"], tmp_path), "cases/b.yaml: ", "not a regular file (a device)")


def test_a_link_to_dev_zero_in_a_corpus_folder_is_refused_not_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "mini-2024.ttl").symlink_to("/dev/zero")
    result = run_protograph(["list", "--corpus", "corpus"], tmp_path)
    one_line(result, "corpus/mini-2024.ttl: ", "not a regular file (a device)")


# --- crashes: files that are not files, arguments that overflow --------------------------------


def test_a_fifo_given_as_a_case_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "case.yaml")
    one_line(run_protograph([*VALIDATE, "case.yaml"], tmp_path), "case.yaml: ", "not a regular file (a FIFO)")


@pytest.mark.parametrize("name", ["case.yaml", "case.ttl", "case.jsonld"])
def test_a_link_to_dev_zero_given_as_a_case_is_refused_unread(tmp_path, name):
    (tmp_path / name).symlink_to("/dev/zero")
    one_line(run_protograph([*VALIDATE, name], tmp_path), f"{name}: ", "not a regular file (a device)")


@pytest.mark.parametrize("value", ["1000000000d", "8d", "100000000000000000000h"])
def test_a_tolerance_beyond_7_days_is_refused(tmp_path, value):
    result = run_protograph([*VALIDATE, "--tolerance", value, str(CASES / "case-017-uasc-trafficked.yaml")], tmp_path)
    one_line(result, "", "--tolerance")


# --- unbounded work: salt files ------------------------------------------------------------------


def test_a_salt_file_from_dev_zero_is_refused_at_its_size_limit(tmp_path):
    case = str(CASES / "case-017-uasc-trafficked.yaml")
    result = run_protograph([*VALIDATE, "--pseudonymise", "--salt-file", "/dev/zero", case], tmp_path)
    one_line(result, "/dev/zero: ", "more than 4,096 bytes")


def test_a_fifo_salt_file_with_no_writer_is_one_line_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "salt")
    case = str(CASES / "case-017-uasc-trafficked.yaml")
    result = run_protograph([*VALIDATE, "--pseudonymise", "--salt-file", "salt", case], tmp_path)
    one_line(result, "salt: ", "reading a salt file took longer than 5 s; stopped")


def test_a_pipe_salt_is_read_like_a_file(tmp_path):
    """``--salt-file <(command)`` is a pipe: read, within its limits."""
    read, write = os.pipe()
    os.write(write, b"a-secret-of-more-than-16-bytes\n")
    os.close(write)
    try:
        assert read_bytes(Path(f"/proc/self/fd/{read}"), 4096, "a salt file", pipes=True) == (
            b"a-secret-of-more-than-16-bytes\n"
        )
    finally:
        os.close(read)


def test_a_fifo_whose_writer_never_finishes_is_stopped_by_a_total_time_limit(tmp_path):
    fifo = tmp_path / "salt"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # holds the FIFO open: a reader would wait for ever
    try:
        os.write(writer, b"x")
        with pytest.raises(InputError, match=r"took longer than 0.5 s"):
            read_bytes(fifo, 4096, "a salt file", pipes=True, seconds=0.5)
    finally:
        os.close(writer)


# --- outputs never touch inputs ------------------------------------------------------------------


def case_copy(tmp_path: Path) -> Path:
    path = tmp_path / "case.yaml"
    shutil.copy(CASES / "case-017-uasc-trafficked.yaml", path)
    return path


@pytest.mark.parametrize("how", ["same", "dot-dot", "hard link", "symbolic link"])
def test_output_onto_the_case_file_is_refused_however_it_is_named(tmp_path, how):
    case = case_copy(tmp_path)
    before = digest(case)
    (tmp_path / "sub").mkdir()
    target = {
        "same": "case.yaml",
        "dot-dot": "sub/../case.yaml",
        "hard link": "hard.yaml",
        "symbolic link": "soft.yaml",
    }[how]
    if how == "hard link":
        os.link(case, tmp_path / target)
    if how == "symbolic link":
        (tmp_path / target).symlink_to(case)
    result = run_protograph([*VALIDATE, "--output", target, "case.yaml"], tmp_path)
    one_line(result, f"{target}: ", "one of this run's inputs")
    assert digest(case) == before


def test_output_onto_a_bundled_protocol_file_is_refused(tmp_path):
    from protograph.corpus.loader import bundled_protocol_files

    protocol = bundled_protocol_files()[0]
    before = digest(protocol)
    result = run_protograph(["conflicts", "--output", str(protocol)], tmp_path)
    one_line(result, f"{protocol}: ", "one of this run's inputs")
    assert digest(protocol) == before


def test_shapes_output_onto_a_source_text_is_refused(tmp_path):
    source = sources_dir() / "herts-tc-2016.txt"
    before = digest(source)
    result = run_protograph(["shapes", "herts-tc-2016", "--output", str(source)], tmp_path)
    one_line(result, f"{source}: ", "source text; refusing to overwrite it")
    assert digest(source) == before


def test_output_into_a_missing_folder_is_one_line(tmp_path):
    case = case_copy(tmp_path)
    result = run_protograph([*VALIDATE, "--output", "no/such/report.txt", str(case)], tmp_path)
    one_line(result, "no/such/report.txt: ", "folder 'no/such' does not exist")


def test_output_onto_a_full_device_is_one_line(tmp_path):
    case = case_copy(tmp_path)
    result = run_protograph([*VALIDATE, "--output", "/dev/full", str(case)], tmp_path)
    one_line(result, "/dev/full: ", "No space left on device")


@contextlib.contextmanager
def small_tmpfs(folder: Path):
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); /dev/full is tested instead")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_report_that_does_not_fit_on_the_device_leaves_the_old_file_and_no_partial_one(tmp_path):
    with small_tmpfs(tmp_path / "small") as small:
        old = small / "report.txt"
        old.write_text("the previous report\n", encoding="utf-8")
        with contextlib.suppress(OSError), (small / "filler").open("wb") as filler:  # the device is now full
            while True:
                filler.write(b"x" * 1024)
                filler.flush()
        result = run_protograph(
            [*VALIDATE, "--format", "json", "--output", str(old), *map(str, sorted(CASES.glob("case-*.yaml")))],
            tmp_path,
        )
        one_line(result, f"{old}: ", "No space left on device; nothing was written")
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert sorted(p.name for p in small.iterdir()) == ["filler", "report.txt"]


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InputError, match="No space left on device; nothing was written"):
        write_output(target, b"x" * 100_000)
    assert list(tmp_path.iterdir()) == []


def test_a_new_output_gets_the_usual_permissions_and_replaces_an_old_one(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_output(target, b"new\n")
    assert target.read_bytes() == b"new\n" and (target.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


# --- messages --------------------------------------------------------------------------------------


def test_a_4_mb_value_is_not_echoed_whole(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(
        "id: c1\nevents:\n  - {at: 2024-03-01T09:00+00:00, type: "
        + "x" * (4 * 1024 * 1024)
        + "-end, by: border-force}\n",
        encoding="utf-8",
    )
    line = one_line(run_protograph([*VALIDATE, "case.yaml"], tmp_path), "case.yaml:3: ", "unknown event type 'xxx")
    # the value is cut in the middle (its real ending kept); the line may go on with a hint
    value = line.split("unknown event type ", 1)[1].split("'")[1]
    assert len(line) < 600 and ("…" in value or "..." in value) and value.endswith("-end")


@pytest.mark.parametrize("name", ["a\nprotograph: forged.yaml", "b\rc.yaml", "d\x1b[31me.yaml", "f\u2028g.yaml"])
def test_a_file_name_with_control_characters_is_shown_escaped_on_one_line(tmp_path, name):
    (tmp_path / name).write_text("id: c1\nevents: []\n", encoding="utf-8")
    result = run_protograph([*VALIDATE, name], tmp_path)
    line = one_line(result, "", "'events' is empty")
    assert name not in line and name.encode("unicode_escape").decode() in line


def test_a_lone_surrogate_never_reaches_an_output(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text('id: "case-\\udc00"\n' + GOOD_EVENTS, encoding="utf-8")
    one_line(run_protograph([*VALIDATE, "case.yaml"], tmp_path), "case.yaml:1: ", "lone surrogate (\\udc00)")


# --- engine choice by size -----------------------------------------------------------------------


def test_a_single_case_of_more_than_200_events_goes_to_the_batch_engine(tmp_path):
    from protograph.cli.case_commands import BATCH_EVENTS, choose_engine

    lines = ["id: long", "events:"]
    for index in range(2000):
        lines.append(f"  - {{at: 2024-03-01T09:00+00:00, type: missing, id: m{index}}}")
    path = tmp_path / "long.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    long_case = read_caseload(path)
    short_case = read_caseload(CASES / "case-017-uasc-trafficked.yaml")
    assert len(long_case[0].events) == 2000 > BATCH_EVENTS
    assert choose_engine(long_case, None) == "batch"
    assert choose_engine(short_case, None) == "reference"
    assert choose_engine(long_case, "reference") == "reference"
    help_text = run_protograph(["validate", "--help"], tmp_path).stdout
    assert "case of more than 200" in " ".join(help_text.split())


# --- the JSON-LD check is linear -------------------------------------------------------------------


def nested_json(megabytes: int) -> str:
    """Objects nested 100 deep a megabyte, each with a key beside filler: the shape on which the
    old check decoded every value again at every key (work growing with size × depth, so four
    times over for twice the size)."""
    depth = 100 * megabytes
    filler = json.dumps(["a string of filler"] * ((megabytes * 1024 * 1024) // depth // 21))
    return "".join(f'{{"k": {filler}, "next": ' for _ in range(depth)) + "0" + "}" * depth


def test_the_json_ld_check_does_linear_work_on_1_2_and_4_mb():
    work = {}
    for megabytes in (1, 2, 4):
        text = nested_json(megabytes)
        json.loads(text)  # valid JSON, as the check sees it
        counted: list[int] = []
        assert json_faults(text, counted) is None
        work[megabytes] = counted[0]
    print("\nJSON-LD check, characters scanned:", work)
    assert 1.9 < work[2] / work[1] < 2.1 and 1.9 < work[4] / work[2] < 2.1
    assert work[4] <= 1.1 * len(nested_json(4))


def test_the_json_ld_check_still_finds_a_remote_context_deep_inside():
    text = nested_json(1).replace('"next": 0}', '"next": 0, "@context": ["https://example.org/ctx"]}', 1)
    fault = json_faults(text)
    assert fault is not None and "https://example.org/ctx" in fault[0]

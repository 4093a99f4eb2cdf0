"""`protograph validate --pseudonymise`: no case id, event id, note or case file name reaches
any output, pseudonyms are the same in every run for one salt and differ for another, and the
findings (how many, under which clause, by when) are exactly those of the run without it.

The caseload is made of real cases from tests/data/cases, given ids, event ids, notes and file
names that carry a (made-up) child's name, plus a CSV caseload in a folder named after a family."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from protograph.cases.pseudonymise import Pseudonymiser, pseudonymise_results, salt_from
from protograph.errors import InputError

DATA = Path(__file__).parent / "data" / "cases"
SALT = "board-2024-q3::7f1c9e2a55d04b8e"
OTHER_SALT = "another-area-salt::c0ffee00d15ea5e"
PSEUDONYM = re.compile(r"^case-[0-9a-f]{12}$")

# real case file -> (a case id, and a file name, that name a child)
REAL_CASES = {
    "case-017-uasc-trafficked.yaml": ("zaynab-qorvash-2009", "zaynab-qorvash-port-referral.yaml"),
    "case-herts-lincs-telephone-referral-confirmed-after-60h.yaml": (
        "milo-trevennick-sw4471",
        "milo-trevennick-nail-bar.yaml",
    ),
    "case-met-guide-2018-three-episodes-one-absent.yaml": ("ilse-pemberzoll", "ilse-pemberzoll-missing-episodes.yaml"),
    "case-met-2013-return-interview-one-minute-late.yaml": ("tomas-xandrelle.07", "tomas-xandrelle.yaml"),
}
CSV_FOLDER = "caseload-okafor-brightwell-family"
CSV_EVENTS = """case,at,type,by,to,channel,category,id,note
okafor-brightwell-ada,2024-05-13T09:10+01:00,trafficking-suspected,police,,,,ada-okafor-concern,PC Brightwell-Hale found Ada Okafor-Brightwell working at a car wash
okafor-brightwell-ada,2024-05-13T09:30+01:00,referral,police,mash,telephone,,ada-okafor-call,"Ada Okafor-Brightwell rang from her aunt's flat in Luton"
okafor-brightwell-ada,2024-05-15T09:31+01:00,referral-confirmed-in-writing,police,mash,,,ada-okafor-letter,Letter signed by PC Brightwell-Hale
okafor-brightwell-ben,2024-05-13T09:30+01:00,trafficking-suspected,education,,,,ben-okafor-school,Ben Okafor-Brightwell told his teacher Ms Quennell
okafor-brightwell-ben,2024-05-13T09:45+01:00,referral,education,childrens-services,written,,ben-okafor-form,Form sent by Ms Quennell at Hollowmere Primary
"""
CSV_CHILDREN = "case,age,looked_after,uasc\nokafor-brightwell-ada,14,no,no\nokafor-brightwell-ben,16,yes,true\n"
CSV_SECRETS = [
    "okafor-brightwell-ada",
    "okafor-brightwell-ben",
    "ada-okafor-concern",
    "ada-okafor-call",
    "ada-okafor-letter",
    "ben-okafor-school",
    "ben-okafor-form",
    "PC Brightwell-Hale found Ada Okafor-Brightwell working at a car wash",
    "Ada Okafor-Brightwell rang from her aunt's flat in Luton",
    "Letter signed by PC Brightwell-Hale",
    "Ben Okafor-Brightwell told his teacher Ms Quennell",
    "Form sent by Ms Quennell at Hollowmere Primary",
    CSV_FOLDER,
    "okafor",
    "Quennell",
    "Hollowmere",
]


def _personalise(text: str, case_id: str, stem: str) -> tuple[str, list[str]]:
    """A real case file given a name-bearing id, and an id and a note on every event."""
    secrets = [case_id]
    lines = []
    number = 0
    for line in text.splitlines():
        if line.startswith("id: "):
            line = f"id: {case_id}"
        elif line.startswith("  - {"):
            number += 1
            event_id = f"{stem}-event-{number:02d}"
            note = f"{stem.title()} spoke to the duty worker, visit {number}"
            secrets += [event_id, note]
            line = line.replace("  - {", f'  - {{id: {event_id}, note: "{note}", ', 1)
        lines.append(line)
    assert number >= 3
    return "\n".join(lines) + "\n", secrets


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> tuple[list[Path], list[str]]:
    """The two inputs (a folder of case files, a CSV caseload) and every secret string they hold."""
    root = tmp_path_factory.mktemp("pseudonymise")
    files = root / "cases-for-review"
    files.mkdir()
    secrets: list[str] = []
    for real, (case_id, name) in REAL_CASES.items():
        stem = re.split(r"[-.]", case_id)[1]  # the made-up family name
        text, found = _personalise((DATA / real).read_text(encoding="utf-8"), case_id, stem)
        (files / name).write_text(text, encoding="utf-8")
        secrets += found + [name, Path(name).stem, stem]
    csv_folder = root / CSV_FOLDER
    csv_folder.mkdir()
    (csv_folder / "events.csv").write_text(CSV_EVENTS, encoding="utf-8")
    (csv_folder / "children.csv").write_text(CSV_CHILDREN, encoding="utf-8")
    secrets += CSV_SECRETS
    return [files, csv_folder], secrets


def run(paths: list[Path], *args: str, salt: str | None = SALT, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PROTOGRAPH_SALT"}
    env["PYTHONHASHSEED"] = hashseed
    if salt is not None:
        env["PROTOGRAPH_SALT"] = salt
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from protograph.cli import main; main()",
            "validate",
            *map(str, paths),
            "--quiet",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def assert_no_secret(text: str, secrets: list[str]) -> None:
    lowered = text.lower()
    leaked = sorted({s for s in secrets if s.lower() in lowered})
    assert leaked == [], f"personal data in the output: {leaked}"


def _finding_key(finding: dict, case: str) -> tuple:
    return (
        case,
        finding["protocol"],
        finding["provision"],
        finding["duty"],
        finding["severity"],
        finding["status"],
        finding["trigger"],
        finding["trigger_at"],
        finding["deadline"],
        finding["actual"],
        finding["late_by"],
        tuple(finding["recipients"]),
        finding["message"],
        finding["quote"],
    )


OUTPUTS = {
    "table": [],
    "table --matrix": ["--matrix"],
    "markdown": ["--format", "markdown"],
    "markdown --matrix": ["--format", "markdown", "--matrix"],
    "json": ["--format", "json"],
    "json --matrix": ["--format", "json", "--matrix"],
    "report table": ["--report"],
    "report markdown": ["--report", "--format", "markdown"],
    "report json": ["--report", "--format", "json"],
    "report csv": ["--report", "--format", "csv"],
    "report html": ["--report", "--format", "html"],
}


@pytest.mark.parametrize("args", OUTPUTS.values(), ids=OUTPUTS.keys())
def test_no_case_id_event_id_note_or_file_name_reaches_any_output(caseload, args):
    paths, secrets = caseload
    plain = run(paths, *args, salt=None)
    assert plain.returncode == 1, plain.stderr
    hidden = run(paths, *args, "--pseudonymise")
    assert hidden.returncode == plain.returncode, hidden.stderr
    assert_no_secret(hidden.stdout + hidden.stderr, secrets)
    assert SALT not in hidden.stdout + hidden.stderr
    if not args or args[0] != "--report":  # the per-case outputs name cases: by pseudonym only
        named = sorted({s for s in secrets if s.lower() in plain.stdout.lower()})
        assert "zaynab-qorvash-2009" in named and "okafor-brightwell-ada" in named
        pseudonyms = set(re.findall(r"case-[0-9a-f]{12}\b", hidden.stdout))
        assert len(pseudonyms) == len(REAL_CASES) + 2
    else:  # the caseload report counts cases; its review dates name them, by pseudonym only
        if "csv" not in args:
            assert re.findall(r"case-[0-9a-f]{12}\b", hidden.stdout)
        if "json" in args:
            assert json.loads(hidden.stdout)["duties"] == json.loads(plain.stdout)["duties"]


def test_the_output_file_holds_pseudonyms_only(caseload, tmp_path):
    paths, secrets = caseload
    target = tmp_path / "review.md"
    result = run(paths, "--format", "markdown", "--matrix", "--pseudonymise", "--output", str(target))
    assert result.returncode == 1, result.stderr
    written = target.read_text(encoding="utf-8")
    assert "## case-" in written and "Compliance of case-" in written
    assert_no_secret(written + result.stdout + result.stderr, secrets)
    assert SALT not in written + result.stderr


def test_findings_are_unchanged_but_for_the_case_ids_which_are_keyed_hashes(caseload):
    paths, _ = caseload
    plain = run(paths, "--format", "json", salt=None)
    hidden = run(paths, "--format", "json", "--pseudonymise")
    before, after = json.loads(plain.stdout), json.loads(hidden.stdout)
    assert len(before) == len(after) > 40
    assert all(PSEUDONYM.match(f["case"]) for f in after)

    def pseudonym(case_id: str) -> str:
        digest = hmac.new(SALT.encode(), b"case\x00" + case_id.encode(), hashlib.sha256).hexdigest()
        return "case-" + digest[:12]

    assert sorted(_finding_key(f, pseudonym(f["case"])) for f in before) == sorted(
        _finding_key(f, f["case"]) for f in after
    )
    # the known boundary of the CSV caseload survives: herts 8.2 written confirmation 1 min late
    ada = pseudonym("okafor-brightwell-ada")
    assert ("8.2", "late", "1 min") in {(f["provision"], f["status"], f["late_by"]) for f in after if f["case"] == ada}


def test_pseudonyms_are_the_same_in_every_run_and_from_a_salt_file(caseload, tmp_path):
    paths, _ = caseload
    first = run(paths, "--format", "json", "--matrix", "--pseudonymise", hashseed="1")
    second = run(paths, "--format", "json", "--matrix", "--pseudonymise", hashseed="2")
    salt_file = tmp_path / "salt"
    salt_file.write_text(SALT + "\n", encoding="utf-8")
    from_file = run(paths, "--format", "json", "--matrix", "--pseudonymise", "--salt-file", str(salt_file), salt=None)
    assert first.returncode == second.returncode == from_file.returncode == 1
    assert first.stdout == second.stdout == from_file.stdout
    assert SALT not in from_file.stdout + from_file.stderr


def test_another_salt_gives_other_pseudonyms_and_the_same_findings(caseload):
    paths, _ = caseload
    one = json.loads(run(paths, "--format", "json", "--pseudonymise").stdout)
    other = json.loads(run(paths, "--format", "json", "--pseudonymise", salt=OTHER_SALT).stdout)
    assert {f["case"] for f in one}.isdisjoint({f["case"] for f in other})
    assert len({f["case"] for f in one}) == len({f["case"] for f in other}) == len(REAL_CASES) + 2
    strip = sorted(_finding_key(f, "") for f in one)
    assert strip == sorted(_finding_key(f, "") for f in other)


@pytest.mark.parametrize(
    "salt, args, problem",
    [
        (None, [], "--pseudonymise needs a secret salt: set PROTOGRAPH_SALT or pass --salt-file FILE"),
        ("", [], "--pseudonymise needs a secret salt"),
        ("short-salt", [], "$PROTOGRAPH_SALT holds 10 bytes; a salt needs at least 16"),
        (SALT, ["--salt-file", "/nonexistent/salt"], "cannot read the salt file"),
    ],
)
def test_pseudonymise_without_a_usable_salt_is_refused_with_one_line(caseload, salt, args, problem):
    paths, _ = caseload
    result = run(paths, "--format", "json", "--pseudonymise", *args, salt=salt)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0], result.stderr
    if salt:
        assert salt not in result.stderr


def test_a_salt_file_without_pseudonymise_is_refused(caseload, tmp_path):
    paths, _ = caseload
    (tmp_path / "salt").write_text(SALT, encoding="utf-8")
    result = run(paths, "--salt-file", str(tmp_path / "salt"), salt=None)
    assert result.returncode == 2 and result.stdout == ""
    assert "--salt-file is used only with --pseudonymise" in result.stderr


# --- the library -------------------------------------------------------------------------------


def test_library_pseudonymises_results_and_findings_as_the_cli_does(corpus, caseload):
    from datetime import timedelta

    from protograph.cases.reading import read_caseload
    from protograph.checking.caseload import validate_cases
    from protograph.checking.compliance import matrix, outcomes, summary_rows

    paths, secrets = caseload
    cases = read_caseload(paths[1])
    results = validate_cases(corpus, cases, ["herts-tc-2016"], timedelta(hours=1))
    hidden = pseudonymise_results(results, SALT)
    assert [len(r.findings) for r in hidden] == [len(r.findings) for r in results] == [2, 0]
    text = repr([f.as_row() for r in hidden for f in r.findings])
    text += repr([o.as_row() for r in hidden for o in outcomes(r)]) + repr(matrix(hidden)) + repr(summary_rows(hidden))
    text += repr([(r.case, r.obligations) for r in hidden])
    assert_no_secret(text, secrets)
    assert {f.case for r in hidden for f in r.findings} == {Pseudonymiser(SALT)("case", "okafor-brightwell-ada")}
    assert [(o.status, o.provision) for o in outcomes(hidden[0])] == [
        (o.status, o.provision) for o in outcomes(results[0])
    ]


def test_frames_read_case_with_a_salt_gives_frames_without_personal_data(corpus, caseload):
    from protograph import frames

    paths, secrets = caseload
    path = paths[0] / "milo-trevennick-nail-bar.yaml"
    case = frames.read_case(path, salt=SALT)
    assert case.id == Pseudonymiser(SALT)("case", "milo-trevennick-sw4471")
    found = frames.findings(corpus, case, "herts-tc-2016")
    assert list(found["case"].unique()) == [case.id]
    shown = frames.readable(found)
    assert ("8.2", "late", "12 h") in set(zip(shown["provision"], shown["status"], shown["late_by"], strict=True))
    assert_no_secret(found.to_csv() + frames.outcomes(corpus, case).to_csv() + repr(case), secrets)


def test_the_salt_is_never_shown_and_must_be_long_enough(tmp_path):
    assert SALT not in repr(Pseudonymiser(SALT))
    with pytest.raises(InputError, match="at least 16"):
        Pseudonymiser("too-short")
    with pytest.raises(InputError, match="needs a secret salt"):
        salt_from(None, {})
    (tmp_path / "salt").write_bytes(SALT.encode() + b"\r\n")
    assert salt_from(tmp_path / "salt", {"PROTOGRAPH_SALT": OTHER_SALT}) == SALT.encode()
    assert salt_from(None, {"PROTOGRAPH_SALT": OTHER_SALT}) == OTHER_SALT.encode()

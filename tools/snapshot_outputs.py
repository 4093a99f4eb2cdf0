"""Run a fixed list of protograph commands over the bundled corpus and tests/data/cases, and
write what each printed (stdout, stderr, exit status) and wrote (output files) into a folder.

Run it before and after a change that must not change behaviour, then compare the folders:

    python tools/snapshot_outputs.py /tmp/snap-before
    ... change ...
    python tools/snapshot_outputs.py /tmp/snap-after
    diff -r /tmp/snap-before /tmp/snap-after

Each command runs in its own empty folder (so a relative --output lands there and the
"wrote FILE" line names the same file every time), as `python -m protograph`."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "cases"
PROTOCOLS = ["4lscb-ctp-2011", "4lscb-met-2013", "4lscb-met-guide-2018", "herts-tc-2016", "lincs-tc-2023"]
VERSION_PAIRS = [("4lscb-ctp-2011", "4lscb-met-2013"), ("4lscb-met-2013", "4lscb-met-guide-2018")]
SERAF_EXAMPLE = [
    "--significant-current",
    "ind-app-2-periods-going-missing-overnight-longer",
    "--vulnerability",
    "ind-app-2-breakdown-family-relationships",
    "--age",
    "12",
]


def commands() -> list[tuple[str, list[str]]]:
    """The fixed list: (name of the snapshot folder, arguments after `protograph`)."""
    runs: list[tuple[str, list[str]]] = [("help", ["--help"])]
    for command in ("list", "show", "timescales", "conflicts", "diff", "coverage", "check", "seraf", "validate"):
        runs.append((f"help-{command}", [command, "--help"]))
    runs += [("help-shapes", ["shapes", "--help"]), ("help-graph", ["graph", "--help"])]
    for fmt in ("table", "markdown", "json"):
        runs.append((f"list-{fmt}", ["list", "--format", fmt]))
    for protocol in PROTOCOLS:
        runs.append((f"show-{protocol}", ["show", protocol]))
        runs.append((f"show-{protocol}-json", ["show", protocol, "--format", "json"]))
        runs.append((f"coverage-{protocol}", ["coverage", protocol]))
        runs.append((f"coverage-{protocol}-all-json", ["coverage", protocol, "--all", "--format", "json"]))
        runs.append((f"shapes-{protocol}", ["shapes", protocol]))
    runs.append(("shapes-output", ["shapes", "herts-tc-2016", "--output", "shapes.ttl"]))
    runs.append(("show-unknown", ["show", "no-such-protocol"]))
    for fmt in ("table", "json", "csv", "html"):
        runs.append((f"timescales-{fmt}", ["timescales", "--format", fmt]))
    runs.append(("timescales-matrix", ["timescales", "--matrix"]))
    runs.append(("timescales-matrix-markdown", ["timescales", "--matrix", "--format", "markdown"]))
    runs.append(("timescales-two", ["timescales", "--protocols", "herts-tc-2016,lincs-tc-2023"]))
    for fmt in ("table", "json", "html", "markdown"):
        runs.append((f"conflicts-{fmt}", ["conflicts", "--format", fmt]))
    runs.append(("conflicts-summary", ["conflicts", "--summary"]))
    runs.append(("conflicts-within", ["conflicts", "--within"]))
    runs.append(("conflicts-deadline-json", ["conflicts", "--kind", "deadline", "--format", "json"]))
    runs.append(("conflicts-html-output", ["conflicts", "--format", "html", "--output", "conflicts.html"]))
    for a, b in VERSION_PAIRS:
        for fmt in ("table", "json", "html"):
            runs.append((f"diff-{a}-{b}-{fmt}", ["diff", a, b, "--format", fmt]))
    runs.append(("diff-rename", ["diff", *VERSION_PAIRS[0], "--area", "rename"]))
    runs.append(("check", ["check"]))
    runs.append(("seraf-table", ["seraf", *SERAF_EXAMPLE]))
    runs.append(("seraf-json", ["seraf", *SERAF_EXAMPLE, "--format", "json"]))
    runs.append(("seraf-list-indicators", ["seraf", "--list-indicators"]))
    for case in sorted(CASES.iterdir()):
        for fmt in ("table", "json"):
            runs.append((f"validate-{case.name}-{fmt}", ["validate", str(case), "--protocol", "all", "--format", fmt]))
    # The folder holds case-017 twice (YAML and Turtle), which is refused as a duplicate id:
    # keep that refusal, and run the caseload as its YAML files.
    caseload = [str(p) for p in sorted(CASES.glob("*.yaml"))]
    runs.append(("validate-folder-duplicate-id", ["validate", str(CASES), "--quiet"]))
    runs.append(("validate-caseload", ["validate", *caseload, "--quiet"]))
    runs.append(("validate-caseload-json", ["validate", *caseload, "--quiet", "--format", "json"]))
    runs.append(("validate-caseload-reference", ["validate", *caseload, "--quiet", "--engine", "reference"]))
    for fmt in ("table", "markdown", "json", "csv", "html"):
        runs.append((f"validate-report-{fmt}", ["validate", *caseload, "--report", "--quiet", "--format", fmt]))
    runs.append(
        (
            "validate-report-output",
            ["validate", *caseload, "--report", "--quiet", "--format", "html", "--output", "r.html"],
        )
    )
    runs.append(("validate-csv-without-report", ["validate", *caseload, "--format", "csv"]))
    runs.append(("validate-no-salt", ["validate", *caseload, "--pseudonymise"]))
    runs.append(("validate-salt-file-alone", ["validate", *caseload, "--salt-file", "salt"]))
    runs.append(("graph-met-2013", ["graph", "4lscb-met-2013", "--output", "graph.html"]))
    runs.append(("graph-all", ["graph", *PROTOCOLS, "--output", "graph.html"]))
    for a, b in VERSION_PAIRS:
        runs.append((f"graph-diff-{a}-{b}", ["graph", a, b, "--diff", "--output", "graph.html"]))
    runs.append(("graph-diff-one", ["graph", "4lscb-met-2013", "--diff", "--output", "graph.html"]))
    for command in ("vocab", "timeline", "align", "sample-caseload"):
        runs.append((f"help-{command}", [command, "--help"]))
    for kind in ("events", "roles", "categories"):
        for fmt in ("table", "markdown", "json"):
            runs.append((f"vocab-{kind}-{fmt}", ["vocab", kind, "--format", fmt]))
    runs.append(("timeline-herts", ["timeline", "herts-tc-2016", "--output", "timeline.html"]))
    runs.append(("timeline-two", ["timeline", "herts-tc-2016", "lincs-tc-2023", "--output", "timeline.html"]))
    for fmt in ("table", "json"):
        runs.append((f"align-{fmt}", ["align", "--format", fmt]))
    runs.append(("sample-caseload", ["sample-caseload", "5", "sample"]))
    return runs


def snapshot(out: Path, only: str | None = None) -> int:
    """Run every command (or those whose name holds ``only``) into its own folder under
    ``out``; return how many ran."""
    if out.exists() and only is None:
        shutil.rmtree(out)
    runs = [(name, args) for name, args in commands() if only is None or only in name]
    for name, args in runs:
        folder = out / name
        if folder.exists():
            shutil.rmtree(folder)
        work = folder / "files"
        work.mkdir(parents=True)
        result = subprocess.run([sys.executable, "-m", "protograph", *args], cwd=work, capture_output=True, timeout=900)
        (folder / "args").write_text("\n".join(args) + "\n", encoding="utf-8")
        (folder / "stdout").write_bytes(result.stdout)
        (folder / "stderr").write_bytes(result.stderr)
        (folder / "exit").write_text(f"{result.returncode}\n", encoding="utf-8")
        print(f"{result.returncode} {name}", file=sys.stderr)
    return len(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="The folder to write (replaced if it exists).")
    parser.add_argument("--only", default=None, help="Run only the commands whose name holds this text.")
    args = parser.parse_args()
    count = snapshot(args.out, args.only)
    print(f"{count} commands snapshotted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

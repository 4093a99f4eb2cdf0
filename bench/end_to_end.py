"""Benchmark: what a user waits for. Generate CSV caseloads (events.csv + children.csv), run the
real command, `protograph validate DIR --protocol all --format FORMAT`, as a subprocess, and
print its wall time, its CPU time (the command and its workers), its peak memory, the cost per case and the time of each phase (read,
load corpus, validate, write: the command's --profile-phases).

    python bench/end_to_end.py                       # 10,000 and 100,000 cases; json, csv, table
    python bench/end_to_end.py --sizes 10000 --formats json --jobs 1
    python bench/end_to_end.py --million             # and 1,000,000 cases (json only; slow)
    python bench/end_to_end.py --plain               # the shorter synthetic record (7 events a case)
    python bench/end_to_end.py --order time          # events.csv ordered by time, every case's rows
                                                     # interleaved (read by sorting in runs on disk)

The caseloads are the detailed synthetic record (about 12 events a case: 121,352 events at
10,000 cases, as the issue's 123,000), unless --plain.

Memory is the peak of the whole run: the command and its worker processes, sampled every
50 ms as their proportional set size (PSS: pages shared by forked workers counted once, split
between them), beside the command's own peak (VmHWM). "csv" is the caseload report
(``--report --format csv``), the only CSV output validate has. The generated caseloads are kept
in a temporary folder that is removed at the end."""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from protograph.cases.synthetic import write_caseload  # noqa: E402

PROTOGRAPH = Path(sys.executable).with_name("protograph")


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
                queue.extend(int(c) for c in children)
        except OSError:
            continue
    return found


def _field_kb(path: str, name: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run(folder: Path, fmt: str, jobs: int | None) -> dict[str, object]:
    """Run validate once; its wall time, peak memory (MB) and phases."""
    args = [str(PROTOGRAPH), "validate", str(folder), "--protocol", "all", "--quiet", "--profile-phases"]
    args += ["--report", "--format", "csv"] if fmt == "csv" else ["--format", fmt]
    if jobs:
        args += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err)
        tree_peak = main_peak = 0
        while child.poll() is None:
            pids = _tree(child.pid)
            tree_peak = max(tree_peak, sum(_field_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
            main_peak = max(main_peak, _field_kb(f"/proc/{child.pid}/status", "VmHWM:"))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers, reaped
        out.seek(0, os.SEEK_END)
        written = out.tell()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if child.returncode not in (0, 1):
        raise SystemExit(f"validate failed ({child.returncode}): {stderr.strip()[-400:]}")
    phases = dict(re.findall(r"(read|load corpus|validate|write) ([0-9.]+) s", stderr))
    return {
        "seconds": seconds,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "tree_mb": tree_peak / 1024,
        "main_mb": main_peak / 1024,
        "output_mb": written / 1e6,
        "phases": phases,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["json", "csv", "table"], choices=["json", "csv", "table"])
    parser.add_argument("--million", action="store_true", help="also 1,000,000 cases (JSON only)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for validate (default: its own default)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--plain", action="store_true", help="the plain synthetic record (7 events a case)")
    parser.add_argument(
        "--order", choices=["case", "time"], default="case", help="events.csv grouped by case, or ordered by time"
    )
    args = parser.parse_args()
    sizes = [(size, args.formats) for size in args.sizes]
    if args.million:
        sizes.append((1_000_000, ["json"]))
    load = os.getloadavg()[0]
    print(f"machine: {len(os.sched_getaffinity(0))} cores available, load average {load:.1f} at the start")
    per_case: dict[str, list[tuple[int, float]]] = {}
    cpu_per_case: dict[str, list[tuple[int, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="protograph-bench-") as scratch:
        for size, formats in sizes:
            folder = Path(scratch) / f"caseload-{size}"
            started = time.perf_counter()
            write_caseload(size, folder, args.seed, detailed=not args.plain, order=args.order)
            events = sum(1 for _ in (folder / "events.csv").open(encoding="utf-8")) - 1
            print(
                f"{size:,} cases, {events:,} events ({events / size:.1f} a case; "
                f"{(folder / 'events.csv').stat().st_size / 1e6:.0f} MB events.csv, in {args.order} order), "
                f"generated in {time.perf_counter() - started:.1f} s"
            )
            for fmt in formats:
                figures = run(folder, fmt, args.jobs)
                seconds = float(figures["seconds"])  # type: ignore[arg-type]
                per_case.setdefault(fmt, []).append((size, seconds / size))
                phases = ", ".join(f"{k} {float(v):.1f} s" for k, v in figures["phases"].items())  # type: ignore[union-attr]
                cpu = float(figures["cpu"])  # type: ignore[arg-type]
                cpu_per_case.setdefault(fmt, []).append((size, cpu / size))
                print(
                    f"  {fmt:>5}: {seconds:7.1f} s wall, {seconds / size * 1000:.2f} ms a case; CPU {cpu:.1f} s "
                    f"({cpu / size * 1000:.2f} ms a case); peak {figures['tree_mb']:,.0f} MB "
                    f"(all processes, PSS), command alone {figures['main_mb']:,.0f} MB; output "
                    f"{figures['output_mb']:,.0f} MB; phases: {phases}"
                )
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    for what, table in (("wall", per_case), ("CPU", cpu_per_case)):
        for fmt, costs in table.items():
            if len(costs) > 1:
                spread = max(c for _, c in costs) / min(c for _, c in costs)
                shown = ", ".join(f"{n:,}: {c * 1000:.2f} ms" for n, c in costs)
                print(f"{what} cost per case, {fmt}: {shown} (largest / smallest {spread:.2f}; 1.00 is flat)")
    print("validate phase times add the workers' seconds (with --jobs 2 they can exceed the wall time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

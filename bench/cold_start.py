"""Benchmark: how long `protograph --help` and `protograph list` take as whole processes.

python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _time(args: list[str], runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from protograph.cli import main; main()", *args], check=True, capture_output=True
        )
        timings.append(time.perf_counter() - started)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    _time(["--help"], 1)  # warm the file cache
    for command in (["--help"], ["list"]):
        timings = _time(command, args.runs)
        print(
            f"protograph {' '.join(command):8s} median {statistics.median(timings):.3f} s, "
            f"min {min(timings):.3f} s, max {max(timings):.3f} s over {args.runs} runs (target: under 0.5 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

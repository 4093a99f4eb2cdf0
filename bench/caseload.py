"""Benchmark: validate a generated caseload against all five protocols with the batch engine,
run pySHACL (the reference engine) on a sample of the same cases with the same shapes, check
that the findings agree, and print the figures measured in this one run.

    python bench/caseload.py                      # 10,000 cases, pySHACL on 20 of them
    python bench/caseload.py --cases 1000 --scaling 1000,10000
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from protograph.batch import validate_batch  # noqa: E402
from protograph.loader import load_corpus  # noqa: E402
from protograph.reports import validate_cases  # noqa: E402
from protograph.synthetic import caseload  # noqa: E402


def _key(results: list) -> list:
    return sorted(
        (r.case.id, r.protocol, tuple(tuple(sorted((k, str(v)) for k, v in f.as_row().items())) for f in r.findings))
        for r in results
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=20, help="cases validated with pySHACL for the comparison")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--scaling", default="1000,10000", help="caseload sizes to time for the growth figure")
    args = parser.parse_args()

    corpus = load_corpus()
    protocols = corpus.ids()
    validate_batch(corpus, caseload(5, args.seed), protocols)  # warm the corpus caches

    started = time.perf_counter()
    cases = caseload(args.cases, args.seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    batch = validate_batch(corpus, cases, protocols)
    batch_seconds = time.perf_counter() - started
    findings = sum(len(r.findings) for r in batch)

    sample = cases[: args.sample]
    started = time.perf_counter()
    reference = validate_cases(corpus, sample, protocols, timedelta(hours=1), engine="reference")
    reference_seconds = time.perf_counter() - started
    agree = _key(reference) == _key([r for r in batch if r.case.id in {c.id for c in sample}])

    per_case_batch = batch_seconds / len(cases)
    per_case_reference = reference_seconds / len(sample)
    print(
        f"caseload: {len(cases):,} generated cases ({generated:.2f} s), {sum(len(c.events) for c in cases):,} events, "
        f"{len(protocols)} protocols"
    )
    print(
        f"batch engine (pyoxigraph): {batch_seconds:.2f} s wall, {len(cases) / batch_seconds:,.0f} cases/s, "
        f"{findings:,} findings"
    )
    print(
        f"reference engine (pySHACL) on {len(sample)} of the same cases: {reference_seconds:.2f} s "
        f"({per_case_reference:.3f} s a case)"
    )
    print(
        f"batch vs pySHACL, per case: {per_case_reference / per_case_batch:,.0f}x faster; findings identical on the "
        f"sample: {agree}"
    )
    sizes = [int(s) for s in args.scaling.split(",") if s.strip()]
    timings = []
    for size in sizes:
        subset = caseload(size, args.seed)
        started = time.perf_counter()
        validate_batch(corpus, subset, protocols)
        timings.append((size, time.perf_counter() - started))
    for size, seconds in timings:
        print(f"  {size:>7,} cases: {seconds:7.2f} s  ({seconds / size * 1000:.3f} ms a case)")
    if len(timings) > 1:
        per_case = [s / n for n, s in timings]
        print(
            f"growth: per-case cost varies {max(per_case) / min(per_case):.2f}x across sizes "
            f"(1.00 is perfectly linear); median {statistics.median(per_case) * 1000:.3f} ms a case"
        )
    print(f"peak memory (this process): {_peak_mb():,.0f} MB")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())

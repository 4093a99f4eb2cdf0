"""Benchmark the engine alone: validate a generated caseload (already in memory, no output)
against all five protocols with the batch engine (the constraints evaluated in Python from
the compiled plan), with the shapes engine (the constraint queries on pyoxigraph) on the same
cases, and with pySHACL (the reference engine) on a sample of them; check that the findings
agree, and print the figures measured in this one run: what compiling the protocols costs
cold and warm (from the on-disk cache), wall and CPU time a case, and peak memory.

    python bench/caseload.py                      # 10,000 cases, pySHACL on 20 of them
    python bench/caseload.py --cases 1000 --scaling 1000,10000 --no-shapes

Each caseload size of the growth figure runs in a fresh process, so its wall time and peak
memory are its own; its figure includes generating the cases, which stay in memory with their
results (so memory grows with the caseload here: the command streams, see
bench/end_to_end.py). The figure that counts for a user is end to end, CSV in and findings out."""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from protograph.cases.synthetic import caseload  # noqa: E402
from protograph.checking.batch import validate_batch, validate_shapes  # noqa: E402
from protograph.checking.caseload import validate_cases  # noqa: E402
from protograph.checking.plan import compile_plan, load_checking_corpus  # noqa: E402
from protograph.corpus.loader import load_corpus  # noqa: E402


def _key(results: list) -> list:
    return sorted(
        (r.case.id, r.protocol, tuple(tuple(sorted((k, str(v)) for k, v in f.as_row().items())) for f in r.findings))
        for r in results
    )


def _peak_mb() -> float:
    """This process's peak resident memory. On Linux, VmHWM: ru_maxrss survives exec, so a
    child started from a large parent would report the parent's size as its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=20, help="cases validated with pySHACL for the comparison")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--scaling", default="1000,10000,100000", help="caseload sizes to time for the growth figure ('' for none)"
    )
    parser.add_argument("--no-shapes", action="store_true", help="skip the shapes engine (pyoxigraph) run")
    parser.add_argument("--time-only", type=int, metavar="N", help=argparse.SUPPRESS)  # one growth point
    args = parser.parse_args()
    if args.time_only:
        return _time_only(args.time_only, args.seed)

    with tempfile.TemporaryDirectory() as cache:  # cold and warm, whatever the user's cache holds
        os.environ["PROTOGRAPH_CACHE_DIR"] = cache
        started = time.perf_counter()
        corpus = load_checking_corpus()
        compile_plan(corpus)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        warm_plan = compile_plan(load_checking_corpus())
        warm = time.perf_counter() - started
    print(
        f"compiling the five protocols: {cold:.2f} s cold (parse + SPARQL, cache written), "
        f"{warm:.3f} s warm (from the cache; plan pickles to {len(pickle.dumps(warm_plan)) / 1024:,.0f} KB)"
    )
    protocols = corpus.ids()
    validate_batch(corpus, caseload(5, args.seed), protocols)  # warm the corpus caches

    started = time.perf_counter()
    cases = caseload(args.cases, args.seed)
    generated = time.perf_counter() - started
    gc.collect()
    cpu, started = time.process_time(), time.perf_counter()
    batch = validate_batch(corpus, cases, protocols)
    batch_seconds = time.perf_counter() - started
    batch_cpu = time.process_time() - cpu
    batch_peak = _peak_mb()
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
        f"batch engine (direct, from the compiled plan): {batch_seconds:.2f} s wall, {batch_cpu:.2f} s CPU, "
        f"{batch_seconds / len(cases) * 1000:.3f} ms a case ({len(cases) / batch_seconds:,.0f} cases/s), "
        f"{findings:,} findings"
    )
    if not args.no_shapes:
        started = time.perf_counter()
        shapes = validate_shapes(corpus, cases, protocols)
        shapes_seconds = time.perf_counter() - started
        same = _key(shapes) == _key(batch)
        print(
            f"shapes engine (the constraint queries on pyoxigraph): {shapes_seconds:.2f} s wall, "
            f"{shapes_seconds / len(cases) * 1000:.3f} ms a case; findings identical to the batch engine's on all "
            f"{len(cases):,} cases: {same}"
        )
        del shapes
    else:
        same = True
    print(
        f"reference engine (pySHACL) on {len(sample)} of the same cases: {reference_seconds:.2f} s "
        f"({per_case_reference:.3f} s a case)"
    )
    print(
        f"batch vs pySHACL, per case: {per_case_reference / per_case_batch:,.0f}x faster; findings identical on the "
        f"sample: {agree}"
    )
    print(f"peak memory (batch run, whole process): {batch_peak:,.0f} MB")
    sizes = [int(s) for s in args.scaling.split(",") if s.strip()]
    timings = []
    for size in sizes:
        run = subprocess.run(
            [sys.executable, __file__, "--time-only", str(size), "--seed", str(args.seed)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(run.stdout)
        timings.append((size, figures["seconds"], figures["cpu_seconds"], figures["peak_mb"]))
    if timings:
        print("growth (each size in a fresh process; the cases and their results stay in memory):")
    for size, seconds, cpu, peak in timings:
        print(
            f"  {size:>7,} cases: {seconds:7.2f} s wall ({seconds / size * 1000:.3f} ms a case), {cpu:.2f} s CPU, "
            f"peak {peak:,.0f} MB"
        )
    if len(timings) > 1:
        per_case = [s / n for n, s, _, _ in timings]
        print(
            f"growth: per-case cost varies {max(per_case) / min(per_case):.2f}x across sizes "
            f"(1.00 is perfectly linear); median {statistics.median(per_case) * 1000:.3f} ms a case"
        )
    return 0 if agree and same else 1


def _time_only(size: int, seed: int) -> int:
    """Validate one generated caseload and print its wall time and peak memory as JSON."""
    corpus = load_corpus()
    protocols = corpus.ids()
    validate_batch(corpus, caseload(5, seed), protocols)  # warm the corpus caches
    cases = caseload(size, seed)
    gc.collect()
    cpu, started = time.process_time(), time.perf_counter()
    validate_batch(corpus, cases, protocols)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": _peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

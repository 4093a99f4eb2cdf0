"""Validating a caseload end to end, a chunk of cases at a time, on every core.

Cases are independent, so a caseload is read, validated and written in chunks
(:class:`~protograph.cases.reading.Caseload` gives them in report order): memory holds a few
chunks, not the caseload. JSON findings are written as each chunk is done; the caseload report
(``--report``) adds each chunk's counts to a :class:`~protograph.reports.caseload.CaseloadTally`;
the table and Markdown outputs keep only the rows they show, a file a chunk in a private
temporary folder, and lay their tables out at the end, a chunk at a time, in the workers too.
With ``jobs`` above one, chunks are built and validated in worker processes while the main
process cuts the next chunks and writes the finished ones in their order, so the output is the
same, byte for byte, whatever the chunk size and the number of workers. A chunk of a CSV caseload
travels to its worker as the text of its rows (cheap to send), and the worker builds its cases; a
case that will not build sends the main process back to read the caseload again, strictly, so
that every fault is reported as reading always reports it.

This is what ``protograph validate`` runs; a notebook can call :func:`validate_caseload` with
any binary file (``io.BytesIO()``) to receive the output."""

from __future__ import annotations

import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

from ..cases.pseudonymise import Pseudonymiser
from ..cases.reading import Case, CaseChunk, Caseload
from ..checking.caseload import validate_cases
from ..checking.deadlines import DEFAULT_IMMEDIATE_TOLERANCE
from ..checking.validation import CaseResult
from ..corpus.loader import Corpus
from ..errors import InputError
from .formats import LayOut, LayOutTask, lay_out_run, temporary_folder

# one case this long is checked faster by the batch engine (a 2,000-event case: 3 s a protocol
# there, 48 s on pySHACL)
BATCH_EVENTS = 200
# cases a chunk: large enough that a chunk's fixed costs (a store, each duty's query) are spread
# thin, small enough that a chunk's obligations and results stay a few tens of megabytes
DEFAULT_CHUNK_CASES = 1000


def choose_engine(cases: list[Case], asked: str | None, count: int | None = None) -> str:
    """The engine the user asked for, else batch for more than one case (``count``, default the
    cases given) or for one case of more than BATCH_EVENTS events, else reference."""
    if asked:
        return asked
    many = (count if count is not None else len(cases)) > 1
    return "batch" if many or any(len(case.events) > BATCH_EVENTS for case in cases) else "reference"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class RunOptions:
    """What to check and how to write it (the same in every worker)."""

    protocols: tuple[str, ...]
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE
    fmt: str = "json"
    report: bool = False
    with_matrix: bool = False
    in_force: bool = False
    engine: str | None = None  # None: choose_engine


@dataclass
class RunSummary:
    """What a run found: cases checked, violations, and how long each phase took (seconds)."""

    cases: int = 0
    violations: int = 0
    phases: dict[str, float] | None = None


def validate_chunk(
    corpus: Corpus, cases: list[Case], options: RunOptions, engine: str | None = None, endpoint: Any = None
) -> list[CaseResult]:
    """Validate some cases as a run with these options does (engine: default as choose_engine
    picks for these cases); with ``options.in_force``, only the versions in force are kept."""
    engine = engine or choose_engine(cases, options.engine)
    results = validate_cases(corpus, cases, list(options.protocols), options.tolerance, engine, False, endpoint)
    if options.in_force:
        from ..checking.in_force import keep_in_force

        results = keep_in_force(corpus, results)
    return results


def _chunk_output(
    corpus: Corpus, cases: list[Case], options: RunOptions, engine: str, endpoint: Any, rows_at: str | None = None
) -> Any:
    """One chunk validated and reduced to what the output needs: the report's counts, the JSON
    findings items, or the table's rows (a FindingsReport without its corpus; with ``rows_at``,
    its rows stored in a file there, to be laid out from it)."""
    results = validate_chunk(corpus, cases, options, engine, endpoint)
    if options.report:
        from .caseload import CaseloadTally

        tally = CaseloadTally()
        tally.add(results, corpus)
        return tally
    if options.fmt == "json" and not options.with_matrix:
        from .findings import json_findings

        return json_findings(corpus, cases, results)
    from .findings import FindingsReport

    part = FindingsReport(corpus, options.fmt, options.with_matrix)
    part.add(cases, results)
    if rows_at is not None:
        part.store(rows_at)
    part.corpus = None  # type: ignore[assignment]  # the worker's corpus stays in the worker
    return part


# --- worker processes -------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


class ReviewedCase(NamedTuple):
    """What the caseload report's review dates need of a case (ReviewDates.add)."""

    id: str
    as_of: datetime
    review_date_source: str


@dataclass(frozen=True)
class _Built:
    """A chunk built and validated: its cases, its output, and (for the report) its review dates."""

    cases: int
    output: Any
    reviewed: list[ReviewedCase] | None
    seconds: float


class _Refused(str):
    """A worker's refusal to pseudonymise a chunk (two ids with one pseudonym), as its text: not
    a fault of the input, so the caseload is not read again for faults."""


def _run_chunk(
    corpus: Corpus,
    chunk: CaseChunk,
    options: RunOptions,
    total: int,
    endpoint: Any,
    rows_at: str | None = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> _Built | InputError | _Refused:
    """Build one chunk's cases (in a worker, from its rows' text), pseudonymise them a case at a
    time with ``pseudonymiser`` (the chunk is already in pseudonym order) and validate them; an
    InputError (returned, not raised) when a case will not build, a _Refused when two event ids
    of a case have one pseudonym. ``rows_at``: the file a table's rows are stored in
    (_chunk_output)."""
    started = time.perf_counter()
    try:
        cases = chunk.cases()
    except InputError as error:
        return error
    if pseudonymiser is not None:
        try:
            cases = [pseudonymiser.alone(case) for case in cases]
        except InputError as refusal:
            return _Refused(refusal)
    engine = choose_engine(cases, options.engine, total)
    output = _chunk_output(corpus, cases, options, engine, endpoint, rows_at)
    reviewed = [ReviewedCase(c.id, c.as_of, c.review_date_source) for c in cases] if options.report else None
    return _Built(len(cases), output, reviewed, time.perf_counter() - started)


def _work(chunk: CaseChunk, total: int, rows_at: str | None) -> _Built | str:
    """In a worker: build (and pseudonymise, with the pseudonymiser the worker was forked with,
    so the salt is never sent) and validate one chunk; a fault comes back as its text."""
    built = _run_chunk(_WORKER["corpus"], chunk, _WORKER["options"], total, None, rows_at, _WORKER["pseudonymiser"])
    return str(built) if isinstance(built, InputError) else built


def _pool(corpus: Corpus, options: RunOptions, jobs: int, pseudonymiser: Pseudonymiser | None = None) -> Any:
    """Worker processes forked from this one, so each starts with the corpus (and the duties
    compiled so far) already loaded, with the pseudonymiser if any (its salt inherited, never
    pickled), and with this process's network guard in place."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..cases.reading import event_type_ids, role_ids

    event_type_ids(), role_ids()  # looked up once here, not in every worker building cases
    _WORKER.update(corpus=corpus, options=options, pseudonymiser=pseudonymiser)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))


def _in_order(pool: Any, window: int) -> LayOut:
    """Runs of table rows laid out by the pool's workers, ``window`` at a time, given back in
    order (so memory holds a few runs' lines, not the table's)."""

    def lay_out(tasks: Iterable[LayOutTask]) -> Iterator[tuple[int, str]]:
        pending: deque[Future] = deque()
        for task in tasks:
            pending.append(pool.submit(lay_out_run, *task))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    return lay_out


# --- writing ----------------------------------------------------------------------------------


class _JsonList:
    """The JSON findings list written item by item, exactly as json.dumps(rows, indent=2)."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.started = False

    def write(self, items: list[bytes]) -> None:
        if not items:
            return
        self.out.write((b",\n" if self.started else b"[\n") + b",\n".join(items))
        self.started = True

    def close(self) -> None:
        self.out.write(b"\n]\n" if self.started else b"[]\n")


def validate_caseload(
    corpus: Corpus,
    caseload: Caseload,
    options: RunOptions,
    out: IO[bytes],
    *,
    jobs: int = 1,
    chunk_cases: int = DEFAULT_CHUNK_CASES,
    progress: bool = False,
    endpoint: Any = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> RunSummary:
    """Validate a caseload against ``options.protocols`` and write the output (findings, or the
    caseload report with ``options.report``) to ``out`` as UTF-8, ending in a newline; returns the
    cases checked, the violations found and each phase's time. With ``jobs`` > 1 (and no
    endpoint), chunks are validated in that many worker processes. A fault found in a case while
    reading raises InputError once every fault is collected; what was written is then no output
    (the command writes to a temporary file it drops). With a ``pseudonymiser`` (a CSV caseload
    read streamed only: Caseload.streamed), the cases are read in pseudonym order and each chunk
    is pseudonymised where it is built, so no case is held here; two case ids with one
    pseudonym meet there and are refused."""
    from ..progress import counter
    from .caseload import CaseloadTally, write_report
    from .explain import ReviewDates
    from .findings import FindingsReport

    total = len(caseload)
    phases = {"read": 0.0, "validate": 0.0, "write": 0.0}
    tally = CaseloadTally() if options.report else None
    review = ReviewDates(every_row=options.fmt == "json") if options.report else None
    findings = (
        FindingsReport(corpus, options.fmt, options.with_matrix)
        if not options.report and (options.fmt != "json" or options.with_matrix)
        else None
    )
    json_list = _JsonList(out) if not options.report and findings is None else None
    summary = RunSummary()
    workers = jobs if endpoint is None and jobs > 1 and total > chunk_cases else 1
    # the table's rows: a file a chunk, written where the chunk is validated and laid out from there
    folder = temporary_folder() if findings is not None and options.fmt != "json" else None
    pool = None
    pending: deque[Future] = deque()

    def chunks() -> Iterator[CaseChunk]:
        from ..cases.reading import SameOrder

        source = caseload.raw_chunks(chunk_cases, pseudonymiser.case_order if pseudonymiser is not None else None)
        while True:
            started = time.perf_counter()
            try:
                chunk = next(source, None)
            except SameOrder as same:
                from ..cases.pseudonymise import collision

                raise collision("case", f"case-{same.args[0]}") from None
            phases["read"] += time.perf_counter() - started
            if chunk is None:
                return
            yield chunk

    def finish(built: _Built | InputError | _Refused | str) -> None:
        if isinstance(built, _Refused):
            raise InputError(str(built))
        if isinstance(built, str):  # a worker's fault: read again here, every fault reported
            caseload.fault(InputError(built))
        if isinstance(built, InputError):
            caseload.fault(built)
        phases["validate"] += built.seconds
        started = time.perf_counter()
        summary.cases += built.cases
        output = built.output
        if tally is not None:
            tally.merge(output)
            review.add(built.reviewed)  # type: ignore[union-attr, arg-type]
        elif json_list is not None:
            items, violations = output
            summary.violations += violations
            json_list.write(items)
        else:
            findings.merge(output)  # type: ignore[union-attr]
        phases["write"] += time.perf_counter() - started
        bar.update(built.cases)

    read = 0
    try:
        pool = _pool(corpus, options, workers, pseudonymiser) if workers > 1 else None
        with counter(total, "validating", progress) as bar:
            for number, chunk in enumerate(chunks()):
                read += len(chunk)
                bar.set_postfix_str(f"read {read:,}")
                rows_at = os.path.join(folder, f"{number}.rows") if folder is not None else None
                if pool is None:
                    finish(_run_chunk(corpus, chunk, options, total, endpoint, rows_at, pseudonymiser))
                    continue
                pending.append(pool.submit(_work, chunk, total, rows_at))
                while len(pending) > workers:  # a chunk a worker in hand, one being read
                    finish(pending.popleft().result())
            while pending:
                finish(pending.popleft().result())
        started = time.perf_counter()
        if tally is not None:
            summary.violations = tally.severities.get("Violations", 0)
            write_report(out, tally.rows(corpus), options.fmt, review, corpus, tally.severities)  # type: ignore[arg-type]
        elif json_list is not None:
            json_list.close()
        else:
            summary.violations = findings.violations  # type: ignore[union-attr]
            findings.corpus = corpus  # type: ignore[union-attr]
            # the tables laid out a run of rows (a chunk) at a time, by the workers if any
            findings.write(out, _in_order(pool, workers + 1) if pool is not None else None)  # type: ignore[union-attr]
        phases["write"] += time.perf_counter() - started
    except BaseException:
        if findings is not None:
            findings.close()  # its temporary files
        if review is not None:
            review.close()
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            _WORKER.clear()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    if summary.cases != total:  # pragma: no cover - a reader that lost cases is a bug, not bad input
        raise InputError(f"read {summary.cases} of {total} cases")
    summary.phases = phases
    return summary


# --- the validate command, as a library call --------------------------------------------------


class UsageProblem(ValueError):
    """Options that do not go together (the command shows it as a usage error)."""


@dataclass(frozen=True)
class ValidateRequest:
    """What ``protograph validate`` was asked: the caseload paths, the protocols, the output."""

    paths: tuple[Path, ...]
    protocol_id: str = "all"
    area: str | None = None
    as_of: str | None = None
    tolerance: timedelta = DEFAULT_IMMEDIATE_TOLERANCE
    report: bool = False
    fmt: str = "table"
    show_matrix: bool | None = None
    engine: str | None = None


def run_validate(
    request: ValidateRequest,
    load_corpus: Callable[[], Corpus],
    output: Path | None = None,
    *,
    pseudonymise: bool = False,
    salt_file: Path | None = None,
    jobs: int | None = None,
    chunk_cases: int | None = None,
    progress: bool = False,
    connect: Callable[[Corpus], Any] = lambda corpus: None,
    say: Callable[[str], None] = lambda line: None,
    profile_phases: bool = False,
) -> RunSummary:
    """``protograph validate``: read the caseload (every row checked before the corpus loads, so
    bad input fails at once), load the corpus (``load_corpus``) and choose the protocols, then
    validate and write the output to ``output`` (stdout when None) through a temporary file, so
    that a fault found late leaves no output. ``say`` receives the lines for stderr (notes on
    shared case ids, where the output went, phase times); ``connect`` gives the SPARQL endpoint
    for a loaded corpus, or None. Raises UsageProblem for options that do not go together."""
    from ..cases.reading import parse_time
    from ..errors import printable
    from ..guard.output_files import output_file

    if salt_file is not None and not pseudonymise:
        raise UsageProblem("--salt-file is used only with --pseudonymise")
    if pseudonymise:
        from ..cases.pseudonymise import salt_from

        salt = salt_from(salt_file)
    if not request.report and request.fmt in ("csv", "html"):
        raise UsageProblem(f"--format {request.fmt} is for the caseload report: add --report")
    when = parse_time(request.as_of, None, None, "--as-of") if request.as_of else None
    started = time.perf_counter()
    caseload = source = Caseload(request.paths, when)
    try:
        notes = caseload.notes
        if pseudonymise and notes:  # the note names case ids and files: personal data
            notes = [f"{len(notes)} case id(s) are shared by several files: each file is checked under its own id"]
        for note in notes:
            say(f"protograph: note: {note}")
        pseudonymiser = None
        if pseudonymise:  # before validation, so no output of any format can show an original id
            from ..cases.pseudonymise import Pseudonymiser, pseudonymise_cases

            if caseload.streamed:  # pseudonymised a chunk at a time, where it is built
                pseudonymiser = Pseudonymiser(salt)
            else:
                caseload = Caseload.of(pseudonymise_cases(caseload.all(), salt))
        scanned = time.perf_counter() - started
        started = time.perf_counter()
        corpus = load_corpus()  # after the cases, so that bad case input fails at once
        protocol_id = request.protocol_id
        in_force = protocol_id == "in-force"
        protocols = corpus.ids() if protocol_id in ("all", "in-force") else [corpus.info(protocol_id).id]
        if request.area is not None:
            from ..checking.in_force import select_area

            in_area = select_area(corpus, request.area)
            protocols = [p for p in protocols if p in in_area]
            if not protocols:
                raise UsageProblem(f"--area {request.area} holds none of the protocols asked for ({protocol_id})")
        server = connect(corpus)
        loaded_seconds = time.perf_counter() - started
        show_matrix = request.show_matrix
        if show_matrix is None:
            show_matrix = protocol_id in ("all", "in-force") and request.fmt != "json" and len(caseload) <= 5
        options = RunOptions(
            protocols=tuple(protocols),
            tolerance=request.tolerance,
            fmt=request.fmt,
            report=request.report,
            with_matrix=bool(show_matrix) and not request.report,
            in_force=in_force,
            engine="batch" if server is not None else request.engine,
        )
        with output_file(output) as out:
            summary = validate_caseload(
                corpus,
                caseload,
                options,
                out,
                jobs=jobs or available_cores(),
                chunk_cases=chunk_cases or DEFAULT_CHUNK_CASES,
                progress=progress,
                endpoint=server,
                pseudonymiser=pseudonymiser,
            )
    finally:
        source.close()  # the sorted runs of an events.csv not in case order, if any
    if output is not None:
        say(f"wrote {printable(str(output))} ({summary.cases} cases)")
    if profile_phases:
        phases = {"read": scanned + summary.phases["read"], "load corpus": loaded_seconds}  # type: ignore[index]
        phases.update({k: v for k, v in summary.phases.items() if k != "read"})  # type: ignore[union-attr]
        say("protograph: phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    return summary

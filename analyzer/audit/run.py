"""Batch audits: every document of a content library analyzed once, and no result ever lost.

The main process reads the sources (`audit.sources`), skips what a previous run finished,
and feeds chunks of raw documents to worker processes (joblib, or a Dask cluster through
joblib's dask backend); each worker loads the `Analyzer` once and turns a chunk into result
lines (extraction and analysis are the expensive part). The main process appends each line to
`results.jsonl` as its chunk completes, so a run killed at any moment keeps every finished
result, and `resume=True` continues where it stopped. At the end it writes `results.csv` and
the report (`audit.report`) in one streaming pass over the whole file, in memory that does
not grow with the number of documents. A result line is shaped in `records.py`, the files are
read and written by `results.py`, progress is shown by `progress.py`.

Nothing from a source chooses where a file is written: every output has a fixed name in the
output folder (`outputs.py`). Nothing already in the folder does either: an output folder that
is a symbolic link, or an output name taken by a link, a folder or a pipe, is refused before any
work (`analyzer.files`), so a link planted there cannot send the audit's writes elsewhere.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import socket
import threading
import time
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, Final

from analyzer.analysis.analyzer import Analyzer
from analyzer.audit.compare import check_audit_dir
from analyzer.audit.outputs import (
    AuditError,
    check_output_names,
    clear,
    locked,
    output_size,
    prepare_out_dir,
    report_results,
)
from analyzer.audit.progress import Progress
from analyzer.audit.records import AUDIT_OPTIONS, audit_records
from analyzer.audit.report import ReportOutcome
from analyzer.audit.results import (
    CSV_COLUMNS,
    RESULTS_CSV,
    RESULTS_FILE,
    Existing,
    ResultsWriter,
    csv_row,
    encode_record,
    iter_records,
    read_existing,
    rewrite_lines,
)
from analyzer.audit.sources import SourceDocument
from analyzer.files import UnsafeOutputError, atomic_writer
from analyzer.model.artifacts import verify_model
from analyzer.model.doctype import load_doctype
from analyzer.model.paths import resolve_model_dir
from analyzer.text.extract import DEFAULT_LIMITS, Limits

#: Documents per chunk sent to a worker: large enough that a chunk's overhead (pickling,
#: one round trip) is noise, small enough that progress moves every second or so.
CHUNK_SIZE: Final = 48
#: The first chunks are smaller (4, 8, 16, ...) so the first results appear right after start-up.
FIRST_CHUNK_SIZE: Final = 4
#: How often a joblib worker checks that the audit that started it is still there.
PARENT_CHECK_SECONDS: Final = 1.0
#: How long to wait for a Dask scheduler to answer.
CLUSTER_CONNECT_TIMEOUT: Final = "10s"
CONNECT_PROBE_SECONDS: Final = 5.0


_ANALYZERS: dict[str, Analyzer] = {}


def _analyzer(model_dir: str) -> Analyzer:
    """The worker process's Analyzer for `model_dir`, loaded (and verified) on first use."""
    if model_dir not in _ANALYZERS:
        # Every document's problem is in its record; pypdf's log lines would only interleave
        # with the progress output.
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        _ANALYZERS[model_dir] = Analyzer.load(model_dir)
        load_doctype()  # once per worker, like the Analyzer: documents without a type need it
    return _ANALYZERS[model_dir]


def exit_with(audit_pid: int) -> None:
    """Start a thread that ends this worker process as soon as the audit that started it is
    gone. Nothing else tells joblib's workers when the audit is killed with SIGKILL: they would
    wait for work for minutes."""

    def watch() -> None:
        while os.getppid() == audit_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-audit", daemon=True).start()


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """A worker's answer for one chunk: its records as JSON lines, ready to append."""

    data: bytes
    records: int
    failed: int


def analyze_chunk(
    model_dir: str, documents: Sequence[SourceDocument], limits: Limits, include_news: bool = False
) -> ChunkResult:
    """Records for a chunk of documents (the task a worker runs).

    A model that cannot be loaded raises: that stops the audit instead of failing every document.
    """
    analyzer = _analyzer(model_dir)
    options = AUDIT_OPTIONS.model_copy(update={"include_news": include_news})
    records = audit_records(documents, analyzer, limits, options)
    failed = sum(record["error"] is not None for record in records)
    return ChunkResult(b"".join(encode_record(record) for record in records), len(records), failed)


# --- Running an audit ------------------------------------------------------------------------


@dataclass
class AuditOutcome:
    """What an audit did, for the command's last line and its exit code."""

    #: Records in results.jsonl at the end (this run and earlier ones).
    documents: int
    failed: int
    #: Documents analyzed by this run, and skipped because an earlier run had done them.
    analyzed_now: int
    skipped: int
    #: Documents listed more than once in the sources, analyzed once.
    duplicates: int
    seconds: float
    #: What the report pass wrote (its figures, the comparison, the number of pages).
    report: ReportOutcome


@dataclass
class _Tally:
    seen: set[str] = field(default_factory=set)
    #: The `source` of every document read this run.
    sources: set[str] = field(default_factory=set)
    skipped: int = 0
    duplicates: int = 0
    #: Whether the sources were read to the end (then stale results can be dropped).
    complete: bool = False


def run_audit(
    documents: Iterable[SourceDocument],
    out_dir: Path,
    *,
    model_dir: str | Path | None = None,
    jobs: int = 1,
    cluster: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    total: int | None = None,
    sources: Sequence[str] = (),
    compare_with: Path | None = None,
    include_news: bool = False,
) -> AuditOutcome:
    """Analyze every document into `out_dir`: results.jsonl, results.csv, summary.json,
    report.html, docs/ (a page per document), and compare.json when `compare_with` is given.

    `jobs` worker processes (1 runs in this process); `cluster` a Dask scheduler address whose
    workers run the chunks instead (they must see `model_dir` at the same path). With `resume`,
    documents whose key is in results.jsonl are skipped; without it, an existing results.jsonl
    is refused unless `overwrite`. `compare_with` is an earlier audit's folder, checked before
    any work. Company news gets a suggestion (and so a place in "Fix these first") only with
    `include_news`.
    """
    started, clock = datetime.now(UTC), time.monotonic()
    if resume and overwrite:
        raise AuditError("--resume continues an audit and --overwrite starts it again: choose one.")
    if compare_with is not None:
        check_audit_dir(compare_with, "--compare")
    model_path = resolve_model_dir(model_dir).resolve()
    model = _check_model(model_path)
    out_dir = prepare_out_dir(out_dir)
    progress = progress or Progress()
    with locked(out_dir):
        check_output_names(out_dir)
        results = out_dir / RESULTS_FILE
        earlier = output_size(results) > 0
        if earlier and not (resume or overwrite):
            raise AuditError(
                f"{results} already holds results of an audit. Add --resume to continue it, "
                "or --overwrite to start again from nothing."
            )
        pending = _first_checked(documents)  # a SOURCE that cannot be read fails before anything changes
        if overwrite:
            clear(out_dir)
        existing = read_existing(results) if earlier and resume else Existing()
        tally = _Tally()
        writer = ResultsWriter(results)
        analyzed_now = 0
        progress.start(total, len(existing.keys), existing.failed)
        chunks = _chunks(_pending(pending, existing.keys, tally, out_dir))
        try:
            with contextlib.closing(_analyzed(chunks, str(model_path), limits, jobs, cluster, include_news)) as answers:
                for answer in answers:
                    try:
                        writer.write(answer.data)
                    except OSError as exc:
                        raise AuditError(
                            f"cannot write {results}: {exc.strerror or exc}. The "
                            f"{len(existing.keys) + analyzed_now:,} results written so far are intact; make room "
                            "and run the same command with --resume to continue."
                        ) from exc
                    analyzed_now += answer.records
                    progress.advance(answer.records, answer.failed)
        finally:
            progress.close()
            writer.close()
        run = {
            "sources": list(sources),
            "model": model,
            "model_dir": str(model_path),
            "jobs": jobs if cluster is None else None,
            "cluster": cluster,
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_seconds": round(time.monotonic() - clock, 3),
            "analyzed_now": analyzed_now,
            "resumed": tally.skipped,
            "duplicates": tally.duplicates,
            "include_news": include_news,
        }
        documents_total, failed, report = _write_outputs(out_dir, tally, run, compare_with)
    return AuditOutcome(
        documents=documents_total,
        failed=failed,
        analyzed_now=analyzed_now,
        skipped=tally.skipped,
        duplicates=tally.duplicates,
        seconds=time.monotonic() - clock,
        report=report,
    )


def _check_model(directory: Path) -> str:
    """Verify the model (trust and checksums) and load the doc-type model here, before any worker
    starts, so a damaged one stops the audit at once; the model's name@version."""
    card, _ = verify_model(directory)
    load_doctype()
    return f"{card['name']}@{card['version']}"


def _first_checked(documents: Iterable[SourceDocument]) -> Iterator[SourceDocument]:
    """The documents, after reading the first one here: a SOURCE that cannot be read fails now,
    before any worker starts, and an empty library is refused."""
    iterator = iter(documents)
    first = next(iterator, None)
    if first is None:
        raise AuditError(
            "the sources hold no documents to audit (a folder is read for .txt, .md, .html, .htm, .pdf "
            "and .docx files). Check the SOURCE arguments."
        )
    return chain([first], iterator)


def _pending(
    documents: Iterator[SourceDocument], done: set[str], tally: _Tally, out_dir: Path
) -> Iterator[SourceDocument]:
    """The documents still to analyze: each key once, none that an earlier run finished, and
    none of the audit's own outputs (`analyzer audit . --out audit/` must not audit report.html)."""
    own = out_dir.resolve()
    for document in documents:
        if _is_file_in(document.location, own):
            continue
        key = document.key
        if key in tally.seen:
            tally.duplicates += 1
            continue
        tally.seen.add(key)
        tally.sources.add(document.source)
        if key in done:
            tally.skipped += 1
            continue
        yield document
    tally.complete = True


def _is_file_in(location: str, folder: Path) -> bool:
    path = Path(location)
    return path.is_file() and path.resolve().is_relative_to(folder)


def _chunks(documents: Iterator[SourceDocument]) -> Iterator[list[SourceDocument]]:
    """Chunks of 4, 8, 16, 32, then `CHUNK_SIZE` documents, read lazily."""
    size = FIRST_CHUNK_SIZE
    while chunk := list(islice(documents, size)):
        yield chunk
        size = min(size * 2, CHUNK_SIZE)


def _analyzed(
    chunks: Iterator[list[SourceDocument]],
    model_dir: str,
    limits: Limits,
    jobs: int,
    cluster: str | None,
    include_news: bool = False,
) -> Generator[ChunkResult, None, None]:
    """Each chunk's records, in the order chunks complete.

    joblib pulls chunks from the iterator only as workers free up (`pre_dispatch`), so a
    million-document library never sits in memory.
    """
    if cluster is None and jobs == 1:
        for chunk in chunks:
            yield analyze_chunk(model_dir, chunk, limits, include_news)
        return
    from joblib import Parallel, delayed
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    with _dask_backend(cluster) if cluster else contextlib.nullcontext():
        # batch_size=1: the chunks are the batches. joblib's own workers (not a cluster's) watch
        # the audit from their start.
        watch = {} if cluster else {"initializer": exit_with, "initargs": (os.getpid(),)}
        parallel = Parallel(
            n_jobs=-1 if cluster else jobs,
            return_as="generator_unordered",
            batch_size=1,
            pre_dispatch="2*n_jobs",
            **watch,
        )
        try:
            yield from parallel(delayed(analyze_chunk)(model_dir, chunk, limits, include_news) for chunk in chunks)
        except TerminatedWorkerError as exc:
            raise AuditError(
                "a worker process died (out of memory?). The results written so far are intact; "
                "run the same command with --resume, perhaps with fewer --jobs."
            ) from exc


@contextlib.contextmanager
def _dask_backend(address: str) -> Iterator[None]:
    """joblib's dask backend on the scheduler at `address` (dask is the optional `cluster` extra)."""
    try:
        from distributed import Client
    except ImportError:
        raise AuditError(
            "--cluster needs Dask's distributed scheduler. Install it with "
            "`pip install 'messaging-analyzer[cluster]'`, or leave out --cluster."
        ) from None
    from joblib import parallel_config

    _probe_scheduler(address)
    try:
        client = Client(address, timeout=CLUSTER_CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except Exception as exc:  # whatever answered there is not a scheduler we can use
        raise AuditError(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: {exc}). Check the address "
            "(tcp://HOST:PORT) and that the scheduler is running."
        ) from None
    try:
        with parallel_config(backend="dask", client=client):
            yield
    finally:
        client.close()  # type: ignore[no-untyped-call]


def _probe_scheduler(address: str) -> None:
    """Fail at once, not after the connect timeout, when nothing listens at a tcp:// address."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise AuditError(f"--cluster {address} is not an address ({exc}). Give tcp://HOST:PORT.") from None
    if scheme != "tcp":
        return  # tls:// and others: the Client's own connection says what is wrong
    try:
        socket.create_connection((host, port), timeout=CONNECT_PROBE_SECONDS).close()
    except OSError as exc:
        raise AuditError(
            f"cannot reach the Dask scheduler at {address} ({exc.strerror or exc}). Check the address "
            "and that the scheduler is running."
        ) from None


def _write_outputs(
    out_dir: Path, tally: _Tally, run: dict[str, Any], compare_with: Path | None
) -> tuple[int, int, ReportOutcome]:
    """results.csv and the report in one pass over results.jsonl; (records, failed, the report).

    When the sources were read to the end, records of documents no longer in them (edited or
    removed since the earlier run) are dropped first, so a resumed audit ends with exactly the
    results of an uninterrupted one. Records of a source not read this time are kept: resuming
    with another SOURCE adds it to the audit.
    """
    results = out_dir / RESULTS_FILE

    def stale(record: Mapping[str, Any]) -> bool:
        return record["source"] in tally.sources and record["key"] not in tally.seen

    try:
        if tally.complete and any(map(stale, iter_records(results))):
            rewrite_lines(results, lambda record: not stale(record))
        with atomic_writer(
            out_dir / RESULTS_CSV, "w", encoding="utf-8", errors="backslashreplace", newline=""
        ) as handle:
            table = csv.writer(handle)
            table.writerow(CSV_COLUMNS)
            report = report_results(
                iter_records(results, for_people=True),
                out_dir,
                run,
                compare_with,
                lambda record: table.writerow(csv_row(record)),
            )
    except UnsafeOutputError:
        raise
    except OSError as exc:
        raise AuditError(
            f"cannot write the audit's outputs in {out_dir}: {exc.strerror or exc}. results.jsonl is complete; "
            "make room and run the same command with --resume to write results.csv and the report."
        ) from exc
    totals = report.summary["totals"]
    return totals["documents"], totals["failed"], report

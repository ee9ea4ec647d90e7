"""Batch audits: every document of a content library analyzed once, and no result ever lost.

The main process reads the sources (`analyzer.sources`), skips what a previous run finished,
and feeds chunks of raw documents to worker processes (joblib, or a Dask cluster through
joblib's dask backend); each worker loads the `Analyzer` once and turns a chunk into result
lines (extraction and analysis are the expensive part). The main process appends each line to
`results.jsonl` as its chunk completes, so a run killed at any moment keeps every finished
result, and `resume=True` continues where it stopped. At the end it writes `results.csv` and
the report (`analyzer.report`) from the whole file.

Nothing from a source chooses where a file is written: every output has a fixed name in the
output folder.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Final

from tqdm import tqdm

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.audit.sources import READ_ERROR, SourceDocument
from analyzer.errors import AnalyzerError
from analyzer.files import atomic_writer
from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.model.artifacts import ARTIFACTS, read_card, verify
from analyzer.model.paths import resolve_model_dir
from analyzer.text.extract import DEFAULT_LIMITS, Limits, extract

RESULTS_FILE: Final = "results.jsonl"
RESULTS_CSV: Final = "results.csv"
#: Written by `analyzer.report`; removed with the results on `overwrite` so no stale report survives.
REPORT_FILES: Final = ("summary.json", "report.html")
#: The error code of an unexpected exception while analyzing one document.
ANALYSIS_FAILED: Final = "analysis_failed"

#: An audit keeps one suggestion per document, so it tries the 4 least case-for-change
#: sentences instead of 25: measured, 49 instead of 11 documents/s per process.
AUDIT_OPTIONS: Final = AnalyzeOptions(
    sentences=False, explanations=False, suggestions=True, max_suggestions=1, max_candidates=4
)
#: Documents per chunk sent to a worker: large enough that a chunk's overhead (pickling,
#: one round trip) is noise, small enough that progress moves every second or so.
CHUNK_SIZE: Final = 48
#: The first chunks are smaller (4, 8, 16, ...) so the first results appear right after start-up.
FIRST_CHUNK_SIZE: Final = 4
#: How often a joblib worker checks that the audit that started it is still there.
PARENT_CHECK_SECONDS: Final = 1.0
#: Seconds between fsyncs of results.jsonl (each line is flushed to the OS as it is written).
FSYNC_EVERY: Final = 5.0
#: How long to wait for a Dask scheduler to answer.
CLUSTER_CONNECT_TIMEOUT: Final = "10s"
CONNECT_PROBE_SECONDS: Final = 5.0

#: The fields that say which document a record is about, in record order.
IDENTITY_FIELDS: Final = ("key", "source", "id", "location", "section", "title", "url", "doc_type", "published")
_SUGGESTION_FIELDS: Final = ("sentence", "original", "rewrite", "target", "strategy", "rationale", "gain")


class AuditError(AnalyzerError):
    """An audit cannot start or go on: its output folder, its results file, its workers."""

    code = "E020"


# --- One document's result (runs in the workers) ----------------------------------------------


def identity(document: SourceDocument) -> dict[str, Any]:
    """The fields every record starts with, failed or not."""
    return {
        "key": document.key,
        "source": document.source,
        "id": document.id,
        "location": document.location,
        "section": document.section,
        "title": document.title,
        "url": document.url,
        "doc_type": document.doc_type,
        "published": document.published,
    }


def error_record(document: SourceDocument, code: str, message: str, model: str) -> dict[str, Any]:
    """The record of a document that could not be read, extracted or analyzed."""
    return {
        **identity(document),
        "words": None,
        "label": None,
        "scores": None,
        "confidence": None,
        "uncertain": None,
        "case_for_change_score": None,
        "rubric": None,
        "suggestion": None,
        "model": model,
        "error": {"code": code, "message": message},
    }


def analysis_record(document: SourceDocument, analysis: Analysis, words: int) -> dict[str, Any]:
    """The record of an analyzed document: its label, scores, rubric and best suggestion."""
    best = analysis.suggestions[0] if analysis.suggestions else None
    rubric = analysis.rubric
    return {
        **identity(document),
        "title": analysis.title,  # the source's title, else the extracted one
        "words": words,
        "label": analysis.label,
        "scores": analysis.scores,
        "confidence": analysis.confidence,
        "uncertain": analysis.uncertain,
        "case_for_change_score": analysis.case_for_change_score,
        "rubric": {name: getattr(rubric, name).present for name in RUBRIC_ELEMENTS},
        "suggestion": {name: getattr(best, name) for name in _SUGGESTION_FIELDS} if best else None,
        "model": f"{analysis.model.name}@{analysis.model.version}",
        "error": None,
    }


def audit_record(document: SourceDocument, analyzer: Analyzer, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """One document's record; never raises: a failure becomes a record with an `error`."""
    model = f"{analyzer.model.name}@{analyzer.model.version}"
    if document.data is None:
        reason = document.error or "the source gave no content for this document."
        return error_record(document, document.error_code or READ_ERROR, reason, model)
    try:
        extracted = extract(document.data, document.filename, document.media_type, limits)
        analysis = analyzer.analyze(extracted, source=document.location, title=document.title, options=AUDIT_OPTIONS)
    except AnalyzerError as exc:
        return error_record(document, exc.code, exc.message, model)
    except Exception as exc:  # one bad document must never stop the audit
        message = f"unexpected {type(exc).__name__} while analyzing: {exc}. This is a bug: please report it."
        return error_record(document, ANALYSIS_FAILED, message, model)
    return analysis_record(document, analysis, len(extracted.text.split()))


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """A worker's answer for one chunk: its records as JSON lines, ready to append."""

    data: bytes
    records: int
    failed: int


_ANALYZERS: dict[str, Analyzer] = {}


def _analyzer(model_dir: str) -> Analyzer:
    """The worker process's Analyzer for `model_dir`, loaded (and verified) on first use."""
    if model_dir not in _ANALYZERS:
        # Every document's problem is in its record; pypdf's log lines would only interleave
        # with the progress output.
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        _ANALYZERS[model_dir] = Analyzer.load(model_dir)
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


def encode_record(record: Mapping[str, Any]) -> bytes:
    """One JSON line. A lone surrogate (a file name that is not UTF-8) is written as its JSON
    escape, so the line stays valid UTF-8 and reads back to the same string."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")


def analyze_chunk(model_dir: str, documents: Sequence[SourceDocument], limits: Limits) -> ChunkResult:
    """Records for a chunk of documents (the task a worker runs).

    A model that cannot be loaded raises: that stops the audit instead of failing every document.
    """
    analyzer = _analyzer(model_dir)
    lines, failed = [], 0
    for document in documents:
        record = audit_record(document, analyzer, limits)
        failed += record["error"] is not None
        lines.append(encode_record(record))
    return ChunkResult(b"".join(lines), len(lines), failed)


# --- results.jsonl -------------------------------------------------------------------------


@dataclass
class Existing:
    """What a previous run left in results.jsonl."""

    keys: set[str] = field(default_factory=set)
    failed: int = 0
    #: Incomplete or unreadable lines dropped (a SIGKILL mid-write leaves one at the end).
    dropped: int = 0


def read_existing(path: Path) -> Existing:
    """The keys done in `path`, repairing the file so that it holds only complete, unique lines.

    A truncated last line is cut off in place; anything wrong further up (which our writer
    never leaves) is dropped by rewriting the file.
    """
    existing = Existing()
    good_end = 0  # the offset after the last good line
    bad_before_good = False
    with path.open("rb") as handle:
        offset = 0
        for line in handle:
            offset += len(line)
            record = _parse_line(line)
            if record is None or record["key"] in existing.keys:
                existing.dropped += 1
                continue
            if existing.dropped:
                bad_before_good = True
            existing.keys.add(record["key"])
            existing.failed += record.get("error") is not None
            good_end = offset
    if bad_before_good:
        _rewrite_lines(path, lambda record: True)
    elif existing.dropped:
        os.truncate(path, good_end)
    return existing


def _parse_line(line: bytes) -> dict[str, Any] | None:
    if not line.endswith(b"\n"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("key"), str):
        return None
    return record


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """The complete records of a results file, in file order."""
    with path.open("rb") as handle:
        for line in handle:
            record = _parse_line(line)
            if record is not None:
                yield record


def _rewrite_lines(path: Path, keep: Callable[[dict[str, Any]], bool]) -> None:
    """Rewrite `path` with the first complete line of each key that `keep` accepts, atomically."""
    seen: set[str] = set()
    with atomic_writer(path, "wb") as out:
        for record in iter_records(path):
            if record["key"] not in seen and keep(record):
                seen.add(record["key"])
                out.write(encode_record(record))


class ResultsWriter:
    """Appends whole lines to results.jsonl; each write reaches the OS before the next chunk.

    The file descriptor is unbuffered, so a SIGKILL loses nothing that `write` returned from.
    When a write fails (disk full), the file is cut back to its last complete line.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._size = os.fstat(self._fd).st_size
        self._synced_at = time.monotonic()

    def write(self, data: bytes) -> None:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
            raise
        self._size += len(data)
        if time.monotonic() - self._synced_at > FSYNC_EVERY:
            os.fsync(self._fd)
            self._synced_at = time.monotonic()

    def close(self) -> None:
        try:
            os.fsync(self._fd)
        finally:
            os.close(self._fd)


# --- Progress --------------------------------------------------------------------------------


class Progress:
    """How far an audit has got. This base reports nothing (`--quiet`)."""

    def start(self, total: int | None, done: int, failed: int) -> None:
        """`total` documents when the sources can count them cheaply; `done` from a previous run."""

    def advance(self, documents: int, failed: int) -> None:
        """`documents` more results, `failed` of them errors."""

    def close(self) -> None:
        """The audit is over (or stopped)."""


class BarProgress(Progress):
    """A tqdm bar with documents/s and the ETA, for a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.bar: tqdm[Any] | None = None
        self.failed = 0

    def start(self, total: int | None, done: int, failed: int) -> None:
        self.failed = failed
        self.bar = tqdm(
            total=total, initial=done, unit=" docs", file=self.stream, dynamic_ncols=True, smoothing=0.1, leave=True
        )
        self.bar.set_postfix_str(f"{failed:,} failed", refresh=False)

    def advance(self, documents: int, failed: int) -> None:
        if self.bar is not None:
            self.failed += failed
            self.bar.set_postfix_str(f"{self.failed:,} failed", refresh=False)
            self.bar.update(documents)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class LineProgress(Progress):
    """A plain line every `every` seconds, for logs and CI: "1,200/10,000 documents, 57.3/s,
    3 failed, ETA 2m 34s"."""

    def __init__(self, stream: IO[str], every: float = 10.0) -> None:
        self.stream = stream
        self.every = every
        self.total: int | None = None
        self.done = self.failed = self.count = 0
        self.started = self.printed = time.monotonic()
        self.printed_count = 0

    def start(self, total: int | None, done: int, failed: int) -> None:
        self.total, self.done, self.failed = total, done, failed
        self.started = self.printed = time.monotonic()

    def advance(self, documents: int, failed: int) -> None:
        self.count += documents
        self.failed += failed
        now = time.monotonic()
        if now - self.printed >= self.every:
            self.printed = now
            self._print(now)

    def close(self) -> None:
        if self.printed_count != self.count:
            self._print(time.monotonic())

    def _print(self, now: float) -> None:
        self.printed_count = self.count
        rate = self.count / max(now - self.started, 1e-9)
        position = self.done + self.count
        line = f"{position:,}/{self.total:,}" if self.total is not None else f"{position:,}"
        line += f" documents, {rate:.1f}/s, {self.failed:,} failed"
        if self.total is not None and rate > 0:
            line += f", ETA {format_duration(max(self.total - position, 0) / rate)}"
        print(line, file=self.stream, flush=True)


def format_duration(seconds: float) -> str:
    """'45s', '2m 34s', '1h 02m'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def make_progress(quiet: bool = False, stream: IO[str] | None = None, every: float = 10.0) -> Progress:
    """A bar on a terminal, plain lines otherwise, nothing when quiet."""
    stream = stream or sys.stderr
    if quiet:
        return Progress()
    return BarProgress(stream) if stream.isatty() else LineProgress(stream, every)


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
    #: False when `analyzer.report` is not installed: then only results.jsonl and results.csv.
    report: bool


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
) -> AuditOutcome:
    """Analyze every document into `out_dir`: results.jsonl, results.csv, summary.json, report.html.

    `jobs` worker processes (1 runs in this process); `cluster` a Dask scheduler address whose
    workers run the chunks instead (they must see `model_dir` at the same path). With `resume`,
    documents whose key is in results.jsonl are skipped; without it, an existing results.jsonl
    is refused unless `overwrite`.
    """
    started, clock = datetime.now(UTC), time.monotonic()
    if resume and overwrite:
        raise AuditError("--resume continues an audit and --overwrite starts it again: choose one.")
    model_path = resolve_model_dir(model_dir).resolve()
    model = _check_model(model_path)
    out_dir = _prepare_out_dir(out_dir)
    progress = progress or Progress()
    with _locked(out_dir):
        results = out_dir / RESULTS_FILE
        earlier = results.exists() and results.stat().st_size > 0
        if earlier and not (resume or overwrite):
            raise AuditError(
                f"{results} already holds results of an audit. Add --resume to continue it, "
                "or --overwrite to start again from nothing."
            )
        pending = _first_checked(documents)  # a SOURCE that cannot be read fails before anything changes
        if overwrite:
            _clear(out_dir)
        existing = read_existing(results) if earlier and resume else Existing()
        tally = _Tally()
        writer = ResultsWriter(results)
        analyzed_now = 0
        progress.start(total, len(existing.keys), existing.failed)
        chunks = _chunks(_pending(pending, existing.keys, tally, out_dir))
        try:
            with contextlib.closing(_analyzed(chunks, str(model_path), limits, jobs, cluster)) as answers:
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
        }
        documents_total, failed, report = _write_outputs(out_dir, tally, run)
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
    """Verify the model's checksums here, before any worker starts; its name@version."""
    card = read_card(directory)
    for role in card["artifacts"]:
        if role in ARTIFACTS:
            verify(directory, card, role)
    return f"{card['name']}@{card['version']}"


def _prepare_out_dir(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise AuditError(f"--out {out_dir} is a file. Give a folder for the audit's results.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditError(f"cannot create {out_dir}: {exc.strerror}. Check the path and its permissions.") from exc
    return out_dir


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder for this audit; two audits writing one results file would mix it."""
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AuditError(f"another audit is writing to {out_dir}. Wait for it, or choose another --out.") from None
        yield
    finally:
        os.close(fd)  # releases the lock


def _clear(out_dir: Path) -> None:
    """Remove an earlier audit's outputs (fixed names only), so none outlives a new run."""
    for name in (RESULTS_FILE, RESULTS_CSV, *REPORT_FILES):
        with contextlib.suppress(FileNotFoundError):
            (out_dir / name).unlink()


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
    chunks: Iterator[list[SourceDocument]], model_dir: str, limits: Limits, jobs: int, cluster: str | None
) -> Generator[ChunkResult, None, None]:
    """Each chunk's records, in the order chunks complete.

    joblib pulls chunks from the iterator only as workers free up (`pre_dispatch`), so a
    million-document library never sits in memory.
    """
    if cluster is None and jobs == 1:
        for chunk in chunks:
            yield analyze_chunk(model_dir, chunk, limits)
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
            yield from parallel(delayed(analyze_chunk)(model_dir, chunk, limits) for chunk in chunks)
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


# --- Outputs ---------------------------------------------------------------------------------

#: results.csv: one row per record, the nested fields flattened.
CSV_COLUMNS: Final = (
    *IDENTITY_FIELDS,
    "words",
    "label",
    *(f"score_{label.replace('-', '_')}" for label in LABELS),
    "confidence",
    "uncertain",
    "case_for_change_score",
    *RUBRIC_ELEMENTS,
    *(f"suggestion_{name}" for name in _SUGGESTION_FIELDS),
    "model",
    "error_code",
    "error_message",
)
#: A cell starting with one of these is a formula to a spreadsheet; a title from the web must
#: not run as one, so such cells get a leading apostrophe (OWASP's advice for CSV injection).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_row(record: Mapping[str, Any]) -> list[str]:
    """The CSV cells of a record, in `CSV_COLUMNS` order."""
    scores = record.get("scores") or {}
    rubric = record.get("rubric") or {}
    suggestion = record.get("suggestion") or {}
    error = record.get("error") or {}
    values = [
        *(record.get(name) for name in IDENTITY_FIELDS),
        record.get("words"),
        record.get("label"),
        *(scores.get(label) for label in LABELS),
        record.get("confidence"),
        record.get("uncertain"),
        record.get("case_for_change_score"),
        *(rubric.get(name) for name in RUBRIC_ELEMENTS),
        *(suggestion.get(name) for name in _SUGGESTION_FIELDS),
        record.get("model"),
        error.get("code"),
        error.get("message"),
    ]
    return [_cell(value) for value in values]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)


def _write_outputs(out_dir: Path, tally: _Tally, run: dict[str, Any]) -> tuple[int, int, bool]:
    """results.csv and the report from the whole results.jsonl; (records, failed, report written).

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
            _rewrite_lines(results, lambda record: not stale(record))
        records: list[dict[str, Any]] = []
        with atomic_writer(
            out_dir / RESULTS_CSV, "w", encoding="utf-8", errors="backslashreplace", newline=""
        ) as handle:
            table = csv.writer(handle)
            table.writerow(CSV_COLUMNS)
            for record in iter_records(results):
                table.writerow(csv_row(record))
                records.append(record)
        failed = sum(record["error"] is not None for record in records)
        run = {**run, "documents": len(records), "analyzed": len(records) - failed, "failed": failed}
        report = _write_report(records, out_dir, run)
    except OSError as exc:
        raise AuditError(
            f"cannot write the audit's outputs in {out_dir}: {exc.strerror or exc}. results.jsonl is complete; "
            "make room and run the same command with --resume to write results.csv and the report."
        ) from exc
    return len(records), failed, report


def _write_report(records: Sequence[Mapping[str, Any]], out_dir: Path, run: Mapping[str, Any]) -> bool:
    try:
        from analyzer.audit.report import write_report  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return False
    try:
        write_report(records, out_dir, run)
    except OSError:
        raise
    except Exception as exc:  # the results are safe; say so rather than show a traceback
        raise AuditError(
            f"the report could not be written ({type(exc).__name__}: {exc}); results.jsonl and results.csv "
            "are complete. This is a bug: please report it."
        ) from exc
    return True

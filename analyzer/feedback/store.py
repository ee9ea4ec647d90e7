"""The feedback store: reviewers' corrections and the log of served analyses, in one SQL database.

`FeedbackStore` validates and writes corrections, logs served analyses and answers the
queries of the API, the review queue and the export. The tables are in `tables.py`; the
engine and the migrations, run when the store is opened, in `engine.py`. What flows out of
it: corpus records for training (`export.py`) and the review queue (`queue.py`), both pure
functions over what the store returns, so they are tested without a database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import TYPE_CHECKING, Any, Final, Literal

from sqlalchemy import Delete, Engine, case, delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from analyzer.errors import InputError
from analyzer.feedback.engine import FeedbackStoreError, database_file, make_engine, migrate
from analyzer.feedback.tables import MAX_MODEL_VERSION, MAX_REVIEWER, AnalysisRow, FeedbackRow, TextRow
from analyzer.labels import LABELS

logger = logging.getLogger("analyzer.feedback")

if TYPE_CHECKING:
    from analyzer.analysis.analyzer import Analysis

MAX_COMMENT: Final = 2000
#: Sentences kept per logged analysis: the least certain ones are all the queue reads.
LOGGED_SENTENCES: Final = 5
EXCERPT_CHARS: Final = 200
#: Characters kept of each logged sentence: a run-on "sentence" is not a whole draft.
SENTENCE_CHARS: Final = 500
DOCUMENT_SPAN: Final = "document"
#: Seconds between two prunings of the analyses log by one worker.
PRUNE_INTERVAL: Final = 60.0
#: Characters a correction may not hold: C0 and C1 controls but tab and newlines, and DEL.
#: Analyses return text without them; in a corpus record they would reach training and every
#: terminal the export is printed on.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Kind = Literal["document", "sentence"]


class FeedbackError(InputError):
    """A correction that cannot be stored as sent (unknown label, offsets outside the text...)."""

    code = "E030"
    http_status = 422


# --- Values in and out --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Correction:
    """What a reviewer says: this text (or this sentence of it) should carry `label`."""

    text: str
    label: str
    reviewer: str
    sentence: tuple[int, int] | None = None
    model_version: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Feedback:
    """A stored correction, as listed; `excerpt` is the sentence, or the text's opening."""

    id: int
    created_at: datetime
    reviewer: str
    label: str
    sentence: tuple[int, int] | None
    text_sha256: str
    excerpt: str
    model_version: str | None
    comment: str | None

    @property
    def kind(self) -> Kind:
        return "document" if self.sentence is None else "sentence"


@dataclass(frozen=True, slots=True)
class FeedbackQuery:
    """Filters and a keyset cursor: newest first, `before` the id the last page ended on."""

    limit: int = 50
    before: int | None = None
    label: str | None = None
    model_version: str | None = None
    reviewer: str | None = None
    kind: Kind | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class StoredCorrection:
    """A correction with its whole text: what export reads."""

    id: int
    created_at: datetime
    reviewer: str
    text: str
    text_sha256: str
    label: str
    sentence: tuple[int, int] | None
    model_version: str | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A document or sentence the model was unsure about, as the review queue lists it."""

    kind: Kind
    text_sha256: str
    start: int | None
    end: int | None
    label: str
    scores: Mapping[str, float]
    margin: float
    model_version: str
    analyzed_at: datetime
    #: The sentence (sentence items) or the text's opening (document items), as logged.
    excerpt: str = ""


@dataclass(frozen=True, slots=True)
class AnalysesLog:
    """How much of the analyses log to keep: `Settings` values, in one place for the store."""

    retention_days: int = 30
    max_bytes: int = 500 * 1024 * 1024
    #: Below this many free bytes on the database's disk, nothing more is logged.
    min_free_bytes: int = 200 * 1024 * 1024


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def margin(scores: Mapping[str, float]) -> float:
    """Top probability minus the runner-up: 0 is a coin toss, 1 is certainty."""
    top = sorted(scores.values(), reverse=True)
    return round(top[0] - (top[1] if len(top) > 1 else 0.0), 6)


def _utcnow() -> datetime:
    """Stored naive, in UTC: SQLite keeps no zone, and one convention serves every backend."""
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --- Validation ---------------------------------------------------------------------------


def validate(correction: Correction, max_chars: int) -> None:
    """Refuse a correction that could not teach the model anything, with what to fix."""
    if correction.label not in LABELS:
        raise FeedbackError(f"label {correction.label!r} is not one of {', '.join(LABELS)}.")
    for name, value in (
        ("text", correction.text),
        ("comment", correction.comment),
        ("model_version", correction.model_version),
    ):
        if value is not None and not _encodable(value):
            raise FeedbackError(
                f"{name} holds an unpaired surrogate (\\ud800-\\udfff), which is not text. Send valid Unicode."
            )
        if value is not None and (control := _UNPRINTABLE.search(value)):
            raise FeedbackError(
                f"{name} holds a control character (U+{ord(control.group()):04X}) at {control.start():,}. "
                "Send the text as the analysis returned it (it has none)."
            )
    if not correction.text.strip():
        raise FeedbackError("text is empty. Send the text that was analyzed.")
    if len(correction.text) > max_chars:
        raise FeedbackError(f"text has {len(correction.text):,} characters, over the limit of {max_chars:,}.")
    if correction.sentence is not None:
        start, end = correction.sentence
        if not 0 <= start < end <= len(correction.text):
            raise FeedbackError(
                f"sentence {start}..{end} lies outside the text ({len(correction.text):,} characters): "
                "use 0 <= start < end <= len(text), the offsets the analysis returned."
            )
        if not correction.text[start:end].strip():
            raise FeedbackError(f"sentence {start}..{end} is blank. Point it at the sentence's characters.")
    if correction.model_version is not None and not 0 < len(correction.model_version) <= MAX_MODEL_VERSION:
        raise FeedbackError(f"model_version must have 1 to {MAX_MODEL_VERSION} characters.")
    if correction.comment is not None and len(correction.comment) > MAX_COMMENT:
        raise FeedbackError(f"comment has {len(correction.comment):,} characters, over the limit of {MAX_COMMENT:,}.")
    if not 0 < len(correction.reviewer) <= MAX_REVIEWER:
        raise FeedbackError(f"reviewer must have 1 to {MAX_REVIEWER} characters.")


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- The store ----------------------------------------------------------------------------


class FeedbackStore:
    """Corrections in, pages and exports out; every write is committed before it returns."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pruned_at = -PRUNE_INTERVAL

    @classmethod
    def open(cls, url: str) -> FeedbackStore:
        """Connect and migrate to the latest schema."""
        from alembic.util import CommandError

        engine = make_engine(url)
        try:
            migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise FeedbackStoreError(f"cannot open the feedback database {_safe(url)}: {exc}.") from exc
        except CommandError as exc:
            engine.dispose()
            raise FeedbackStoreError(
                f"the feedback database {_safe(url)} has a schema this version does not know ({exc}); "
                "was it written by a newer analyzer? Upgrade, or point ANALYZER_DATA_DIR elsewhere."
            ) from exc
        except FeedbackStoreError:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self.engine) as session, session.begin():
                yield session
        except OperationalError as exc:
            if self._disk_full(exc):
                raise FeedbackStoreError(
                    f"the feedback database cannot grow: its disk is full ({exc.orig}).",
                    hint="The server's disk is full: tell its operator to free space where ANALYZER_DATA_DIR is, "
                    "then retry.",
                ) from exc
            raise FeedbackStoreError(f"the feedback database failed: {exc.orig}.") from exc

    def _disk_full(self, exc: OperationalError) -> bool:
        if getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        free = self.free_bytes()
        return free is not None and free < 64 * 1024

    def free_bytes(self) -> int | None:
        """Free bytes on the disk of a SQLite database file; None for a database server."""
        path = database_file(self.engine)
        if path is None:
            return None
        try:
            return shutil.disk_usage(path.parent).free
        except OSError:
            return None

    def add(self, correction: Correction, max_chars: int) -> tuple[Feedback, bool]:
        """Store a correction; (the row, True) if new, (the existing row, False) if a repeat."""
        validate(correction, max_chars)
        sha = text_sha256(correction.text)
        span = DOCUMENT_SPAN if correction.sentence is None else "{}:{}".format(*correction.sentence)
        for _ in range(2):  # a concurrent twin may win the unique key between our read and write
            try:
                with self._session() as session:
                    existing = session.scalars(
                        select(FeedbackRow.id).where(
                            FeedbackRow.reviewer == correction.reviewer,
                            FeedbackRow.text_sha256 == sha,
                            FeedbackRow.span == span,
                            FeedbackRow.label == correction.label,
                        )
                    ).first()
                    if existing is not None:
                        found, created = existing, False
                        break
                    _ensure_text(session, sha, correction.text)
                    row = FeedbackRow(
                        created_at=_utcnow(),
                        reviewer=correction.reviewer,
                        text_sha256=sha,
                        span=span,
                        sentence_start=correction.sentence[0] if correction.sentence else None,
                        sentence_end=correction.sentence[1] if correction.sentence else None,
                        label=correction.label,
                        model_version=correction.model_version,
                        comment=correction.comment or None,
                    )
                    session.add(row)
                    session.flush()
                    found, created = row.id, True
                break  # committed: only now may the caller answer 2xx
            except IntegrityError:
                continue
        else:
            raise FeedbackStoreError("the correction could not be stored after a concurrent write; retry.")
        return self.get(found), created

    def get(self, feedback_id: int) -> Feedback:
        with self._session() as session:
            row = session.execute(_listing().where(FeedbackRow.id == feedback_id)).one()
            return _feedback(row)

    def page(self, query: FeedbackQuery) -> tuple[list[Feedback], int | None]:
        """One page, newest first, and the cursor of the next page (None on the last)."""
        statement = _listing().order_by(FeedbackRow.id.desc()).limit(query.limit + 1)
        if query.before is not None:
            statement = statement.where(FeedbackRow.id < query.before)
        if query.label is not None:
            statement = statement.where(FeedbackRow.label == query.label)
        if query.model_version is not None:
            statement = statement.where(FeedbackRow.model_version == query.model_version)
        if query.reviewer is not None:
            statement = statement.where(FeedbackRow.reviewer == query.reviewer)
        if query.kind is not None:
            is_document = FeedbackRow.span == DOCUMENT_SPAN
            statement = statement.where(is_document if query.kind == "document" else ~is_document)
        if query.since is not None:
            statement = statement.where(FeedbackRow.created_at >= _day_start(query.since))
        if query.until is not None and query.until < date.max:  # inclusive: the whole day
            statement = statement.where(FeedbackRow.created_at < _day_start(query.until) + timedelta(days=1))
        with self._session() as session:
            items = [_feedback(row) for row in session.execute(statement)]
        more = len(items) > query.limit
        items = items[: query.limit]
        return items, (items[-1].id if more else None)

    def corrections(self, since: date | None = None) -> list[StoredCorrection]:
        """Every correction with its text, oldest first."""
        statement = (
            select(FeedbackRow, TextRow.text)
            .join(TextRow, TextRow.sha256 == FeedbackRow.text_sha256)
            .order_by(FeedbackRow.id)
        )
        if since is not None:
            statement = statement.where(FeedbackRow.created_at >= _day_start(since))
        with self._session() as session:
            return [
                StoredCorrection(
                    id=row.id,
                    created_at=_aware(row.created_at),
                    reviewer=row.reviewer,
                    text=text,
                    text_sha256=row.text_sha256,
                    label=row.label,
                    sentence=_span(row.sentence_start, row.sentence_end),
                    model_version=row.model_version,
                    comment=row.comment,
                )
                for row, text in session.execute(statement)
            ]

    def corrected_texts(self) -> set[str]:
        with self._session() as session:
            return set(session.scalars(select(FeedbackRow.text_sha256).distinct()))

    def record_analysis(self, analysis: Analysis, log: AnalysesLog | None = None) -> bool:
        """Log a served analysis: its probabilities, its least certain sentences, its text's hash
        and opening. False (and nothing written) when the disk is short of `min_free_bytes`,
        which then go to corrections; the log is pruned to `log` at most once a minute."""
        log = log or AnalysesLog()
        self.prune_analyses(log)
        free = self.free_bytes()
        if free is not None and free < log.min_free_bytes:
            return False
        text = analysis.text
        sentences = sorted(
            (
                {
                    "start": s.start,
                    "end": s.end,
                    "label": s.label,
                    "scores": dict(s.scores),
                    "margin": margin(s.scores),
                    "text": s.text[:SENTENCE_CHARS],
                }
                for s in analysis.sentences
                if not s.low_signal  # they take the document's label: nothing to teach
            ),
            key=lambda s: (s["margin"], s["start"]),
        )[:LOGGED_SENTENCES]
        row = AnalysisRow(
            created_at=_utcnow(),
            text_sha256=text_sha256(text),
            excerpt=text[:EXCERPT_CHARS],
            model_version=f"{analysis.model.name}-{analysis.model.version}",
            label=analysis.label,
            scores=dict(analysis.scores),
            margin=margin(analysis.scores),
            sentences=sentences,
        )
        row.bytes = _row_bytes(row)
        with self._session() as session:
            session.add(row)
        return True

    def prune_analyses(self, log: AnalysesLog, force: bool = False) -> int:
        """Delete logged analyses past their retention, then the oldest ones past the size cap,
        and, on a disk short of `min_free_bytes`, the older half: SQLite reuses what they held
        for corrections. Once a minute per store unless `force`; the rows deleted."""
        now = time.monotonic()
        if not force and now - self._pruned_at < PRUNE_INTERVAL:
            return 0
        self._pruned_at = now
        cutoff = _utcnow() - timedelta(days=log.retention_days)
        with self._session() as session:
            deleted = _deleted(session, delete(AnalysisRow).where(AnalysisRow.created_at < cutoff))
            running = func.sum(AnalysisRow.bytes).over(order_by=AnalysisRow.id.desc())
            sizes = select(AnalysisRow.id, running.label("running")).subquery()
            over = session.scalar(select(func.max(sizes.c.id)).where(sizes.c.running > log.max_bytes))
            if over is not None:
                deleted += _deleted(session, delete(AnalysisRow).where(AnalysisRow.id <= over))
            free = self.free_bytes()
            if free is not None and free < log.min_free_bytes:
                middle = session.scalar(select(func.avg(AnalysisRow.id)))
                if middle is not None:
                    deleted += _deleted(session, delete(AnalysisRow).where(AnalysisRow.id <= middle))
        if deleted:
            logger.info("analyses log pruned: %d analyses deleted", deleted)
        return int(deleted)

    def analyses_bytes(self) -> int:
        """What the analyses log takes, about (the sum the size cap compares)."""
        with self._session() as session:
            return int(session.scalar(select(func.coalesce(func.sum(AnalysisRow.bytes), 0))) or 0)

    def queue_candidates(self, kind: Kind) -> list[QueueItem]:
        """Every logged document (or logged sentence) with its margin, for `rank_queue`."""
        columns = (
            AnalysisRow.text_sha256,
            AnalysisRow.label,
            AnalysisRow.scores,
            AnalysisRow.margin,
            AnalysisRow.model_version,
            AnalysisRow.created_at,
            AnalysisRow.excerpt,
        )
        items: list[QueueItem] = []
        with self._session() as session:
            if kind == "document":
                rows = session.execute(select(*columns))
                for sha, label, scores, row_margin, version, created, excerpt in rows:
                    items.append(
                        QueueItem(
                            "document", sha, None, None, label, scores, row_margin, version, _aware(created), excerpt
                        )
                    )
                return items
            statement = select(AnalysisRow.sentences, *columns)
            for sentences, sha, _, _, _, version, created, _ in session.execute(statement):
                for s in sentences:
                    items.append(
                        QueueItem(
                            "sentence",
                            sha,
                            int(s["start"]),
                            int(s["end"]),
                            str(s["label"]),
                            dict(s["scores"]),
                            float(s["margin"]),
                            version,
                            _aware(created),
                            str(s.get("text", "")),
                        )
                    )
        return items

    def latest_analysis_labels(self, hashes: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(label, model version) of the most recent logged analysis of each text."""
        wanted = sorted(set(hashes))
        latest = (
            select(func.max(AnalysisRow.id))
            .where(AnalysisRow.text_sha256.in_(wanted))
            .group_by(AnalysisRow.text_sha256)
        )
        statement = select(AnalysisRow.text_sha256, AnalysisRow.label, AnalysisRow.model_version).where(
            AnalysisRow.id.in_(latest)
        )
        with self._session() as session:
            return {sha: (label, version) for sha, label, version in session.execute(statement)}


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def _deleted(session: Session, statement: Delete) -> int:
    """Run a DELETE; the rows it deleted."""
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def _row_bytes(row: AnalysisRow) -> int:
    """About what a logged analysis takes on disk: its text columns and a row's overhead."""
    return (
        len(row.excerpt.encode("utf-8"))
        + len(json.dumps(row.sentences, ensure_ascii=False).encode("utf-8"))
        + len(json.dumps(row.scores))
        + len(row.model_version)
        + 200
    )


def _ensure_text(session: Session, sha: str, text: str) -> None:
    if session.get(TextRow, sha) is None:
        session.add(TextRow(sha256=sha, text=text, created_at=_utcnow()))
        session.flush()


def _listing() -> Any:
    """The columns of a listed correction, the excerpt cut in SQL so whole drafts stay put."""
    start = func.coalesce(FeedbackRow.sentence_start, 0)
    length = case(
        (FeedbackRow.sentence_start.is_(None), EXCERPT_CHARS),
        else_=FeedbackRow.sentence_end - FeedbackRow.sentence_start,
    )
    excerpt = func.substr(TextRow.text, start + 1, length)
    return select(FeedbackRow, excerpt.label("excerpt")).join(TextRow, TextRow.sha256 == FeedbackRow.text_sha256)


def _feedback(row: Any) -> Feedback:
    stored: FeedbackRow = row[0]
    return Feedback(
        id=stored.id,
        created_at=_aware(stored.created_at),
        reviewer=stored.reviewer,
        label=stored.label,
        sentence=_span(stored.sentence_start, stored.sentence_end),
        text_sha256=stored.text_sha256,
        excerpt=str(row[1] or ""),
        model_version=stored.model_version,
        comment=stored.comment,
    )


def _span(start: int | None, end: int | None) -> tuple[int, int] | None:
    return None if start is None or end is None else (start, end)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, clock.min)

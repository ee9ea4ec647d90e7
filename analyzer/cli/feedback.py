"""`analyzer feedback export|queue`: reviewers' corrections out as corpus records, and what to review next."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzer.cli.common import Group, fail, read_settings
from analyzer.files import write_atomically

if TYPE_CHECKING:
    from analyzer.feedback.store import FeedbackStore, Kind, QueueItem, StoredCorrection

EXCERPT = 60

database_option = click.option(
    "--database",
    "database_url",
    default=None,
    help="SQLAlchemy URL (default: $ANALYZER_DATABASE_URL, else analyzer.db in $ANALYZER_DATA_DIR).",
)


def _open_store(database_url: str | None) -> FeedbackStore:
    """The server's store, from the same settings `analyzer serve` reads; never a new empty one."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from analyzer.feedback.store import FeedbackStore

    url = database_url or read_settings().database
    try:
        parsed = make_url(url)
    except ArgumentError:
        fail(f"{url!r} is not a database URL. Use sqlite:///PATH or a SQLAlchemy URL.")
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).is_file():
        fail(
            f"no feedback database at {parsed.database}. `analyzer serve` creates it; point "
            "ANALYZER_DATA_DIR (or --database) at the server's."
        )
    return FeedbackStore.open(url)


@click.group(cls=Group)
def feedback() -> None:
    """Reviewers' corrections: export them for training, list what to review next."""


@feedback.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="The JSONL file to write (- for standard output).",
)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Corrections from this day on.")
@database_option
def export(out: Path, since: datetime | None, database_url: str | None) -> None:
    """Write corrections as corpus records (corpus/README.md): one JSON document a line.

    The latest correction of a text wins; sentence corrections become sentence spans.

    Example: analyzer feedback export --out feedback.jsonl --since 2026-01-01
    """
    from analyzer.feedback.export import export_records

    store = _open_store(database_url)
    try:
        corrections = store.corrections(since.date() if since else None)
        labelled = {c.text_sha256 for c in corrections if c.sentence is None}
        analysis_labels = store.latest_analysis_labels({c.text_sha256 for c in corrections} - labelled)
    finally:
        store.close()
    result = export_records(corrections, analysis_labels, _sentence_spans(corrections))
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in result.records)
    if str(out) == "-":
        sys.stdout.write(lines)
    else:
        _write_atomically(out, lines)
    skipped = (
        f"; skipped {result.skipped_unlabeled} text(s) with only sentence corrections and no logged analysis "
        "to take the document's label from"
        if result.skipped_unlabeled
        else ""
    )
    click.echo(
        f"wrote {len(result.records)} record(s) to {out}: {result.document_labels} with a reviewer's document "
        f"label, {result.labels_from_model} with the model's, {result.sentence_corrections} sentence "
        f"correction(s){skipped}",
        err=True,
    )


def _sentence_spans(corrections: list[StoredCorrection]) -> dict[str, list[tuple[int, int]]]:
    """The analyzer's own sentences of each text that has a sentence correction."""
    from analyzer.text.nlp import parse

    texts = {c.text_sha256: c.text for c in corrections if c.sentence is not None}
    spans: dict[str, list[tuple[int, int]]] = {}
    for sha, parsed in zip(texts, parse(texts.values()), strict=True):
        spans[sha] = [parsed.sentence_span(i) for i in range(len(parsed.sentences))]
    return spans


def _write_atomically(path: Path, content: str) -> None:
    """Whole or not at all: a half-written export must never reach training."""
    try:
        write_atomically(path, content)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}. Check the directory exists and is writable.")


@feedback.command("queue")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--kind", type=click.Choice(["document", "sentence"]), default="document", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@database_option
def queue(limit: int, kind: str, fmt: str, database_url: str | None) -> None:
    """List the analyzed documents (or sentences) the model was least sure about, to review first.

    Ranked by margin (top probability minus the runner-up, lowest first); texts already
    corrected are left out. Needs ANALYZER_RECORD_ANALYSES on (the default) on the server.

    Example: analyzer feedback queue --kind sentence --limit 10
    """
    from analyzer.feedback.queue import rank_queue

    store = _open_store(database_url)
    try:
        wanted: Kind = "sentence" if kind == "sentence" else "document"
        items = rank_queue(store.queue_candidates(wanted), store.corrected_texts(), limit)
    finally:
        store.close()
    if fmt == "jsonl":
        for item in items:
            click.echo(json.dumps(_queue_record(item), ensure_ascii=False))
        return
    if not items:
        click.echo("nothing to review: no analyses logged, or every analyzed text is corrected.")
        return
    click.echo(f"{'margin':>6} {'label':<16} {'aware':>5} {'feat':>5} {'change':>6}  {'analyzed':<16} excerpt")
    for item in items:
        scores = item.scores
        click.echo(
            f"{item.margin:6.3f} {item.label:<16} {scores.get('awareness-only', 0):5.2f} "
            f"{scores.get('feature-pitch', 0):5.2f} {scores.get('case-for-change', 0):6.2f}  "
            f"{item.analyzed_at:%Y-%m-%d %H:%M} {_excerpt(item)}"
        )


def _excerpt(item: QueueItem) -> str:
    flat = " ".join(item.excerpt.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _queue_record(item: QueueItem) -> dict[str, Any]:
    from analyzer.feedback.queue import entropy

    return {
        "kind": item.kind,
        "text_sha256": item.text_sha256,
        "start": item.start,
        "end": item.end,
        "label": item.label,
        "scores": dict(item.scores),
        "margin": item.margin,
        "entropy": entropy(item.scores),
        "model_version": item.model_version,
        "analyzed_at": item.analyzed_at.isoformat(),
        "sentence": item.excerpt if item.kind == "sentence" else None,
        "excerpt": item.excerpt if item.kind == "document" else None,
    }

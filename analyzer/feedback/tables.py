"""The feedback database's tables, as SQLAlchemy models.

The migrations in `analyzer/feedback/migrations/versions` create exactly these; change both
together. Alembic's `env.py` reads `Base.metadata` from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

MAX_MODEL_VERSION: Final = 100
MAX_REVIEWER: Final = 100


class Base(DeclarativeBase):
    pass


class TextRow(Base):
    """Each draft once, however many corrections and analyses point at it."""

    __tablename__ = "texts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    # The idempotency key: the same reviewer saying the same thing twice stores one row.
    __table_args__ = (UniqueConstraint("reviewer", "text_sha256", "span", "label", name="uq_feedback_correction"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    reviewer: Mapped[str] = mapped_column(String(MAX_REVIEWER))
    text_sha256: Mapped[str] = mapped_column(String(64), ForeignKey("texts.sha256"), index=True)
    #: "document", or "start:end" for a sentence (NULL offsets would defeat the unique key).
    span: Mapped[str] = mapped_column(String(32))
    sentence_start: Mapped[int | None] = mapped_column(Integer)
    sentence_end: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(32), index=True)
    model_version: Mapped[str | None] = mapped_column(String(MAX_MODEL_VERSION), index=True)
    comment: Mapped[str | None] = mapped_column(Text)


class AnalysisRow(Base):
    """One served analysis: what the model said and how sure it was, for the review queue.

    Its text's hash and opening, never the whole text: the log must stay small and hold as
    little of a writer's draft as the queue needs (`texts` keeps only corrected texts).
    """

    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: The text's first characters (`EXCERPT_CHARS`), for the queue's listing.
    excerpt: Mapped[str] = mapped_column(Text)
    model_version: Mapped[str] = mapped_column(String(MAX_MODEL_VERSION))
    label: Mapped[str] = mapped_column(String(32))
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    margin: Mapped[float] = mapped_column(Float, index=True)
    #: The least certain sentences: [{"start", "end", "label", "scores", "margin", "text"}].
    sentences: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: What the row takes, about: the size cap on the log adds these up.
    bytes: Mapped[int] = mapped_column(Integer)

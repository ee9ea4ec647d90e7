"""The analyses log keeps a hash and an excerpt of each text, not the text.

Revision ID: 0003
Revises: 0002

Each logged analysis gets its text's opening (`excerpt`), its sentences' own text and its size
(`bytes`, for the log's size cap); the table is rebuilt without its foreign key to `texts`, and
the texts no correction points at are deleted: they were whole drafts kept only for the log.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: As `analyzer.feedback.store` had them when this was written (a migration never changes).
EXCERPT_CHARS = 200
SENTENCE_CHARS = 500


def upgrade() -> None:
    op.create_table(
        "analyses_new",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("margin", sa.Float(), nullable=False),
        sa.Column("sentences", sa.JSON(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
    )
    connection = op.get_bind()
    old = sa.table(
        "analyses",
        *(sa.column(name) for name in ("id", "created_at", "text_sha256", "model_version", "label", "margin")),
        sa.column("scores", sa.JSON()),
        sa.column("sentences", sa.JSON()),
    )
    texts = sa.table("texts", sa.column("sha256"), sa.column("text"))
    new = sa.table(
        "analyses_new",
        *(sa.column(name) for name in ("id", "created_at", "text_sha256", "excerpt", "model_version", "label")),
        sa.column("margin"),
        sa.column("bytes"),
        sa.column("scores", sa.JSON()),
        sa.column("sentences", sa.JSON()),
    )
    rows = connection.execute(
        sa.select(old, texts.c.text).select_from(old.outerjoin(texts, texts.c.sha256 == old.c.text_sha256))
    ).mappings()
    batch: list[dict[str, Any]] = []
    for row in rows:
        text = row["text"] or ""
        sentences = [
            {**s, "text": text[int(s["start"]) : int(s["end"])][:SENTENCE_CHARS]} for s in row["sentences"] or []
        ]
        excerpt = text[:EXCERPT_CHARS]
        size = len(excerpt) + len(json.dumps(sentences)) + len(json.dumps(row["scores"])) + 200
        batch.append(
            {
                "id": row["id"],
                "created_at": row["created_at"],
                "text_sha256": row["text_sha256"],
                "excerpt": excerpt,
                "model_version": row["model_version"],
                "label": row["label"],
                "scores": row["scores"],
                "margin": row["margin"],
                "sentences": sentences,
                "bytes": size,
            }
        )
        if len(batch) == 1000:
            connection.execute(new.insert(), batch)
            batch = []
    if batch:
        connection.execute(new.insert(), batch)
    op.drop_table("analyses")
    op.rename_table("analyses_new", "analyses")
    op.create_index("ix_analyses_created_at", "analyses", ["created_at"])
    op.create_index("ix_analyses_text_sha256", "analyses", ["text_sha256"])
    op.create_index("ix_analyses_margin", "analyses", ["margin"])
    op.execute("DELETE FROM texts WHERE sha256 NOT IN (SELECT text_sha256 FROM feedback)")


def downgrade() -> None:
    raise NotImplementedError("the analysed texts were deleted; restore a backup taken before 0003 instead")

"""Corrections: the texts they point at and the feedback table.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "texts",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("text_sha256", sa.String(64), sa.ForeignKey("texts.sha256"), nullable=False),
        sa.Column("span", sa.String(32), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=True),
        sa.Column("sentence_end", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.UniqueConstraint("reviewer", "text_sha256", "span", "label", name="uq_feedback_correction"),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_index("ix_feedback_text_sha256", "feedback", ["text_sha256"])
    op.create_index("ix_feedback_label", "feedback", ["label"])
    op.create_index("ix_feedback_model_version", "feedback", ["model_version"])


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("texts")

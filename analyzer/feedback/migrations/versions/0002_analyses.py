"""The analyses log the review queue ranks.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("text_sha256", sa.String(64), sa.ForeignKey("texts.sha256"), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("margin", sa.Float(), nullable=False),
        sa.Column("sentences", sa.JSON(), nullable=False),
    )
    op.create_index("ix_analyses_created_at", "analyses", ["created_at"])
    op.create_index("ix_analyses_text_sha256", "analyses", ["text_sha256"])
    op.create_index("ix_analyses_margin", "analyses", ["margin"])


def downgrade() -> None:
    op.drop_table("analyses")

"""Alembic's entry point: migrate the connection `analyzer.feedback.engine.migrate` hands over."""

from __future__ import annotations

from alembic import context

from analyzer.feedback.tables import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("run migrations through analyzer.feedback.engine.migrate(engine), which passes a connection")

# Batch mode: SQLite alters a table by copying it, which later migrations may need.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

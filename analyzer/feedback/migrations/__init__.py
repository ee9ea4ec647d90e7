"""Alembic migrations of the feedback database, run in code by `analyzer.feedback.engine.migrate`.

New revision: `alembic -x url=sqlite:///tmp/x.db revision -m "..."` is not wired up; copy the
latest file in `versions/`, bump `revision`/`down_revision`, and mirror the change in the
tables of `analyzer/feedback/tables.py`.
"""

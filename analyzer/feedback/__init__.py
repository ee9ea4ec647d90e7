"""Reviewers' corrections and the log of served analyses, in one SQL database.

`store` holds the tables, the engine and `FeedbackStore` (migrated by Alembic from
`migrations/` when opened); `queue` ranks what a reviewer should look at next; `export`
turns corrections into corpus records for `analyzer train --with-feedback`. This layer reads
`analysis` (the `Analysis` it logs) and the base modules, never the service or the audit.
"""

"""The feedback database's engine and schema: SQLite tuned for durability, migrated by Alembic.

SQLite by default (WAL, `synchronous=FULL`: a correction that was acknowledged survives a
crash), any SQLAlchemy URL for a shared server. The schema is migrated in code, from
`migrations/`, when the store is opened; workers starting together take turns.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from analyzer.errors import AnalyzerError

MIGRATIONS_DIR: Final = Path(__file__).parent / "migrations"


class FeedbackStoreError(AnalyzerError):
    """The feedback database cannot be opened, migrated or written."""

    code = "E031"
    http_status = 503


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, full fsync and write-locking transactions."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise FeedbackStoreError(f"{url!r} is not a database URL. Use sqlite:///PATH or a SQLAlchemy URL.") from exc
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        _private_file(Path(parsed.database))
    engine = create_engine(parsed, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # The driver must not open transactions on its own: "begin" below opens them.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # fsync the WAL at every commit: acknowledged is durable
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two workers never deadlock upgrading a read
        # lock (which SQLite answers with an instant SQLITE_BUSY instead of waiting).
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _private_file(path: Path) -> None:
    """Create the database's folder (0700) and file (0600) before SQLite does: they hold drafts.

    A folder that exists is left as it is (it may be a volume or shared on purpose); the
    database file and its WAL and shared-memory files are made private if they are not.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if companion.exists() and companion.stat().st_mode & 0o077:
                companion.chmod(0o600)
    except OSError as exc:
        raise FeedbackStoreError(
            f"cannot create the database {path}: {exc.strerror}. Set ANALYZER_DATA_DIR to a writable directory."
        ) from exc


def database_file(engine: Engine) -> Path | None:
    """The file of a SQLite engine; None for a database server or an in-memory database."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def alembic_config(connection: Any) -> Any:
    """Alembic's configuration, built in code: no alembic.ini to ship or to find."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`, in one transaction (workers starting together take turns)."""
    from alembic import command

    for attempt in range(3):
        try:
            with engine.begin() as connection:
                command.upgrade(alembic_config(connection), revision)
            return
        except (OperationalError, IntegrityError) as exc:
            # Another process migrating the same server database at the same moment: retry.
            if attempt == 2:
                raise FeedbackStoreError(f"cannot migrate the feedback database: {exc.orig}.") from exc
            time.sleep(0.5 * (attempt + 1))


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        revision: str | None = MigrationContext.configure(connection).get_current_revision()
        return revision

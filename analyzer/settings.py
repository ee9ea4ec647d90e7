"""Every setting of the HTTP API, read once from `ANALYZER_*` environment variables.

One typed place, so a worker, the `serve` command and the tests agree on what a value means.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: Shortest key accepted: a guessable key is no key (the failed-attempt throttle slows guesses,
#: it cannot make "s3cret" safe).
MIN_KEY_LENGTH = 16
#: Key names are reviewers' names in the feedback table and in logs.
_KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
#: Visible ASCII but the list's separators (",") and the name's (":"): a key compares as the same
#: bytes however a client or a proxy encodes the header.
_KEY = re.compile(r"[\x21-\x2b\x2d-\x39\x3b-\x7e]+")


class ApiKey(BaseModel):
    """One accepted key and the reviewer it belongs to (the name shows in logs, the key never)."""

    model_config = ConfigDict(frozen=True)

    name: str
    key: SecretStr

    @field_validator("name")
    @classmethod
    def _check_name(cls, name: str) -> str:
        if not _KEY_NAME.fullmatch(name):
            raise ValueError(
                f"key name {name!r} is not a name: use 1 to 100 letters, digits, '.', '_', '@' or '-', "
                "starting with a letter or digit"
            )
        return name

    @field_validator("key")
    @classmethod
    def _check_key(cls, key: SecretStr) -> SecretStr:
        # Never quote the key: this message reaches the terminal and the log.
        value = key.get_secret_value()
        if not value:
            raise ValueError("a key is empty")
        if not _KEY.fullmatch(value):
            raise ValueError(
                "a key holds a character other than visible ASCII, or a ',' or ':'; "
                "use letters, digits and punctuation such as '-', '_' or '.'"
            )
        if len(value) < MIN_KEY_LENGTH:
            raise ValueError(
                f"a key has {len(value)} characters, fewer than {MIN_KEY_LENGTH}; "
                "make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return key


DATABASE_FILE = "analyzer.db"


def default_data_dir() -> Path:
    """`$XDG_DATA_HOME/messaging-analyzer`, else `~/.local/share/messaging-analyzer`.

    Outside the working directory, so a checkout or an image never carries its users' drafts;
    `./data` when there is no home directory to resolve.
    """
    if os.environ.get("XDG_DATA_HOME"):
        return Path(os.environ["XDG_DATA_HOME"]) / "messaging-analyzer"
    try:
        return Path.home() / ".local" / "share" / "messaging-analyzer"
    except RuntimeError:
        return Path("data")


def _split(value: Any) -> Any:
    """A comma-separated environment variable as a list; lists (from code) pass unchanged."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """The API's settings; `Settings()` reads the environment, tests pass values directly."""

    # Errors never quote the value: it may be a list of keys.
    model_config = SettingsConfigDict(env_prefix="ANALYZER_", extra="ignore", hide_input_in_errors=True)

    #: None: `resolve_model_dir` decides (the promoted version, else the bundled model).
    model_dir: Path | None = None
    #: Model versions and the promotion pointer (`analyzer models`); None: ANALYZER_MODELS_DIR, else models/.
    models_dir: Path | None = None
    #: `ANALYZER_API_KEYS=key1,alice:key2`; empty leaves /v1/* open (loopback only, see `serve`).
    api_keys: Annotated[list[ApiKey], NoDecode] = []
    #: Keys for /v1/admin/* (model reload), same format; empty turns the admin endpoints off.
    admin_keys: Annotated[list[ApiKey], NoDecode] = []
    #: Per key (or per client address when no keys are set), per worker; 0 turns it off.
    rate_limit_per_minute: int = Field(default=120, ge=0)
    max_body_bytes: int = Field(default=2_000_000, gt=0)
    max_chars: int = Field(default=200_000, gt=0)
    max_upload_bytes: int = Field(default=20_000_000, gt=0)
    max_batch: int = Field(default=256, gt=0)
    #: Origins allowed to call from a browser; empty keeps CORS closed.
    cors_origins: Annotated[list[str], NoDecode] = []
    #: Serve without API keys on a non-loopback address (an explicit, logged choice).
    insecure: bool = False
    #: Where the service keeps its database (feedback and the analyses log).
    data_dir: Path = Field(default_factory=default_data_dir)
    #: Any SQLAlchemy URL; None means SQLite at `<data_dir>/analyzer.db` (see `database`).
    database_url: str | None = None
    #: Feedback posts a minute per key (per client address without keys), per worker; 0 is off.
    feedback_rate_limit_per_minute: int = Field(default=30, ge=0)
    #: Keep each served analysis (text, probabilities, least certain sentences) for the review
    #: queue. On by default: the tool is self-hosted and the queue needs it; it stores drafts.
    record_analyses: bool = True
    #: Days a logged analysis is kept; older ones are deleted.
    analyses_retention_days: int = Field(default=30, ge=1)
    #: Megabytes the analyses log may take; past it the oldest are deleted.
    analyses_max_mb: int = Field(default=500, gt=0)
    #: Free megabytes on the database's disk below which analyses are no longer logged (and the
    #: oldest are deleted): what space is left goes to reviewers' corrections.
    min_free_disk_mb: int = Field(default=200, ge=0)

    # --- Slow and greedy clients (see "Deployment" in the README) ---
    #: Seconds a connection may take to send a request's line and headers.
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    #: Seconds a request body may take on top of what `body_min_bytes_per_second` buys.
    body_timeout_seconds: float = Field(default=20.0, gt=0)
    #: Slowest accepted body: each byte received buys 1/rate more seconds.
    body_min_bytes_per_second: int = Field(default=10_000, gt=0)
    #: Request bodies being received at once, per worker; more wait for a 503.
    max_bodies_in_progress: int = Field(default=32, gt=0)
    #: Open connections per worker (capped below the process's file limit); past it the oldest
    #: connection still sending its headers is closed, and requests get 503 when all are busy.
    max_connections: int = Field(default=1000, ge=16)
    #: Connections the kernel queues before the server accepts them.
    backlog: int = Field(default=512, ge=16)
    #: Wrong or missing keys a minute per client address, per worker, before every request from
    #: that address is refused (429) until the minute has passed; 0 is off.
    failed_auth_per_minute: int = Field(default=10, ge=0)
    #: Requests to /v1/admin/* a minute per admin key, per worker; 0 is off.
    admin_rate_limit_per_minute: int = Field(default=10, ge=0)

    @property
    def database(self) -> str:
        """The database URL in use: `database_url`, else a SQLite file in `data_dir`."""
        return self.database_url or f"sqlite:///{(self.data_dir / DATABASE_FILE).resolve()}"

    @field_validator("api_keys", "admin_keys", mode="before")
    @classmethod
    def _parse_keys(cls, value: Any) -> Any:
        """`name:key` pairs name their reviewer; a bare key (no ':') is named by its position.

        `name:` (no key), `:key` (no name) and `a:b:c` (is the key `b:c`?) are refused here,
        with the entry's position, rather than read as something the operator did not mean.
        """
        items = _split(value)
        if not isinstance(items, list):
            return items
        keys: list[Any] = []
        for number, item in enumerate(items, 1):
            if not isinstance(item, str):
                keys.append(item)
            elif ":" not in item:
                keys.append({"name": f"key{number}", "key": item})
            else:
                name, _, key = item.partition(":")
                if not name or not key or ":" in key:
                    raise ValueError(
                        f"entry {number} is not 'name:key' (one ':' between a name and a key, neither empty)"
                    )
                keys.append({"name": name, "key": key})
        return keys

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: Any) -> Any:
        return _split(value)

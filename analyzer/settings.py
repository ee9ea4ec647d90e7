"""Every setting of the HTTP API, read once from `ANALYZER_*` environment variables.

One typed place, so a worker, the `serve` command and the tests agree on what a value means.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class ApiKey(BaseModel):
    """One accepted key and the reviewer it belongs to (the name shows in logs, the key never)."""

    model_config = ConfigDict(frozen=True)

    name: str
    key: SecretStr


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

    model_config = SettingsConfigDict(env_prefix="ANALYZER_", extra="ignore")

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

    @property
    def database(self) -> str:
        """The database URL in use: `database_url`, else a SQLite file in `data_dir`."""
        return self.database_url or f"sqlite:///{(self.data_dir / DATABASE_FILE).resolve()}"

    @field_validator("api_keys", "admin_keys", mode="before")
    @classmethod
    def _parse_keys(cls, value: Any) -> Any:
        """`name:key` pairs name their reviewer; a bare key is named by its position."""
        items = _split(value)
        if not isinstance(items, list):
            return items
        keys: list[Any] = []
        for number, item in enumerate(items, 1):
            if isinstance(item, str):
                name, sep, key = item.partition(":")
                named = sep and name and key
                keys.append({"name": name, "key": key} if named else {"name": f"key{number}", "key": item})
            else:
                keys.append(item)
        return keys

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: Any) -> Any:
        return _split(value)

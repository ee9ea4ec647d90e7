"""Hot model reload: `POST /v1/admin/reload`, and every worker following it.

`analyzer serve --workers N` runs N processes and a request reaches only one of them. The
worker that gets the reload loads the model `resolve_model_dir` names (the promoted version),
verified, swaps its `Analyzer` reference, then writes a new token to the reload signal in the
models folder (`.reload.json`, replaced atomically). Every worker's watcher stats that file
once a second and, when the token changes, loads the model in a thread and swaps it in.

Nothing is dropped: a request takes the `Analyzer` reference once, so requests in flight
finish on the model they started with while new ones get the new model, and a model that
fails to load is never swapped in (the old one keeps serving, and the caller is told why).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field
from starlette.datastructures import State

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.errors import AnalyzerError
from analyzer.model.paths import models_dir, resolve_model_dir
from analyzer.model.registry import write_json_atomic
from analyzer.service.app import ADMIN_PREFIX, ERROR_RESPONSES, ApiError
from analyzer.settings import Settings

logger = logging.getLogger("analyzer.api")

SIGNAL = ".reload.json"
#: Seconds between two looks at the reload signal: one stat a second per worker.
WATCH_INTERVAL = 1.0


def load_analyzer(settings: Settings) -> Analyzer:
    """The model the settings name (explicit, else promoted, else bundled), verified and warmed up."""
    analyzer = Analyzer.load(resolve_model_dir(settings.model_dir, settings.models_dir))
    analyzer.analyze("Warm-up sentence.", options=AnalyzeOptions(suggestions=False))
    return analyzer


class ModelReloader:
    """One worker's side of reloading: swap on request, signal the others, follow their signals."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.signal = models_dir(settings.models_dir) / SIGNAL
        self._lock = threading.Lock()
        # Read before the worker loads its model: a reload signalled during start-up is followed.
        self._signature = self._stat()
        self._token = self._read_token()

    def reload(self, state: State) -> tuple[Analyzer | None, Analyzer]:
        """Load, swap, then signal the other workers; (previous, new). Raises if the load fails."""
        with self._lock:
            previous: Analyzer | None = state.analyzer
            analyzer = load_analyzer(self.settings)
            state.analyzer = analyzer
            token = uuid.uuid4().hex
            signal = {
                "token": token,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "model": _describe(analyzer),
                "worker": os.getpid(),
            }
            try:
                write_json_atomic(self.signal, signal)
            except OSError as exc:
                raise ApiError(
                    503,
                    f"this worker now serves {analyzer.model.version}, but the other workers were not told: "
                    f"cannot write {self.signal} ({exc.strerror}). Make the models folder writable, or restart.",
                    "reload_incomplete",
                ) from exc
            self._token, self._signature = token, self._stat()
        return previous, analyzer

    def follow(self, state: State) -> bool:
        """Reload if another worker signalled a reload since the last look; True if the model changed.

        Runs in a thread (the load takes seconds); the old model serves until the swap.
        """
        if self._stat() == self._signature:
            return False
        with self._lock:
            self._signature = self._stat()
            token = self._read_token()
            if token is None or token == self._token:
                return False
            self._token = token
            try:
                analyzer = load_analyzer(self.settings)
            except AnalyzerError as exc:
                logger.error("reload signalled, but the model did not load (still serving the old one): %s", exc)
                return False
            previous: Analyzer | None = state.analyzer
            state.analyzer = analyzer
        logger.info("model reloaded on signal: %s -> %s", _version(previous), analyzer.model.version)
        return True

    async def watch(self, state: State) -> None:
        """Follow reload signals for as long as the worker runs."""
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            if self._stat() == self._signature:  # a stat, on the loop: microseconds
                continue
            try:
                await asyncio.to_thread(self.follow, state)
            except Exception:  # the watcher must outlive any one failure; the next signal retries
                logger.exception("reload watcher failed")

    @property
    def token(self) -> str | None:
        return self._token

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            info = self.signal.stat()
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_size

    def _read_token(self) -> str | None:
        try:
            token = json.loads(self.signal.read_text(encoding="utf-8")).get("token")
        except (OSError, ValueError, AttributeError):
            return None
        return str(token) if token else None


def start_watching(app: FastAPI) -> asyncio.Task[None]:
    """Start the worker's watcher (in the app's lifespan); `stop_watching` it on shutdown."""
    reloader: ModelReloader = app.state.reloader
    return asyncio.create_task(reloader.watch(app.state))


async def stop_watching(watcher: asyncio.Task[None]) -> None:
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher


# --- The endpoints ------------------------------------------------------------------------


class ModelRef(BaseModel):
    name: str
    version: str
    directory: str


class ReloadResult(BaseModel):
    status: str = Field(description='"reloaded": this worker swapped; the others follow within about a second.')
    worker: int = Field(description="The process id of the worker that answered.")
    previous: ModelRef | None
    model: ModelRef


class AdminStatus(BaseModel):
    worker: int = Field(description="The process id of the worker that answered.")
    model: ModelRef | None
    reload_token: str | None = Field(description="The last reload signal this worker followed.")


def _admin(request: Request) -> str:
    """The name of the admin key presented; 401 without a known key, 403 for a key that is not an admin's."""
    settings: Settings = request.app.state.settings
    if not settings.admin_keys:
        raise ApiError(403, "the admin endpoints are off: set ANALYZER_ADMIN_KEYS to turn them on.", "forbidden")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    presented = token.strip().encode("utf-8")
    if scheme.lower() != "bearer" or not presented:
        raise ApiError(401, "missing admin key.", "unauthorized")
    found = None
    for key in settings.admin_keys:  # compare with every key, so timing tells nothing about which
        if hmac.compare_digest(presented, key.key.get_secret_value().encode("utf-8")):
            found = key.name
    if found is not None:
        return found
    if any(hmac.compare_digest(presented, k.key.get_secret_value().encode("utf-8")) for k in settings.api_keys):
        raise ApiError(403, "this key may not call the admin endpoints; use one from ANALYZER_ADMIN_KEYS.", "forbidden")
    raise ApiError(401, "unknown admin key.", "unauthorized")


AdminDep = Annotated[str, Depends(_admin)]

# The guard middleware leaves ADMIN_PREFIX to `_admin`: admin keys are not API keys.
router = APIRouter(
    prefix=ADMIN_PREFIX.rstrip("/"),
    tags=["admin"],
    dependencies=[Security(HTTPBearer(auto_error=False))],
    responses={**ERROR_RESPONSES, 403: ERROR_RESPONSES[401]},
)


@router.post("/reload", response_model=ReloadResult)
def reload_model(request: Request, admin: AdminDep) -> ReloadResult:
    """Load the promoted model (verified) and swap it in without dropping requests.

    This worker answers once it has swapped; the other workers follow within about a
    second plus their load time. A model that fails to load is not swapped in.
    """
    reloader: ModelReloader = request.app.state.reloader
    current: Analyzer | None = request.app.state.analyzer
    logger.info("model reload requested by %s", admin)
    try:
        previous, analyzer = reloader.reload(request.app.state)
    except AnalyzerError as exc:
        logger.error("model reload by %s failed: %s", admin, exc)
        raise ApiError(
            exc.http_status,
            f"the model was not reloaded (still serving {_version(current)}): {exc.message}",
            "reload_failed",
        ) from exc
    logger.info("model reloaded by %s: %s -> %s", admin, _version(previous), analyzer.model.version)
    return ReloadResult(
        status="reloaded",
        worker=os.getpid(),
        previous=ModelRef(**_describe(previous)) if previous is not None else None,
        model=ModelRef(**_describe(analyzer)),
    )


@router.get("/status", response_model=AdminStatus)
def admin_status(request: Request, admin: AdminDep) -> AdminStatus:
    """Which worker answered, the model it serves and the last reload it followed."""
    analyzer: Analyzer | None = request.app.state.analyzer
    reloader: ModelReloader = request.app.state.reloader
    return AdminStatus(
        worker=os.getpid(),
        model=ModelRef(**_describe(analyzer)) if analyzer is not None else None,
        reload_token=reloader.token,
    )


def _describe(analyzer: Analyzer) -> dict[str, Any]:
    return {"name": analyzer.model.name, "version": analyzer.model.version, "directory": str(analyzer.model.directory)}


def _version(analyzer: Analyzer | None) -> str:
    return "no model" if analyzer is None else f"{analyzer.model.name} {analyzer.model.version}"

"""Hot model reload: one worker swaps its model (`POST /v1/admin/reload`), every other one follows.

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
import json
import logging
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import State

from analyzer.analysis.analyzer import AnalyzeOptions, Analyzer
from analyzer.errors import AnalyzerError
from analyzer.model.paths import models_dir, resolve_model_dir
from analyzer.model.registry import write_json_atomic
from analyzer.service.errors import ApiError
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
                "model": describe(analyzer),
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
        logger.info("model reloaded on signal: %s -> %s", version_label(previous), analyzer.model.version)
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


def describe(analyzer: Analyzer) -> dict[str, Any]:
    return {"name": analyzer.model.name, "version": analyzer.model.version, "directory": str(analyzer.model.directory)}


def version_label(analyzer: Analyzer | None) -> str:
    return "no model" if analyzer is None else f"{analyzer.model.name} {analyzer.model.version}"

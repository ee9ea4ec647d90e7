"""`/v1/admin/*`: reload the model in every worker, and which model a worker serves.

Admin keys (ANALYZER_ADMIN_KEYS) are not API keys. The guard (`service/guard.py`) checks them,
throttles them and reads the one `Authorization` header, before any body; the routes get the
key's name from the request's state.
"""

from __future__ import annotations

import logging
import os
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from analyzer.analysis.analyzer import Analyzer
from analyzer.errors import AnalyzerError
from analyzer.service.errors import ERROR_RESPONSES, ApiError
from analyzer.service.guard import ADMIN_PREFIX
from analyzer.service.reload import ModelReloader, describe, version_label

logger = logging.getLogger("analyzer.api")


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
    """The name of the admin key presented, as the guard found it (it refuses every other request)."""
    name: str | None = getattr(request.state, "admin_key_name", None)
    if name is None:  # only reachable if the app runs without its guard
        raise ApiError(401, "missing admin key.", "unauthorized")
    return name


AdminDep = Annotated[str, Depends(_admin)]

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
            f"the model was not reloaded (still serving {version_label(current)}): {exc.message}",
            "reload_failed",
        ) from exc
    logger.info("model reloaded by %s: %s -> %s", admin, version_label(previous), analyzer.model.version)
    return ReloadResult(
        status="reloaded",
        worker=os.getpid(),
        previous=ModelRef(**describe(previous)) if previous is not None else None,
        model=ModelRef(**describe(analyzer)),
    )


@router.get("/status", response_model=AdminStatus)
def admin_status(request: Request, admin: AdminDep) -> AdminStatus:
    """Which worker answered, the model it serves and the last reload it followed."""
    analyzer: Analyzer | None = request.app.state.analyzer
    reloader: ModelReloader = request.app.state.reloader
    return AdminStatus(
        worker=os.getpid(),
        model=ModelRef(**describe(analyzer)) if analyzer is not None else None,
        reload_token=reloader.token,
    )

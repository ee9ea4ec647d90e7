"""`/v1/admin/*`: reload the model in every worker, and which model a worker serves.

Admin keys (ANALYZER_ADMIN_KEYS) are not API keys: the guard leaves this prefix to `_admin`.
"""

from __future__ import annotations

import hmac
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
from analyzer.settings import Settings

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

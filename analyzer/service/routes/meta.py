"""What the service says about itself: the model card, health and readiness, metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from analyzer.service.deps import AnalyzerDep, MetricsDep, current_analyzer
from analyzer.service.errors import ERROR_RESPONSES, ErrorBody

# Declared for the OpenAPI page only; GuardMiddleware checks the key before the body is read.
router = APIRouter(prefix="/v1", dependencies=[Security(HTTPBearer(auto_error=False))], responses=ERROR_RESPONSES)
#: Outside /v1: open, like /docs.
probes = APIRouter()


@router.get("/model")
def model_card(analyzer: AnalyzerDep) -> dict[str, Any]:
    """The model card of the model in use: versions, labels, training data and figures."""
    return analyzer.model.card


@probes.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive (it may still be loading its model)."""
    return {"status": "ok"}


@probes.get("/readyz", responses={503: {"model": ErrorBody}})
async def readyz(request: Request) -> dict[str, Any]:
    """The model is loaded and requests can be answered."""
    analyzer = current_analyzer(request)
    return {"status": "ready", "model": {"name": analyzer.model.name, "version": analyzer.model.version}}


@probes.get("/metrics", response_class=Response)
async def prometheus(metrics: MetricsDep) -> Response:
    """Prometheus metrics of this worker."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

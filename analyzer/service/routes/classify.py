"""`POST /v1/classify`: label a batch of documents; a bad one gets an error, the others a label."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from analyzer.errors import AnalyzerError, InputError
from analyzer.model.pipeline import Prediction
from analyzer.service.deps import AnalyzerDep, MetricsDep, SettingsDep
from analyzer.service.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from analyzer.text.extract import check_text
from analyzer.text.ids import check_id


class ClassifyRequest(BaseModel):
    documents: list[Any] = Field(
        min_length=1,
        description='Up to max_batch objects {"id", "text"}; a bad one gets an error, the others are still labelled.',
    )


class ClassifyResult(BaseModel):
    id: str | int
    label: str
    scores: dict[str, float]


class ClassifyFailure(BaseModel):
    id: str | int
    error: ErrorDetail


class ClassifyResponse(BaseModel):
    results: list[ClassifyResult | ClassifyFailure]


# Declared for the OpenAPI page only; GuardMiddleware checks the key before the body is read.
router = APIRouter(prefix="/v1", dependencies=[Security(HTTPBearer(auto_error=False))], responses=ERROR_RESPONSES)


@router.post("/classify", response_model=ClassifyResponse)
def classify(
    body: ClassifyRequest, analyzer: AnalyzerDep, settings: SettingsDep, metrics: MetricsDep
) -> ClassifyResponse:
    """Label a batch of documents; a bad document gets an error and never fails the others."""
    if len(body.documents) > settings.max_batch:
        raise ApiError(413, f"{len(body.documents)} documents, over the limit of {settings.max_batch} per request.")
    ids: list[str | int] = []
    texts: dict[int, str | AnalyzerError] = {}
    for number, item in enumerate(body.documents):
        ids.append(number)  # until the document's own id is known to be one
        texts[number] = _document_text(item, number, settings.max_chars)
        if isinstance(item, dict) and item.get("id") is not None:
            try:
                ids[number] = check_id(item["id"], f"documents[{number}]")
            except AnalyzerError as exc:
                texts[number] = exc
    good = [n for n, text in texts.items() if isinstance(text, str)]
    predictions: dict[int, Prediction] = dict(
        zip(good, analyzer.model.classify([str(texts[n]) for n in good]), strict=True)
    )
    results: list[ClassifyResult | ClassifyFailure] = []
    for number, text in texts.items():
        if isinstance(text, AnalyzerError):
            metrics.errors.labels(code=text.code).inc()
            hint = "Fix this document and send it again; the others were labelled."
            detail = ErrorDetail(code=text.code, message=text.message, hint=hint)
            results.append(ClassifyFailure(id=ids[number], error=detail))
            continue
        prediction = predictions[number]
        metrics.labels.labels(endpoint="classify", label=prediction.label).inc()
        results.append(ClassifyResult(id=ids[number], label=prediction.label, scores=prediction.scores))
    return ClassifyResponse(results=results)


def _document_text(item: Any, number: int, max_chars: int) -> str | AnalyzerError:
    where = f"documents[{number}]"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return InputError(f'{where}: expected an object with a "text" string.')
    try:
        return check_text(item["text"], where, max_chars)
    except AnalyzerError as exc:
        return exc

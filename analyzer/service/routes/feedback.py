"""`/v1/feedback`: reviewers' corrections in, and listed a page at a time.

Thin, like the rest of the API: the store validates and writes (`analyzer/feedback/store.py`);
the guard middleware (`service/guard.py`) has already checked the key, rate-limited feedback
per key and bounded the body, and tells us the key's name (never the key) in `request.state`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from analyzer.feedback.store import MAX_COMMENT, Correction, Feedback, FeedbackQuery
from analyzer.feedback.tables import MAX_MODEL_VERSION
from analyzer.labels import Label
from analyzer.service.deps import SettingsDep, StoreDep
from analyzer.service.errors import ERROR_RESPONSES

logger = logging.getLogger("analyzer.api")

ANONYMOUS = "anonymous"
MAX_PAGE = 200
#: Past this SQLite cannot hold an integer: a larger cursor is a 422, not a 500.
MAX_ID = 2**63 - 1


class SentenceSpan(BaseModel):
    """Character offsets of a sentence in `text`, as `/v1/analyze` returned them."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=1)


class FeedbackIn(BaseModel):
    """A correction: the label `text` (or one sentence of it) should have had."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The text that was analyzed (the analysis's `text`): offsets point into it.")
    label: Label = Field(description="The label the reviewer says is right.")
    sentence: SentenceSpan | None = Field(default=None, description="The sentence corrected; omit for the document.")
    model_version: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_MODEL_VERSION,
        description='The model that was shown, as "<name>-<version>" (e.g. "messaging-1.1.0").',
    )
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)


class FeedbackOut(BaseModel):
    id: int
    created_at: datetime
    reviewer: str = Field(description='The name of the API key that sent it; "anonymous" without keys.')
    kind: Literal["document", "sentence"]
    label: Label
    sentence: SentenceSpan | None
    text_sha256: str
    excerpt: str = Field(description="The corrected sentence, or the first 200 characters of the document.")
    model_version: str | None
    comment: str | None

    @classmethod
    def of(cls, feedback: Feedback) -> FeedbackOut:
        span = None if feedback.sentence is None else SentenceSpan(start=feedback.sentence[0], end=feedback.sentence[1])
        return cls(
            id=feedback.id,
            created_at=feedback.created_at,
            reviewer=feedback.reviewer,
            kind=feedback.kind,
            label=feedback.label,  # type: ignore[arg-type]  # validated on the way in
            sentence=span,
            text_sha256=feedback.text_sha256,
            excerpt=feedback.excerpt,
            model_version=feedback.model_version,
            comment=feedback.comment,
        )


class FeedbackPage(BaseModel):
    items: list[FeedbackOut] = Field(description="Newest first.")
    next_cursor: int | None = Field(description="Pass as `before` for the next page; null on the last page.")


def _reviewer(request: Request) -> str:
    name: str | None = getattr(request.state, "api_key_name", None)
    return name or ANONYMOUS


# --- Routes -------------------------------------------------------------------------------

# Declared for the OpenAPI page only; GuardMiddleware checks the key before the body is read.
router = APIRouter(
    prefix="/v1", tags=["feedback"], dependencies=[Security(HTTPBearer(auto_error=False))], responses=ERROR_RESPONSES
)


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=201,
    responses={200: {"model": FeedbackOut, "description": "The same correction was already stored."}},
)
def post_feedback(
    body: FeedbackIn, request: Request, response: Response, store: StoreDep, settings: SettingsDep
) -> FeedbackOut:
    """Say a label is wrong: for the document, or with `sentence` for one sentence.

    Stored (and committed) before the answer: 201 for a new correction, 200 with the stored
    one when the same reviewer already said the same thing about the same text.
    """
    correction = Correction(
        text=body.text,
        label=body.label,
        reviewer=_reviewer(request),
        sentence=None if body.sentence is None else (body.sentence.start, body.sentence.end),
        model_version=body.model_version,
        comment=body.comment,
    )
    feedback, created = store.add(correction, max_chars=settings.max_chars)
    if not created:
        response.status_code = 200
    return FeedbackOut.of(feedback)


@router.get("/feedback", response_model=FeedbackPage)
def list_feedback(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="The `next_cursor` of the previous page.")] = None,
    label: Label | None = None,
    model_version: Annotated[str | None, Query(max_length=MAX_MODEL_VERSION)] = None,
    reviewer: Annotated[str | None, Query(max_length=100)] = None,
    kind: Literal["document", "sentence"] | None = None,
    since: Annotated[date | None, Query(description="From this day on (UTC), e.g. 2026-01-31.")] = None,
    until: Annotated[date | None, Query(description="Up to and including this day (UTC).")] = None,
) -> FeedbackPage:
    """The corrections, newest first, a page at a time, filtered by label, model version and date."""
    query = FeedbackQuery(
        limit=limit,
        before=before,
        label=label,
        model_version=model_version,
        reviewer=reviewer,
        kind=kind,
        since=since,
        until=until,
    )
    items, cursor = store.page(query)
    return FeedbackPage(items=[FeedbackOut.of(item) for item in items], next_cursor=cursor)

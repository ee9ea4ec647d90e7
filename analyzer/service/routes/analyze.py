"""`POST /v1/analyze` (text, HTML or Markdown in JSON) and `POST /v1/analyze/file` (an upload)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request, Security, UploadFile
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions
from analyzer.service.deps import AnalyzerDep, MetricsDep, SettingsDep, record_analysis
from analyzer.service.errors import ERROR_RESPONSES
from analyzer.text.extract import Limits, extract, extract_text


class AnalyzeRequest(BaseModel):
    """A document as a JSON string: exactly one of `text`, `html` or `markdown`."""

    # The "exactly one" rule in the schema too, so clients and generated tests can see it.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"type": "string"}}} for name in ("text", "html", "markdown")
            ],
            "examples": [{"text": "Manual invoicing costs your team two days every month.", "options": {}}],
        },
    )

    text: str | None = None
    html: str | None = None
    markdown: str | None = None
    title: str | None = Field(default=None, max_length=500)
    doc_type: str | None = Field(
        default=None, max_length=64, description="Accepted for the record; the model reads the text alone."
    )
    options: AnalyzeOptions = AnalyzeOptions()

    @model_validator(mode="after")
    def _one_document(self) -> AnalyzeRequest:
        given = [name for name in ("text", "html", "markdown") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f'give exactly one of "text", "html" or "markdown" (got {len(given)})')
        return self

    def document(self) -> tuple[str, str]:
        """(format for `extract_text`, the string)."""
        if self.html is not None:
            return "html", self.html
        if self.markdown is not None:
            return "markdown", self.markdown
        return "text", self.text or ""


# Declared for the OpenAPI page only; GuardMiddleware checks the key before the body is read.
router = APIRouter(prefix="/v1", dependencies=[Security(HTTPBearer(auto_error=False))], responses=ERROR_RESPONSES)


@router.post("/analyze", response_model=Analysis)
def analyze(
    body: AnalyzeRequest, request: Request, analyzer: AnalyzerDep, settings: SettingsDep, metrics: MetricsDep
) -> Analysis:
    """Analyze a document sent as text, HTML or Markdown: label, sentences, rubric, rewrites."""
    fmt, text = body.document()
    limits = Limits(max_bytes=settings.max_body_bytes, max_chars=settings.max_chars)
    analysis = analyzer.analyze(extract_text(text, fmt, limits), title=body.title, options=body.options)
    metrics.labels.labels(endpoint="analyze", label=analysis.label).inc()
    record_analysis(request, analysis)  # for the review queue; never fails the answer
    return analysis


class AnalyzeFileForm(BaseModel):
    """An upload and its options, as multipart form fields; an unknown field is refused by name,
    like an unknown key in JSON (a misspelled `suggestion=false` must not leave suggestions on)."""

    model_config = ConfigDict(extra="forbid")

    file: UploadFile = Field(description="A .txt, .md, .html, .pdf or .docx file.")
    title: str | None = Field(default=None, max_length=500)
    sentences: bool = True
    explanations: bool = True
    suggestions: bool = True
    max_suggestions: int = Field(default=5, ge=0, le=20)
    format: Literal["text", "markdown", "html", "pdf", "docx"] | None = Field(
        default=None,
        description="The file's format, for a name whose extension does not say it (default: from the name).",
    )


@router.post("/analyze/file", response_model=Analysis)
def analyze_file(
    form: Annotated[AnalyzeFileForm, Form()],
    request: Request,
    analyzer: AnalyzerDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> Analysis:
    """Analyze an uploaded file (multipart field `file`); options are form fields.

    A name whose extension is no format we read is refused with 415, unless `format` (or the
    part's own media type) says what the file is.
    """
    limits = Limits(max_bytes=settings.max_upload_bytes, max_chars=settings.max_chars)
    upload = form.file
    extracted = extract(
        upload.file.read(),
        filename=upload.filename,
        media_type=upload.content_type,
        limits=limits,
        format=form.format,
        strict=True,
    )
    options = AnalyzeOptions(
        sentences=form.sentences,
        explanations=form.explanations,
        suggestions=form.suggestions,
        max_suggestions=form.max_suggestions,
    )
    analysis = analyzer.analyze(extracted, source=upload.filename, title=form.title, options=options)
    metrics.labels.labels(endpoint="analyze_file", label=analysis.label).inc()
    record_analysis(request, analysis)  # for the review queue; never fails the answer
    return analysis

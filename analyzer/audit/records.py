"""One document's result line: its identity, its analysis, and what its page shows.

A record never raises: a document that cannot be read, extracted or analyzed is a record with
an `error`. Lines are written and read back by `results.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.audit.doctype import infer_doc_type, types_from_text
from analyzer.audit.identity import describe
from analyzer.audit.sources import READ_ERROR, SourceDocument
from analyzer.errors import AnalyzerError
from analyzer.labels import CHANGE, RUBRIC_ELEMENTS
from analyzer.text.extract import DEFAULT_LIMITS, Extracted, Limits, extract

#: The error code of an unexpected exception while analyzing one document.
ANALYSIS_FAILED: Final = "analysis_failed"

#: An audit keeps one suggestion per document, the editor's first target: the parser reads one
#: sentence. Company news gets none unless the audit is run with --include-news. Sentences are
#: computed either way; keeping them costs nothing but their bytes in results.jsonl.
AUDIT_OPTIONS: Final = AnalyzeOptions(sentences=True, explanations=False, suggestions=True, max_suggestions=1)
#: The analysis of a document, in record order (all null when it failed).
ANALYSIS_FIELDS: Final = (
    "words",
    "label",
    "mixed",
    "scores",
    "confidence",
    "uncertain",
    "case_for_change_score",
    "rubric",
    "evidence",
    "suggestion",
    "coaching",
    "main_claim",
)
#: What a document's page shows and nothing else needs, last so a person reading a line sees the
#: figures first: the text analyzed, and per sentence `[start, end, label, P(case-for-change),
#: low signal]` with offsets into that text.
PAGE_FIELDS: Final = ("format", "text", "sentences")
#: A title made from a document's first line is cut to this many characters.
TITLE_CHARS: Final = 120


def identity(document: SourceDocument, text: str | None = None) -> dict[str, Any]:
    """The fields every record starts with, failed or not (`text` helps infer a missing type; without
    it only the path can)."""
    return {
        "key": document.key,
        "source": document.source,
        "id": document.id,
        "location": document.location,
        "section": document.section,
        "title": document.title,
        "url": document.url,
        "doc_type": document.doc_type,
        "published": document.published,
        "inferred_type": None if document.doc_type else infer_doc_type(document.url or document.id, text),
    }


def audit_records(
    documents: Sequence[SourceDocument],
    analyzer: Analyzer,
    limits: Limits = DEFAULT_LIMITS,
    options: AnalyzeOptions = AUDIT_OPTIONS,
) -> list[dict[str, Any]]:
    """The records of a chunk of documents: each one's as `audit_record` makes it, except that the
    types read from text are inferred for the whole chunk in one pass of the doc-type model."""
    records = [audit_record(document, analyzer, limits, options, type_from_text=False) for document in documents]
    untyped = [r for r in records if not r["doc_type"] and not r["inferred_type"] and r["text"]]
    for record, kind in zip(untyped, types_from_text([r["text"] for r in untyped]), strict=True):
        record["inferred_type"] = kind
    return records


def error_record(document: SourceDocument, code: str, message: str, model: str) -> dict[str, Any]:
    """The record of a document that could not be read, extracted or analyzed."""
    return {
        **identity(document),
        **dict.fromkeys(ANALYSIS_FIELDS),
        "model": model,
        "error": {"code": code, "message": message},
        **dict.fromkeys(PAGE_FIELDS),
    }


def analysis_record(
    document: SourceDocument, analysis: Analysis, extracted: Extracted, type_from_text: bool = True
) -> dict[str, Any]:
    """The record of an analyzed document: its label, scores, rubric with its evidence, best
    suggestion, coaching questions and main claim, and what its page shows (the text and each sentence's label). Without
    `type_from_text` a missing type comes from the path only (`audit_records` does the rest)."""
    best = analysis.suggestions[0] if analysis.suggestions else None
    rubric = analysis.rubric
    return {
        **identity(document, analysis.text if type_from_text else None),
        "title": analysis.title or first_line(extracted),  # the source's title, else the extracted one
        "words": len(analysis.text.split()),
        "label": analysis.label,
        "mixed": analysis.mixed,
        "scores": analysis.scores,
        "confidence": analysis.confidence,
        "uncertain": analysis.uncertain,
        "case_for_change_score": analysis.case_for_change_score,
        "rubric": {name: getattr(rubric, name).present for name in RUBRIC_ELEMENTS},
        "evidence": {
            name: {
                "score": getattr(rubric, name).score,
                "sentences": getattr(rubric, name).evidence,
                "named_by": getattr(rubric, name).named_by,
            }
            for name in RUBRIC_ELEMENTS
        },
        "suggestion": best.model_dump(mode="json") if best else None,
        "coaching": analysis.coaching or None,
        "main_claim": analysis.main_claim.model_dump(include={"sentence", "text"}) if analysis.main_claim else None,
        "model": f"{analysis.model.name}@{analysis.model.version}",
        "error": None,
        "format": analysis.format,
        "text": analysis.text,
        "sentences": [[s.start, s.end, s.label, round(s.scores[CHANGE], 3), s.low_signal] for s in analysis.sentences],
    }


def first_line(extracted: Extracted) -> str | None:
    """A title for a document that has none (a plain-text file): its first heading, else its
    first line, cut at a word near `TITLE_CHARS`."""
    if extracted.headings:
        heading = extracted.headings[0]
        line = extracted.text[heading.start : heading.end]
    else:
        line = next((line for line in extracted.text.split("\n") if line.strip()), "")
    line = line.strip().removeprefix("- ").strip()
    if len(line) > TITLE_CHARS:
        line = line[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
    return line or None


def audit_record(
    document: SourceDocument,
    analyzer: Analyzer,
    limits: Limits = DEFAULT_LIMITS,
    options: AnalyzeOptions = AUDIT_OPTIONS,
    type_from_text: bool = True,
) -> dict[str, Any]:
    """One document's record; never raises: a failure becomes a record with an `error`."""
    model = f"{analyzer.model.name}@{analyzer.model.version}"
    if document.data is None:
        reason = document.error or "the source gave no content for this document."
        return error_record(document, document.error_code or READ_ERROR, reason, model)
    name = describe(document.source, document.id, document.location, document.url)
    try:
        extracted = extract(document.data, document.filename, document.media_type, limits, name=name)
        analysis = analyzer.analyze(extracted, source=document.location, title=document.title, options=options)
    except AnalyzerError as exc:
        return error_record(document, exc.code, exc.message, model)
    except Exception as exc:  # one bad document must never stop the audit
        message = f"unexpected {type(exc).__name__} while analyzing {name}: {exc}. This is a bug: please report it."
        return error_record(document, ANALYSIS_FAILED, message, model)
    return analysis_record(document, analysis, extracted, type_from_text)

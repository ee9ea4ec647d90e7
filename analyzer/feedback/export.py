"""Corrections out as corpus records (corpus/README.md), for `analyzer train --with-feedback`.

A pure function over what the store returns, so it is tested without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.feedback.store import StoredCorrection


@dataclass(slots=True)
class ExportResult:
    """Corpus records, and what could not become one."""

    records: list[dict[str, Any]] = field(default_factory=list)
    document_labels: int = 0
    sentence_corrections: int = 0
    labels_from_model: int = 0
    skipped_unlabeled: int = 0


def export_records(
    corrections: Sequence[StoredCorrection],
    analysis_labels: Mapping[str, tuple[str, str]],
    sentence_spans: Mapping[str, Sequence[tuple[int, int]]],
) -> ExportResult:
    """Corpus records (corpus/README.md) from corrections; the latest correction wins.

    A text with a document correction takes its latest label. A text with only sentence
    corrections takes the label the model gave it in its latest logged analysis (the reviewer
    saw it and left it), marked `"label_from": "model"`; without a logged analysis it cannot
    be a corpus record (every record has a label) and is skipped and counted. Sentence
    corrections cover every sentence of the analyzer's splitter (`sentence_spans`), the
    uncorrected ones taking the document's label, because training gives an unmarked
    sentence the label of its nearest marked one. Feedback carries no rubric marks.
    """
    by_text: dict[str, list[StoredCorrection]] = defaultdict(list)
    for correction in sorted(corrections, key=lambda c: c.id):
        by_text[correction.text_sha256].append(correction)
    result = ExportResult()
    for sha, group in sorted(by_text.items(), key=lambda item: item[1][0].id):
        documents = [c for c in group if c.sentence is None]
        sentences = [c for c in group if c.sentence is not None]
        if documents:
            label, label_from = documents[-1].label, "reviewer"
        elif sha in analysis_labels:
            label, label_from = analysis_labels[sha][0], "model"
        else:
            result.skipped_unlabeled += 1
            continue
        record: dict[str, Any] = {
            "id": f"feedback-{group[0].id}",
            "text": group[0].text,
            "label": label,
            "source": "feedback",
        }
        if sentences:
            record["sentences"] = _sentence_annotations(sentences, sentence_spans.get(sha, ()), label)
        record["feedback"] = {
            "label_from": label_from,
            "corrections": len(group),
            "reviewers": sorted({c.reviewer for c in group}),
            "model_versions": sorted({c.model_version for c in group if c.model_version}),
            "comments": [c.comment for c in group if c.comment],
            "last_corrected_at": group[-1].created_at.isoformat(),
        }
        result.records.append(record)
        result.document_labels += bool(documents)
        result.sentence_corrections += len(sentences)
        result.labels_from_model += label_from == "model"
    return result


def _sentence_annotations(
    corrections: Sequence[StoredCorrection], spans: Sequence[tuple[int, int]], document_label: str
) -> list[dict[str, Any]]:
    """One span per sentence: the latest overlapping correction's label, else the document's."""
    annotations = []
    for start, end in spans:
        label = document_label
        for correction in corrections:  # oldest first: the latest overlapping one is kept
            assert correction.sentence is not None
            if correction.sentence[0] < end and start < correction.sentence[1]:
                label = correction.label
        annotations.append({"start": start, "end": end, "label": label, "rubric": []})
    return annotations

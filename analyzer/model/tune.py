"""Settings of the sentence-level analysis, tuned and measured on held-out documents.

`analyzer train` fits the document and sentence models on 2/3 of the train split and predicts
the other third, three times over, then picks the context weight (how much a sentence leans
on its document) and each rubric element's threshold on those out-of-fold predictions. The
test split is only ever used to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.model.corpus import Document
from analyzer.model.pipeline import fit_pipeline, probabilities
from analyzer.model.rubric import RubricSettings, blend, evidence_scores, sentence_labels
from analyzer.model.sentences import SentenceExample, SentenceModel, sentence_examples
from analyzer.text.nlp import Parsed
from analyzer.text.sentences import is_low_signal

TUNING_FOLDS = 3
CONTEXT_WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


@dataclass(frozen=True)
class DocumentPredictions:
    """One document's truth and predictions at sentence level."""

    document: Document
    examples: list[SentenceExample]
    document_probs: np.ndarray
    sentence_probs: np.ndarray
    rubric_probs: np.ndarray

    @property
    def low_signal(self) -> list[bool]:
        return [is_low_signal(e.parsed) for e in self.examples]


def predict_documents(
    docs: Sequence[Document], parsed: Sequence[Parsed], document_probs: np.ndarray, model: SentenceModel
) -> list[DocumentPredictions]:
    examples = [sentence_examples(d, p) for d, p in zip(docs, parsed, strict=True)]
    flat = [e.parsed for group in examples for e in group]
    label_probs, rubric_probs = model.predict(flat)
    result, offset = [], 0
    for doc, group, doc_probs in zip(docs, examples, document_probs, strict=True):
        n = len(group)
        result.append(
            DocumentPredictions(
                doc, group, doc_probs, label_probs[offset : offset + n], rubric_probs[offset : offset + n]
            )
        )
        offset += n
    return result


def out_of_fold(
    docs: Sequence[Document], parsed: Sequence[Parsed], params: dict[str, Any], model: SentenceModel, seed: int
) -> list[DocumentPredictions]:
    """Predictions for every train document from models that never saw it."""
    result: list[DocumentPredictions | None] = [None] * len(docs)
    for fold in range(TUNING_FOLDS):
        held = [i for i in range(len(docs)) if i % TUNING_FOLDS == fold]
        kept = [i for i in range(len(docs)) if i % TUNING_FOLDS != fold]
        pipeline = fit_pipeline([docs[i].text for i in kept], [docs[i].label for i in kept], params, seed=seed)
        sentence_model = SentenceModel(**model.get_params()).fit(
            [e for i in kept for e in sentence_examples(docs[i], parsed[i])]
        )
        doc_probs = probabilities(pipeline, [docs[i].text for i in held])
        predicted = predict_documents([docs[i] for i in held], [parsed[i] for i in held], doc_probs, sentence_model)
        for i, prediction in zip(held, predicted, strict=True):
            result[i] = prediction
    return [p for p in result if p is not None]


def sentence_scores(predictions: Sequence[DocumentPredictions], context_weight: float) -> dict[str, Any]:
    """Sentence-level macro-F1: on writer-annotated sentences, and on all sentences."""
    truth, predicted, annotated = [], [], []
    for p in predictions:
        blended = blend(p.sentence_probs, p.document_probs, context_weight)
        labels = sentence_labels(blended, p.low_signal, LABELS[int(np.argmax(p.document_probs))])
        truth += [e.label for e in p.examples]
        predicted += labels
        annotated += [e.annotated for e in p.examples]
    pick = [i for i, a in enumerate(annotated) if a]
    return {
        "sentences": len(truth),
        "annotated_sentences": len(pick),
        "macro_f1_annotated": round(
            float(
                f1_score([truth[i] for i in pick], [predicted[i] for i in pick], labels=list(LABELS), average="macro")
            ),
            4,
        ),
        "macro_f1_all": round(float(f1_score(truth, predicted, labels=list(LABELS), average="macro")), 4),
    }


def rubric_scores(predictions: Sequence[DocumentPredictions], settings: RubricSettings) -> dict[str, Any]:
    """Precision and recall of each element, per document (has it?) and per sentence (is it evidence?)."""
    evidence = [
        evidence_scores(p.rubric_probs, blend(p.sentence_probs, p.document_probs, settings.context_weight))
        for p in predictions
    ]
    report: dict[str, Any] = {}
    for column, element in enumerate(RUBRIC_ELEMENTS):
        threshold = settings.thresholds[element]
        doc_truth, doc_pred, sent_truth, sent_pred = [], [], [], []
        for p, scores in zip(predictions, evidence, strict=True):
            truth = [element in e.rubric for e in p.examples]
            above = [bool(score >= threshold) for score in scores[:, column]]
            doc_truth.append(any(truth))
            doc_pred.append(any(above))
            sent_truth += truth
            sent_pred += above
        report[element] = {
            "documents": _precision_recall(doc_truth, doc_pred),
            "sentences": _precision_recall(sent_truth, sent_pred),
            "threshold": threshold,
        }
    return report


def _precision_recall(truth: list[bool], predicted: list[bool]) -> dict[str, float | int]:
    p, r, f, _ = precision_recall_fscore_support(truth, predicted, average="binary", zero_division=0)
    return {
        "precision": round(float(p), 4),
        "recall": round(float(r), 4),
        "f1": round(float(f), 4),
        "support": sum(truth),
    }


def tune(predictions: Sequence[DocumentPredictions]) -> RubricSettings:
    """The context weight with the best annotated-sentence macro-F1, then each threshold's best F1."""
    context = max(CONTEXT_WEIGHTS, key=lambda w: (sentence_scores(predictions, w)["macro_f1_annotated"], -w))
    thresholds = {}
    for element in RUBRIC_ELEMENTS:

        def f1(threshold: float, element: str = element) -> float:
            settings = RubricSettings(context, {e: threshold for e in RUBRIC_ELEMENTS})
            return float(rubric_scores(predictions, settings)[element]["documents"]["f1"])

        thresholds[element] = max(THRESHOLDS, key=lambda t: (f1(t), t))
    return RubricSettings(context, thresholds)

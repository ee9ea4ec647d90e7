"""Settings chosen on out-of-fold predictions of the train split, and the sentence-level figures.

`analyzer train` fits the document and sentence models on every writer's batch but one and
predicts the one left out, once per writer (`writer_folds`), so every train document is
predicted by models that never read its writer. On those predictions it chooses the
document model's temperature, the threshold below which a document is shown as mixed, how a
sentence's label mixes its own probabilities with its neighbours' and its document's, and
each rubric element's evidence threshold. The test split and the held-out sets are only ever
used to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.model.abstain import choose_threshold
from analyzer.model.calibration import fit_temperature, scaled_probabilities
from analyzer.model.corpus import Document
from analyzer.model.evaluate import label_metrics
from analyzer.model.pipeline import DEFAULT_SEED, decision_scores, fit_pipeline, writer_folds
from analyzer.model.rubric import (
    MAX_CONTEXT_WEIGHT,
    MAX_NEIGHBOUR_WEIGHT,
    RubricSettings,
    evidence_scores,
    in_context,
    neighbour_means,
    sentence_labels,
)
from analyzer.model.sentences import SentenceExample, SentenceModel, sentence_examples
from analyzer.text.nlp import Parsed
from analyzer.text.sentences import is_low_signal

#: Searched for the sentence labels: neighbours on each side, their weight, the document's.
NEIGHBOUR_WINDOWS = (1, 2, 3)
NEIGHBOUR_WEIGHTS = tuple(w for w in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5) if w <= MAX_NEIGHBOUR_WEIGHT)
CONTEXT_WEIGHTS = tuple(w for w in (0.0, 0.1, 0.2, 0.3) if w <= MAX_CONTEXT_WEIGHT)
#: Searched for each rubric element's evidence threshold.
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 19))  # 0.05 ... 0.90


@dataclass(frozen=True)
class DocumentPredictions:
    """One document's truth and predictions at sentence level."""

    document: Document
    examples: list[SentenceExample]
    document_probs: np.ndarray
    sentence_probs: np.ndarray
    rubric_probs: np.ndarray
    _neighbours: dict[int, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def low_signal(self) -> list[bool]:
        return [is_low_signal(e.parsed) for e in self.examples]

    @property
    def document_label(self) -> str:
        return LABELS[int(np.argmax(self.document_probs))]

    def neighbours(self, window: int) -> np.ndarray:
        if window not in self._neighbours:
            self._neighbours[window] = neighbour_means(self.sentence_probs, self.low_signal, window)
        return self._neighbours[window]

    def labels(self, settings: RubricSettings) -> list[str]:
        """Sentence labels as `Analyzer.analyze` gives them (low-signal ones take the document's)."""
        return sentence_labels(self.in_context(settings), self.low_signal, self.document_label)

    def in_context(self, settings: RubricSettings) -> np.ndarray:
        window = settings.neighbour_window
        neighbours = self.neighbours(window) if window and len(self.sentence_probs) else None
        return in_context(self.sentence_probs, self.document_probs, self.low_signal, settings, neighbours)

    def evidence(self, settings: RubricSettings) -> np.ndarray:
        change = self.sentence_probs if settings.own_evidence else self.in_context(settings)
        return evidence_scores(self.rubric_probs, change)


@dataclass(frozen=True)
class OutOfFold:
    """Every train document predicted by models that never read its writer."""

    truth: np.ndarray  # label indexes in `LABELS` order
    scores: np.ndarray  # the document model's linear scores, `LABELS` order
    documents: list[DocumentPredictions]
    scheme: str


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
    docs: Sequence[Document],
    parsed: Sequence[Parsed],
    params: dict[str, Any],
    weights: np.ndarray,
    model: SentenceModel,
    seed: int = DEFAULT_SEED,
) -> OutOfFold:
    """Document scores and sentence predictions for every train document, one writer held out at a time.

    The document probabilities in the sentence predictions are the scores scaled by the
    temperature fitted on all the out-of-fold scores (`tune_document` refits it).
    """
    labels = [d.label for d in docs]
    folds, scheme = writer_folds(labels, [d.batch for d in docs], seed)
    scores = np.zeros((len(docs), len(LABELS)))
    held_predictions: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for kept, held in folds:
        pipeline = fit_pipeline(
            [docs[i].text for i in kept], [labels[i] for i in kept], params, seed=seed, sample_weight=weights[kept]
        )
        scores[held] = decision_scores(pipeline, [docs[i].text for i in held])
        sentence_model = SentenceModel(**model.get_params()).fit(
            [e for i in kept for e in sentence_examples(docs[i], parsed[i])]
        )
        examples = [sentence_examples(docs[i], parsed[i]) for i in held]
        label_probs, rubric_probs = sentence_model.predict([e.parsed for group in examples for e in group])
        offset = 0
        for i, group in zip(held, examples, strict=True):
            n = len(group)
            held_predictions[int(i)] = (label_probs[offset : offset + n], rubric_probs[offset : offset + n])
            offset += n
    truth = np.array([LABELS.index(label) for label in labels])
    probs = scaled_probabilities(scores, fit_temperature(scores, truth))
    documents = [
        DocumentPredictions(doc, sentence_examples(doc, parsed[i]), probs[i], *held_predictions[i])
        for i, doc in enumerate(docs)
    ]
    return OutOfFold(truth, scores, documents, scheme)


def tune_document(oof: OutOfFold) -> dict[str, Any]:
    """The document model's temperature and the mixed threshold, chosen out of fold."""
    temperature = fit_temperature(oof.scores, oof.truth)
    probs = scaled_probabilities(oof.scores, temperature)
    threshold = choose_threshold(probs, oof.truth)
    return {"temperature": temperature, "mixed_below": threshold}


def tune(predictions: Sequence[DocumentPredictions]) -> RubricSettings:
    """The sentence context with the best macro-F1 on writer-labelled sentences, then each
    element's threshold on the sentences' own evidence: the one with the best F1 at telling
    which writer-labelled documents have the element (a sentence marked with it), which is
    what a writer sees. Ties go to the higher threshold: fewer, surer evidence sentences."""
    annotated = [p for p in predictions if p.examples and p.examples[0].annotated]
    candidates = [
        RubricSettings(context, {}, neighbour, window if neighbour else 0, own_evidence=True)
        for window, neighbour, context in product(NEIGHBOUR_WINDOWS, NEIGHBOUR_WEIGHTS, CONTEXT_WEIGHTS)
        if window == NEIGHBOUR_WINDOWS[0] or neighbour
    ]

    def key(settings: RubricSettings) -> tuple[float, float, float, int]:
        score = _macro_f1(annotated, settings)
        return score, -settings.context_weight, -settings.neighbour_weight, -settings.neighbour_window

    best = max(candidates, key=key)
    evidence = [p.evidence(best) for p in annotated]
    thresholds = {}
    for column, element in enumerate(RUBRIC_ELEMENTS):
        truth = np.array([any(element in e.rubric for e in p.examples) for p in annotated])
        strongest = np.array([float(e[:, column].max()) if len(e) else 0.0 for e in evidence])

        def f1(threshold: float, truth: np.ndarray = truth, strongest: np.ndarray = strongest) -> float:
            return float(f1_score(truth, strongest >= threshold, zero_division=0))

        thresholds[element] = max(THRESHOLDS, key=lambda t: (f1(t), t))
    return RubricSettings(best.context_weight, thresholds, best.neighbour_weight, best.neighbour_window, True)


def _macro_f1(predictions: Sequence[DocumentPredictions], settings: RubricSettings) -> float:
    truth = [e.label for p in predictions for e in p.examples]
    predicted = [label for p in predictions for label in p.labels(settings)]
    return float(f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0))


def sentence_scores(predictions: Sequence[DocumentPredictions], settings: RubricSettings) -> dict[str, Any]:
    """Sentence-level figures: on writer-labelled sentences (with per-label scores and the
    confusion matrix), and macro-F1 on all sentences (the unlabelled ones taking their
    document's label)."""
    truth, predicted, annotated = [], [], []
    for p in predictions:
        truth += [e.label for e in p.examples]
        predicted += p.labels(settings)
        annotated += [e.annotated for e in p.examples]
    pick = [i for i, a in enumerate(annotated) if a]
    labelled = label_metrics([truth[i] for i in pick], [predicted[i] for i in pick])
    return {
        "sentences": len(truth),
        "annotated_sentences": len(pick),
        "macro_f1_annotated": labelled["macro_f1"],
        "macro_f1_all": round(float(f1_score(truth, predicted, labels=list(LABELS), average="macro")), 4),
        "annotated": labelled,
    }


def rubric_scores(predictions: Sequence[DocumentPredictions], settings: RubricSettings) -> dict[str, Any]:
    """Precision and recall of each element, per document (has it?) and per sentence (is it
    evidence?), on the documents whose sentences writers labelled."""
    annotated = [p for p in predictions if p.examples and p.examples[0].annotated]
    evidence = [p.evidence(settings) for p in annotated]
    report: dict[str, Any] = {}
    for column, element in enumerate(RUBRIC_ELEMENTS):
        threshold = settings.thresholds[element]
        doc_truth, doc_pred, sent_truth, sent_pred = [], [], [], []
        for p, scores in zip(annotated, evidence, strict=True):
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

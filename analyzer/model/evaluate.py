"""The figures a model is judged by: accuracy, macro-F1, per-label scores, confusion, calibration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from analyzer.labels import LABELS
from analyzer.model.corpus import Document, length_bucket

#: Bins for the expected calibration error, over the top label's probability.
ECE_BINS = 10


def evaluate_predictions(
    truth: Sequence[str], probabilities: np.ndarray, labels: Sequence[str] = LABELS
) -> dict[str, Any]:
    """Score predicted probabilities (one column per label, in `labels` order) against truth."""
    labels = list(labels)
    predicted = [labels[i] for i in np.argmax(probabilities, axis=1)]
    onehot = np.array([[float(t == label) for label in labels] for t in truth])
    return {
        **label_metrics(truth, predicted, labels),
        "brier": round(float(np.mean(np.sum((probabilities - onehot) ** 2, axis=1))), 4),
        "ece": round(expected_calibration_error(onehot, probabilities), 4),
    }


def label_metrics(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Accuracy, macro-F1, per-label scores and the confusion matrix of predicted labels."""
    labels = list(labels)
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4),
        "per_label": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "confusion_matrix": {
            "labels": labels,
            "rows_true_columns_predicted": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
    }


def length_table(docs: Sequence[Document], predicted: Sequence[str]) -> list[dict[str, Any]]:
    """Per length bucket (words), then for all: documents, the gold and predicted share of each
    label, and macro-F1. A model that learned length as a message predicts more of one label
    in the long buckets than their gold share."""
    buckets = sorted({length_bucket(d.text) for d in docs}, key=lambda name: int(name.split("-")[0].rstrip("+")))
    rows = []
    for name in [*buckets, "all"]:
        pick = [i for i, d in enumerate(docs) if name in ("all", length_bucket(d.text))]
        truth = [docs[i].label for i in pick]
        guess = [predicted[i] for i in pick]
        rows.append(
            {
                "bucket": name,
                "n": len(pick),
                "gold": {label: round(truth.count(label) / len(pick), 4) for label in LABELS},
                "predicted": {label: round(guess.count(label) / len(pick), 4) for label in LABELS},
                "macro_f1": round(
                    float(f1_score(truth, guess, labels=list(LABELS), average="macro", zero_division=0)), 4
                ),
            }
        )
    return rows


def expected_calibration_error(onehot: np.ndarray, probabilities: np.ndarray) -> float:
    """Gap between confidence and accuracy, weighted over equal-width confidence bins."""
    n = len(onehot)
    return float(
        sum(b["n"] / n * abs(b["confidence"] - b["accuracy"]) for b in reliability_bins(onehot, probabilities))
    )


def reliability_bins(onehot: np.ndarray, probabilities: np.ndarray) -> list[dict[str, float]]:
    """Per non-empty confidence bin (top label's probability, `ECE_BINS` equal widths): its
    bounds, size, mean confidence and accuracy: the points of a reliability diagram."""
    confidence = probabilities.max(axis=1)
    correct = onehot[np.arange(len(onehot)), probabilities.argmax(axis=1)]
    edges = np.linspace(0.0, 1.0, ECE_BINS + 1)
    bins = np.clip(np.digitize(confidence, edges[1:-1]), 0, ECE_BINS - 1)
    return [
        {
            "low": float(edges[b]),
            "high": float(edges[b + 1]),
            "n": int(mask.sum()),
            "confidence": float(confidence[mask].mean()),
            "accuracy": float(correct[mask].mean()),
        }
        for b in range(ECE_BINS)
        if (mask := bins == b).any()
    ]


def format_report(metrics: dict[str, Any]) -> str:
    """A plain-text report of `evaluate_predictions` output for a terminal."""
    labels = metrics["confusion_matrix"]["labels"]
    lines = [
        f"documents  {metrics['n']}",
        f"accuracy   {metrics['accuracy']:.3f}",
        f"macro-F1   {metrics['macro_f1']:.3f}",
        f"Brier      {metrics['brier']:.3f}",
        f"ECE        {metrics['ece']:.3f}",
        "",
        f"{'label':<18}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}",
    ]
    for label in labels:
        row = metrics["per_label"][label]
        lines.append(
            f"{label:<18}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10}"
        )
    lines += ["", "confusion (rows: true, columns: predicted)", " " * 18 + "".join(f"{lab[:14]:>16}" for lab in labels)]
    for label, row in zip(labels, metrics["confusion_matrix"]["rows_true_columns_predicted"], strict=True):
        lines.append(f"{label:<18}" + "".join(f"{n:>16}" for n in row))
    return "\n".join(lines)

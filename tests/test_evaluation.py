import numpy as np
import pytest

from analyzer.labels import LABELS
from analyzer.model.evaluate import evaluate_predictions, expected_calibration_error, format_report


def test_perfect_confident_predictions() -> None:
    truth = list(LABELS) * 2
    probs = np.array([[float(t == label) for label in LABELS] for t in truth])
    metrics = evaluate_predictions(truth, probs)
    assert metrics["accuracy"] == 1.0 and metrics["macro_f1"] == 1.0
    assert metrics["brier"] == 0.0 and metrics["ece"] == 0.0
    assert metrics["confusion_matrix"]["rows_true_columns_predicted"] == [[2, 0, 0], [0, 2, 0], [0, 0, 2]]


def test_mistakes_show_in_confusion_and_per_label_scores() -> None:
    truth = ["awareness-only", "feature-pitch", "case-for-change", "case-for-change"]
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6]])
    metrics = evaluate_predictions(truth, probs)
    assert metrics["accuracy"] == 0.75
    assert metrics["per_label"]["case-for-change"]["recall"] == 0.5
    assert metrics["per_label"]["feature-pitch"]["precision"] == 0.5
    assert metrics["confusion_matrix"]["rows_true_columns_predicted"][2] == [0, 1, 1]
    assert "macro-F1" in format_report(metrics)


def test_ece_of_an_overconfident_model() -> None:
    onehot = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    probs = np.array([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05]])  # 90% sure, right half the time
    assert expected_calibration_error(onehot, probs) == pytest.approx(0.4)

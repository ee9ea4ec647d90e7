"""Temperature scaling: one number that makes a linear classifier's probabilities honest.

A logistic regression fitted with sample weights and a mild penalty is under-confident on
prose by writers it never read (out of fold its top probability averaged 0.91 where it was
right 94% of the time). Dividing its scores by a temperature fitted on out-of-fold
predictions fixes the scale without moving any decision, since the ranking of the labels is
unchanged. One parameter cannot overfit the way a per-class sigmoid per fold can, and the
head stays a single linear model, which explanations and the NumPy fast path read directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone

#: The range searched for a temperature; outside it the scores carry no usable scale.
TEMPERATURE_BOUNDS = (0.05, 20.0)


class TemperatureScaled(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A linear classifier whose probabilities are softmax(scores / temperature).

    `temperature` is a setting like the estimator's C: `fit` leaves it as it is, and training
    sets it from out-of-fold scores (`fit_temperature`) before the final fit.
    """

    def __init__(self, estimator: Any = None, temperature: float = 1.0) -> None:
        self.estimator = estimator
        self.temperature = temperature

    def fit(self, matrix: Any, y: Any, sample_weight: Any = None) -> TemperatureScaled:
        self.estimator_ = clone(self.estimator).fit(matrix, y, sample_weight=sample_weight)
        self.classes_ = self.estimator_.classes_
        return self

    @property
    def coef_(self) -> np.ndarray:
        return np.asarray(self.estimator_.coef_)

    @property
    def intercept_(self) -> np.ndarray:
        return np.asarray(self.estimator_.intercept_)

    def decision_function(self, matrix: Any) -> np.ndarray:
        return np.asarray(self.estimator_.decision_function(matrix))

    def predict_proba(self, matrix: Any) -> np.ndarray:
        return scaled_probabilities(self.decision_function(matrix), self.temperature)

    def predict(self, matrix: Any) -> np.ndarray:
        return np.asarray(self.classes_[np.argmax(self.predict_proba(matrix), axis=1)])


def scaled_probabilities(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Class probabilities from linear scores (one column per class, or one for a binary head)."""
    if scores.ndim == 1:
        positive = expit(scores / temperature)
        return np.column_stack([1.0 - positive, positive])
    result: np.ndarray = softmax(scores / temperature, axis=1)
    return result


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that minimizes the log loss of `scores` against class indexes `truth`."""
    rows = np.arange(len(truth))

    def log_loss(temperature: float) -> float:
        probabilities = scaled_probabilities(scores, temperature)
        return float(-np.mean(np.log(np.clip(probabilities[rows, truth], 1e-12, 1.0))))

    found = minimize_scalar(log_loss, bounds=TEMPERATURE_BOUNDS, method="bounded", options={"xatol": 1e-4})
    return round(float(found.x), 4)

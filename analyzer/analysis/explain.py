"""Explanations from the linear models' own weights: the phrases that pushed a decision.

For a text labelled L, a feature's push is its value times (its weight for L minus its mean
weight for the other labels): positive pushes toward L, negative away from it. The weights
are the head's own (a temperature-scaled head has one model; a sigmoid-calibrated one's are
averaged over its folds' models), which is exactly the linear score the calibrated
probabilities are monotone in, so the explanation is the model's reasoning, not a
surrogate's. Character n-grams count in the score but are not shown: "sts y" explains nothing
to a writer; word n-grams and named signals do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import FeatureUnion
from spacy.lang.en.stop_words import STOP_WORDS

from analyzer.labels import LABELS
from analyzer.model.calibration import TemperatureScaled
from analyzer.model.signals import SIGNAL_DESCRIPTIONS

#: Phrases listed on each side, of which at most `MAX_SIGNALS` may be named signals.
TOP_PHRASES = 5
MAX_SIGNALS = 2
_PLACEHOLDERS = {"<num>": "N", "<year>": "YYYY"}


@dataclass(frozen=True, slots=True)
class Push:
    phrase: str
    weight: float


@dataclass(frozen=True, slots=True)
class Explanation:
    toward: tuple[Push, ...]
    away: tuple[Push, ...]


class LinearExplainer:
    """Explains one calibrated linear head over one feature union."""

    def __init__(self, features: FeatureUnion, head: CalibratedClassifierCV | TemperatureScaled) -> None:
        if isinstance(head, TemperatureScaled):
            coefs = np.atleast_2d(head.coef_)
        else:
            coefs = np.mean([c.estimator.coef_ for c in head.calibrated_classifiers_], axis=0)
        classes = list(head.classes_)
        if coefs.shape[0] == 1:  # a binary head stores one row: the positive class
            coefs = np.vstack([-coefs[0], coefs[0]])
        weights = coefs[[classes.index(label) for label in LABELS]]
        # push weights per label: own weight minus the mean of the other labels'
        self.push = np.vstack([weights[k] - np.delete(weights, k, axis=0).mean(axis=0) for k in range(len(LABELS))])
        names = [_display_name(str(n)) for n in features.get_feature_names_out()]
        self.names = [n or "" for n in names]
        self.shown = np.array([n is not None for n in names])
        self.is_signal = [n.startswith("signal: ") for n in self.names]

    def explain(self, rows: sp.csr_matrix, labels: Sequence[str], top: int = TOP_PHRASES) -> list[Explanation]:
        """One explanation per row of the feature matrix, for the label given for that row."""
        rows = sp.csr_matrix(rows)
        # every non-zero's push at once, then one sort by (row, push) for the whole batch
        row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
        label_of = np.array([LABELS.index(label) for label in labels], dtype=np.int64)
        pushes = rows.data * self.push[label_of[row_of], rows.indices]
        keep = self.shown[rows.indices] & (pushes != 0)
        row_of, columns, pushes = row_of[keep], rows.indices[keep], pushes[keep]
        order = np.lexsort((-pushes, row_of))
        bounds = np.searchsorted(row_of[order], np.arange(rows.shape[0] + 1))
        ranked_columns, ranked_pushes = columns[order].tolist(), pushes[order].tolist()
        result = []
        for i in range(rows.shape[0]):
            start, end = int(bounds[i]), int(bounds[i + 1])
            row = list(zip(ranked_columns[start:end], ranked_pushes[start:end], strict=True))
            toward = self._pick(p for p in row if p[1] > 0)
            away = self._pick(p for p in reversed(row) if p[1] < 0)
            result.append(Explanation(toward[:top], away[:top]))
        return result

    def _pick(self, ranked: Iterable[tuple[int, float]]) -> tuple[Push, ...]:
        """The strongest pushes, with no more than `MAX_SIGNALS` signals among them."""
        picked: list[Push] = []
        signals = 0
        for column, weight in ranked:
            if self.is_signal[column]:
                if signals == MAX_SIGNALS:
                    continue
                signals += 1
            picked.append(Push(self.names[column], round(weight, 4)))
            if len(picked) == TOP_PHRASES:
                break
        return tuple(picked)


def _display_name(feature: str) -> str | None:
    """How a feature reads to a writer, or None for features that would not explain anything."""
    branch, _, name = feature.partition("__")
    if branch == "signals":
        return f"signal: {SIGNAL_DESCRIPTIONS.get(name, name)}"
    if branch != "words":
        return None
    words = name.split()
    if all(w in STOP_WORDS or w in _PLACEHOLDERS or not w.isalpha() for w in words):
        return None  # "be", "for a", "<num>": true weights, no explanation
    return " ".join(_PLACEHOLDERS.get(w, w) for w in words)

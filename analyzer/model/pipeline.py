"""The document classifier: its scikit-learn Pipeline, model selection and prediction.

The pipeline is parse -> (word n-grams | char n-grams | message signals) -> calibrated
logistic regression. A linear model keeps every prediction explainable from its weights and
costs microseconds next to the parse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, LeaveOneGroupOut, StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from analyzer.labels import LABELS
from analyzer.model.calibration import TemperatureScaled
from analyzer.model.features import CharNgrams, SpacyParser, identity, word_tokens
from analyzer.model.signals import MessageSignals
from analyzer.text.nlp import Parsed, parse

DEFAULT_SEED = 7
CV_FOLDS = 5

#: Searched by cross-validation on the train split; the winner goes in the model card.
#: The signals are dense and standardized, so a small weight already lets them move the
#: decision; at 0.5 or more they drown the n-grams (held-out macro-F1 falls 4 points).
PARAM_GRID: dict[str, list[Any]] = {
    "classify__C": [16.0, 64.0, 256.0],
    "features__transformer_weights": [{"words": 1.0, "chars": 1.0, "signals": weight} for weight in (0.0, 0.05, 0.1)],
}
#: Fewer writers than this and selection falls back to stratified folds.
MIN_GROUPS = 3


def feature_union() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    tokenizer=word_tokens,
                    preprocessor=identity,
                    lowercase=False,
                    token_pattern=None,
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                ),
            ),
            ("chars", CharNgrams()),
            ("signals", Pipeline([("extract", MessageSignals()), ("scale", StandardScaler())])),
        ]
    )


def classifier(c: float = 4.0, seed: int = DEFAULT_SEED, balanced: bool = True) -> LogisticRegression:
    """The linear head; `balanced` weighs each class by its inverse frequency (when the
    training documents carry no sample weights of their own)."""
    return LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=5000, random_state=seed)


def length_balanced_weights(labels: Sequence[str], buckets: Sequence[str]) -> np.ndarray:
    """A weight per training document so that, within each length bucket, every label carries
    the same mass (and each bucket keeps the mass of its documents); mean 1.

    In the first corpus most long documents were cases for change: unweighted, a model learns
    that more text means more case for change. Weighted, length says nothing about the label.
    """
    cells = Counter(zip(buckets, labels, strict=True))
    sizes = Counter(buckets)
    labels_in = {bucket: len({lab for b, lab in cells if b == bucket}) for bucket in sizes}
    weights = np.array([sizes[b] / (labels_in[b] * cells[(b, lab)]) for b, lab in zip(buckets, labels, strict=True)])
    result: np.ndarray = weights / weights.mean()
    return result


def writer_folds(
    labels: Sequence[str], groups: Sequence[str], seed: int = DEFAULT_SEED
) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """(train, held-out) index pairs holding out one writer's batch at a time, and their name.

    Every setting of the model is chosen on these folds: the score of a fold says how the
    model does on prose by someone it never read, which is what real collateral asks of it.
    Fewer writers than `MIN_GROUPS` and the folds are stratified instead.
    """
    index = np.arange(len(labels))
    if len(set(groups)) >= MIN_GROUPS:
        folds = list(LeaveOneGroupOut().split(index, labels, groups))
        return folds, f"leave-one-writer-out ({len(set(groups))} writer batches)"
    folds = list(StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed).split(index, labels))
    return folds, f"stratified {CV_FOLDS}-fold"


def select_model(
    docs: Sequence[Parsed],
    labels: Sequence[str],
    groups: Sequence[str],
    sample_weight: np.ndarray,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Cross-validate `PARAM_GRID` on parsed training documents; return the best settings.

    Folds hold out one writer's batch at a time (`writer_folds`); random folds reward
    memorizing each writer's habits (they preferred no signals at all, and lost 4 points of
    macro-F1 on real passages for it). The fits carry the length-balancing weights; the
    held-out folds are scored unweighted, as the world will score the model.
    """
    folds, scheme = writer_folds(labels, groups, seed)
    search = GridSearchCV(
        Pipeline([("features", feature_union()), ("classify", classifier(seed=seed, balanced=False))]),
        PARAM_GRID,
        scoring="f1_macro",
        cv=folds,
        n_jobs=1,
    )
    search.fit(list(docs), list(labels), classify__sample_weight=sample_weight)
    best = search.best_params_
    return {
        "C": best["classify__C"],
        "char_ngrams": True,
        "transformer_weights": best["features__transformer_weights"],
        "sample_weights": "length-balanced",
        "selection": scheme,
        "cv_macro_f1": round(float(search.best_score_), 4),
        "cv_results": [
            {
                "C": p["classify__C"],
                "transformer_weights": p["features__transformer_weights"],
                "macro_f1": round(float(m), 4),
                "std": round(float(s), 4),
            }
            for p, m, s in zip(
                search.cv_results_["params"],
                search.cv_results_["mean_test_score"],
                search.cv_results_["std_test_score"],
                strict=True,
            )
        ],
    }


def build_pipeline(params: dict[str, Any], seed: int = DEFAULT_SEED) -> Pipeline:
    """The full text-in, probabilities-out pipeline for the chosen settings.

    Models selected before length-balanced weights (no `sample_weights` setting) keep their
    per-fold sigmoid calibration, so a retrain that reuses their settings reproduces them.
    """
    features = feature_union()
    features.set_params(transformer_weights=params["transformer_weights"])
    if not params["char_ngrams"]:
        features.set_params(chars="drop")
    head: TemperatureScaled | CalibratedClassifierCV
    if params.get("sample_weights") == "length-balanced":
        head = TemperatureScaled(
            classifier(c=params["C"], seed=seed, balanced=False), temperature=float(params.get("temperature", 1.0))
        )
    else:
        head = CalibratedClassifierCV(
            classifier(c=params["C"], seed=seed),
            method="sigmoid",
            cv=StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed),
        )
    return Pipeline([("parse", SpacyParser()), ("features", features), ("classify", head)])


def fit_pipeline(
    texts: Sequence[str],
    labels: Sequence[str],
    params: dict[str, Any],
    seed: int = DEFAULT_SEED,
    sample_weight: np.ndarray | None = None,
) -> Pipeline:
    pipeline = build_pipeline(params, seed)
    pipeline.fit(list(texts), list(labels), classify__sample_weight=sample_weight)
    if tuple(pipeline.classes_) != tuple(sorted(LABELS)):
        raise ValueError("the training data must contain every label")
    return pipeline


@dataclass(frozen=True)
class Prediction:
    """A document's label and scores; `mixed` when no message dominates (see `abstain`), with
    the two `leading` messages, highest first."""

    label: str
    scores: dict[str, float]
    mixed: bool = False
    leading: tuple[str, str] | None = None


def probabilities(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Probabilities with one column per label in `LABELS` order (scikit-learn sorts classes)."""
    if not texts:
        return np.zeros((0, len(LABELS)))
    raw = pipeline.predict_proba(list(texts))
    order = [list(pipeline.classes_).index(label) for label in LABELS]
    return np.asarray(raw[:, order])


def decision_scores(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """The linear scores of a temperature-scaled pipeline, one column per label in `LABELS` order."""
    if not texts:
        return np.zeros((0, len(LABELS)))
    raw = pipeline.decision_function(list(texts))
    order = [list(pipeline.classes_).index(label) for label in LABELS]
    return np.asarray(raw[:, order])


def parse_all(texts: Sequence[str]) -> list[Parsed]:
    return list(parse(texts))

"""The document classifier: its scikit-learn Pipeline, model selection and prediction.

The pipeline is parse -> (word n-grams | char n-grams | message signals) -> calibrated
logistic regression. A linear model keeps every prediction explainable from its weights and
costs microseconds next to the parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from analyzer.features import CharNgrams, SpacyParser, identity, word_tokens
from analyzer.labels import LABELS
from analyzer.nlp import Parsed, parse
from analyzer.signals import MessageSignals

DEFAULT_SEED = 7
CV_FOLDS = 5

#: Searched by cross-validation on the train split; the winner goes in the model card.
PARAM_GRID: dict[str, list[Any]] = {
    "classify__C": [1.0, 4.0, 16.0],
    "features__chars": ["drop", CharNgrams()],
    "features__transformer_weights": [
        {"words": 1.0, "chars": 1.0, "signals": 0.5},
        {"words": 1.0, "chars": 1.0, "signals": 1.0},
    ],
}


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


def classifier(c: float = 4.0, seed: int = DEFAULT_SEED) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=seed)


def select_model(docs: Sequence[Parsed], labels: Sequence[str], seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Cross-validate `PARAM_GRID` on parsed training documents; return the best settings.

    Runs on the uncalibrated classifier (calibration does not move the ranking much and would
    multiply the fits by five).
    """
    search = GridSearchCV(
        Pipeline([("features", feature_union()), ("classify", classifier(seed=seed))]),
        PARAM_GRID,
        scoring="f1_macro",
        cv=StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed),
        n_jobs=1,
    )
    search.fit(list(docs), list(labels))
    best = search.best_params_
    return {
        "C": best["classify__C"],
        "char_ngrams": best["features__chars"] != "drop",
        "transformer_weights": best["features__transformer_weights"],
        "cv_macro_f1": round(float(search.best_score_), 4),
        "cv_results": [
            {
                "C": p["classify__C"],
                "char_ngrams": p["features__chars"] != "drop",
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
    """The full text-in, probabilities-out pipeline for the chosen settings."""
    features = feature_union()
    features.set_params(transformer_weights=params["transformer_weights"])
    if not params["char_ngrams"]:
        features.set_params(chars="drop")
    calibrated = CalibratedClassifierCV(
        classifier(c=params["C"], seed=seed),
        method="sigmoid",
        cv=StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed),
    )
    return Pipeline([("parse", SpacyParser()), ("features", features), ("classify", calibrated)])


def fit_pipeline(
    texts: Sequence[str], labels: Sequence[str], params: dict[str, Any], seed: int = DEFAULT_SEED
) -> Pipeline:
    pipeline = build_pipeline(params, seed)
    pipeline.fit(list(texts), list(labels))
    if tuple(pipeline.classes_) != tuple(sorted(LABELS)):
        raise ValueError("the training data must contain every label")
    return pipeline


@dataclass(frozen=True)
class Prediction:
    label: str
    scores: dict[str, float]


def probabilities(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Probabilities with one column per label in `LABELS` order (scikit-learn sorts classes)."""
    if not texts:
        return np.zeros((0, len(LABELS)))
    raw = pipeline.predict_proba(list(texts))
    order = [list(pipeline.classes_).index(label) for label in LABELS]
    return np.asarray(raw[:, order])


def predictions(pipeline: Pipeline, texts: Sequence[str]) -> list[Prediction]:
    result = []
    for row in probabilities(pipeline, texts):
        scores = {label: float(p) for label, p in zip(LABELS, row, strict=True)}
        result.append(Prediction(LABELS[int(np.argmax(row))], scores))
    return result


def parse_all(texts: Sequence[str]) -> list[Parsed]:
    return list(parse(texts))

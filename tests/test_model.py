"""The classifier: deterministic training, sound probabilities, and the bundled model's floors."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.labels import LABELS
from analyzer.model.artifacts import LoadedModel
from analyzer.model.corpus import Document, corpus_fingerprint, load_labeled
from analyzer.model.evaluate import evaluate_predictions
from analyzer.model.pipeline import fit_pipeline, probabilities
from tests.conftest import CORPUS_DIR, DEVSET, SMALL_PARAMS, needs_devset, small_training_set

PROBES = [
    "Acme Corp today announced the opening of its new Denver office.",
    "Pricing starts at $49 per user per month, with a free 14-day trial.",
    "Every quarter you keep reconciling invoices by hand costs your team 1,200 hours.",
    "",
    "?!",
]


@pytest.mark.slow
def test_same_data_and_seed_give_the_same_model(split: tuple[list[Document], list[Document]]) -> None:
    docs = small_training_set(split[0], per_label=30)
    texts, labels = [d.text for d in docs], [d.label for d in docs]
    first = probabilities(fit_pipeline(texts, labels, SMALL_PARAMS, seed=3), PROBES)
    second = probabilities(fit_pipeline(texts, labels, SMALL_PARAMS, seed=3), PROBES)
    assert np.array_equal(first, second)


def test_probabilities_cover_all_labels_and_sum_to_one(bundled_model: LoadedModel) -> None:
    probs = probabilities(bundled_model.pipeline, PROBES)
    assert probs.shape == (len(PROBES), len(LABELS))
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert ((probs >= 0) & (probs <= 1)).all()


def test_guide_examples_get_their_labels(bundled_model: LoadedModel) -> None:
    predicted = [p.label for p in bundled_model.classify(PROBES[:3])]
    assert predicted == list(LABELS)


def test_bundled_model_was_trained_on_this_corpus(bundled_model: LoadedModel) -> None:
    fingerprint = corpus_fingerprint(CORPUS_DIR)
    assert bundled_model.card["corpus"]["sha256"] == fingerprint["sha256"], "corpus changed: re-run `make train`"


def test_bundled_model_reproduces_its_card_on_the_test_split(
    bundled_model: LoadedModel, split: tuple[list[Document], list[Document]]
) -> None:
    test = split[1]
    metrics = evaluate_predictions(
        [d.label for d in test], probabilities(bundled_model.pipeline, [d.text for d in test])
    )
    assert metrics == bundled_model.card["metrics"]["test"]
    assert metrics["macro_f1"] >= 0.90


@needs_devset
def test_bundled_model_on_real_world_passages(bundled_model: LoadedModel) -> None:
    docs = load_labeled(DEVSET)
    metrics = evaluate_predictions(
        [d.label for d in docs], probabilities(bundled_model.pipeline, [d.text for d in docs])
    )
    assert metrics["macro_f1"] >= 0.85

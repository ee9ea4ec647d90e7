"""Issue 17's bar, held by the bundled model: whole long documents, length drift, sentences on
their own, calibration and the mixed verdict."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from analyzer.labels import CHANGE, LABELS
from analyzer.model import tune
from analyzer.model.abstain import MIXED_COST, choose_threshold, is_mixed, leading
from analyzer.model.artifacts import LoadedModel
from analyzer.model.calibration import fit_temperature, scaled_probabilities
from analyzer.model.corpus import LEGACY_BATCHES, Document, length_bucket, load_labeled
from analyzer.model.evaluate import evaluate_predictions, length_table
from analyzer.model.paths import CARD, DEFAULT_MODEL_DIR
from analyzer.model.pipeline import length_balanced_weights, probabilities
from analyzer.model.rubric import RubricSettings, neighbour_means
from analyzer.model.train import HELD_OUT_FILE
from analyzer.text.nlp import parse
from tests.conftest import CORPUS_DIR, run_cli


@pytest.fixture(scope="module")
def held_out() -> list[Document]:
    return load_labeled(CORPUS_DIR / HELD_OUT_FILE)


@pytest.fixture(scope="module")
def held_out_probs(bundled_model: LoadedModel, held_out: list[Document]) -> np.ndarray:
    return probabilities(bundled_model.pipeline, [d.text for d in held_out])


def test_held_out_long_documents_meet_the_bar_and_match_the_card(
    bundled_model: LoadedModel, held_out: list[Document], held_out_probs: np.ndarray
) -> None:
    metrics = evaluate_predictions([d.label for d in held_out], held_out_probs)
    assert metrics == bundled_model.card["metrics"]["held_out_long"]
    assert metrics["macro_f1"] >= 0.88
    assert metrics["per_label"][CHANGE]["precision"] >= 0.85


def test_no_length_drift_on_long_documents(held_out: list[Document], held_out_probs: np.ndarray) -> None:
    rows = length_table(held_out, [LABELS[int(i)] for i in held_out_probs.argmax(axis=1)])
    for row in rows:
        gold, predicted = row["gold"][CHANGE], row["predicted"][CHANGE]
        assert abs(predicted - gold) <= 0.1, row  # the case-for-change share follows the gold share, not length


def test_original_test_split_does_not_drop(bundled_model: LoadedModel) -> None:
    original = bundled_model.card["metrics"]["test_original"]
    assert original["n"] == 192
    # On the writers' labels messaging-1.1.0 made 7 errors on these 192 documents, 1.2.0 8 and
    # 1.3.0 7. Four of them were relabelled by adjudication (corpus/adjudicated.jsonl); on the
    # labels as they are now, 1.2.0 makes 12 and 1.3.0 10 (the card's figure). More is a drop.
    errors = original["n"] - sum(np.diag(original["confusion_matrix"]["rows_true_columns_predicted"]))
    assert errors <= 10
    # On the test split of 283 documents 1.1.0 scored 0.9198 (the length confound) and 1.2.0
    # 0.957; with the `fl` batches the split holds 381, where 1.2.0 scores 0.955 and 1.3.0 0.963.
    assert bundled_model.card["metrics"]["test"]["n"] == 381
    assert bundled_model.card["metrics"]["test"]["macro_f1"] > 0.955
    assert bundled_model.card["metrics"]["test"]["ece"] <= 0.05


def test_sentences_meet_the_bar_on_the_held_out_set(
    bundled_model: LoadedModel, held_out: list[Document], held_out_probs: np.ndarray
) -> None:
    assert bundled_model.sentences is not None
    predictions = tune.predict_documents(
        held_out, list(parse([d.text for d in held_out])), held_out_probs, bundled_model.sentences
    )
    settings = RubricSettings.from_card(bundled_model.card["analysis"])
    scores = tune.sentence_scores(predictions, settings)
    assert scores == bundled_model.card["analysis_metrics"]["held_out_long"]["sentences"]
    assert scores["annotated_sentences"] >= 1500
    assert scores["macro_f1_annotated"] >= 0.80
    assert settings.context_weight <= 0.3  # a document informs its sentences only weakly


def test_model_card_reports_the_issue_figures() -> None:
    card = json.loads((DEFAULT_MODEL_DIR / CARD).read_text(encoding="utf-8"))
    readme = (DEFAULT_MODEL_DIR / "README.md").read_text(encoding="utf-8")
    for name in ("test split, the original 192", "held-out long documents", "Confusion matrix", "## By length"):
        assert name in readme
    assert "](reliability.svg)" in readme and (DEFAULT_MODEL_DIR / "reliability.svg").read_text().startswith("<svg")
    assert "how_the_label_is_made" in card and card["abstention"]["mixed_below"] is not None
    assert card["hyperparameters"]["sample_weights"] == "length-balanced"
    assert "log_tokens" not in json.dumps(card)


def test_length_balanced_weights_give_every_label_equal_mass_in_every_bucket() -> None:
    labels = ["a", "a", "a", "b", "c", "c", "a", "b"]
    buckets = ["short", "short", "short", "short", "short", "short", "long", "long"]
    weights = length_balanced_weights(labels, buckets)
    assert weights.mean() == pytest.approx(1.0)
    for bucket in ("short", "long"):
        cells = list(zip(weights, labels, buckets, strict=True))
        mass = {label: sum(w for w, lab, b in cells if (lab, b) == (label, bucket)) for label in set(labels)}
        present = [m for m in mass.values() if m]
        assert max(present) == pytest.approx(min(present)), bucket
    short = sum(w for w, b in zip(weights, buckets, strict=True) if b == "short")
    assert short / weights.sum() == pytest.approx(6 / 8)  # a bucket keeps the mass of its documents


def test_temperature_is_recovered_from_scores() -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4000, 3)) * 3
    truth = np.array([rng.choice(3, p=row) for row in scaled_probabilities(scores, 2.0)])
    assert fit_temperature(scores, truth) == pytest.approx(2.0, rel=0.1)


def test_mixed_threshold_minimizes_the_cost_out_of_fold() -> None:
    probs = np.array([[0.9, 0.05, 0.05]] * 8 + [[0.4, 0.35, 0.25]] * 4)
    truth = np.array([0] * 8 + [0, 1, 1, 2])  # right 1 time in 4 below 0.5
    threshold = choose_threshold(probs, truth)
    assert 0.4 < threshold <= 0.9
    assert is_mixed(probs[-1], threshold) and not is_mixed(probs[0], threshold)
    assert not is_mixed(probs[-1], None)
    assert leading(probs[-1]) == (LABELS[0], LABELS[1])
    assert MIXED_COST == 0.5


def test_neighbour_means_skip_low_signal_sentences() -> None:
    probs = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [0.5, 0.5, 0]])
    low = [False, True, False, False]
    means = neighbour_means(probs, low, window=1)
    assert np.allclose(means[0], probs[0])  # its only neighbour is low-signal: its own
    assert np.allclose(means[2], probs[3])
    assert np.allclose(means[3], probs[2])
    wide = neighbour_means(probs, low, window=3)
    assert np.allclose(wide[0], (probs[2] + probs[3]) / 2)


def test_a_mixed_piece_is_shown_with_its_two_leading_messages(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    card = json.loads((model / CARD).read_text(encoding="utf-8"))
    card["abstention"]["mixed_below"] = 1.01  # every piece is mixed: the card is not under the checksum
    (model / CARD).write_text(json.dumps(card), encoding="utf-8")
    example = str(CORPUS_DIR.parent / "examples" / "manual-invoicing.md")
    table = run_cli("classify", "--format", "table", "--model", str(model), example)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[1].startswith("mixed change/")
    line = json.loads(run_cli("classify", "--model", str(model), example).stdout)
    assert line["mixed"] is True and line["leading"][0] == line["label"] == CHANGE
    report = run_cli("analyze", "--no-suggestions", "--model", str(model), example)
    assert "mixed: case-for-change" in report.stdout
    normal = json.loads(run_cli("classify", example).stdout)
    assert normal["mixed"] is False and len(normal["leading"]) == 2


def test_long_test_documents_of_the_later_batches_exist(split: tuple[list[Document], list[Document]]) -> None:
    later = [d for d in split[1] if d.batch not in LEGACY_BATCHES]
    assert {length_bucket(d.text) for d in later} >= {"600-1000", "1000+"}

"""A model directory round-trips, and anything that does not match its card is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from analyzer.errors import ModelCompatibilityError, ModelIntegrityError, ModelNotFoundError
from analyzer.labels import LABELS
from analyzer.model.artifacts import ARTIFACT, README, load_model
from analyzer.model.paths import CARD, resolve_model_dir
from analyzer.model.pipeline import probabilities

TEXTS = [
    "Acme Insights 4.0 adds real-time dashboards and a Salesforce connector.",
    "Join us at booth 412 to meet the team!",
    "Every quarter you keep reconciling by hand costs 1,200 staff hours.",
]


def copy_model(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def test_round_trip_gives_identical_predictions(small_model_dir: Path, tmp_path: Path) -> None:
    first = load_model(small_model_dir)
    second = load_model(copy_model(small_model_dir, tmp_path))
    a, b = probabilities(first.pipeline, TEXTS), probabilities(second.pipeline, TEXTS)
    assert np.array_equal(a, b)
    assert np.allclose(a.sum(axis=1), 1.0)
    assert [p.label for p in first.classify(TEXTS)] == [LABELS[i] for i in a.argmax(axis=1)]
    assert (small_model_dir / README).read_text().startswith("# messaging-test 0.0.1")


def test_tampered_artifact_is_refused_before_unpickling(small_model_dir: Path, tmp_path: Path) -> None:
    target = copy_model(small_model_dir, tmp_path)
    data = bytearray((target / ARTIFACT).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (target / ARTIFACT).write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="does not match its card"):
        load_model(target)


def test_replaced_artifact_is_refused(small_model_dir: Path, tmp_path: Path) -> None:
    target = copy_model(small_model_dir, tmp_path)
    (target / ARTIFACT).write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")  # a malicious pickle
    with pytest.raises(ModelIntegrityError):
        load_model(target)


def test_other_library_versions_are_refused(small_model_dir: Path, tmp_path: Path) -> None:
    target = copy_model(small_model_dir, tmp_path)
    card = json.loads((target / CARD).read_text())
    card["libraries"]["scikit-learn"] = "0.24.2"
    (target / CARD).write_text(json.dumps(card))
    with pytest.raises(ModelCompatibilityError, match=r"scikit-learn 0\.24\.2"):
        load_model(target)


def test_missing_or_broken_card(tmp_path: Path, small_model_dir: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        load_model(tmp_path / "nowhere")
    target = copy_model(small_model_dir, tmp_path)
    (target / CARD).write_text("{not json")
    with pytest.raises(ModelIntegrityError):
        load_model(target)


def test_model_dir_comes_from_option_then_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANALYZER_MODEL_DIR", str(tmp_path))
    assert resolve_model_dir(None) == tmp_path
    assert resolve_model_dir(tmp_path / "x") == tmp_path / "x"

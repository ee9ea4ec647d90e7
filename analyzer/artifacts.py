"""Model directories: writing them with their card, and loading them only when they verify.

A joblib file is a pickle, and unpickling runs code. So a model is loaded only after the
sha256 of its artifact matches the card beside it, and only under the library versions it
was trained with (scikit-learn does not support loading across versions).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from analyzer.errors import ModelCompatibilityError, ModelIntegrityError, ModelNotFoundError
from analyzer.model import Prediction, predictions

ARTIFACT = "model.joblib"
CARD = "model-card.json"
README = "README.md"
MODEL_NAME = "messaging"
MODEL_VERSION = "1.0.0"
#: Libraries whose version must match between training and loading.
PINNED_LIBRARIES = ("scikit-learn", "spacy", "numpy", "scipy", "joblib")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / "models" / f"{MODEL_NAME}-{MODEL_VERSION}"


def library_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in PINNED_LIBRARIES}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_model_dir(option: str | Path | None = None) -> Path:
    """The model directory: the option, else ANALYZER_MODEL_DIR, else the bundled model."""
    chosen = option or os.environ.get("ANALYZER_MODEL_DIR") or DEFAULT_MODEL_DIR
    return Path(chosen)


@dataclass(frozen=True)
class LoadedModel:
    pipeline: Pipeline
    card: dict[str, Any]
    directory: Path

    @property
    def name(self) -> str:
        return str(self.card["name"])

    @property
    def version(self) -> str:
        return str(self.card["version"])

    def classify(self, texts: Sequence[str]) -> list[Prediction]:
        """Label and score each text (scores in `LABELS` order, summing to 1)."""
        return predictions(self.pipeline, texts)


def save_model(pipeline: Pipeline, card: dict[str, Any], directory: Path) -> Path:
    """Write the artifact, then the card with its sha256, then the README generated from it."""
    directory.mkdir(parents=True, exist_ok=True)
    artifact = directory / ARTIFACT
    _drop_process_state(pipeline)
    joblib.dump(pipeline, artifact, compress=3)
    card = {**card, "artifact": {"file": ARTIFACT, "sha256": sha256_file(artifact), "bytes": artifact.stat().st_size}}
    (directory / CARD).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    (directory / README).write_text(render_readme(card), encoding="utf-8")
    return directory


def _drop_process_state(pipeline: Pipeline) -> None:
    """Remove state that belongs to this process, so one corpus and seed give one artifact.

    scikit-learn's vectorizers cache `id(self.stop_words)`, a memory address, to skip a
    re-check; it is recomputed on first use after loading.
    """
    for _, step in pipeline.steps:
        branches = step.transformer_list if isinstance(step, FeatureUnion) else [("", step)]
        for _, estimator in branches:
            if isinstance(estimator, CountVectorizer):
                vars(estimator).pop("_stop_words_id", None)


def read_card(directory: Path) -> dict[str, Any]:
    path = directory / CARD
    if not path.is_file():
        raise ModelNotFoundError(
            f"no model card at {path}. Point --model (or ANALYZER_MODEL_DIR) at a directory "
            "written by `analyzer train`."
        )
    try:
        card: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        card["artifact"]["sha256"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ModelIntegrityError(f"{path} is not a valid model card ({exc}). Re-run `analyzer train`.") from exc
    return card


def verify(directory: Path, card: dict[str, Any]) -> Path:
    """Check the artifact's checksum and the library versions; return the artifact's path."""
    artifact: Path = directory / str(card["artifact"]["file"])
    if artifact.name != ARTIFACT or not artifact.is_file():
        raise ModelIntegrityError(f"{artifact} is missing. Re-run `analyzer train` or restore the model directory.")
    got, want = sha256_file(artifact), card["artifact"]["sha256"]
    if got != want:
        raise ModelIntegrityError(
            f"{artifact} does not match its card (sha256 {got[:12]}…, expected {want[:12]}…). "
            "It was modified after training: re-run `analyzer train` or restore the file."
        )
    trained, installed = card.get("libraries", {}), library_versions()
    mismatched = {
        name: (trained.get(name), installed[name]) for name in installed if trained.get(name) != installed[name]
    }
    if mismatched:
        details = ", ".join(f"{n} {t} (trained) vs {i} (installed)" for n, (t, i) in mismatched.items())
        raise ModelCompatibilityError(
            f"{directory} was trained with other library versions: {details}. "
            "Install the pinned versions (`make install`) or retrain with `analyzer train`."
        )
    return artifact


def load_model(directory: str | Path | None = None) -> LoadedModel:
    """Load a verified model directory (see `resolve_model_dir` for the default)."""
    path = resolve_model_dir(directory)
    card = read_card(path)
    pipeline = joblib.load(verify(path, card))
    if not isinstance(pipeline, Pipeline):
        raise ModelIntegrityError(f"{path / ARTIFACT} does not hold a scikit-learn Pipeline. Re-run `analyzer train`.")
    return LoadedModel(pipeline, card, path)


def render_readme(card: dict[str, Any]) -> str:
    """The model's README, generated from its card so the two never disagree."""
    lines = [
        f"# {card['name']} {card['version']}",
        "",
        card.get("description", ""),
        "",
        "Generated from `model-card.json` by `analyzer train`; edit the card's source, not this file.",
        "",
        f"- Labels: {', '.join(card['labels'])}",
        f"- Trained at: {card['trained_at']} with seed {card['seed']}",
        f"- Corpus: {card['corpus']['documents']} documents, {card['corpus']['words']:,} words, "
        f"train {card['corpus']['train']} / test {card['corpus']['test']}, sha256 `{card['corpus']['sha256'][:16]}…`",
        f"- Artifact: `{card['artifact']['file']}`, {card['artifact']['bytes']:,} bytes, "
        f"sha256 `{card['artifact']['sha256']}`",
        f"- Libraries: {', '.join(f'{k} {v}' for k, v in card['libraries'].items())}",
        "",
        "## Hyperparameters",
        "",
        "Chosen by stratified cross-validation on the train split only:",
        "",
        "```json",
        json.dumps(card["hyperparameters"], indent=2),
        "```",
        "",
        "## Evaluation",
        "",
        "| set | documents | accuracy | macro-F1 | Brier | ECE |",
        "|---|---|---|---|---|---|",
    ]
    for name, metrics in card["metrics"].items():
        lines.append(
            f"| {name} | {metrics['n']} | {metrics['accuracy']:.3f} | {metrics['macro_f1']:.3f} | "
            f"{metrics['brier']:.3f} | {metrics['ece']:.3f} |"
        )
    for name, metrics in card["metrics"].items():
        labels = metrics["confusion_matrix"]["labels"]
        lines += ["", f"### {name}", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for label in labels:
            row = metrics["per_label"][label]
            lines.append(
                f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |"
            )
        lines += ["", "Confusion (rows true, columns predicted): " + ", ".join(labels), ""]
        for label, row in zip(labels, metrics["confusion_matrix"]["rows_true_columns_predicted"], strict=True):
            lines.append(f"- {label}: {row}")
    for section in ("intended_use", "limitations"):
        if card.get(section):
            lines += ["", f"## {section.replace('_', ' ').capitalize()}", "", card[section]]
    return "\n".join(lines) + "\n"

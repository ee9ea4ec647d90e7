"""Model directories: writing them with their card, and loading them only when they verify.

A joblib file is a pickle, and unpickling runs code. So a model is loaded only after the
sha256 of its artifact matches the card beside it, and only under the library versions it
was trained with (scikit-learn does not support loading across versions).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from analyzer.errors import ModelCompatibilityError, ModelIntegrityError, ModelNotFoundError
from analyzer.labels import LABELS
from analyzer.model.fastpath import FastFeatures, FastHead
from analyzer.model.paths import CARD, resolve_model_dir
from analyzer.model.pipeline import Prediction
from analyzer.text.nlp import Parsed, parse

if TYPE_CHECKING:
    from analyzer.model.sentences import SentenceModel

#: Files of a model directory, by role. The document model is required; the sentence model
#: (sentence labels and rubric detectors) is what `Analyzer.analyze` needs beyond labels.
ARTIFACTS = {"document": "model.joblib", "sentences": "sentences.joblib"}
ARTIFACT = ARTIFACTS["document"]
README = "README.md"
#: Libraries whose version must match between training and loading.
PINNED_LIBRARIES = ("scikit-learn", "spacy", "numpy", "scipy", "joblib")
#: Where the classes and functions pickled by models trained before the package had folders
#: (messaging-1.1.0 and its retrains) live now. A pickle names each by its module path
#: (`analyzer.signals.MessageSignals`), so these old paths are pointed at today's modules
#: before unpickling: such models load as they are, their bytes and checksums untouched.
#: Models trained since name today's paths. Only this loader installs the aliases.
PICKLED_MODULES = {
    "analyzer.features": "analyzer.model.features",
    "analyzer.signals": "analyzer.model.signals",
    "analyzer.sentences": "analyzer.model.sentences",
}


def library_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in PINNED_LIBRARIES}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class LoadedModel:
    pipeline: Pipeline
    card: dict[str, Any]
    directory: Path
    sentences: SentenceModel | None = None

    @property
    def name(self) -> str:
        return str(self.card["name"])

    @property
    def version(self) -> str:
        return str(self.card["version"])

    @cached_property
    def features(self) -> FastFeatures:
        return FastFeatures(self.pipeline.named_steps["features"])

    @cached_property
    def head(self) -> FastHead:
        return FastHead(self.pipeline.named_steps["classify"])

    def probabilities_of_parsed(self, parsed: Sequence[Parsed]) -> tuple[np.ndarray, sp.csr_matrix]:
        """(probabilities in `LABELS` order, feature matrix) for already-parsed documents."""
        if not parsed:
            return np.zeros((0, len(LABELS))), sp.csr_matrix((0, 0))
        matrix = self.features.transform(parsed)
        order = [self.head.classes.index(label) for label in LABELS]
        return self.head.predict_proba(matrix)[:, order], matrix

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities with one column per label in `LABELS` order."""
        return self.probabilities_of_parsed(list(parse(texts)))[0]

    def classify(self, texts: Sequence[str]) -> list[Prediction]:
        """Label and score each text (scores in `LABELS` order, summing to 1)."""
        return [
            Prediction(LABELS[int(np.argmax(row))], {label: float(p) for label, p in zip(LABELS, row, strict=True)})
            for row in self.probabilities(texts)
        ]


def save_model(
    pipeline: Pipeline, card: dict[str, Any], directory: Path, sentences: SentenceModel | None = None
) -> Path:
    """Write the artifacts, then the card with their sha256, then the README generated from it."""
    directory.mkdir(parents=True, exist_ok=True)
    _drop_process_state(pipeline.named_steps["features"])
    if sentences is not None:
        _drop_process_state(sentences.features_)
    objects: dict[str, Any] = {"document": pipeline, "sentences": sentences}
    manifest = {}
    for role, name in ARTIFACTS.items():
        path = directory / name
        if objects[role] is None:
            path.unlink(missing_ok=True)
            continue
        joblib.dump(objects[role], path, compress=3)
        manifest[role] = {"file": name, "sha256": sha256_file(path), "bytes": path.stat().st_size}
    card = {**card, "artifacts": manifest}
    (directory / CARD).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    (directory / README).write_text(render_readme(card), encoding="utf-8")
    return directory


def _drop_process_state(features: FeatureUnion) -> None:
    """Remove state that belongs to this process, so one corpus and seed give one artifact.

    scikit-learn's vectorizers cache `id(self.stop_words)`, a memory address, to skip a
    re-check; it is recomputed on first use after loading.
    """
    for _, estimator in features.transformer_list:
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
        card["artifacts"]["document"]["sha256"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ModelIntegrityError(f"{path} is not a valid model card ({exc}). Re-run `analyzer train`.") from exc
    return card


def verify(directory: Path, card: dict[str, Any], role: str) -> Path:
    """Check one artifact's checksum and the library versions; return the artifact's path."""
    entry = card["artifacts"][role]
    artifact: Path = directory / str(entry["file"])
    if artifact.name != ARTIFACTS[role] or not artifact.is_file():
        raise ModelIntegrityError(f"{artifact} is missing. Re-run `analyzer train` or restore the model directory.")
    got, want = sha256_file(artifact), entry["sha256"]
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


def load_model(directory: str | Path | None = None, *, sentences: bool = True) -> LoadedModel:
    """Load a verified model directory (see `resolve_model_dir` for the default).

    Every artifact loaded is checked against the card before any is unpickled. Without
    `sentences`, the sentence model is left on disk: labelling and scoring documents
    (`classify`, `evaluate`, the promotion gate) never read it, and loading it cost a tenth
    of `analyzer classify`'s whole run.
    """
    path = resolve_model_dir(directory)
    card = read_card(path)
    roles = [role for role in card["artifacts"] if role in ARTIFACTS and (sentences or role != "sentences")]
    verified = {role: verify(path, card, role) for role in roles}
    _alias_pickled_modules()
    pipeline = joblib.load(verified["document"])
    if not isinstance(pipeline, Pipeline):
        raise ModelIntegrityError(
            f"{verified['document']} does not hold a scikit-learn Pipeline. Re-run `analyzer train`."
        )
    sentence_model = None
    if "sentences" in verified:
        from analyzer.model.sentences import SentenceModel

        sentence_model = joblib.load(verified["sentences"])
        if not isinstance(sentence_model, SentenceModel):
            raise ModelIntegrityError(
                f"{verified['sentences']} does not hold a sentence model. Re-run `analyzer train`."
            )
    return LoadedModel(pipeline, card, path, sentence_model)


def _alias_pickled_modules() -> None:
    """Make the module paths in `PICKLED_MODULES` resolve to today's modules (idempotent)."""
    for old, new in PICKLED_MODULES.items():
        sys.modules.setdefault(old, importlib.import_module(new))


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
        *(
            f"- Artifact ({role}): `{entry['file']}`, {entry['bytes']:,} bytes, sha256 `{entry['sha256']}`"
            for role, entry in card["artifacts"].items()
        ),
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
    if card.get("analysis_metrics"):
        lines += [
            "",
            "## Sentences and rubric",
            "",
            f"Settings tuned out of fold on the train split: context weight {card['analysis']['context_weight']}, "
            f"thresholds {card['analysis']['thresholds']}.",
            "",
            "| set | sentences | macro-F1 (annotated sentences) | macro-F1 (all sentences) |",
            "|---|---|---|---|",
        ]
        for name, block in card["analysis_metrics"].items():
            s = block["sentences"]
            lines.append(
                f"| {name} | {s['sentences']} ({s['annotated_sentences']} annotated) | "
                f"{s['macro_f1_annotated']:.3f} | {s['macro_f1_all']:.3f} |"
            )
        lines += [
            "",
            "Rubric detection (document: does it have the element; sentence: is this sentence evidence):",
            "",
            "| set | element | doc precision | doc recall | sentence precision | sentence recall |",
            "|---|---|---|---|---|---|",
        ]
        for name, block in card["analysis_metrics"].items():
            for element, r in block["rubric"].items():
                d, s = r["documents"], r["sentences"]
                lines.append(
                    f"| {name} | {element} | {d['precision']:.3f} | {d['recall']:.3f} | "
                    f"{s['precision']:.3f} | {s['recall']:.3f} |"
                )
    for section in ("intended_use", "limitations"):
        if card.get(section):
            lines += ["", f"## {section.replace('_', ' ').capitalize()}", "", card[section]]
    return "\n".join(lines) + "\n"

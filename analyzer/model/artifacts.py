"""Model directories: writing them with their card, and loading them only when they verify.

A joblib file is a pickle, and unpickling runs code: **a model directory is code**, as
trusted as whoever could write to it. So a model is loaded only after

1. its card is vouched for, when the environment asks for it: signed with the HMAC key in
   `ANALYZER_MODEL_SIGNING_KEY` (`analyzer models sign`), or one of the card hashes pinned in
   `ANALYZER_MODEL_CARD_SHA256`. The checksums below prove a folder intact, not trusted: whoever
   can replace `model.joblib` can rewrite the card beside it too, but not forge its signature;
2. the sha256 of each artifact matches the card;
3. the installed library versions are the ones it was trained with (scikit-learn does not
   support loading across versions).

Every loader goes through `load_model` (the service's workers, `audit` workers on a Dask
cluster, the CLI), so setting the variable where a worker runs is enough for it to refuse an
unsigned model before unpickling a byte of it.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from analyzer.errors import ModelCompatibilityError, ModelIntegrityError, ModelNotFoundError, ModelTrustError
from analyzer.labels import LABELS
from analyzer.model.abstain import is_mixed, leading
from analyzer.model.fastpath import FastFeatures, FastHead
from analyzer.model.paths import CARD, resolve_model_dir
from analyzer.model.pipeline import Prediction
from analyzer.model.readme import render_readme
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


_T = TypeVar("_T")

#: The card's HMAC-SHA256 (hex), beside it: `analyzer models sign` writes it.
SIGNATURE = "model-card.sig"
SIGNING_KEY_VARIABLE = "ANALYZER_MODEL_SIGNING_KEY"
PINNED_CARDS_VARIABLE = "ANALYZER_MODEL_CARD_SHA256"
MIN_SIGNING_KEY_LENGTH = 32
#: Put before the card's bytes, so this HMAC can never be mistaken for one made for another use.
_SIGNED_PREFIX = b"messaging-analyzer model card v1\n"


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

    @property
    def mixed_below(self) -> float | None:
        """The top score under which a document is shown as mixed (None: a model without one)."""
        value = self.card.get("abstention", {}).get("mixed_below")
        return float(value) if value is not None else None

    def prediction(self, row: np.ndarray) -> Prediction:
        """The label, scores, and mixed flag of one row of probabilities in `LABELS` order."""
        return Prediction(
            LABELS[int(np.argmax(row))],
            {label: float(p) for label, p in zip(LABELS, row, strict=True)},
            mixed=is_mixed(row, self.mixed_below),
            leading=leading(row),
        )

    def classify(self, texts: Sequence[str]) -> list[Prediction]:
        """Label and score each text (scores in `LABELS` order, summing to 1)."""
        return [self.prediction(row) for row in self.probabilities(texts)]


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
    (directory / SIGNATURE).unlink(missing_ok=True)  # it vouched for the card being replaced
    (directory / CARD).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    (directory / README).write_text(render_readme(card), encoding="utf-8")
    return directory


def _drop_process_state(estimator: object) -> None:
    """Remove state that belongs to this process from an estimator and the pipelines and unions
    inside it, so one corpus and seed give one artifact.

    scikit-learn's vectorizers cache `id(self.stop_words)`, a memory address, to skip a
    re-check; it is recomputed on first use after loading.
    """
    if isinstance(estimator, Pipeline):
        for _, step in estimator.steps:
            _drop_process_state(step)
    elif isinstance(estimator, FeatureUnion):
        for _, part in estimator.transformer_list:
            _drop_process_state(part)
    elif isinstance(estimator, CountVectorizer):
        vars(estimator).pop("_stop_words_id", None)


def read_card(directory: Path) -> dict[str, Any]:
    return _parse_card(directory / CARD, _card_bytes(directory))


def _card_bytes(directory: Path) -> bytes:
    path = directory / CARD
    if not path.is_file():
        raise ModelNotFoundError(
            f"no model card at {path}. Point --model (or ANALYZER_MODEL_DIR) at a directory "
            "written by `analyzer train`."
        )
    return path.read_bytes()


def _parse_card(path: Path, data: bytes) -> dict[str, Any]:
    try:
        card: dict[str, Any] = json.loads(data.decode("utf-8"))
        card["artifacts"]["document"]["sha256"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ModelIntegrityError(f"{path} is not a valid model card ({exc}). Re-run `analyzer train`.") from exc
    return card


def card_sha256(directory: Path) -> str:
    """The sha256 of a model's card: what `ANALYZER_MODEL_CARD_SHA256` pins."""
    return hashlib.sha256(_card_bytes(directory)).hexdigest()


def _signing_key(environ: Mapping[str, str]) -> bytes | None:
    key = environ.get(SIGNING_KEY_VARIABLE, "")
    if not key:
        return None
    if len(key) < MIN_SIGNING_KEY_LENGTH:
        raise ModelTrustError(
            f"{SIGNING_KEY_VARIABLE} has {len(key)} characters, fewer than {MIN_SIGNING_KEY_LENGTH}. "
            "Make one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return key.encode("utf-8")


def _card_signature(card: bytes, key: bytes) -> str:
    return hmac.new(key, _SIGNED_PREFIX + card, hashlib.sha256).hexdigest()


def sign_model(directory: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """Write the card's signature with the key in `ANALYZER_MODEL_SIGNING_KEY`; its path."""
    key = _signing_key(environ)
    if key is None:
        raise ModelTrustError(f"set {SIGNING_KEY_VARIABLE} to the key the servers will check signatures with.")
    card = _card_bytes(directory)
    _parse_card(directory / CARD, card)
    path = directory / SIGNATURE
    path.write_text(_card_signature(card, key) + "\n", encoding="ascii")
    return path


def check_trust(directory: Path, card: bytes, environ: Mapping[str, str] = os.environ) -> None:
    """Refuse a card the environment does not vouch for: unsigned or wrongly signed when a
    signing key is set, not among the pinned hashes when some are. Neither set: no check."""
    key = _signing_key(environ)
    pinned = {part.strip().lower() for part in environ.get(PINNED_CARDS_VARIABLE, "").split(",") if part.strip()}
    if key is not None:
        path = directory / SIGNATURE
        try:
            presented = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            raise ModelTrustError(
                f"{directory} is not signed ({SIGNATURE} is missing) and {SIGNING_KEY_VARIABLE} requires it. "
                "Sign it where it was trained (`analyzer models sign`), or load a signed model."
            ) from None
        if not hmac.compare_digest(presented, _card_signature(card, key)):
            raise ModelTrustError(
                f"{path} does not match {CARD} under {SIGNING_KEY_VARIABLE}: the card was changed after signing, "
                "or signed with another key. Restore the model directory, or sign it again if you trust it."
            )
    if pinned and hashlib.sha256(card).hexdigest() not in pinned:
        raise ModelTrustError(
            f"the card of {directory} (sha256 {hashlib.sha256(card).hexdigest()[:12]}…) is not one of those "
            f"pinned in {PINNED_CARDS_VARIABLE}. Pin it (`analyzer models sign` prints it) if you trust it."
        )


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
    check_libraries(directory, card.get("libraries", {}), "analyzer train")
    return artifact


def check_libraries(directory: Path, trained: Mapping[str, str], retrain: str) -> None:
    """Refuse a model trained with other versions of the pinned libraries (`retrain`: the command
    that rebuilds it)."""
    installed = library_versions()
    mismatched = {
        name: (trained.get(name), installed[name]) for name in installed if trained.get(name) != installed[name]
    }
    if mismatched:
        details = ", ".join(f"{n} {t} (trained) vs {i} (installed)" for n, (t, i) in mismatched.items())
        raise ModelCompatibilityError(
            f"{directory} was trained with other library versions: {details}. "
            f"Install the pinned versions (`make install`) or retrain with `{retrain}`."
        )


#: The folder of a single-artifact model (the rewrite check, the doc-type model): the pickle and
#: its manifest, which records the pickle's sha256, the library versions and the model's figures.
MANIFEST = "manifest.json"
SINGLE_ARTIFACT = "model.joblib"


def save_artifact(obj: object, directory: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write `obj` and then its manifest (`manifest` plus the library versions and the pickle's
    sha256) into `directory`; the manifest as written. One corpus and seed give one pickle."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SINGLE_ARTIFACT
    _drop_process_state(obj)
    joblib.dump(obj, path, compress=3)
    manifest = {
        **manifest,
        "libraries": library_versions(),
        "artifact": {"file": SINGLE_ARTIFACT, "sha256": sha256_file(path), "bytes": path.stat().st_size},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def load_artifact(directory: Path, kind: type[_T], retrain: str) -> tuple[_T, dict[str, Any]]:
    """(the object, its manifest) of a single-artifact model folder, unpickled only after the
    pickle's sha256 matches the manifest and the library versions match; it must be a `kind`.
    `retrain` is the command that rebuilds the folder, for the error messages."""
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelNotFoundError(f"no model manifest at {path}. Restore {directory} from git or run `{retrain}`.")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        want = manifest["artifact"]["sha256"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ModelIntegrityError(f"{path} is not a valid model manifest ({exc}). Run `{retrain}`.") from exc
    artifact = directory / SINGLE_ARTIFACT
    if not artifact.is_file() or sha256_file(artifact) != want:
        raise ModelIntegrityError(
            f"{artifact} is missing or does not match {path}. Restore it from git or run `{retrain}`."
        )
    check_libraries(directory, manifest.get("libraries", {}), retrain)
    obj = joblib.load(artifact)
    if not isinstance(obj, kind):
        raise ModelIntegrityError(f"{artifact} does not hold a {kind.__name__}. Run `{retrain}`.")
    return obj, manifest


def verify_model(path: Path, *, sentences: bool = True) -> tuple[dict[str, Any], dict[str, Path]]:
    """The card and each artifact's path, once the card is trusted (signing key or pinned hashes,
    if set) and every artifact matches it; nothing is unpickled. Callers that start workers
    verify here first, so a refused model fails before any worker starts. Without `sentences`,
    the sentence model is neither checked nor listed (it will not be loaded)."""
    data = _card_bytes(path)
    check_trust(path, data)
    card = _parse_card(path / CARD, data)
    roles = [role for role in card["artifacts"] if role in ARTIFACTS and (sentences or role != "sentences")]
    return card, {role: verify(path, card, role) for role in roles}


def load_model(directory: str | Path | None = None, *, sentences: bool = True) -> LoadedModel:
    """Load a verified model directory (see `resolve_model_dir` for the default).

    The card is checked against the signing key or pinned hashes (if set), and every artifact
    loaded against the card, before any is unpickled. Without `sentences`, the sentence model
    is left on disk: labelling and scoring documents (`classify`, `evaluate`, the promotion
    gate) never read it, and loading it cost a tenth of `analyzer classify`'s whole run.
    """
    path = resolve_model_dir(directory)
    card, verified = verify_model(path, sentences=sentences)
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

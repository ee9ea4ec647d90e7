"""The independent check of a rewrite's gain: a second model that never saw the frames' words.

The sentence model scores every alternative, and the frames were written by people who could
read its scores, so its gain alone proves little. The check model differs in both ways that
matter: it reads plain word unigrams and bigrams (the main model reads lemmas, character
n-grams and hand-made message signals, calibrated), and it is trained on the corpus with every
fixed phrase of the frames masked out, so "costs your team" or "the first step toward" cannot be
what it learned a case for change from. It lives in its own
folder (`models/rewrite-check-1.3.0/`: model.joblib, manifest.json with its sha256, README.md),
is trained by `python -m analyzer.analysis.suggest.check` and so does not change when the main
model is retrained, and is loaded, checksum first, only when suggestions are asked for.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from analyzer.analysis.suggest.frame import READERS, rewriters
from analyzer.labels import CHANGE, LABELS
from analyzer.model.artifacts import load_artifact, save_artifact
from analyzer.model.paths import DEFAULT_MODELS_DIR, PROJECT_ROOT

NAME: Final = "rewrite-check"
VERSION: Final = "1.3.0"
DEFAULT_CHECK_DIR: Final = DEFAULT_MODELS_DIR / f"{NAME}-{VERSION}"
RETRAIN: Final = "python -m analyzer.analysis.suggest.check"
_MARKER = re.compile(r"\u00ab[^\u00bb]*\u00bb|\{[a-zA-Z_]+\}")
#: A fixed fragment of a frame this short ("so", "and") is ordinary English, not the engine's voice.
_MIN_MASKED_WORDS: Final = 2
_WINDOW: Final = 3


class CheckModel:
    """The check model loaded from its folder: case-for-change probabilities for texts."""

    def __init__(self, pipeline: Pipeline, manifest: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.manifest = manifest
        self.name = f"{manifest['name']}-{manifest['version']}"
        self._change = list(pipeline.classes_).index(CHANGE)

    def change_probability(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return np.asarray(self.pipeline.predict_proba(list(texts)))[:, self._change]


def frame_phrases() -> list[str]:
    """The fixed words of every registered frame: each fragment's three-word windows, or the fragment itself.

    Windows, not whole fragments: "costs your team" must not be learned from the corpus either,
    wherever it occurs. A frame's {reader} is read both ways ("until now you had", "until now
    your team").
    """
    windows: set[str] = set()
    clauses = [
        rewriters.get(name).clause.replace("{reader}", words["reader"])
        for name in rewriters.names()
        for words in READERS.values()
    ]
    for clause in clauses:
        for piece in _MARKER.split(clause):
            words = [w.lower() for w in re.findall(r"[A-Za-z']+", piece)]
            if len(words) < _MIN_MASKED_WORDS:
                continue
            size = min(_WINDOW, len(words))
            windows.update(" ".join(words[k : k + size]) for k in range(len(words) - size + 1))
    return sorted(windows, key=lambda f: (-len(f), f))


def phrases_digest(phrases: Sequence[str]) -> str:
    """A fingerprint of the masked phrases: a test compares it with the frames' current phrases."""
    return hashlib.sha256("\n".join(phrases).encode("utf-8")).hexdigest()


def mask(texts: Sequence[str], phrases: Sequence[str]) -> list[str]:
    """`texts` with every occurrence of the phrases (case-insensitive, any spacing) blanked out."""
    if not phrases:
        return list(texts)
    pattern = re.compile(
        r"\b(?:" + "|".join(r"\W+".join(map(re.escape, p.split())) for p in phrases) + r")\b", re.IGNORECASE
    )
    return [pattern.sub(" ", text) for text in texts]


@lru_cache(maxsize=4)
def load_check(directory: str | Path = DEFAULT_CHECK_DIR) -> CheckModel:
    """The check model in `directory`, after its file's sha256 matches the manifest."""
    pipeline, manifest = load_artifact(Path(directory), Pipeline, RETRAIN)
    return CheckModel(pipeline, manifest)


def train(corpus_dir: Path, out: Path, seed: int = 7) -> dict[str, Any]:
    """Train the check model on the corpus's train split with the frames' phrases masked; write its folder."""
    from analyzer.model.corpus import corpus_fingerprint, split_documents
    from analyzer.model.sentences import sentence_examples
    from analyzer.text.nlp import parse

    train_docs, test_docs = split_documents(corpus_dir)
    phrases = frame_phrases()

    def examples(docs: Sequence[Any]) -> tuple[list[str], list[str]]:
        texts, labels = [], []
        for doc, parsed in zip(docs, parse([d.text for d in docs]), strict=True):
            for example in sentence_examples(doc, parsed):
                texts.append(example.parsed.text)
                labels.append(example.label)
        return mask(texts, phrases), labels

    x_train, y_train = examples(train_docs)
    x_test, y_test = examples(test_docs)
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=100_000),
        LogisticRegression(C=4.0, max_iter=2000, random_state=seed),
    )
    pipeline.fit(x_train, y_train)
    accuracy = float(np.mean(pipeline.predict(x_test) == np.asarray(y_test)))
    manifest = {
        "name": NAME,
        "version": VERSION,
        "description": "Independent check of suggested rewrites' gain: word n-grams, the frames' phrases masked.",
        "labels": list(LABELS),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "corpus": corpus_fingerprint(corpus_dir) | {"train_sentences": len(x_train), "test_sentences": len(x_test)},
        "features": "TF-IDF of lowercased word unigrams and bigrams, no lemmas, no signals, no calibration "
        "(the main model reads lemmas, char n-grams and hand-made signals)",
        "masked_phrases": len(phrases),
        "masked_sha256": phrases_digest(phrases),
        "metrics": {"sentence_accuracy_test_split": round(accuracy, 4)},
    }
    manifest = save_artifact(pipeline, out, manifest)
    (out / "README.md").write_text(_readme(manifest), encoding="utf-8")
    return manifest


def _readme(manifest: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"# {manifest['name']} {manifest['version']}",
            "",
            manifest["description"],
            "",
            "Used only to check the gain of suggested rewrites (`check` in each alternative); it labels nothing.",
            f"- Features: {manifest['features']}.",
            f"- Trained on {manifest['corpus']['train_sentences']:,} corpus sentences (train split), with the "
            f"{manifest['masked_phrases']} fixed phrases of the rewrite frames masked out.",
            f"- Sentence accuracy on the test split: {manifest['metrics']['sentence_accuracy_test_split']:.1%}.",
            f"- Artifact: `{manifest['artifact']['file']}`, sha256 `{manifest['artifact']['sha256']}`, checked "
            "before loading.",
            "- Retrain: `python -m analyzer.analysis.suggest.check` (writes this folder).",
            "",
            "What the suggestions are worth is judged elsewhere, as an editor would: target precision and recall, "
            "chrF against an editor's rewrites and a blind paste/light edit/would-not-paste verdict "
            "(`benchmarks/rewrites.py`, `benchmarks/judge_rewrites.py`, figures in `docs/suggestions.md`). "
            "Agreement with the sentence model's gain is a sanity check, and since the rewrites keep the writer's "
            "sentence first (gains close to zero) it says little.",
            "",
            "Generated from `manifest.json`.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the rewrite check model into its own folder.")
    parser.add_argument("--corpus", type=Path, default=PROJECT_ROOT / "corpus")
    parser.add_argument("--out", type=Path, default=DEFAULT_CHECK_DIR)
    args = parser.parse_args()
    manifest = train(args.corpus, args.out)
    print(json.dumps({k: manifest[k] for k in ("name", "version", "metrics", "masked_phrases")}, indent=2))


if __name__ == "__main__":
    main()

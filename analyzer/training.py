"""`analyzer train`: select, fit, evaluate and save a model from the corpus, deterministically."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analyzer import tuning
from analyzer.artifacts import MODEL_NAME, MODEL_VERSION, PROJECT_ROOT, library_versions, save_model
from analyzer.corpus import RUBRIC_ELEMENTS, Document, corpus_fingerprint, load_labeled, split_documents
from analyzer.evaluation import evaluate_predictions
from analyzer.labels import LABELS
from analyzer.model import DEFAULT_SEED, fit_pipeline, parse_all, probabilities, select_model
from analyzer.nlp import Parsed
from analyzer.sentences import SentenceModel, sentence_examples

DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"
#: Fewer positive sentences than this for any rubric element and no sentence model is trained.
MIN_RUBRIC_EXAMPLES = 20
DEFAULT_MODELS_DIR = PROJECT_ROOT / "models"


def default_devset() -> Path | None:
    """The real-world dev set beside the checkout (../shared/devset.jsonl), if present."""
    path = Path(os.environ.get("ANALYZER_DEVSET", PROJECT_ROOT.parent / "shared" / "devset.jsonl"))
    return path if path.is_file() else None


DESCRIPTION = (
    "Labels marketing collateral as awareness-only, feature-pitch or case-for-change: "
    "spaCy blank-English parse, word (lemma 1-2) and char (3-5) n-gram tf-idf plus message "
    "signals, logistic regression with sigmoid calibration. A sentence model (the same "
    "features, a calibrated linear SVM for the label and calibrated logistic regressions for "
    "the rubric elements) labels sentences and finds why change, the price of inaction and "
    "the future state."
)
INTENDED_USE = (
    "Scoring drafts and content libraries of English marketing collateral (blog posts, press "
    "releases, product and landing pages, white papers, emails). Scores are advice for a "
    "writer, not a verdict: read the uncertain ones."
)
LIMITATIONS = (
    "Trained on a team-written corpus; real-world collateral differs in voice and topic. "
    "English only. Short texts (under ~30 words) carry little signal. The dev-set figures come "
    "from 36 real passages, so they move several points with one document."
)


def train(
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    out_dir: Path = DEFAULT_MODELS_DIR,
    seed: int = DEFAULT_SEED,
    devset: Path | None = None,
    version: str = MODEL_VERSION,
) -> tuple[Path, dict[str, Any]]:
    """Train on the train split, evaluate on the test split (and the dev set), save; return (dir, card)."""
    train_docs, test_docs = split_documents(corpus_dir)
    texts, labels = [d.text for d in train_docs], [d.label for d in train_docs]
    parsed = parse_all(texts)
    params = select_model(parsed, labels, [d.batch for d in train_docs], seed=seed)
    pipeline = fit_pipeline(texts, labels, params, seed=seed)

    metrics = {"test": _evaluate(pipeline, test_docs)}
    if devset is not None:
        metrics["devset"] = _evaluate(pipeline, load_labeled(devset))

    sentence_model, analysis = _train_sentence_model(train_docs, test_docs, parsed, pipeline, params, seed)
    card = {
        "name": MODEL_NAME,
        "version": version,
        "description": DESCRIPTION,
        "labels": list(LABELS),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "python": platform.python_version(),
        "libraries": library_versions(),
        "corpus": {**corpus_fingerprint(corpus_dir), "train": len(train_docs), "test": len(test_docs)},
        "hyperparameters": params,
        "metrics": metrics,
        **analysis,
        "intended_use": INTENDED_USE,
        "limitations": LIMITATIONS,
    }
    directory = save_model(pipeline, card, out_dir / f"{MODEL_NAME}-{version}", sentences=sentence_model)
    return directory, card


def _train_sentence_model(
    train_docs: list[Document],
    test_docs: list[Document],
    parsed: list[Parsed],
    pipeline: Any,
    params: dict[str, Any],
    seed: int,
) -> tuple[SentenceModel | None, dict[str, Any]]:
    """The sentence model, its settings tuned out of fold, then measured once on the test split.

    Skipped (None) when the corpus has too few rubric annotations to learn the detectors.
    """
    examples = [e for d, p in zip(train_docs, parsed, strict=True) for e in sentence_examples(d, p)]
    if any(sum(element in e.rubric for e in examples) < MIN_RUBRIC_EXAMPLES for element in RUBRIC_ELEMENTS):
        return None, {}
    # No char n-grams for sentences: half a point of sentence macro-F1 for 40% less featurizing time.
    sentence_model = SentenceModel(seed=seed, char_ngrams=False)
    held_out = tuning.out_of_fold(train_docs, parsed, params, sentence_model, seed)
    settings = tuning.tune(held_out)
    sentence_model.fit(examples)
    test_predictions = tuning.predict_documents(
        test_docs,
        parse_all([d.text for d in test_docs]),
        probabilities(pipeline, [d.text for d in test_docs]),
        sentence_model,
    )
    metrics = {
        name: {
            "sentences": tuning.sentence_scores(predictions, settings.context_weight),
            "rubric": tuning.rubric_scores(predictions, settings),
        }
        for name, predictions in (("out_of_fold_train", held_out), ("test", test_predictions))
    }
    return sentence_model, {
        "sentence_model": sentence_model.get_params(),
        "analysis": {"context_weight": settings.context_weight, "thresholds": settings.thresholds},
        "analysis_metrics": metrics,
    }


def _evaluate(pipeline: Any, docs: list[Document]) -> dict[str, Any]:
    return evaluate_predictions([d.label for d in docs], probabilities(pipeline, [d.text for d in docs]))

"""`analyzer train`: select, fit, evaluate and save a model from the corpus, deterministically."""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from analyzer.errors import AnalyzerError
from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.model import tune
from analyzer.model.abstain import MIXED_COST
from analyzer.model.artifacts import library_versions, save_model
from analyzer.model.calibration import scaled_probabilities
from analyzer.model.corpus import (
    LEGACY_BATCHES,
    Document,
    SentenceLabel,
    corpus_fingerprint,
    length_bucket,
    load_labeled,
    split_documents,
)
from analyzer.model.evaluate import evaluate_predictions, length_table, reliability_bins
from analyzer.model.paths import MODEL_NAME, MODEL_VERSION, PROJECT_ROOT
from analyzer.model.pipeline import (
    DEFAULT_SEED,
    fit_pipeline,
    length_balanced_weights,
    parse_all,
    probabilities,
    select_model,
)
from analyzer.model.registry import ModelVersion, file_sha256
from analyzer.model.reliability import RELIABILITY_SVG, reliability_svg
from analyzer.model.rubric import RubricSettings
from analyzer.model.sentences import SentenceModel, sentence_examples
from analyzer.text.nlp import Parsed

DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"
#: The held-out long documents, relative to the corpus folder: never trained on.
HELD_OUT_FILE = "eval/long.jsonl"
#: Fewer positive sentences than this for any rubric element and the rubric cannot be learned.
MIN_RUBRIC_EXAMPLES = 20
DEFAULT_MODELS_DIR = PROJECT_ROOT / "models"


def default_devset() -> Path | None:
    """The real-world dev set beside the checkout (../shared/devset.jsonl), if present."""
    path = Path(os.environ.get("ANALYZER_DEVSET", PROJECT_ROOT.parent / "shared" / "devset.jsonl"))
    return path if path.is_file() else None


DESCRIPTION = (
    "Labels marketing collateral as awareness-only, feature-pitch or case-for-change: "
    "spaCy blank-English parse, word (lemma 1-2) and char (3-5) n-gram tf-idf plus message "
    "signals, a logistic regression trained with length-balanced sample weights and "
    "temperature-scaled out of fold. A sentence model (the same features without char "
    "n-grams, calibrated linear SVMs for the label and for each rubric element) labels each "
    "sentence from its own words, its neighbours' and, weakly, its document's, and finds why "
    "change, the price of inaction and the future state."
)
HOW_THE_LABEL_IS_MADE = (
    "The document's label is the top of one calibrated linear model over the whole text: "
    "tf-idf of lemma 1-2-grams and character 3-5-grams (so a long text weighs as much as a "
    "short one) and message signals that are rates and shares, never the length. Training "
    "weighs documents so that every label carries the same mass within each length bucket, "
    "so length says nothing about the label. Reading long documents chunk by chunk "
    "(windows of 100 or 200 words, or the sentence model's mass per label and what the last "
    "fifth says, combined by a learned model) was measured out of fold and did not beat the "
    "whole-document model (docs/experiments.md), so it is not used. A document whose top "
    "score is below the mixed threshold is shown as mixed with its two leading messages."
)
INTENDED_USE = (
    "Scoring drafts and content libraries of English marketing collateral (blog posts, press "
    "releases, product and landing pages, white papers, emails). Scores are advice for a "
    "writer, not a verdict: read the mixed and uncertain ones."
)
LIMITATIONS = (
    "Trained on a team-written corpus; real-world collateral differs in voice and topic. "
    "English only. Short texts (under ~30 words) carry little signal. The dev-set figures come "
    "from 36 real passages, so they move several points with one document; the held-out long "
    "set is team-written too, by writers who never saw the training corpus."
)


def train(
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    out_dir: Path = DEFAULT_MODELS_DIR,
    seed: int = DEFAULT_SEED,
    devset: Path | None = None,
    version: str = MODEL_VERSION,
    feedback: Sequence[Path] = (),
    base: ModelVersion | None = None,
    reuse_params: bool = False,
) -> tuple[Path, dict[str, Any]]:
    """Train on the train split, evaluate on the test split (and the held-out sets), save; return (dir, card).

    With `feedback`, the corrections join the train split (`merge_feedback`). A retrain names
    the `base` model it derives from and goes in a directory of its own, never over another
    version. With `reuse_params`, the base's selected hyperparameters, temperature, mixed
    threshold, sentence-model settings and tuned analysis settings are reused instead of
    searched again: a retrain is then one fit of each model.
    """
    if reuse_params and base is None:
        raise AnalyzerError("reusing hyperparameters needs a base model to take them from.")
    target = out_dir / f"{MODEL_NAME}-{version}"
    if base is not None and target.exists():
        raise AnalyzerError(f"{target} exists; a retrain never overwrites a version. Choose another --version.")
    train_docs, test_docs = split_documents(corpus_dir)
    dev_docs = load_labeled(devset) if devset is not None else []
    held_path = corpus_dir / HELD_OUT_FILE
    held_docs = load_labeled(held_path) if held_path.is_file() else []
    corpus_train = len(train_docs)
    feedback_record: list[dict[str, Any]] = []
    if feedback:
        train_docs, feedback_record = merge_feedback(train_docs, [*test_docs, *held_docs, *dev_docs], feedback)
    texts, labels = [d.text for d in train_docs], [d.label for d in train_docs]
    parsed = parse_all(texts)
    examples = [e for d, p in zip(train_docs, parsed, strict=True) for e in sentence_examples(d, p)]
    scarce = [e for e in RUBRIC_ELEMENTS if sum(e in x.rubric for x in examples) < MIN_RUBRIC_EXAMPLES]
    if scarce:
        raise AnalyzerError(
            f"the train split marks fewer than {MIN_RUBRIC_EXAMPLES} sentences with {', '.join(scarce)}: too few "
            "to learn the rubric detectors. Add case-for-change documents with rubric spans to the corpus."
        )
    weights = length_balanced_weights(labels, [length_bucket(t) for t in texts])
    reused = base if reuse_params else None
    if reused is not None:
        params = reused_hyperparameters(reused)
    else:
        params = select_model(parsed, labels, [d.batch for d in train_docs], weights, seed=seed)
    sentence_model, tuned = _tune(train_docs, parsed, params, weights, seed, reused)
    params = {**params, **tuned["document"]}
    pipeline = fit_pipeline(texts, labels, params, seed=seed, sample_weight=weights)
    sentence_model.fit(examples)

    fingerprint = corpus_fingerprint(corpus_dir)
    sets = {
        "test": test_docs,
        "test_original": [d for d in test_docs if d.batch in LEGACY_BATCHES],
        **({"held_out_long": held_docs} if held_docs else {}),
        **({"devset": dev_docs} if devset is not None else {}),
    }
    probabilities_of = {name: probabilities(pipeline, [d.text for d in docs]) for name, docs in sets.items()}
    metrics = {
        name: evaluate_predictions([d.label for d in sets[name]], probs) for name, probs in probabilities_of.items()
    }
    # The data each figure was measured on, so the promotion gate knows when a figure is stale.
    evaluation_data: dict[str, Any] = {"test": {"sha256": fingerprint["sha256"]}}
    if held_docs:
        evaluation_data["held_out_long"] = {"file": HELD_OUT_FILE, "sha256": file_sha256(held_path)}
    if devset is not None:
        evaluation_data["devset"] = {"file": devset.name, "sha256": file_sha256(devset)}
    settings: RubricSettings = tuned["settings"]
    analysis_metrics = {}
    for name, docs in (("test", test_docs), ("held_out_long", held_docs)):
        if docs:
            predicted = tune.predict_documents(
                docs, parse_all([d.text for d in docs]), probabilities_of[name], sentence_model
            )
            analysis_metrics[name] = _sentence_figures(predicted, settings)
    card = {
        "name": MODEL_NAME,
        "version": version,
        "description": DESCRIPTION,
        "how_the_label_is_made": HOW_THE_LABEL_IS_MADE,
        "labels": list(LABELS),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "python": platform.python_version(),
        "libraries": library_versions(),
        "corpus": {**fingerprint, "train": corpus_train, "test": len(test_docs)},
        "hyperparameters": params,
        "abstention": tuned["abstention"],
        "metrics": metrics,
        "length": {
            name: length_table(sets[name], [LABELS[int(i)] for i in probs.argmax(axis=1)])
            for name, probs in probabilities_of.items()
            if name != "test_original"
        },
        "reliability": {
            name: reliability_bins(_onehot(sets[name]), probs)
            for name, probs in probabilities_of.items()
            if name in ("test", "held_out_long")
        },
        "evaluation_data": evaluation_data,
        "sentence_model": sentence_model.get_params(),
        "analysis": settings.to_card(),
        "analysis_metrics": {**tuned["metrics"], **analysis_metrics},
        "intended_use": INTENDED_USE,
        "limitations": LIMITATIONS,
    }
    if base is not None:
        card["base"] = {
            "version": base.version,
            "directory": base.directory.name,
            "reused": [
                *(["hyperparameters"] if reuse_params else []),
                *(["sentence_model", "analysis"] if reuse_params and "analysis" in base.card else []),
            ],
        }
    if feedback:
        card["training_data"] = {
            "documents": len(train_docs),
            "corpus_train": corpus_train,
            "feedback": feedback_record,
        }

    def write(directory: Path) -> Path:
        save_model(pipeline, card, directory, sentences=sentence_model)
        (directory / RELIABILITY_SVG).write_text(
            reliability_svg(
                {name.replace("_", " "): bins for name, bins in card["reliability"].items()},
                f"{MODEL_NAME} {version}: reliability",
            ),
            encoding="utf-8",
        )
        return directory

    if base is None:
        return write(target), card
    return _publish(target, write), card


def _onehot(docs: Sequence[Document]) -> np.ndarray:
    return np.array([[float(d.label == label) for label in LABELS] for d in docs])


def _publish(target: Path, write: Callable[[Path], Path]) -> Path:
    """Write a new version under a hidden name, then rename it into place in one step.

    A reader of the models folder (`analyzer models list`, a reloading server) never sees
    half a version, and a version that appeared meanwhile is never overwritten.
    """
    partial = target.parent / f".{target.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        write(partial)
        os.rename(partial, target)
    except OSError as exc:
        raise AnalyzerError(f"cannot write {target} ({exc.strerror}); nothing was published.") from exc
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def reused_hyperparameters(base: ModelVersion) -> dict[str, Any]:
    """The base model's selected hyperparameters, marked as reused (its CV figure kept as its own)."""
    chosen = base.card.get("hyperparameters", {})
    missing = {"C", "char_ngrams", "transformer_weights"} - set(chosen)
    if missing:
        raise AnalyzerError(
            f"{base.directory} records no {', '.join(sorted(missing))} to reuse. Train without a base to select them."
        )
    origin = f"{base.card.get('name', MODEL_NAME)} {base.version}"
    return {
        "C": chosen["C"],
        "char_ngrams": chosen["char_ngrams"],
        "transformer_weights": chosen["transformer_weights"],
        **{key: chosen[key] for key in ("sample_weights", "temperature") if key in chosen},
        "selection": f"reused from {origin} ({chosen.get('selection', 'unknown')})",
        "cv_macro_f1": chosen.get("cv_macro_f1"),
    }


def next_version(out_dir: Path, base_version: str) -> str:
    """The base version with the next free retrain suffix: 1.1.0 -> 1.1.0-r1, 1.1.0-r1 -> 1.1.0-r2.

    Versions being written (hidden `.partial` directories) count as taken.
    """
    match = re.fullmatch(r"(.+?)(?:-r(\d+))?", base_version)
    assert match is not None  # the pattern matches any non-empty string
    root, number = match.group(1), int(match.group(2) or 0)
    pattern = re.compile(r"\.?" + re.escape(f"{MODEL_NAME}-{root}-r") + r"(\d+)(?:\.partial-\d+)?")
    names = [p.name for p in out_dir.iterdir()] if out_dir.is_dir() else []
    taken = [number, *(int(m.group(1)) for name in names if (m := pattern.fullmatch(name)))]
    return f"{root}-r{max(taken) + 1}"


# --- Corrections ----------------------------------------------------------------------------


def text_key(text: str) -> str:
    """A text's identity for deduplication: sha256 of its NFKC, case-folded, whitespace-collapsed form."""
    normalized = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def merge_feedback(
    train_docs: Sequence[Document], held_out: Sequence[Document], paths: Sequence[Path]
) -> tuple[list[Document], list[dict[str, Any]]]:
    """The train split with the corrections in, and what each feedback file contributed.

    Records are validated by the corpus loader. Texts are matched by `text_key`: among
    corrections of one text the last one (file order, then line order) wins and the others
    count as duplicates dropped; a correction of a train text overrides its label (and, where
    the correction marks sentences, the sentence labels it covers); any other correction is
    added as a new train document.

    Corrections join the training split only. A correction whose text is in the test split or
    the dev set (`held_out`) is held out and counted, never trained on: the promotion gate
    compares the candidate with the current model on exactly those sets, and a model that has
    seen their texts would be graded on what it memorized. Like must be compared with like.
    """
    corrections: dict[str, tuple[int, Document]] = {}
    counts = [Counter[str]() for _ in paths]
    for number, path in enumerate(paths):
        docs = load_labeled(path)
        counts[number]["records"] = len(docs)
        for doc in docs:
            key = text_key(doc.text)
            if key in corrections:
                counts[corrections[key][0]]["duplicates_dropped"] += 1
            corrections[key] = (number, doc)
    held_out_keys = {text_key(d.text) for d in held_out}
    merged = {text_key(d.text): d for d in train_docs}
    for key, (number, correction) in corrections.items():
        if key in held_out_keys:
            counts[number]["held_out"] += 1
        elif key in merged:
            merged[key] = _override(merged[key], correction)
            counts[number]["overriding"] += 1
        else:
            sentences = _complete_spans(correction.text, correction.label, correction.sentences)
            merged[key] = replace(correction, id=f"feedback-{key[:12]}", sentences=sentences)
            counts[number]["added"] += 1
    record = [
        {
            "file": path.name,
            "sha256": file_sha256(path),
            **{name: count[name] for name in ("records", "added", "overriding", "duplicates_dropped", "held_out")},
        }
        for path, count in zip(paths, counts, strict=True)
    ]
    return sorted(merged.values(), key=lambda d: d.id), record


def _override(original: Document, correction: Document) -> Document:
    """A train document relabelled by a correction; it keeps its id, so its writer's batch.

    A correction without spans changes the document's label only: it says nothing about the
    sentences the writer annotated. Its spans that differ from its own document label are
    sentence corrections and replace the writer's spans they overlap; its spans that repeat
    the document label are the export's fill-in (`analyzer feedback export` covers every
    sentence) and leave the writer's finer labels and rubric marks where they are.
    """
    if not correction.sentences:
        return replace(original, label=correction.label)
    if correction.text != original.text or not original.sentences:  # nothing to keep, or other offsets
        own = _complete_spans(correction.text, correction.label, correction.sentences)
        return replace(original, text=correction.text, label=correction.label, sentences=own)
    overriding = [span for span in correction.sentences if span.label != correction.label]
    kept = [
        span
        for span in original.sentences
        if not any(span.start < new.end and new.start < span.end for new in overriding)
    ]
    spans = sorted([*kept, *overriding], key=lambda s: s.start)
    return replace(original, label=correction.label, sentences=_complete_spans(original.text, correction.label, spans))


def _complete_spans(text: str, label: str, spans: Sequence[SentenceLabel]) -> tuple[SentenceLabel, ...]:
    """Spans that cover every stretch of text, the gaps taking the document's label.

    A document with spans has each sentence labelled by the span it starts in, else by the
    nearest span (`sentence_examples`), so a correction of one sentence would otherwise
    relabel its unmarked neighbours too.
    """
    if not spans:
        return ()
    ordered = sorted(spans, key=lambda s: s.start)
    result: list[SentenceLabel] = []
    position = 0
    for span in ordered:
        if span.start > position and text[position : span.start].strip():
            result.append(SentenceLabel(position, span.start, label))
        result.append(span)
        position = max(position, span.end)
    if position < len(text) and text[position:].strip():
        result.append(SentenceLabel(position, len(text), label))
    return tuple(result)


def _tune(
    train_docs: list[Document],
    parsed: list[Parsed],
    params: dict[str, Any],
    weights: np.ndarray,
    seed: int,
    base: ModelVersion | None = None,
) -> tuple[SentenceModel, dict[str, Any]]:
    """The (unfitted) sentence model and the settings chosen out of fold: the document model's
    temperature, the mixed threshold, the sentence context and the rubric thresholds.

    With a `base` that has them, its settings are reused: the out-of-fold pass refits both
    models once per writer and is most of a training's time, while a few corrections barely
    move what it chooses.
    """
    if base is not None and "analysis" in base.card:
        sentence_model = SentenceModel(**{**base.card["sentence_model"], "seed": seed})
        document = {k: params[k] for k in ("temperature",) if k in params}
        return sentence_model, {
            "document": document,
            "abstention": dict(base.card.get("abstention", {})),
            "settings": RubricSettings.from_card(base.card["analysis"]),
            "metrics": {},
        }
    # No char n-grams for sentences: half a point of sentence macro-F1 for 40% less featurizing time.
    sentence_model = SentenceModel(seed=seed, char_ngrams=False, rubric_head="svm", rubric_c=0.5)
    oof = tune.out_of_fold(train_docs, parsed, params, weights, sentence_model, seed)
    chosen = tune.tune_document(oof)
    settings = tune.tune(oof.documents)
    probs = scaled_probabilities(oof.scores, chosen["temperature"])
    return sentence_model, {
        "document": {"temperature": chosen["temperature"], "temperature_chosen_on": f"out of fold, {oof.scheme}"},
        "abstention": {
            "mixed_below": chosen["mixed_below"],
            "mixed_cost": MIXED_COST,
            "chosen_on": f"out of fold, {oof.scheme}",
        },
        "settings": settings,
        "metrics": {
            "out_of_fold_train": {
                "documents": evaluate_predictions([d.label for d in train_docs], probs),
                **_sentence_figures(oof.documents, settings),
            }
        },
    }


def _sentence_figures(predictions: list[tune.DocumentPredictions], settings: RubricSettings) -> dict[str, Any]:
    return {
        "sentences": tune.sentence_scores(predictions, settings),
        "rubric": tune.rubric_scores(predictions, settings),
    }

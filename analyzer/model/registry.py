"""The models folder: model versions side by side, their figures, and the promoted one.

`analyzer train --with-feedback` writes new versions into the folder; `analyzer models promote`
points `PROMOTED.json` at one of them, but only when it is not worse than the current model,
beyond a tolerance, on the corpus test split or on the real-world dev set: a retrain on bad
corrections must not quietly replace a good model. `resolve_model_dir` (artifacts) reads the
pointer, so the CLI and a (re)started or reloaded service use the promoted version.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from analyzer.errors import AnalyzerError, ModelNotFoundError
from analyzer.files import write_atomically
from analyzer.model.artifacts import load_model, read_card
from analyzer.model.corpus import Document, corpus_fingerprint, load_labeled, split_documents
from analyzer.model.evaluate import evaluate_predictions
from analyzer.model.paths import CARD, DEFAULT_MODEL_DIR, MODEL_NAME, POINTER, promoted_dir

#: Serializes promotions in one folder (two editors promoting at once must not interleave).
LOCK = ".promote.lock"
#: How much worse (macro-F1) a candidate may be on either set and still be promoted.
DEFAULT_TOLERANCE = 0.01
#: The evaluation sets the gate compares on, with the names users see.
EVALUATION_SETS = {"test": "corpus test split", "devset": "real-world dev set"}


class PromotionRefusedError(AnalyzerError):
    """The candidate is worse than the current model beyond the tolerance (or cannot be compared)."""

    code = "E040"
    exit_code = 1

    def __init__(self, decision: GateDecision) -> None:
        super().__init__(decision.explain())
        self.decision = decision


def version_dir(folder: Path, version: str) -> Path:
    """Where version `version` lives (or would live) in `folder`."""
    return folder / f"{MODEL_NAME}-{version}"


@dataclass(frozen=True)
class ModelVersion:
    """A model directory and its card, as the registry sees it."""

    directory: Path
    card: dict[str, Any]

    @classmethod
    def read(cls, directory: Path) -> ModelVersion:
        return cls(directory, read_card(directory))

    @property
    def version(self) -> str:
        return str(self.card["version"])

    @property
    def created(self) -> str:
        return str(self.card.get("trained_at", ""))

    @property
    def base(self) -> str | None:
        base = self.card.get("base")
        return str(base["version"]) if isinstance(base, dict) and "version" in base else None

    @property
    def artifact_sha256(self) -> str:
        """The document model's checksum: two directories with the same one hold the same model."""
        return str(self.card["artifacts"]["document"]["sha256"])

    def macro_f1(self, name: str) -> float | None:
        """The macro-F1 its card records for evaluation set `name`, if any."""
        metrics = self.card.get("metrics", {}).get(name)
        return float(metrics["macro_f1"]) if isinstance(metrics, dict) and "macro_f1" in metrics else None

    def data_sha256(self, name: str) -> str | None:
        """The checksum of the data its `name` figure was measured on, when the card records it.

        The test split is fixed by the corpus and its split file, both in the corpus checksum.
        """
        if name == "test":
            return str(self.card.get("corpus", {}).get("sha256") or "") or None
        recorded = self.card.get("evaluation_data", {}).get(name, {})
        return str(recorded.get("sha256") or "") or None


def list_versions(folder: Path) -> tuple[list[ModelVersion], list[str]]:
    """(every model version in the folder, oldest first; one problem line per unreadable directory).

    Hidden directories are skipped: `analyzer train` writes a version under a hidden name and
    renames it when complete, so a half-written version is never listed.
    """
    if not folder.is_dir():
        raise ModelNotFoundError(f"no models folder at {folder}. Set ANALYZER_MODELS_DIR or pass --models-dir.")
    versions, problems = [], []
    for directory in sorted(folder.iterdir()):
        if directory.name.startswith(".") or not directory.is_dir():
            continue
        try:
            versions.append(ModelVersion.read(directory))
        except AnalyzerError as exc:
            problems.append(f"{directory.name}: {exc.message}")
    return sorted(versions, key=lambda v: (v.created, v.version)), problems


def find_version(folder: Path, version: str) -> ModelVersion:
    """A version by its number ("1.1.0-fb1") or its directory name ("messaging-1.1.0-fb1")."""
    for directory in (version_dir(folder, version), folder / version):
        if directory.parent == folder and (directory / CARD).is_file() and not directory.name.startswith("."):
            return ModelVersion.read(directory)
    known = ", ".join(v.version for v in list_versions(folder)[0]) or "none"
    raise ModelNotFoundError(f"no version {version!r} in {folder} (versions: {known}). See `analyzer models list`.")


def find_model(folder: Path, name: str | None = None) -> ModelVersion:
    """A version of the folder, or a model directory by its path; None: the current model."""
    if name is None:
        return current_version(folder)
    if (Path(name) / CARD).is_file():
        return ModelVersion.read(Path(name))
    return find_version(folder, name)


def current_version(folder: Path) -> ModelVersion:
    """What the folder serves: the promoted version, else the bundled model."""
    return ModelVersion.read(promoted_dir(folder) or DEFAULT_MODEL_DIR)


# --- Evaluation -----------------------------------------------------------------------------


@dataclass
class EvaluationData:
    """The two evaluation sets as they are now; each is read only if a figure must be recomputed."""

    corpus_dir: Path
    devset: Path | None
    _documents: dict[str, list[Document]] = field(default_factory=dict)

    @cached_property
    def checksums(self) -> dict[str, str | None]:
        """The checksum of each set's data now (None: not available here)."""
        test = corpus_fingerprint(self.corpus_dir)["sha256"] if (self.corpus_dir / "split.json").is_file() else None
        devset = file_sha256(self.devset) if self.devset is not None and self.devset.is_file() else None
        return {"test": test, "devset": devset}

    def documents(self, name: str) -> list[Document]:
        if name not in self._documents:
            if name == "test":
                self._documents[name] = split_documents(self.corpus_dir)[1]
            else:
                assert self.devset is not None
                self._documents[name] = load_labeled(self.devset)
        return self._documents[name]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Figure:
    """One model's macro-F1 on one set, and where it came from ("card" or "re-evaluated")."""

    macro_f1: float
    source: str


def figures(model: ModelVersion, data: EvaluationData) -> dict[str, Figure | None]:
    """Macro-F1 on each set: from the card when it was measured on today's data, else recomputed.

    A card figure counts when the card records the data's checksum and it matches, or when
    either side's checksum is unknown (an older card, or the data is not on this machine).
    It is recomputed, on the verified model, when the card has none or the data changed.
    None: no figure can be had (no card figure and the data is not here).
    """
    result: dict[str, Figure | None] = {}
    loaded = None
    for name in EVALUATION_SETS:
        recorded, now = model.macro_f1(name), data.checksums[name]
        then = model.data_sha256(name)
        if recorded is not None and (then is None or now is None or then == now):
            result[name] = Figure(recorded, "card")
        elif now is not None:
            loaded = loaded or load_model(model.directory)
            docs = data.documents(name)
            metrics = evaluate_predictions([d.label for d in docs], loaded.probabilities([d.text for d in docs]))
            result[name] = Figure(float(metrics["macro_f1"]), "re-evaluated")
        else:
            result[name] = None
    return result


# --- The gate -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateDecision:
    """The candidate beside the current model on each set, and the verdict at `tolerance`."""

    candidate: ModelVersion
    current: ModelVersion
    tolerance: float
    candidate_figures: dict[str, Figure | None]
    current_figures: dict[str, Figure | None]

    @property
    def worse(self) -> list[str]:
        """The sets on which the candidate loses more than the tolerance."""
        return [
            name
            for name in EVALUATION_SETS
            if (a := self.candidate_figures[name]) is not None
            and (b := self.current_figures[name]) is not None
            and a.macro_f1 < b.macro_f1 - self.tolerance - 1e-9
        ]

    @property
    def missing(self) -> list[str]:
        """The sets on which the two cannot be compared (a figure is unavailable)."""
        return [
            name
            for name in EVALUATION_SETS
            if self.candidate_figures[name] is None or self.current_figures[name] is None
        ]

    @property
    def passed(self) -> bool:
        return not self.worse and not self.missing

    def lines(self) -> list[str]:
        """One line per set: both figures, where they came from, and the difference."""
        out = []
        for name, title in EVALUATION_SETS.items():
            a, b = self.candidate_figures[name], self.current_figures[name]
            if a is None or b is None:
                whose = "the candidate" if a is None else "the current model"
                out.append(f"{title}: cannot compare, no figure for {whose} and the data is not here")
                continue
            verdict = "worse beyond the tolerance" if name in self.worse else "ok"
            out.append(
                f"{title}: macro-F1 {a.macro_f1:.4f} ({self.candidate.version}, {a.source}) vs "
                f"{b.macro_f1:.4f} ({self.current.version}, {b.source}), {a.macro_f1 - b.macro_f1:+.4f}: {verdict}"
            )
        return out

    def verdict(self) -> str:
        """The decision in one sentence, and what to do about a refusal."""
        if self.passed:
            return (
                f"{self.candidate.version} is not worse than {self.current.version} "
                f"beyond the tolerance of {self.tolerance}."
            )
        if self.worse:
            sets = " and the ".join(EVALUATION_SETS[name] for name in self.worse)
            return (
                f"refused: {self.candidate.version} is worse than {self.current.version} on the {sets} by more "
                f"than the tolerance of {self.tolerance}. Use --force to promote it anyway."
            )
        sets = " and the ".join(EVALUATION_SETS[name] for name in self.missing)
        return (
            f"refused: {self.candidate.version} cannot be compared with {self.current.version} on the {sets}. "
            "Pass --devset FILE (or --corpus DIR), or --force."
        )

    def explain(self) -> str:
        """The verdict and the figures that decided it, on one line."""
        return f"{self.verdict()} ({'; '.join(self.lines())})"

    def summary(self) -> dict[str, Any]:
        """The figures of both models, for the pointer and the card's history."""

        def of(model: ModelVersion, figures: dict[str, Figure | None]) -> dict[str, Any]:
            return {
                "version": model.version,
                **{f"{name}_macro_f1": f.macro_f1 if f else None for name, f in figures.items()},
            }

        return {
            "candidate": of(self.candidate, self.candidate_figures),
            "previous": of(self.current, self.current_figures),
            "tolerance": self.tolerance,
        }


def gate(candidate: ModelVersion, current: ModelVersion, tolerance: float, data: EvaluationData) -> GateDecision:
    """Compare the candidate with the current model on both sets (macro-F1)."""
    if tolerance < 0:
        raise AnalyzerError(f"the tolerance must be 0 or more, not {tolerance}.")
    return GateDecision(candidate, current, tolerance, figures(candidate, data), figures(current, data))


def promote(
    folder: Path,
    version: str,
    data: EvaluationData,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    force: bool = False,
    reason: str | None = None,
    now: datetime | None = None,
) -> GateDecision:
    """Gate `version` against the current model and, if it passes (or `force`), promote it.

    Raises `PromotionRefusedError` when it does not pass. Promotion writes the pointer
    atomically and appends the event to the candidate's card history; the artifacts, whose
    checksums the card holds, are never touched.
    """
    with _locked(folder):
        candidate = find_version(folder, version)
        current = current_version(folder)
        decision = gate(candidate, current, tolerance, data)
        if not decision.passed and not force:
            raise PromotionRefusedError(decision)
        moment = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        event = {
            "event": "promoted",
            "at": moment,
            "reason": reason or ("forced past the gate" if not decision.passed else "passed the gate"),
            "forced": force and not decision.passed,
            **decision.summary(),
        }
        card_path = candidate.directory / CARD
        original = card_path.read_bytes()
        card = read_card(candidate.directory)
        card["history"] = [*card.get("history", []), event]
        write_json_atomic(card_path, card, indent=2)
        try:
            pointer = {"version": candidate.version, "directory": candidate.directory.name, **event}
            write_json_atomic(folder / POINTER, pointer, indent=2)
        except BaseException:
            card_path.write_bytes(original)  # not promoted after all: the history must not say it was
            raise
    return decision


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    if not folder.is_dir():
        raise ModelNotFoundError(f"no models folder at {folder}. Set ANALYZER_MODELS_DIR or pass --models-dir.")
    with (folder / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_json_atomic(path: Path, obj: Any, indent: int | None = None) -> None:
    """Write JSON so that a reader sees the old file or the new one, never half of one."""
    write_atomically(path, json.dumps(obj, indent=indent) + "\n")

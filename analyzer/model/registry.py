"""The models folder: model versions side by side, their figures, and the promoted one.

`analyzer train --with-feedback` writes new versions into the folder; `analyzer models promote`
points `PROMOTED.json` at one of them, but only when it is not worse than the current model,
beyond a tolerance, on the corpus test split or on the user's own held-out corrections (the
newest share of the corrections it was given, kept out of its training and saved beside it):
a retrain on bad corrections must not quietly replace a good model. The real-world dev set,
when it is beside the checkout, is measured and shown but decides nothing, so the gate says
the same on every machine. `resolve_model_dir` (artifacts) reads the pointer, so the CLI and a
(re)started or reloaded service use the promoted version.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from analyzer.errors import AnalyzerError, ModelIntegrityError, ModelNotFoundError
from analyzer.files import UnsafeOutputError, write_atomically
from analyzer.model.artifacts import MANIFEST, load_model, read_card
from analyzer.model.corpus import Document, corpus_fingerprint, load_labeled, split_documents
from analyzer.model.evaluate import evaluate_predictions
from analyzer.model.paths import CARD, DEFAULT_MODEL_DIR, MODEL_NAME, POINTER, promoted_dir

#: Serializes promotions in one folder (two editors promoting at once must not interleave).
LOCK = ".promote.lock"
#: How much worse a candidate may be on either gated set and still be promoted.
DEFAULT_TOLERANCE = 0.01


@dataclass(frozen=True)
class EvaluationSet:
    """One set the gate looks at: the name users see, the figure compared, and whether it decides."""

    title: str
    metric: str
    gated: bool


#: The evaluation sets, by the key of their figures in a card's `metrics`. Held-out corrections
#: are compared on accuracy: they are mostly of one or two labels, where macro-F1 means little.
EVALUATION_SETS = {
    "test": EvaluationSet("corpus test split", "macro_f1", gated=True),
    "corrections": EvaluationSet("held-out corrections", "accuracy", gated=True),
    "devset": EvaluationSet("real-world dev set", "macro_f1", gated=False),
}
METRIC_NAMES = {"macro_f1": "macro-F1", "accuracy": "accuracy"}
#: The file of a retrained version that holds its held-out corrections (corpus records).
HELDOUT_FILE = "heldout-corrections.jsonl"
#: How a folder refuses a write: no permission (EACCES), an immutable folder or file (EPERM),
#: a read-only file system (EROFS).
NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class PromotionRefusedError(AnalyzerError):
    """The candidate is worse than the current model beyond the tolerance (or cannot be compared)."""

    code = "E040"
    exit_code = 1

    def __init__(self, decision: GateDecision) -> None:
        super().__init__(decision.explain())
        self.decision = decision


class FolderNotWritableError(AnalyzerError):
    """Promotion must write in the models folder (the pointer, the candidate's card history)."""

    code = "E041"

    def __init__(self, folder: Path, reason: str) -> None:
        super().__init__(
            f"{folder} is not writable ({reason}), and promoting writes {POINTER} in the models folder and the "
            "promotion into the version's card. Point --models-dir (or ANALYZER_MODELS_DIR) at a models folder "
            "you can write, or run as its owner."
        )


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

    def recorded(self, name: str) -> float | None:
        """The figure its card records for evaluation set `name` (that set's metric), if any."""
        metric = EVALUATION_SETS[name].metric
        metrics = self.card.get("metrics", {}).get(name)
        return float(metrics[metric]) if isinstance(metrics, dict) and metric in metrics else None

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
    renames it when complete, so a half-written version is never listed. So are the folders of
    single-artifact models (a manifest, no card): they are not versions of this model.
    """
    if not folder.is_dir():
        raise ModelNotFoundError(f"no models folder at {folder}. Set ANALYZER_MODELS_DIR or pass --models-dir.")
    versions, problems = [], []
    for directory in sorted(folder.iterdir()):
        if directory.name.startswith(".") or not directory.is_dir():
            continue
        if (directory / MANIFEST).is_file() and not (directory / CARD).exists():
            continue  # a single-artifact model of its own (the doc-type model, the rewrite check)
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
    """The corpus and dev set as they are now; each is read only if a figure must be recomputed."""

    corpus_dir: Path
    devset: Path | None = None
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


# --- Held-out corrections -------------------------------------------------------------------


def heldout_bytes(docs: Sequence[Document]) -> bytes:
    """Held-out corrections as the file a retrain writes beside its model (corpus records)."""
    lines = []
    for doc in docs:
        record: dict[str, Any] = {"id": doc.id, "text": doc.text, "label": doc.label}
        if doc.sentences:
            record["sentences"] = [
                {"start": s.start, "end": s.end, "label": s.label, "rubric": list(s.rubric)} for s in doc.sentences
            ]
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


@dataclass(frozen=True)
class HeldOut:
    """A version's held-out corrections, verified against its card; it never trained on them."""

    version: str
    documents: list[Document]
    sha256: str


def read_heldout(model: ModelVersion) -> HeldOut | None:
    """The corrections `model` held out of its training, or None when it held none out.

    The file is checked against the checksum its card records: a figure compared on an
    edited file would not be the figure the card vouches for.
    """
    entry = model.card.get("evaluation_data", {}).get("corrections")
    if not isinstance(entry, dict):
        return None
    path = model.directory / HELDOUT_FILE
    if not path.is_file():
        raise ModelIntegrityError(f"{path} is missing. Restore the model directory, or retrain.")
    got = file_sha256(path)
    if got != entry.get("sha256"):
        raise ModelIntegrityError(
            f"{path} does not match its card (sha256 {got[:12]}…). It was modified after training: "
            "restore it, or retrain."
        )
    return HeldOut(model.version, load_labeled(path), got)


# --- Figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One model's figure on one set (that set's metric), and where it came from ("card" or "re-evaluated")."""

    value: float
    source: str


def figures(model: ModelVersion, data: EvaluationData, heldout: HeldOut | None) -> dict[str, Figure | None]:
    """Each set's figure: from the card when it was measured on today's data, else recomputed.

    A card figure counts when the card records the data's checksum and it matches, or when
    either side's checksum is unknown (an older card, or the data is not on this machine).
    It is recomputed, on the verified model, when the card has none or the data changed.
    The held-out corrections are the candidate's (`heldout`), and every model is measured on
    them; a card figure for them counts only when measured on that very file.
    None: no figure can be had (no card figure and the data is not here).
    """
    result: dict[str, Figure | None] = {}
    loaded = None
    for name, kind in EVALUATION_SETS.items():
        recorded, then = model.recorded(name), model.data_sha256(name)
        if name == "corrections":
            now = heldout.sha256 if heldout is not None else None
            fresh = now is not None and then == now
        else:
            now = data.checksums[name]
            fresh = then is None or now is None or then == now
        if recorded is not None and fresh:
            result[name] = Figure(recorded, "card")
        elif now is not None:
            loaded = loaded or load_model(model.directory, sentences=False)
            docs = heldout.documents if heldout is not None and name == "corrections" else data.documents(name)
            metrics = evaluate_predictions([d.label for d in docs], loaded.probabilities([d.text for d in docs]))
            result[name] = Figure(float(metrics[kind.metric]), "re-evaluated")
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
    heldout: HeldOut | None = None

    def _compared(self, name: str) -> tuple[Figure, Figure] | None:
        a, b = self.candidate_figures.get(name), self.current_figures.get(name)
        return (a, b) if a is not None and b is not None else None

    @property
    def worse(self) -> list[str]:
        """The gated sets on which the candidate loses more than the tolerance."""
        return [
            name
            for name, kind in EVALUATION_SETS.items()
            if kind.gated
            and (pair := self._compared(name)) is not None
            and pair[0].value < pair[1].value - self.tolerance - 1e-9
        ]

    @property
    def missing(self) -> list[str]:
        """The gated sets on which the two cannot be compared though they should be.

        The corpus test split always should; held-out corrections only when the candidate
        holds some out (without them the gate compares on the test split alone).
        """
        wanted = ["test", *(["corrections"] if self.heldout is not None else [])]
        return [name for name in wanted if self._compared(name) is None]

    @property
    def passed(self) -> bool:
        return not self.worse and not self.missing

    def lines(self) -> list[str]:
        """One line per set: both figures, where they came from, and the difference."""
        out = []
        for name, kind in EVALUATION_SETS.items():
            title = kind.title
            if name == "corrections":
                if self.heldout is None:
                    out.append(
                        f"{title}: none held out by {self.candidate.version}, so the gate compares on the "
                        "corpus test split alone"
                    )
                    continue
                title = f"{title} ({len(self.heldout.documents)}, never trained on)"
            elif not kind.gated:
                if self._compared(name) is None:
                    continue  # a measurement the team runs when the data is here; nothing to say without it
                title = f"{title} (measured, not gated)"
            pair = self._compared(name)
            if pair is None:
                whose = "the candidate" if self.candidate_figures.get(name) is None else "the current model"
                out.append(f"{title}: cannot compare, no figure for {whose} and the data is not here")
                continue
            a, b = pair
            verdict = "worse beyond the tolerance" if name in self.worse else "ok"
            out.append(
                f"{title}: {METRIC_NAMES[kind.metric]} {a.value:.4f} ({self.candidate.version}, {a.source}) vs "
                f"{b.value:.4f} ({self.current.version}, {b.source}), {a.value - b.value:+.4f}"
                + (f": {verdict}" if kind.gated else "")
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
            sets = " and the ".join(EVALUATION_SETS[name].title for name in self.worse)
            return (
                f"refused: {self.candidate.version} is worse than {self.current.version} on the {sets} by more "
                f"than the tolerance of {self.tolerance}. Use --force to promote it anyway."
            )
        sets = " and the ".join(EVALUATION_SETS[name].title for name in self.missing)
        return (
            f"refused: {self.candidate.version} cannot be compared with {self.current.version} on the {sets}. "
            "Pass --corpus DIR (the corpus with its split), or --force."
        )

    def explain(self) -> str:
        """The verdict and the figures that decided it, on one line."""
        return f"{self.verdict()} ({'; '.join(self.lines())})"

    def summary(self) -> dict[str, Any]:
        """The figures of both models, for the pointer and the card's history."""

        def of(model: ModelVersion, figures: dict[str, Figure | None]) -> dict[str, Any]:
            return {
                "version": model.version,
                **{
                    f"{name}_{kind.metric}": figure.value if (figure := figures.get(name)) else None
                    for name, kind in EVALUATION_SETS.items()
                },
            }

        return {
            "candidate": of(self.candidate, self.candidate_figures),
            "previous": of(self.current, self.current_figures),
            "tolerance": self.tolerance,
            "heldout_corrections": len(self.heldout.documents) if self.heldout is not None else 0,
        }


def gate(candidate: ModelVersion, current: ModelVersion, tolerance: float, data: EvaluationData) -> GateDecision:
    """Compare the candidate with the current model on the test split and the candidate's
    held-out corrections (and measure both on the dev set when it is here)."""
    if tolerance < 0:
        raise AnalyzerError(f"the tolerance must be 0 or more, not {tolerance}.")
    heldout = read_heldout(candidate)
    return GateDecision(
        candidate, current, tolerance, figures(candidate, data, heldout), figures(current, data, heldout), heldout
    )


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
    with _writes_in(folder), _locked(folder):
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
def _writes_in(folder: Path) -> Iterator[None]:
    """A write refused under `folder` becomes one line naming the folder that refused it and the fix."""
    try:
        yield
    except UnsafeOutputError as exc:  # a link or a pipe where an output goes: not a permission problem
        raise AnalyzerError(f"{exc.strerror}.") from None
    except OSError as exc:
        if exc.errno not in NOT_WRITABLE:
            raise
        where = Path(exc.filename).parent if exc.filename else folder
        raise FolderNotWritableError(where, exc.strerror or str(exc)) from None


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

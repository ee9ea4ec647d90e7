"""The models folder: listing versions, the promotion gate, the pointer and how models resolve.

Every version here is a real model directory: the bundled model's verified artifacts (linked,
never modified) under a card whose version and figures a test sets.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from analyzer.errors import AnalyzerError, ModelIntegrityError, ModelNotFoundError
from analyzer.model import registry
from analyzer.model.artifacts import ARTIFACTS, LoadedModel, load_model, read_card, sha256_file
from analyzer.model.corpus import Document
from analyzer.model.paths import CARD, DEFAULT_MODEL_DIR, POINTER, resolve_model_dir
from analyzer.model.registry import HELDOUT_FILE, EvaluationData, PromotionRefusedError, heldout_bytes, promote
from tests.conftest import CORPUS_DIR, run_cli

BUNDLED = read_card(DEFAULT_MODEL_DIR)
TEST_F1 = float(BUNDLED["metrics"]["test"]["macro_f1"])
DEV_F1 = float(BUNDLED["metrics"]["devset"]["macro_f1"])
#: Corrections a retrain held out, for the gate (their labels are set per test from the bundled model's).
HELD_OUT_TEXTS = [
    "Pricing starts at $49 per user per month.",
    "Join us at booth 412 to meet the team!",
    "Every month you wait, manual invoicing costs your team two more days.",
    "The new dashboard shows every shipment on one map.",
    "We opened an office in Leeds this spring.",
]


def make_version(
    folder: Path,
    version: str,
    test: float | None = TEST_F1,
    dev: float | None = DEV_F1,
    heldout: tuple[list[Document], float] | None = None,
) -> Path:
    """A model directory with the bundled artifacts and a card of `version` with these figures;
    `heldout`: (the corrections it held out, its accuracy on them), written as a retrain does."""
    directory = registry.version_dir(folder, version)
    directory.mkdir(parents=True)
    for name in ARTIFACTS.values():
        (directory / name).symlink_to(DEFAULT_MODEL_DIR / name)
    card = json.loads(json.dumps(BUNDLED))
    card["version"] = version
    card["trained_at"] = f"2099-01-{len(list(folder.iterdir())) + 1:02d}T10:00:00+00:00"
    card["base"] = {"version": BUNDLED["version"], "directory": DEFAULT_MODEL_DIR.name, "reused": []}
    for name, figure in (("test", test), ("devset", dev)):
        if figure is None:
            card["metrics"].pop(name)
        else:
            card["metrics"][name] = {**card["metrics"][name], "macro_f1": figure}
    if heldout is not None:
        docs, accuracy = heldout
        data = heldout_bytes(docs)
        (directory / HELDOUT_FILE).write_bytes(data)
        card["metrics"]["corrections"] = {"n": len(docs), "accuracy": accuracy}
        card.setdefault("evaluation_data", {})["corrections"] = {
            "file": HELDOUT_FILE,
            "sha256": hashlib.sha256(data).hexdigest(),
            "documents": len(docs),
        }
    (directory / CARD).write_text(json.dumps(card, indent=2), encoding="utf-8")
    return directory


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ANALYZER_MODEL_DIR", raising=False)
    monkeypatch.delenv("ANALYZER_MODELS_DIR", raising=False)
    models = tmp_path / "models"
    models.mkdir()
    return models


@pytest.fixture(scope="module")
def corrections(bundled_model: LoadedModel) -> list[Document]:
    """Held-out corrections the bundled model labels every one of as the reviewer did (accuracy 1)."""
    predictions = bundled_model.classify(HELD_OUT_TEXTS)
    pairs = zip(HELD_OUT_TEXTS, predictions, strict=True)
    return [Document(f"feedback-{n}", text, prediction.label) for n, (text, prediction) in enumerate(pairs)]


#: The corpus as it is in the checkout; no dev set: it never gates, and the suite runs without it.
DATA = EvaluationData(CORPUS_DIR)


def pointer(folder: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((folder / POINTER).read_text(encoding="utf-8"))
    return result


# --- The gate -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "accuracy"),
    [(TEST_F1, 1.0), (TEST_F1 + 0.01, 1.0), (TEST_F1 - 0.009, 0.995)],
    ids=["equal", "better", "worse-within-tolerance"],
)
def test_a_candidate_not_worse_beyond_the_tolerance_is_promoted(
    folder: Path, corrections: list[Document], test: float, accuracy: float
) -> None:
    directory = make_version(folder, "1.3.0-r1", test, heldout=(corrections, accuracy))
    artifacts = {name: sha256_file(directory / name) for name in ARTIFACTS.values()}

    decision = promote(folder, "1.3.0-r1", DATA, reason="corrections of week 12")

    assert decision.passed and decision.worse == []
    # The current model is measured on the candidate's held-out corrections, which it never saw.
    current = decision.current_figures["corrections"]
    assert current is not None and (current.value, current.source) == (1.0, "re-evaluated")
    written = pointer(folder)
    assert written["version"] == "1.3.0-r1" and written["directory"] == "messaging-1.3.0-r1"
    assert written["reason"] == "corrections of week 12" and written["forced"] is False
    assert written["candidate"] == {
        "version": "1.3.0-r1",
        "test_macro_f1": test,
        "corrections_accuracy": accuracy,
        "devset_macro_f1": DEV_F1,
    }
    assert written["previous"] == {
        "version": "1.3.0",
        "test_macro_f1": TEST_F1,
        "corrections_accuracy": 1.0,
        "devset_macro_f1": DEV_F1,
    }
    assert written["heldout_corrections"] == len(corrections)
    [event] = read_card(directory)["history"]
    assert event["event"] == "promoted" and event["reason"] == "corrections of week 12"
    assert event["candidate"] == written["candidate"] and event["at"] == written["at"]
    # The card changed; the artifacts it vouches for did not, and the model still verifies.
    assert {name: sha256_file(directory / name) for name in ARTIFACTS.values()} == artifacts
    assert load_model(directory).version == "1.3.0-r1"
    assert resolve_model_dir(models_dir=folder) == directory


@pytest.mark.parametrize(
    ("test", "accuracy", "worse"),
    [(TEST_F1 - 0.05, 1.0, ["test"]), (TEST_F1, 0.6, ["corrections"]), (0.5, 0.2, ["test", "corrections"])],
    ids=["test-split", "held-out-corrections", "both"],
)
def test_a_candidate_worse_on_either_set_is_refused(
    folder: Path, corrections: list[Document], test: float, accuracy: float, worse: list[str]
) -> None:
    directory = make_version(folder, "1.3.0-r1", test, heldout=(corrections, accuracy))
    card_before = (directory / CARD).read_bytes()

    with pytest.raises(PromotionRefusedError) as refused:
        promote(folder, "1.3.0-r1", DATA)

    assert refused.value.decision.worse == worse
    message = refused.value.message
    assert message.startswith("refused: 1.3.0-r1 is worse than 1.3.0")
    assert f"{test:.4f}" in message and f"{TEST_F1:.4f}" in message and "--force" in message
    assert f"held-out corrections ({len(corrections)}, never trained on): accuracy {accuracy:.4f}" in message
    assert not (folder / POINTER).exists()
    assert (directory / CARD).read_bytes() == card_before
    assert resolve_model_dir(models_dir=folder) == DEFAULT_MODEL_DIR


def test_without_held_out_corrections_the_test_split_alone_decides_and_says_so(folder: Path) -> None:
    make_version(folder, "1.3.0-r1", TEST_F1)
    decision = promote(folder, "1.3.0-r1", DATA)
    assert decision.passed and decision.heldout is None
    assert (
        "held-out corrections: none held out by 1.3.0-r1, so the gate compares on the corpus test split alone"
        in decision.lines()
    )


def test_the_dev_set_is_measured_but_decides_nothing(folder: Path) -> None:
    make_version(folder, "1.3.0-r1", TEST_F1, dev=0.2)
    # The figures come from the cards: the dev set is not needed to show them.
    decision = promote(folder, "1.3.0-r1", DATA)
    assert decision.passed and decision.worse == []
    [line] = [line for line in decision.lines() if line.startswith("real-world dev set")]
    assert line.startswith("real-world dev set (measured, not gated): macro-F1 0.2000") and "ok" not in line


def test_a_tampered_held_out_file_is_refused(folder: Path, corrections: list[Document]) -> None:
    directory = make_version(folder, "1.3.0-r1", heldout=(corrections, 1.0))
    relabelled = [Document(d.id, d.text, "case-for-change") for d in corrections]
    (directory / HELDOUT_FILE).write_bytes(heldout_bytes(relabelled))
    with pytest.raises(ModelIntegrityError, match="does not match its card"):
        promote(folder, "1.3.0-r1", DATA)
    (directory / HELDOUT_FILE).unlink()
    with pytest.raises(ModelIntegrityError, match="is missing"):
        promote(folder, "1.3.0-r1", DATA)
    assert not (folder / POINTER).exists()


def test_the_tolerance_decides_a_small_loss(folder: Path) -> None:
    make_version(folder, "1.3.0-r1", TEST_F1 - 0.02, DEV_F1)
    with pytest.raises(PromotionRefusedError):
        promote(folder, "1.3.0-r1", DATA)
    with pytest.raises(PromotionRefusedError):
        promote(folder, "1.3.0-r1", DATA, tolerance=0.0199)
    assert promote(folder, "1.3.0-r1", DATA, tolerance=0.02).passed
    assert pointer(folder)["tolerance"] == 0.02


def test_force_promotes_a_refused_candidate_and_says_so(folder: Path) -> None:
    directory = make_version(folder, "1.3.0-bad", 0.4, 0.4)
    decision = promote(folder, "1.3.0-bad", DATA, force=True, reason="rollback drill")
    assert not decision.passed
    assert pointer(folder)["forced"] is True and pointer(folder)["reason"] == "rollback drill"
    assert read_card(directory)["history"][-1]["forced"] is True


def test_the_next_candidate_is_compared_with_the_promoted_one(folder: Path) -> None:
    make_version(folder, "1.3.0-r1", TEST_F1 + 0.02, DEV_F1 + 0.02)
    promote(folder, "1.3.0-r1", DATA)
    make_version(folder, "1.3.0-r2", TEST_F1, DEV_F1)  # as good as 1.3.0, worse than 1.3.0-r1
    with pytest.raises(PromotionRefusedError, match=r"worse than 1\.3\.0-r1"):
        promote(folder, "1.3.0-r2", DATA)
    assert pointer(folder)["version"] == "1.3.0-r1"


def test_a_missing_figure_is_re_evaluated_on_the_real_model(folder: Path) -> None:
    make_version(folder, "1.3.0-r1", test=None, dev=DEV_F1)
    decision = promote(folder, "1.3.0-r1", DATA)
    figure = decision.candidate_figures["test"]
    assert figure is not None and figure.source == "re-evaluated"
    assert figure.value == pytest.approx(TEST_F1, abs=1e-4)  # the same artifacts as the bundled model
    assert decision.current_figures["test"] is not None and decision.current_figures["test"].source == "card"


def test_a_figure_measured_on_other_data_is_re_evaluated(folder: Path) -> None:
    directory = make_version(folder, "1.3.0-r1", test=0.1)
    card = read_card(directory)
    card["corpus"]["sha256"] = "0" * 64  # measured on another corpus: 0.1 means nothing here
    (directory / CARD).write_text(json.dumps(card), encoding="utf-8")
    decision = promote(folder, "1.3.0-r1", DATA)
    figure = decision.candidate_figures["test"]
    assert figure is not None and figure.source == "re-evaluated" and figure.value == pytest.approx(TEST_F1, abs=1e-4)


def test_without_a_figure_or_data_the_gate_refuses_unless_forced(folder: Path, tmp_path: Path) -> None:
    make_version(folder, "1.3.0-r1", test=None)
    no_corpus = EvaluationData(tmp_path / "no-corpus")
    with pytest.raises(PromotionRefusedError, match="cannot be compared") as refused:
        promote(folder, "1.3.0-r1", no_corpus)
    assert refused.value.decision.missing == ["test"]
    assert "--corpus DIR" in refused.value.message
    assert promote(folder, "1.3.0-r1", no_corpus, force=True).missing == ["test"]


def test_unknown_versions_and_negative_tolerances_are_refused(folder: Path) -> None:
    make_version(folder, "1.3.0-r1")
    with pytest.raises(ModelNotFoundError, match=r"no version '9\.9' .*1\.3\.0-r1"):
        promote(folder, "9.9", DATA)
    with pytest.raises(AnalyzerError, match="tolerance"):
        promote(folder, "messaging-1.3.0-r1", DATA, tolerance=-0.1)


# --- The pointer ----------------------------------------------------------------------------


def test_a_failed_pointer_write_changes_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_version(folder, "1.3.0-r1", TEST_F1 + 0.01)
    second = make_version(folder, "1.3.0-r2", TEST_F1 + 0.02)
    promote(folder, "1.3.0-r1", DATA)
    pointer_before, card_before = (folder / POINTER).read_bytes(), (second / CARD).read_bytes()
    replace = os.replace

    def disk_full_for_the_pointer(source: str, target: str) -> None:
        if Path(target).name == POINTER:
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(os, "replace", disk_full_for_the_pointer)
    with pytest.raises(OSError, match="No space"):
        promote(folder, "1.3.0-r2", DATA)
    monkeypatch.undo()
    assert (folder / POINTER).read_bytes() == pointer_before
    assert (second / CARD).read_bytes() == card_before  # its history does not claim a promotion
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_readers_never_see_half_a_pointer(folder: Path) -> None:
    make_version(folder, "1.3.0-r1")
    make_version(folder, "1.3.0-r2")
    promote(folder, "1.3.0-r1", DATA)
    seen: set[str] = set()
    failures: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.add(pointer(folder)["version"])
            except BaseException as exc:  # a torn read would land here
                failures.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for round_ in range(30):
            promote(folder, f"1.3.0-r{1 + round_ % 2}", DATA)
    finally:
        done.set()
        reader.join()
    assert failures == []
    assert seen == {"1.3.0-r1", "1.3.0-r2"}


def test_model_resolution_order(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    promoted = make_version(folder, "1.3.0-r1")
    assert resolve_model_dir(models_dir=folder) == DEFAULT_MODEL_DIR  # nothing promoted yet
    promote(folder, "1.3.0-r1", DATA)
    assert resolve_model_dir(models_dir=folder) == promoted
    monkeypatch.setenv("ANALYZER_MODELS_DIR", str(folder))
    assert resolve_model_dir() == promoted
    assert load_model().version == "1.3.0-r1"
    monkeypatch.setenv("ANALYZER_MODEL_DIR", str(tmp_path / "pinned"))
    assert resolve_model_dir() == tmp_path / "pinned"
    assert resolve_model_dir(tmp_path / "explicit") == tmp_path / "explicit"


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("{not json", ModelIntegrityError, "cannot be read"),
        ('{"version": "1"}', ModelIntegrityError, "names no model directory"),
        ('{"directory": "messaging-0.0.0"}', ModelNotFoundError, "which is not in"),
    ],
)
def test_a_broken_pointer_is_an_error_never_a_silent_fallback(
    folder: Path, content: str, error: type[Exception], message: str
) -> None:
    (folder / POINTER).write_text(content, encoding="utf-8")
    with pytest.raises(error, match=message):
        resolve_model_dir(models_dir=folder)


# --- The command line -----------------------------------------------------------------------


def test_models_list_shows_figures_dates_bases_and_status(folder: Path) -> None:
    shutil.copytree(DEFAULT_MODEL_DIR, folder / DEFAULT_MODEL_DIR.name)
    make_version(folder, "1.3.0-r1", 0.97, 0.93)
    (folder / ".messaging-1.3.0-r2.partial-123").mkdir()  # a version being written is not listed
    (folder / "messaging-broken").mkdir()

    listed = run_cli("models", "list", "--models-dir", str(folder))
    assert listed.returncode == 0, listed.stderr
    header, bundled, candidate = listed.stdout.splitlines()
    assert header.split() == ["version", "test", "F1", "held-out", "acc", "dev", "F1", "created", "base", "status"]
    assert bundled.split() == [
        "1.3.0",
        f"{TEST_F1:.4f}",
        "-",
        f"{DEV_F1:.4f}",
        BUNDLED["trained_at"],
        "-",
        "current",
        "(bundled)",
    ]
    assert candidate.split()[:4] == ["1.3.0-r1", "0.9700", "-", "0.9300"] and candidate.split()[5] == "1.3.0"
    assert "skipped messaging-broken" in listed.stderr

    promoted = run_cli("models", "promote", "1.3.0-r1", "--reason", "better", env={"ANALYZER_MODELS_DIR": str(folder)})
    assert promoted.returncode == 0, promoted.stderr
    assert promoted.stdout.startswith("promoted 1.3.0-r1; previously 1.3.0")
    rows = [
        json.loads(line)
        for line in run_cli("models", "list", "--json", "--models-dir", str(folder)).stdout.splitlines()
    ]
    assert [(r["version"], r["status"], r["base"]) for r in rows] == [
        ("1.3.0", "", None),
        ("1.3.0-r1", "promoted", "1.3.0"),
    ]


@contextmanager
def unwritable(directory: Path) -> Iterator[None]:
    """`directory` made unwritable for this process and its children, root included: its write
    bits cleared, and, where that does not stop the user (root), the immutable attribute set
    (`chattr +i`, which binds root too). Skips, saying why, when neither holds on this machine."""
    mode = directory.stat().st_mode
    directory.chmod(0o555)
    immutable = False
    try:
        if _can_create_in(directory) and shutil.which("chattr"):
            set_flag = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, text=True, check=False)
            immutable = set_flag.returncode == 0
        if _can_create_in(directory):
            pytest.skip(
                f"cannot make {directory} unwritable here: this user writes despite its mode and `chattr +i` "
                "is not available (CAP_LINUX_IMMUTABLE, or a file system without the attribute)"
            )
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
        directory.chmod(mode)


def _can_create_in(directory: Path) -> bool:
    try:
        tempfile.TemporaryFile(dir=directory).close()
    except OSError:
        return False
    return True


@pytest.mark.parametrize("which", ["models folder", "version folder"])
def test_models_promote_into_an_unwritable_folder_says_which_and_how_to_fix_it(folder: Path, which: str) -> None:
    candidate = make_version(folder, "1.3.0-r1")
    card = (candidate / CARD).read_bytes()
    refusing = folder if which == "models folder" else candidate
    with unwritable(refusing):
        promoted = run_cli("models", "promote", "1.3.0-r1", "--models-dir", str(folder))
    assert promoted.returncode == 2, promoted.stderr
    [line] = promoted.stderr.splitlines()
    assert line.startswith(f"error: [E041] {refusing} is not writable (")
    assert "--models-dir" in line and "ANALYZER_MODELS_DIR" in line
    assert not (folder / POINTER).exists()
    assert (candidate / CARD).read_bytes() == card


def test_models_promote_exits_1_with_the_figures_when_refused(folder: Path) -> None:
    make_version(folder, "1.3.0-r1", TEST_F1 - 0.1, DEV_F1)
    refused = run_cli("models", "promote", "1.3.0-r1", "--models-dir", str(folder))
    assert refused.returncode == 1
    first, *figures = refused.stderr.splitlines()
    assert first.startswith("error: refused: 1.3.0-r1 is worse than 1.3.0 on the corpus test split")
    assert any(f"{TEST_F1 - 0.1:.4f}" in line and "worse beyond the tolerance" in line for line in figures)
    assert "Traceback" not in refused.stderr
    assert not (folder / POINTER).exists()

    forced = run_cli("models", "promote", "1.3.0-r1", "--force", "--models-dir", str(folder))
    assert forced.returncode == 0 and "forced past the gate" in forced.stdout

    unknown = run_cli("models", "promote", "7.7.7", "--models-dir", str(folder))
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    assert "no version '7.7.7'" in unknown.stderr
    negative = run_cli("models", "promote", "1.3.0-r1", "--tolerance", "-1", "--models-dir", str(folder))
    assert negative.returncode == 2

"""The models folder: listing versions, the promotion gate, the pointer and how models resolve.

Every version here is a real model directory: the bundled model's verified artifacts (linked,
never modified) under a card whose version and figures a test sets.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from analyzer.errors import AnalyzerError, ModelIntegrityError, ModelNotFoundError
from analyzer.model import registry
from analyzer.model.artifacts import ARTIFACTS, load_model, read_card, sha256_file
from analyzer.model.paths import CARD, DEFAULT_MODEL_DIR, MODEL_VERSION, POINTER, resolve_model_dir
from analyzer.model.registry import EvaluationData, PromotionRefusedError, promote
from tests.conftest import CORPUS_DIR, DEVSET, run_cli

BUNDLED = read_card(DEFAULT_MODEL_DIR)
TEST_F1 = float(BUNDLED["metrics"]["test"]["macro_f1"])
DEV_F1 = float(BUNDLED["metrics"]["devset"]["macro_f1"])


def make_version(folder: Path, version: str, test: float | None = TEST_F1, dev: float | None = DEV_F1) -> Path:
    """A model directory with the bundled artifacts and a card of `version` with these figures."""
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
    (directory / CARD).write_text(json.dumps(card, indent=2), encoding="utf-8")
    return directory


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ANALYZER_MODEL_DIR", raising=False)
    monkeypatch.delenv("ANALYZER_MODELS_DIR", raising=False)
    models = tmp_path / "models"
    models.mkdir()
    return models


#: The data as it is on this machine: card figures measured on it count as they are.
DATA = EvaluationData(CORPUS_DIR, DEVSET if DEVSET.is_file() else None)


def pointer(folder: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((folder / POINTER).read_text(encoding="utf-8"))
    return result


# --- The gate -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "dev"),
    [(TEST_F1, DEV_F1), (TEST_F1 + 0.01, DEV_F1 + 0.03), (TEST_F1 - 0.009, DEV_F1 - 0.01)],
    ids=["equal", "better", "worse-within-tolerance"],
)
def test_a_candidate_not_worse_beyond_the_tolerance_is_promoted(folder: Path, test: float, dev: float) -> None:
    directory = make_version(folder, "1.2.0-r1", test, dev)
    artifacts = {name: sha256_file(directory / name) for name in ARTIFACTS.values()}

    decision = promote(folder, "1.2.0-r1", DATA, reason="corrections of week 12")

    assert decision.passed and decision.worse == []
    written = pointer(folder)
    assert written["version"] == "1.2.0-r1" and written["directory"] == "messaging-1.2.0-r1"
    assert written["reason"] == "corrections of week 12" and written["forced"] is False
    assert written["candidate"] == {"version": "1.2.0-r1", "test_macro_f1": test, "devset_macro_f1": dev}
    assert written["previous"] == {"version": MODEL_VERSION, "test_macro_f1": TEST_F1, "devset_macro_f1": DEV_F1}
    [event] = read_card(directory)["history"]
    assert event["event"] == "promoted" and event["reason"] == "corrections of week 12"
    assert event["candidate"] == written["candidate"] and event["at"] == written["at"]
    # The card changed; the artifacts it vouches for did not, and the model still verifies.
    assert {name: sha256_file(directory / name) for name in ARTIFACTS.values()} == artifacts
    assert load_model(directory).version == "1.2.0-r1"
    assert resolve_model_dir(models_dir=folder) == directory


@pytest.mark.parametrize(
    ("test", "dev", "worse"),
    [(TEST_F1 - 0.05, DEV_F1, ["test"]), (TEST_F1, DEV_F1 - 0.03, ["devset"]), (0.5, 0.5, ["test", "devset"])],
    ids=["test-split", "dev-set", "both"],
)
def test_a_candidate_worse_on_either_set_is_refused(folder: Path, test: float, dev: float, worse: list[str]) -> None:
    directory = make_version(folder, "1.2.0-r1", test, dev)
    card_before = (directory / CARD).read_bytes()

    with pytest.raises(PromotionRefusedError) as refused:
        promote(folder, "1.2.0-r1", DATA)

    assert refused.value.decision.worse == worse
    message = refused.value.message
    assert message.startswith(f"refused: 1.2.0-r1 is worse than {MODEL_VERSION}")
    assert f"{test:.4f}" in message and f"{TEST_F1:.4f}" in message and "--force" in message
    assert not (folder / POINTER).exists()
    assert (directory / CARD).read_bytes() == card_before
    assert resolve_model_dir(models_dir=folder) == DEFAULT_MODEL_DIR


def test_the_tolerance_decides_a_small_loss(folder: Path) -> None:
    make_version(folder, "1.2.0-r1", TEST_F1 - 0.02, DEV_F1)
    with pytest.raises(PromotionRefusedError):
        promote(folder, "1.2.0-r1", DATA)
    with pytest.raises(PromotionRefusedError):
        promote(folder, "1.2.0-r1", DATA, tolerance=0.0199)
    assert promote(folder, "1.2.0-r1", DATA, tolerance=0.02).passed
    assert pointer(folder)["tolerance"] == 0.02


def test_force_promotes_a_refused_candidate_and_says_so(folder: Path) -> None:
    directory = make_version(folder, "1.2.0-bad", 0.4, 0.4)
    decision = promote(folder, "1.2.0-bad", DATA, force=True, reason="rollback drill")
    assert not decision.passed
    assert pointer(folder)["forced"] is True and pointer(folder)["reason"] == "rollback drill"
    assert read_card(directory)["history"][-1]["forced"] is True


def test_the_next_candidate_is_compared_with_the_promoted_one(folder: Path) -> None:
    make_version(folder, "1.2.0-r1", TEST_F1 + 0.02, DEV_F1 + 0.02)
    promote(folder, "1.2.0-r1", DATA)
    make_version(folder, "1.2.0-r2", TEST_F1, DEV_F1)  # as good as 1.2.0, worse than 1.2.0-r1
    with pytest.raises(PromotionRefusedError, match=r"worse than 1\.2\.0-r1"):
        promote(folder, "1.2.0-r2", DATA)
    assert pointer(folder)["version"] == "1.2.0-r1"


def test_a_missing_figure_is_re_evaluated_on_the_real_model(folder: Path) -> None:
    make_version(folder, "1.2.0-r1", test=None, dev=DEV_F1)
    decision = promote(folder, "1.2.0-r1", DATA)
    figure = decision.candidate_figures["test"]
    assert figure is not None and figure.source == "re-evaluated"
    assert figure.macro_f1 == pytest.approx(TEST_F1, abs=1e-4)  # the same artifacts as the bundled model
    assert decision.current_figures["test"] is not None and decision.current_figures["test"].source == "card"


def test_a_figure_measured_on_other_data_is_re_evaluated(folder: Path) -> None:
    directory = make_version(folder, "1.2.0-r1", test=0.1)
    card = read_card(directory)
    card["corpus"]["sha256"] = "0" * 64  # measured on another corpus: 0.1 means nothing here
    (directory / CARD).write_text(json.dumps(card), encoding="utf-8")
    decision = promote(folder, "1.2.0-r1", DATA)
    figure = decision.candidate_figures["test"]
    assert (
        figure is not None and figure.source == "re-evaluated" and figure.macro_f1 == pytest.approx(TEST_F1, abs=1e-4)
    )


def test_without_a_figure_or_data_the_gate_refuses_unless_forced(folder: Path) -> None:
    make_version(folder, "1.2.0-r1", dev=None)
    no_devset = EvaluationData(CORPUS_DIR, None)
    with pytest.raises(PromotionRefusedError, match="cannot be compared") as refused:
        promote(folder, "1.2.0-r1", no_devset)
    assert refused.value.decision.missing == ["devset"]
    assert promote(folder, "1.2.0-r1", no_devset, force=True).missing == ["devset"]


def test_unknown_versions_and_negative_tolerances_are_refused(folder: Path) -> None:
    make_version(folder, "1.2.0-r1")
    with pytest.raises(ModelNotFoundError, match=r"no version '9\.9' .*1\.2\.0-r1"):
        promote(folder, "9.9", DATA)
    with pytest.raises(AnalyzerError, match="tolerance"):
        promote(folder, "messaging-1.2.0-r1", DATA, tolerance=-0.1)


# --- The pointer ----------------------------------------------------------------------------


def test_a_failed_pointer_write_changes_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_version(folder, "1.2.0-r1", TEST_F1 + 0.01)
    second = make_version(folder, "1.2.0-r2", TEST_F1 + 0.02)
    promote(folder, "1.2.0-r1", DATA)
    pointer_before, card_before = (folder / POINTER).read_bytes(), (second / CARD).read_bytes()
    replace = os.replace

    def disk_full_for_the_pointer(source: str, target: str) -> None:
        if Path(target).name == POINTER:
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(os, "replace", disk_full_for_the_pointer)
    with pytest.raises(OSError, match="No space"):
        promote(folder, "1.2.0-r2", DATA)
    monkeypatch.undo()
    assert (folder / POINTER).read_bytes() == pointer_before
    assert (second / CARD).read_bytes() == card_before  # its history does not claim a promotion
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_readers_never_see_half_a_pointer(folder: Path) -> None:
    make_version(folder, "1.2.0-r1")
    make_version(folder, "1.2.0-r2")
    promote(folder, "1.2.0-r1", DATA)
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
            promote(folder, f"1.2.0-r{1 + round_ % 2}", DATA)
    finally:
        done.set()
        reader.join()
    assert failures == []
    assert seen == {"1.2.0-r1", "1.2.0-r2"}


def test_model_resolution_order(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    promoted = make_version(folder, "1.2.0-r1")
    assert resolve_model_dir(models_dir=folder) == DEFAULT_MODEL_DIR  # nothing promoted yet
    promote(folder, "1.2.0-r1", DATA)
    assert resolve_model_dir(models_dir=folder) == promoted
    monkeypatch.setenv("ANALYZER_MODELS_DIR", str(folder))
    assert resolve_model_dir() == promoted
    assert load_model().version == "1.2.0-r1"
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
    import shutil

    shutil.copytree(DEFAULT_MODEL_DIR, folder / DEFAULT_MODEL_DIR.name)
    make_version(folder, "1.2.0-r1", 0.97, 0.93)
    (folder / ".messaging-1.2.0-r2.partial-123").mkdir()  # a version being written is not listed
    (folder / "messaging-broken").mkdir()

    listed = run_cli("models", "list", "--models-dir", str(folder))
    assert listed.returncode == 0, listed.stderr
    header, bundled, candidate = listed.stdout.splitlines()
    assert header.split() == ["version", "test", "F1", "dev", "F1", "created", "base", "status"]
    assert bundled.split() == [
        "1.2.0",
        f"{TEST_F1:.4f}",
        f"{DEV_F1:.4f}",
        BUNDLED["trained_at"],
        "-",
        "current",
        "(bundled)",
    ]
    assert candidate.split()[:3] == ["1.2.0-r1", "0.9700", "0.9300"] and candidate.split()[4] == "1.2.0"
    assert "skipped messaging-broken" in listed.stderr

    promoted = run_cli("models", "promote", "1.2.0-r1", "--reason", "better", env={"ANALYZER_MODELS_DIR": str(folder)})
    assert promoted.returncode == 0, promoted.stderr
    assert promoted.stdout.startswith("promoted 1.2.0-r1; previously 1.2.0")
    rows = [
        json.loads(line)
        for line in run_cli("models", "list", "--json", "--models-dir", str(folder)).stdout.splitlines()
    ]
    assert [(r["version"], r["status"], r["base"]) for r in rows] == [
        ("1.2.0", "", None),
        ("1.2.0-r1", "promoted", "1.2.0"),
    ]


def test_models_promote_exits_1_with_the_figures_when_refused(folder: Path) -> None:
    make_version(folder, "1.2.0-r1", TEST_F1 - 0.1, DEV_F1)
    refused = run_cli("models", "promote", "1.2.0-r1", "--models-dir", str(folder))
    assert refused.returncode == 1
    first, *figures = refused.stderr.splitlines()
    assert first.startswith("error: refused: 1.2.0-r1 is worse than 1.2.0 on the corpus test split")
    assert any(f"{TEST_F1 - 0.1:.4f}" in line and "worse beyond the tolerance" in line for line in figures)
    assert "Traceback" not in refused.stderr
    assert not (folder / POINTER).exists()

    forced = run_cli("models", "promote", "1.2.0-r1", "--force", "--models-dir", str(folder))
    assert forced.returncode == 0 and "forced past the gate" in forced.stdout

    unknown = run_cli("models", "promote", "7.7.7", "--models-dir", str(folder))
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    assert "no version '7.7.7'" in unknown.stderr
    negative = run_cli("models", "promote", "1.2.0-r1", "--tolerance", "-1", "--models-dir", str(folder))
    assert negative.returncode == 2

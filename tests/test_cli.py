"""The `analyzer` command end to end, in real processes on real files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.labels import LABELS
from analyzer.model.corpus import Document
from tests.conftest import ROOT, run_cli, small_training_set

FEATURE_TEXT = "Shiftwise 5 adds drag-and-drop rotas, payroll export to Xero and shift swaps from the app."


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_classify_files_and_stdin(tmp_path: Path) -> None:
    txt = write(tmp_path / "a.txt", FEATURE_TEXT)
    md = write(tmp_path / "b.md", "# Launch\n\n- real-time dashboards\n- a Salesforce connector\n")
    result = run_cli("classify", str(txt), str(md), "-", stdin=b"Join us at booth 412 to meet the team!")
    assert result.returncode == 0, result.stderr
    records = lines(result.stdout)
    assert [r["id"] for r in records] == [str(txt), str(md), "-"]
    for record in records:
        assert record["label"] in LABELS
        scores = record["scores"]
        assert isinstance(scores, dict) and set(scores) == set(LABELS)
        # Printed to two decimals: each is a multiple of 0.01, and they sum to 1 within rounding.
        assert all(round(score, 2) == score for score in scores.values())
        assert abs(sum(scores.values()) - 1.0) <= 0.015
    assert records[0]["label"] == "feature-pitch"


def test_classify_table_of_the_bundled_examples() -> None:
    examples = sorted(str(p) for p in (ROOT / "examples").iterdir())
    result = run_cli("classify", "--format", "table", *examples)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert len(rows) == len(examples)
    by_file = {row.split()[-1]: row.split()[0] for row in rows}
    assert by_file[str(ROOT / "examples" / "manual-invoicing.md")] == "case-for-change"
    assert by_file[str(ROOT / "examples" / "scheduling-features.md")] == "feature-pitch"
    assert by_file[str(ROOT / "examples" / "office-opening.txt")] == "awareness-only"


def test_jsonl_bad_lines_are_reported_and_the_rest_classified(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.jsonl",
        "\n".join(
            [
                json.dumps({"id": "good-1", "text": FEATURE_TEXT}),
                "{not json",
                json.dumps({"id": "empty", "text": "   "}),
                json.dumps({"id": "no-text"}),
                json.dumps({"id": "good-2", "text": "Join us at our spring meetup in Leeds!"}),
            ]
        ),
    )
    result = run_cli("classify", "--jsonl", str(source))
    assert result.returncode == 2
    assert [r["id"] for r in lines(result.stdout)] == ["good-1", "good-2"]
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert f"{source}:2" in errors[0] and "not valid JSON" in errors[0]
    assert f"{source}:3" in errors[1] and "empty" in errors[1]
    assert f"{source}:4" in errors[2] and '"text"' in errors[2]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\t", "is empty"),
        (b"caf\xe9 au lait, \xff\xfe", "not valid UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
    ],
)
def test_bad_files_get_a_one_line_error_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    bad = write(tmp_path / "bad.txt", content)
    good = write(tmp_path / "good.txt", FEATURE_TEXT)
    result = run_cli("classify", str(bad), str(good))
    assert result.returncode == 2
    assert [r["id"] for r in lines(result.stdout)] == [str(good)]
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_directory(tmp_path: Path) -> None:
    result = run_cli("classify", str(tmp_path / "nope.txt"), str(tmp_path))
    assert result.returncode == 2
    assert "No such file" in result.stderr and "is a directory" in result.stderr
    assert result.stdout == ""


def test_analyze_refuses_an_unknown_extension_unless_told_the_format(tmp_path: Path) -> None:
    odd = write(tmp_path / "draft.xyz", FEATURE_TEXT)
    good = write(tmp_path / "good.txt", FEATURE_TEXT)
    refused = run_cli("analyze", "--format", "json", "--no-suggestions", str(odd), str(good))
    assert refused.returncode == 2
    assert [r["source"] for r in lines(refused.stdout)] == [str(good)]  # the good file is still analyzed
    [error] = refused.stderr.splitlines()
    assert ".xyz is not a format the analyzer reads (it reads .txt, .md, .html, .pdf and .docx)" in error
    assert "--as text" in error and "Traceback" not in refused.stderr
    told = run_cli("analyze", "--format", "json", "--no-suggestions", "--as", "text", str(odd))
    assert told.returncode == 0, told.stderr
    [analysis] = lines(told.stdout)
    assert analysis["format"] == "text" and analysis["label"] == "feature-pitch"
    # --as reads Markdown from standard input too, and check takes the same option.
    markdown = run_cli(
        "analyze", "--format", "json", "--no-suggestions", "--as", "markdown", "-", stdin=b"# Launch\n\nNew."
    )
    assert markdown.returncode == 0 and lines(markdown.stdout)[0]["format"] == "markdown"
    checked = run_cli("check", str(odd))
    assert checked.returncode == 2 and "is not a format the analyzer reads" in checked.stdout
    assert run_cli("check", "--as", "text", "--min-score", "0", str(odd)).returncode == 0


def test_classify_without_input_is_a_usage_error() -> None:
    result = run_cli("classify")
    assert result.returncode == 2 and "name at least one FILE" in result.stderr


def test_tampered_model_is_refused_with_advice(small_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    target = tmp_path / "model"
    shutil.copytree(small_model_dir, target)
    with (target / "model.joblib").open("ab") as handle:
        handle.write(b"\x00")
    text = write(tmp_path / "a.txt", FEATURE_TEXT)
    for args in (["classify", "--model", str(target), str(text)], ["classify", str(text)]):
        env = {"ANALYZER_MODEL_DIR": str(target)}
        result = run_cli(*args, env=env)
        assert result.returncode == 2
        assert "does not match its card" in result.stderr and "analyzer train" in result.stderr
        assert "Traceback" not in result.stderr


def test_info_prints_the_card(small_model_dir: Path) -> None:
    result = run_cli("info", "--model", str(small_model_dir))
    assert result.returncode == 0
    assert json.loads(result.stdout)["name"] == "messaging-test"


def test_evaluate_reports_metrics(tmp_path: Path) -> None:
    labeled = write(
        tmp_path / "labeled.jsonl",
        "\n".join(
            json.dumps({"text": t, "label": lab})
            for t, lab in [
                (FEATURE_TEXT, "feature-pitch"),
                ("Join us at booth 412 at SaaStr Annual to meet the team!", "awareness-only"),
                (
                    "Buyers now finish 60% of their research alone, so a team waiting for demo requests is invisible.",
                    "case-for-change",
                ),
            ]
        ),
    )
    result = run_cli("evaluate", str(labeled), "--json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["n"] == 3 and 0 <= metrics["macro_f1"] <= 1
    text = run_cli("evaluate", str(labeled))
    assert "confusion" in text.stdout and "macro-F1" in text.stdout


def test_evaluate_rejects_a_bad_label_with_its_line(tmp_path: Path) -> None:
    labeled = write(tmp_path / "bad.jsonl", json.dumps({"text": "x y z", "label": "spam"}) + "\n")
    result = run_cli("evaluate", str(labeled))
    assert result.returncode == 2
    assert "bad.jsonl:1" in result.stderr and "spam" in result.stderr


@pytest.mark.slow
def test_train_from_the_cli_is_deterministic(tmp_path: Path, split: tuple[list[Document], list[Document]]) -> None:
    train = small_training_set(split[0], per_label=30)
    test = small_training_set(split[1], per_label=8)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [
        {
            "id": d.id,
            "text": d.text,
            "label": d.label,
            "doc_type": d.doc_type,
            "industry": d.industry,
            "sentences": [
                {"start": s.start, "end": s.end, "label": s.label, "rubric": list(s.rubric)} for s in d.sentences
            ],
        }
        for d in train + test
    ]
    write(corpus / "corpus.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    write(corpus / "split.json", json.dumps({"train": [d.id for d in train], "test": [d.id for d in test]}))
    cards = []
    for run in ("a", "b"):
        result = run_cli("train", "--corpus", str(corpus), "--out", str(tmp_path / run), "--version", "9.9.9")
        assert result.returncode == 0, result.stderr
        model_dir = tmp_path / run / "messaging-9.9.9"
        assert {p.name for p in model_dir.iterdir()} == {
            "model.joblib",
            "sentences.joblib",
            "model-card.json",
            "README.md",
            "reliability.svg",
        }
        cards.append(json.loads((model_dir / "model-card.json").read_text()))
    assert cards[0]["artifacts"] == cards[1]["artifacts"]
    assert cards[0]["metrics"] == cards[1]["metrics"]
    assert cards[0]["corpus"]["train"] == len(train) and cards[0]["corpus"]["test"] == len(test)
    assert cards[0]["analysis"] == cards[1]["analysis"] and "analysis_metrics" in cards[0]
    assert cards[0]["abstention"] == cards[1]["abstention"]
    svgs = [(tmp_path / run / "messaging-9.9.9" / "reliability.svg").read_bytes() for run in ("a", "b")]
    assert svgs[0] == svgs[1] and svgs[0].startswith(b"<svg")


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    help_text = run_cli("--help").stdout
    commands = re.findall(r"^  (\w+)\s", help_text.split("Commands:")[1], flags=re.MULTILINE)
    assert commands
    for command in commands:
        assert f"analyzer {command}" in readme, command


def test_check_fails_drafts_below_the_floor_like_a_linter(tmp_path: Path) -> None:
    change, features = str(ROOT / "examples" / "manual-invoicing.md"), str(ROOT / "examples" / "scheduling-features.md")
    passing = run_cli("check", change, "--min-score", "40", "--allow", "case-for-change")
    assert passing.returncode == 0, passing.stderr
    assert passing.stdout.startswith("ok")
    failing = run_cli("check", change, features, "--min-score", "40", "--format", "json")
    assert failing.returncode == 1
    records = {r["file"]: r for r in lines(failing.stdout)}
    assert records[change]["status"] == "ok" and records[features]["status"] == "error"
    assert "below 40" in str(records[features]["message"])
    github = run_cli("check", features, "--allow", "case-for-change", "--format", "github")
    assert github.returncode == 1
    first = github.stdout.splitlines()[0]
    assert first.startswith(f"::error file={features},title=Messaging::") and "reads as feature-pitch" in first


def test_check_reports_unreadable_files_with_exit_2(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.md", "")
    result = run_cli("check", str(empty), str(ROOT / "examples" / "webinar.txt"))
    assert result.returncode == 2
    assert "FAIL" in result.stdout and "empty" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_help_and_version_import_no_heavy_dependency() -> None:
    """`analyzer --help` lists every command without importing what the commands use."""
    script = (
        "import sys\n"
        "from analyzer.cli import main\n"
        "for args in (['--help'], ['--version'], ['models', '--help'], ['feedback', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = set(result.stdout.split())
    heavy = {"sklearn", "spacy", "numpy", "scipy", "fastapi", "matplotlib", "httpx", "sqlalchemy", "pydantic", "joblib"}
    assert not loaded & heavy


def test_option_defaults_spelled_out_for_a_fast_help_match_the_library() -> None:
    from analyzer.cli import analyze, models, train
    from analyzer.model import pipeline, registry
    from analyzer.model import train as training
    from analyzer.text import extract

    assert train.DEFAULT_SEED == pipeline.DEFAULT_SEED
    assert models.DEFAULT_TOLERANCE == registry.DEFAULT_TOLERANCE
    assert train.HOLDOUT_SHARE == training.HOLDOUT_SHARE
    assert analyze.FORMATS == extract.FORMATS

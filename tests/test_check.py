"""`analyzer check` as a linter: its floor and config files, sentences found on their lines, GitHub
annotations checked line by line against a draft with known weak sentences, the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from analyzer.audit.check.config import DEFAULT_MIN_SCORE, CheckConfigError, load_policy
from analyzer.audit.check.places import Place, locate
from tests.conftest import ANALYZER, run_cli

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "examples" / "scheduling-features.md"
CHANGE = ROOT / "examples" / "manual-invoicing.md"  # scores 77
#: A draft that makes a case for change with two feature sentences in it, on lines 6 and 7.
DRAFT = """# Month-end close is breaking your finance team

Every month your controllers lose three days to chasing invoices by email, and the backlog grows each quarter.
Regulators now expect audit trails that spreadsheets cannot give, so the old way no longer holds.

Our dashboard ships with **twelve new widgets** and a dark mode.
The export button supports CSV, PDF and XLSX files.

Each week you wait costs your team another day of rework and puts your next audit at risk.
We opened a new office in Lisbon last spring, next to our [partner's studio](https://example.com/studio).

By the end of the quarter your team should close the books in one day: start by mapping where approvals stall.
"""
WEAK = {3: (6, 1, 6, 63), 4: (7, 1, 7, 50)}  # sentence number -> line, col, endLine, endColumn
NEWS = 6  # "We opened a new office in Lisbon": it only informs, a weak sentence of another kind


def check(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ANALYZER, "check", *args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False)


# --- Where sentences are in the file ---------------------------------------------------------


def test_sentences_are_found_through_markup_tags_and_entities() -> None:
    source = (
        "# The degree filter\n\n"
        "It is **costing** you the people you need. A [link](http://x.y/z) here is fine.\n\n"
        "<p>Our <strong>platform</strong> ships &amp; scales.</p>\n"
    )
    places = locate(
        source,
        [
            "The degree filter",
            "It is costing you the people you need.",
            "A link here is fine.",
            "Our platform ships & scales.",
            "A sentence that is not there at all.",
        ],
    )
    assert places == [
        Place(1, 3, 1, 19),
        Place(3, 1, 3, 41),
        Place(3, 44, 3, 50),  # the link's URL splits it: found by its first words
        Place(5, 4, 5, 51),
        None,
    ]


def test_repeated_sentences_are_found_in_order() -> None:
    source = "Act now.\nAct now.\nAct now.\n"
    assert [p.line if p else None for p in locate(source, ["Act now."] * 3)] == [1, 2, 3]


@given(st.text(max_size=400), st.lists(st.text(max_size=80), max_size=8))
def test_locating_never_fails_on_any_text(source: str, sentences: list[str]) -> None:
    lines = source.split("\n")
    for place in locate(source, sentences):
        if place is not None:
            assert 1 <= place.line <= place.end_line <= len(lines)
            assert 1 <= place.col <= len(lines[place.line - 1]) + 1


# --- The policy ------------------------------------------------------------------------------


def test_the_closest_config_file_sets_the_policy(tmp_path: Path) -> None:
    assert load_policy(start=tmp_path).min_score == DEFAULT_MIN_SCORE == 40
    (tmp_path / "pyproject.toml").write_text("[tool.analyzer.check]\nmin-score = 55\n", encoding="utf-8")
    nested = tmp_path / "docs" / "blog"
    nested.mkdir(parents=True)
    assert load_policy(start=nested).min_score == 55
    (tmp_path / "docs" / ".analyzer.toml").write_text(
        '[check]\nmin-score = 70\nallow = ["case-for-change"]\n', encoding="utf-8"
    )
    policy = load_policy(start=nested)
    assert (policy.min_score, policy.allow, policy.source) == (
        70,
        ("case-for-change",),
        tmp_path / "docs" / ".analyzer.toml",
    )
    assert load_policy(min_score=10, start=nested).min_score == 10  # the command line wins
    assert load_policy(allow=("feature-pitch",), start=nested).allow == ("feature-pitch",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[check]\nmin-score = 101\n", "min-score must be a whole number from 0 to 100"),
        ("[check]\nmin-score = true\n", "min-score must be a whole number"),
        ('[check]\nallow = ["case for change"]\n', "allow must be a list of labels"),
        ("[check]\nminscore = 40\n", "unknown setting minscore"),
        ("check = 3\n", "[check] must be a table"),
        ("[check\n", "cannot read"),
    ],
)
def test_a_bad_config_is_refused_with_its_file_and_what_to_fix(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / ".analyzer.toml").write_text(content, encoding="utf-8")
    with pytest.raises(CheckConfigError, match=re.escape(message)) as raised:
        load_policy(start=tmp_path)
    assert ".analyzer.toml" in str(raised.value)


# --- The command ----------------------------------------------------------------------------


def test_by_default_a_draft_fails_below_40_and_a_config_raises_the_floor(tmp_path: Path) -> None:
    default = check(str(FEATURES), str(CHANGE), cwd=tmp_path)
    assert default.returncode == 1, default.stderr
    assert default.stdout.startswith(f"FAIL {FEATURES} (feature-pitch, 3/100): case-for-change score 3 is below 40")
    assert f"ok   {CHANGE} (case-for-change, 77/100): passes" in default.stdout

    (tmp_path / "pyproject.toml").write_text("[tool.analyzer.check]\nmin-score = 90\n", encoding="utf-8")
    raised = check(str(CHANGE), cwd=tmp_path)
    assert raised.returncode == 1 and "is below 90" in raised.stdout
    assert check(str(CHANGE), "--min-score", "70", cwd=tmp_path).returncode == 0

    (tmp_path / ".analyzer.toml").write_text("[check]\nmin-score = 'high'\n", encoding="utf-8")
    broken = check(str(CHANGE), cwd=tmp_path)
    assert broken.returncode == 2 and broken.stderr.startswith("error: [E025]") and "Traceback" not in broken.stderr


def test_a_missing_element_without_a_rewrite_comes_with_the_question_that_writes_it(tmp_path: Path) -> None:
    result = check(str(FEATURES), "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    [report] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    missing = [f["message"] for f in report["findings"] if f["kind"] == "missing-element"]
    parts = [part.strip() for message in missing for part in re.split(r" Also (?=missing: )", message)]
    # Each missing element comes with its rewrite, or the question the coaching asks about this
    # draft, or, where the draft gives nothing specific to ask (the future state here), only what
    # the element is: never a question that could be asked of any draft.
    answered = [p for p in parts if "To write it, answer: " in p]
    assert answered, parts
    for part in answered:
        assert re.search(r"To write it, answer: \S[^?]+\?$", part), part
        assert "Where does your reader need to be" not in part


def test_github_annotations_point_at_the_weak_sentences_line_by_line(tmp_path: Path) -> None:
    draft = tmp_path / "month-end, close.md"  # a comma and a colon-free name: the file property is escaped
    draft.write_text(DRAFT, encoding="utf-8")
    result = check(str(draft), "--min-score", "100", "--format", "github", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    escaped = str(draft).replace(",", "%2C")
    verdict = re.fullmatch(
        rf"::error file={re.escape(escaped)},title=Messaging::"
        r"case-for-change score (\d+) is below 100(?:; missing: (.+))?",
        lines[0],
    )
    assert verdict, lines[0]
    annotation = re.compile(
        rf"::warning file={re.escape(escaped)},line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),"
        r"title=([^:]+)::(.+)"
    )
    found = [annotation.fullmatch(line) for line in lines[1:]]
    assert lines[1:] and all(found), lines
    weak = {}
    for match in found:
        assert match is not None
        line, col, end_line, end_col = (int(match.group(k)) for k in range(1, 5))
        message = match.group(6)
        assert "%" not in message.replace("%25", "").replace("%0A", "")  # a literal % is escaped
        sentence = re.match(r"(?:.*?)Sentence (\d+) pitches a feature \(case for change \d+%25\)", message)
        if sentence:
            weak[int(sentence.group(1))] = (line, col, end_line, end_col)
        if "Missing: " in message:
            assert verdict.group(2) and "why change" in verdict.group(2)
        if "Try: " in message:
            assert re.search(r"\[[^\]]+\]", message.split("Try: ", 1)[1])  # a rewrite has placeholders to fill
    assert weak == WEAK  # exactly the two feature sentences, on their lines and columns
    starts = [int(m.group(1)) for m in found if m]
    assert starts == sorted(starts)  # in the order of the file


def test_json_and_text_findings_name_the_same_places(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    as_json = json.loads(check(str(draft), "--min-score", "100", "--format", "json").stdout)
    places = {(f["line"], f["col"]) for f in as_json["findings"]}
    assert {(line, col) for line, col, _, _ in WEAK.values()} <= places
    assert {f["sentence"] for f in as_json["findings"] if f["kind"] == "weak-sentence"} == {*WEAK, NEWS}
    text = check(str(draft), "--min-score", "100").stdout.splitlines()
    assert text[0].startswith(f"FAIL {draft} (") and len(text) == 1 + len(as_json["findings"])
    assert all(re.match(rf"  {re.escape(str(draft))}:\d+:\d+: ", line) for line in text[1:])


def test_the_pre_commit_hook_runs_as_pre_commit_would(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "analyzer-check")
    assert hook["language"] == "system" and {h["id"] for h in hooks} == {"analyzer-check", "analyzer-check-docker"}
    (tmp_path / "good.md").write_text(CHANGE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "notes.py").write_text("print('not prose')\n", encoding="utf-8")
    staged = [p.name for p in sorted(tmp_path.iterdir()) if re.search(hook["files"], p.name)]
    assert staged == ["good.md"]  # the hook's pattern picks the drafts, not the code
    entry = hook["entry"].split()
    assert entry[0] == "analyzer"
    env = {**os.environ, "PATH": f"{Path(ANALYZER).parent}{os.pathsep}{os.environ['PATH']}"}
    passing = subprocess.run(
        [*entry, *hook.get("args", []), *staged], cwd=tmp_path, capture_output=True, text=True, env=env, check=False
    )
    assert passing.returncode == 0, passing.stdout + passing.stderr
    (tmp_path / "weak.md").write_text(FEATURES.read_text(encoding="utf-8"), encoding="utf-8")
    failing = subprocess.run(
        [*entry, *hook.get("args", []), "good.md", "weak.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert failing.returncode == 1 and "FAIL weak.md" in failing.stdout


def test_readme_shows_the_hook_and_a_workflow() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "id: analyzer-check" in readme and "--format github" in readme and "actions/checkout" in readme
    assert run_cli("check", "--help").stdout.count("40") >= 1

"""The short versions of the load and fault scripts, so CI knows they still run and still hold.

No timing is asserted (CI machines are shared and noisy): only that nothing failed under a
little load, and that killing a worker fails at most the requests in flight and is recovered
from. The full runs and their figures are in docs/reliability.md and docs/benchmarks.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_script(name: str, *args: str, report: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *args, "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    findings: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return findings


def test_load_smoke_has_no_errors(tmp_path: Path) -> None:
    report = run_script("load.py", "--smoke", "--seconds", "3", report=tmp_path / "load.json")
    assert [step["endpoint"] for step in report["steps"]] == ["classify", "analyze"]
    for step in report["steps"]:
        assert step["requests"] == round(step["offered"] * step["seconds"])
        assert step["errors"] == 0, step["failures"]
    assert not report["traceback_in_log"]


def test_killing_a_worker_fails_only_requests_in_flight_and_is_recovered(tmp_path: Path) -> None:
    report = run_script("faults.py", "--only", "kill-worker", "--short", report=tmp_path / "faults.json")
    found = report["kill-worker"]
    assert found["passed"]
    assert found["unexplained"] == 0
    assert all(failure["status"] == 0 for failure in found["failures"])  # transport errors, never a 5xx
    assert found["answered_after_kill"] > 0
    assert found["replaced_after"] is not None
    assert found["victim"] not in found["workers_after"] and len(found["workers_after"]) == 2

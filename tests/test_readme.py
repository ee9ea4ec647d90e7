"""The README's examples print what the README shows (its console and pycon blocks, run for real).

A retrained model or a changed command shows up here as a diff of what moved; `make readme`
writes today's outputs into the README.
"""

from __future__ import annotations

import pytest

from tests.readme_examples import README, blocks, diff, regenerated

pytestmark = pytest.mark.slow


def test_every_readme_example_prints_what_the_readme_shows() -> None:
    readme = README.read_text(encoding="utf-8")
    found = blocks(readme)
    # The classify table and lines, the JSONL errors, check, and the Python session at least.
    assert len(found) >= 5 and sum(len(examples) for _, examples in found) >= 10
    updated = regenerated(readme)
    assert updated == readme, "the README's examples print something else now; run `make readme`:\n" + diff(
        readme, updated
    )

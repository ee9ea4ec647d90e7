"""Which section headings name a part of a case for change (`analyzer.analysis.named_sections`)."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.analysis.named_sections import Section, named_element, with_named_sections
from analyzer.model.rubric import ElementResult


@pytest.mark.parametrize(
    ("heading", "element"),
    [
        ("What waiting costs", "price_of_inaction"),
        ("## What standing still costs", "price_of_inaction"),
        ("What it costs to leave it", "price_of_inaction"),
        ("What a late fail costs", "price_of_inaction"),
        ("What a dirty line really costs", "price_of_inaction"),
        ("The hidden cost of doing nothing", "price_of_inaction"),
        ("Where to start", "future_state"),
        ("What good looks like", "future_state"),
        ("Why now", "why_change"),
        ("What has changed", "why_change"),
        # a price list, a case study's result, a feature list and a heading that only mentions waiting
        ("What it costs", None),
        ("What our service really costs", None),
        ("What changed", None),
        ("What we changed", None),
        ("Why teams choose us", None),
        ("Getting started", None),
        ("Yeast doesn't wait for your schedule", None),
    ],
)
def test_only_a_heading_that_names_the_element_counts(heading: str, element: str | None) -> None:
    assert named_element(heading) == element


def test_a_named_element_keeps_the_detectors_score_and_lists_its_section_best_first() -> None:
    missing = ElementResult(False, 0.05, ())
    detected = {"why_change": ElementResult(True, 0.7, (0,)), "price_of_inaction": missing, "future_state": missing}
    evidence = np.array([[0.7, 0.0, 0.0], [0.0, 0.01, 0.0], [0.0, 0.05, 0.0], [0.0, 0.02, 0.0]])
    sections = [Section("Why now", [0]), Section("What waiting costs", [1, 2, 3]), Section("Where to start", [])]
    found, named = with_named_sections(detected, sections, evidence)
    assert found["price_of_inaction"] == ElementResult(True, 0.05, (2, 3, 1))
    assert found["why_change"] == detected["why_change"]  # found by the detector: not "named"
    assert found["future_state"] == missing  # a heading with nothing under it answers nothing
    assert named == {"price_of_inaction": "What waiting costs"}

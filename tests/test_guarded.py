"""Guarded patterns answer exactly as their regex does, and skip it when no needle is in the text."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analyzer
from analyzer.analysis.suggest.evalset import load_drafts
from analyzer.model.corpus import load_corpus
from analyzer.model.train import DEFAULT_CORPUS_DIR
from analyzer.text.guarded import GuardedPattern, guarded, needles


@cache
def package_patterns() -> dict[str, GuardedPattern]:
    found: dict[str, GuardedPattern] = {}
    for module in pkgutil.walk_packages(analyzer.__path__, "analyzer."):
        if module.name.endswith("__main__") or ".migrations" in module.name:
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, GuardedPattern):
                found[f"{module.name}.{name}"] = value
    return found


def test_needles_are_the_strings_every_match_contains() -> None:
    assert needles(re.compile(r"\bclipboards?\b|\bby (?:eye|hand)\b|\bpaper (?:[a-z-]+ )?logs?\b")) == (
        "by eye",
        "by hand",
        "clipboard",
        "paper ",
    )
    # A part of a long stretch is enough: "free up" is in every match, and one needle beats twenty.
    assert needles(re.compile(r"\bfree (?:update|upgrade)s? for (?:all|every|each|existing|current)\b")) == ("free up",)
    # A rare mark alone is a needle; a space alone is in every text.
    assert needles(re.compile(r"%|\bper ?cent\b")) == ("%", "per cent", "percent")
    assert needles(re.compile(r"[A-Z]\w+ \d+")) is None
    # Lookarounds match nothing, so the literals on either side of one are still one needle.
    assert needles(re.compile(r"(?<!hand)made(?= by)")) == ("made",)
    # A branch with no literal, or any character, leaves nothing to test.
    assert needles(re.compile(r"\d+ minutes|.+ hours")) == (" hours", " minutes")
    assert needles(re.compile(r"\d+|.+ hours")) is None
    assert needles(re.compile(r"\w+")) is None
    # Case-blind patterns test case-folded needles.
    assert needles(re.compile(r"About Us|Founded In", re.IGNORECASE)) == ("about us", "founded in")


def test_a_guard_never_changes_an_answer_and_skips_the_texts_without_a_needle() -> None:
    pattern = guarded(r"(?<!finished )\bby (?:eye|hand)\b|\bspreadsheets?\b")
    assert pattern.search("They still plan it in a spreadsheet.") is not None
    assert pattern.search("Sewn by hand in Porto.") is not None
    assert pattern.search("Finished by hand.".lower()) is None  # the lookbehind still decides
    assert not pattern.could_match("Orders arrive by email.")
    assert pattern.findall("no needle here") == []
    assert pattern.sub("X", "no needle here") == "no needle here"
    blind = guarded(r"\binstall\b", re.IGNORECASE)
    assert blind.search("You can INSTALL it.") is not None
    # The regex engine pairs "i" with the dotless one when case-blind; the guard must as well.
    dotless = "\u0131nstall it"
    assert blind.search(dotless) is not None and re.search(r"\binstall\b", dotless, re.IGNORECASE) is not None


def real_lines() -> list[str]:
    """Every line of the eval set's drafts and every third document of the corpus, as written and
    lowered (the kinds search lowered sentences): 55,000 lines in about 20 s."""
    texts = [d.text for d in load_corpus(DEFAULT_CORPUS_DIR)][::3] + [d["text"] for d in load_drafts()]
    lines = {line.strip() for text in texts for line in re.split(r"(?<=[.!?])\s+|\n", text) if line.strip()}
    return sorted(lines | {line.lower() for line in lines})


def test_every_guarded_pattern_of_the_package_answers_as_its_regex_on_every_real_line() -> None:
    patterns = package_patterns()
    assert len(patterns) >= 30, "the sentence kinds' patterns are guarded"
    lines = real_lines()
    for name, pattern in patterns.items():
        assert pattern.needles, f"{name} is guarded but has no needles: it gains nothing"
        plain = [m.span() if m else None for m in map(pattern.regex.search, lines)]
        mine = [m.span() if m else None for m in map(pattern.search, lines)]
        wrong = [line for line, a, b in zip(lines, plain, mine, strict=True) if a != b]
        assert not wrong, f"{name} answers differently on {wrong[:3]}"
        skipped = sum(not pattern.could_match(line) for line in lines)
        assert skipped > len(lines) / 2, f"{name}: the guard skips too few lines to pay for itself"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_guards_agree_with_their_regex_on_text_made_of_their_own_needles(data: st.DataObject) -> None:
    """Text stitched from needles, their case changed and random letters between: the texts most
    likely to find a wrong needle."""
    patterns = package_patterns()
    name = data.draw(st.sampled_from(sorted(patterns)))
    pattern = patterns[name]
    assert pattern.needles is not None
    pieces = data.draw(
        st.lists(
            st.one_of(
                st.sampled_from(pattern.needles).map(lambda s: s.upper() if len(s) % 2 else s),
                st.text(alphabet="aeinost $%0123456789.,'\u2019\u0131-", max_size=6),
            ),
            max_size=8,
        )
    )
    text = " ".join(pieces)
    for method in ("search", "match"):
        plain = getattr(pattern.regex, method)(text)
        mine = getattr(pattern, method)(text)
        assert (plain and plain.span()) == (mine and mine.span()), (name, text)


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_a_pattern_without_needles_always_runs(flags: int) -> None:
    pattern = guarded(r"[A-Z]\w+ \d+", flags)
    assert pattern.needles is None
    assert pattern.search("Plazaline 2025") is not None

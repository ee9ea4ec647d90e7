"""Suggested rewrites on real drafts through the real Analyzer: targets, alternatives, honest scores."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer
from analyzer.analysis.suggest import TARGETS, Line, rewriters, score, suggest
from analyzer.analysis.suggest.argued import argued_targets, complaint
from analyzer.analysis.suggest.check import DEFAULT_CHECK_DIR, frame_phrases, load_check, mask, phrases_digest
from analyzer.analysis.suggest.choose import choose_targets
from analyzer.analysis.suggest.coaching import (
    CLAIM_QUESTION_ENDINGS,
    GENERAL_QUESTIONS,
    HEADLINE_QUESTION_ENDINGS,
    Focus,
    coaching_questions,
)
from analyzer.analysis.suggest.kinds import TARGET_KINDS, main_name, product_names, read_kinds
from analyzer.analysis.suggest.parse import clean, parser
from analyzer.analysis.suggest.slots import Slots
from analyzer.analysis.suggest.stakes import names_a_loss
from analyzer.analysis.suggest.targets import MAX_PLACEHOLDERS, PLACEHOLDER, make_rewrite
from analyzer.analysis.suggest.wellformed import problems
from analyzer.analysis.suggest.words import forms
from analyzer.errors import ModelIntegrityError
from analyzer.labels import CHANGE, LABELS
from analyzer.text.extract import extract

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = Path(__file__).resolve().parent / "drafts"
EVAL_SET = ROOT / "corpus" / "eval" / "rewrites.jsonl"
SCHEMA_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,200}\]")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def analyze(analyzer: Analyzer, name: str, **options: object) -> Analysis:
    path = DRAFTS / name
    return analyzer.analyze(
        extract(path.read_bytes(), filename=path.name), options=AnalyzeOptions(explanations=False, **options)
    )


def suggested(analysis: Analysis) -> list[str]:
    return [analysis.sentences[s.sentence].text for s in analysis.suggestions]


def ranked_targets(analyzer: Analyzer, name: str) -> list[str]:
    """The rules' targets in draft `name` with the claim ranker's choice first, as the product orders them."""
    path = DRAFTS / name
    extracted = extract(path.read_bytes(), filename=path.name)
    analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False, suggestions=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    headings = [(h.start, h.end) for h in extracted.headings]
    kinds = read_kinds(analysis.text, lines, headings)
    chosen, _ = score._chosen(lines, kinds, analysis.label, False, analyzer.claim_ranker)
    return [lines[i].text for i in chosen]


def targets(analysis: Analysis) -> list[str]:
    """Every sentence the editor's rules would rewrite, most important first, whether or not a frame fits it."""
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    kinds = read_kinds(analysis.text, lines, [])
    return [lines[i].text for i in choose_targets(lines, kinds, analysis.label, len(lines))]


# --- what is never a target -----------------------------------------------------------------

NEVER = {
    "feature-launch.md": [
        "Introducing Tallyflow 3",  # heading
        "Posted by Priya Raman",  # byline
        "What's new",  # heading
        "10:00 Welcome",  # agenda line
        "10:40 Questions",
        "Book a 20-minute demo",  # call to action
    ],
    "press-release.txt": [
        "Corvane Launches Shelfwise",  # headline
        "Store managers know their customers",  # a quote
        "Corvane builds analytics software",  # About boilerplate
        "Founded in 2019",
        "Media contact",
    ],
    "social-launch.txt": [
        "The spring planting season is here",  # a signpost to what follows
        "The field map loads up to 4x faster",  # a speed spec, not a customer's result
        "After two years of working out of a borrowed barn",  # office news
        "Huge credit to Lena",  # thanks
        "It's live for every customer today",  # availability
        "I'd love to hear what you think",  # a call to action
        "#agtech",
    ],
}


@pytest.mark.parametrize("name", sorted(NEVER))
def test_structure_quotes_and_boilerplate_are_never_targets(analyzer: Analyzer, name: str) -> None:
    analysis = analyze(analyzer, name)
    chosen = targets(analysis)
    assert chosen and analysis.main_claim is not None, f"{name} is a product piece: it must have targets"
    assert set(suggested(analysis)) <= set(chosen)
    for start in NEVER[name]:
        assert not [s for s in chosen if start in s], f"{start!r} was made a target in {name}"


def test_a_feature_piece_gets_its_launch_line_and_features(analyzer: Analyzer) -> None:
    launch = analyze(analyzer, "feature-launch.md")
    chosen = targets(launch)
    assert chosen[0].startswith("Today we're releasing Tallyflow 3")
    assert any(s.startswith("Tallyflow 3 routes every supplier invoice") for s in chosen)
    # A draft that never says "you" gets no form: the third person's "Until now, it took [who ...]"
    # was retired after round 35 (8 of 40 verdicts usable); its coaching still asks.
    assert launch.suggestions == [] and launch.coaching
    # Said to the reader, the one form editors used goes once, to the most important target.
    path = DRAFTS / "feature-launch.md"
    spoken = path.read_text(encoding="utf-8").replace("our invoice approval software", "your invoice approval software")
    addressed = analyzer.analyze(
        extract(spoken.encode(), filename=path.name), options=AnalyzeOptions(explanations=False)
    )
    assert suggested(addressed) == targets(addressed)[:1]
    assert [a.strategy for s in addressed.suggestions for a in s.alternatives] == ["feature-until-now-after.v1"]
    # A result without its old figure has nothing a rewrite could add that editors would use.
    press = analyze(analyzer, "press-release.txt")
    assert not any("reduced fresh food waste by 18%" in s for s in suggested(press))


@pytest.mark.parametrize("name", ["office-and-hiring.txt", "event-invitation.html", "anniversary-post.txt"])
def test_company_news_gets_no_rewrite_unless_asked_for(analyzer: Analyzer, name: str) -> None:
    analysis = analyze(analyzer, name)
    assert analysis.suggestions == [] and analysis.label == "awareness-only"
    # nor questions on how it could argue for change: news has no status quo (rounds 63 to 66:
    # useful 4 of 126 verdicts on pieces read as awareness), unless asked for
    assert analysis.coaching == {}
    asked_for = analyze(analyzer, name, include_news=True)
    # asked for, only what the piece gives something specific to ask about, and only what is missing
    assert set(asked_for.coaching) <= {e for e in TARGETS if not getattr(asked_for.rubric, e).present}
    assert all(asked_for.coaching.values())
    if name == "office-and-hiring.txt":
        # Asked for, news sentences are candidates like any other; like any other, they get a
        # suggestion only where a frame with a record fits (these are third-person news).
        analysis = analyze(analyzer, name, suggestions=False)
        lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
        kinds = read_kinds(analysis.text, lines, [])
        assert not choose_targets(lines, kinds, analysis.label, len(lines))
        asked = choose_targets(lines, kinds, analysis.label, len(lines), include_news=True)
        assert asked and all(kinds[i] == "news" for i in asked), "--include-news must let company news in"


def test_a_greeting_on_the_launch_line_is_kept_as_written_and_not_rewritten(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The greeting is under test, not the gate: the ranker gives this launch line 0.74, under it.
    monkeypatch.setattr(score, "REWRITE_CHANCE", 0.0)
    analysis = analyze(analyzer, "product-email.txt")
    launch = next(s for s in analysis.suggestions if s.original.startswith("Hi Dana, Berths and crane gangs"))
    for alternative in launch.alternatives:
        assert alternative.text.startswith("Hi Dana, ") and alternative.text.count("Hi Dana") == 1
        rest = alternative.text.removeprefix("Hi Dana, ")
        assert rest[:1].islower() or rest.startswith("Berths and crane gangs"), rest  # the letter goes on
        assert "crane gangs" in rest and not problems(rest[:1].upper() + rest[1:], parser()), rest
        for placeholder in alternative.placeholders:
            assert SCHEMA_PLACEHOLDER.fullmatch(alternative.text[placeholder.start : placeholder.end])


def test_a_press_releases_dateline_stays_in_front_of_every_rewrite(analyzer: Analyzer) -> None:
    text = (
        "DENVER, April 2, 2026 -- Tallyflow, a maker of accounts payable software, today launched Route, which "
        "sends every supplier invoice to the approver who owns its budget.\n\n"
        "Route reads the purchase order behind each invoice and your approvers sign off from one email link.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    launch = next(s for s in analysis.suggestions if "today launched Route" in s.original)
    assert launch.original.startswith("DENVER, April 2, 2026 -- ")
    for alternative in launch.alternatives:
        assert alternative.text.startswith("DENVER, April 2, 2026 -- "), alternative.text
        assert "Tallyflow, a maker of accounts payable software, today launched Route" in alternative.text
        assert not problems(alternative.text, parser()), alternative.text


def test_a_draft_that_never_speaks_to_its_reader_gets_no_frame_that_does(analyzer: Analyzer) -> None:
    analysis = analyze(analyzer, "press-release.txt")  # third person throughout, like any release
    assert analysis.main_claim is not None and analysis.coaching  # its questions, for the writer
    for suggestion in analysis.suggestions:
        for alternative in suggestion.alternatives:
            published = SCHEMA_PLACEHOLDER.sub("", alternative.text)  # the questions are for the writer
            assert not re.search(r"\byou(?:r|rs)?\b", published, re.IGNORECASE), alternative.text


def test_headlines_the_readers_way_today_and_rivals_are_not_targets(analyzer: Analyzer) -> None:
    text = (
        "Loadwise launches deck plans for ferry operators\n\n"
        "On most of your routes the deck is still loaded by eye, by a crew member with a clipboard.\n\n"
        "Unlike Deckmaster's paper sheets, Loadwise plans every sailing from the booking system.\n\n"
        "Loadwise plans each sailing's deck from the bookings, so the crew no longer guesses where the last "
        "lorry will fit.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    chosen = targets(analysis)
    assert chosen and all(s.startswith("Loadwise plans each sailing") for s in chosen), chosen
    # It says the old way itself ("no longer guesses"), and so does the draft ("loaded by eye"):
    # "Until now, your team had to [...]" after it would repeat what the reader just read.
    assert analysis.suggestions == []


def test_what_readers_told_us_availability_and_pilots_are_not_targets(analyzer: Analyzer) -> None:
    text = (
        "Pallo 5: shift swaps without the group chat\n\n"
        "Store managers have told us the same thing for a year: the rota is out of date by Tuesday.\n\n"
        "A shift lead should know who is covering the till before the doors open.\n\n"
        "Nine stores in Leeds tried Pallo 5 for six weeks before launch.\n\n"
        "Shift swaps are live today for all Pallo accounts.\n\n"
        "Version 5.2 is a free update for all stores on an active support plan.\n\n"
        "This release is mostly about the week after the rota goes out.\n\n"
        '"We stopped texting people at midnight," says Ana Roy, who runs three stores in Hull.\n\n'
        "Pallo 5 lets staff swap a shift with a colleague from their phone, and the manager approves it with "
        "one tap before the rota changes.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False, suggestions=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    kinds = dict(zip([s.text.split(" ")[0] for s in analysis.sentences], read_kinds(analysis.text, lines), strict=True))
    for start in ("Store", "A", "Nine", "Shift", "Version", "This", '"We'):
        assert kinds[start] not in TARGET_KINDS, (start, kinds)
    assert read_kinds(analysis.text, lines)[-1] in TARGET_KINDS  # the feature itself still is


def test_kinds_of_the_structure_lines(analyzer: Analyzer) -> None:
    path = DRAFTS / "event-invitation.html"
    extracted = extract(path.read_bytes(), filename=path.name)
    analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False, suggestions=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    kinds = dict(
        zip(
            [s.text for s in analysis.sentences],
            read_kinds(analysis.text, lines, [(h.start, h.end) for h in extracted.headings]),
            strict=True,
        )
    )
    by_start = {text.split(" ")[0]: kind for text, kind in kinds.items()}
    assert by_start["Thursday"] in {"heading", "dateline", "schedule"}  # the date and time line
    assert by_start["Bring"] == "cta"
    assert by_start["Our"] == "news"  # the keynote speaker
    assert by_start["Registration"] not in TARGET_KINDS


def test_a_piece_that_already_argues_targets_its_bare_product_sentence_and_asks_nothing(analyzer: Analyzer) -> None:
    analysis = analyze(analyzer, "already-argues.md")
    assert analysis.label == CHANGE
    assert [s.startswith("Closewise matches") for s in targets(analysis)][:1] == [True]
    # The sentence model reads that sentence as arguing too, and the draft has just said how
    # finance teams reconcile today: "Until now, your team had to [...]" would repeat it.
    assert analysis.suggestions == []


@pytest.mark.parametrize(
    "name", ["feature-launch.md", "press-release.txt", "already-argues.md", "office-and-hiring.txt"]
)
def test_the_main_claim_is_the_first_target_with_or_without_a_rewrite(analyzer: Analyzer, name: str) -> None:
    analysis = analyze(analyzer, name)
    unparsed = analyze(analyzer, name, suggestions=False)
    assert unparsed.main_claim == analysis.main_claim  # read by patterns alone, without the parser
    if name == "office-and-hiring.txt":
        assert analysis.main_claim is None  # company news: nothing to work on unless asked for
        return
    claim = analysis.main_claim
    assert claim is not None and claim.text == analysis.sentences[claim.sentence].text
    assert claim.text == ranked_targets(analyzer, name)[0]
    assert analysis.text[claim.start : claim.end] == claim.text
    if analysis.suggestions:
        assert analysis.suggestions[0].sentence == claim.sentence


# --- what a suggestion carries ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["feature-launch.md", "press-release.txt"])
def test_alternatives_keep_the_originals_facts_and_are_sentences_to_paste(analyzer: Analyzer, name: str) -> None:
    analysis = analyze(analyzer, name)
    assert analysis.schema_version == "1.3"
    nlp = parser()
    frames_used: list[str] = []
    for s in analysis.suggestions:
        sentence = analysis.sentences[s.sentence]
        assert (s.start, s.end) == (sentence.start, sentence.end) and analysis.text[s.start : s.end] == sentence.text
        assert 1 <= len(s.alternatives) <= 3
        assert len({a.move for a in s.alternatives}) == len(s.alternatives) and {a.move for a in s.alternatives} <= set(
            TARGETS
        )
        first = s.alternatives[0]
        assert (s.target, s.strategy, s.rewrite, s.gain) == (first.move, first.strategy, first.text, first.gain)
        assert s.placeholders == [first.text[p.start : p.end] for p in first.placeholders]
        kept = _facts(nlp, clean(s.original))
        for alternative in s.alternatives:
            frames_used.append(alternative.strategy)
            text = alternative.text.lower()
            assert all(word in text for word in kept), f"{alternative.text!r} lost one of {kept}"
            assert not problems(alternative.text, nlp), alternative.text
            assert len(alternative.placeholders) <= MAX_PLACEHOLDERS
            assert [m.group(0) for m in SCHEMA_PLACEHOLDER.finditer(alternative.text)] == [
                alternative.text[p.start : p.end] for p in alternative.placeholders
            ]
            for p in alternative.placeholders:
                assert p.question.endswith("?") and p.question[0].isupper()
            assert alternative.rationale.endswith(".")
            assert alternative.check is not None and alternative.check.model == "rewrite-check-1.3.0"
            assert alternative.gain == pytest.approx(
                alternative.scores_after["case-for-change"] - _original_score(analyzer, s.original), abs=1e-5
            )
    assert len(frames_used) == len(set(frames_used)), "a frame was used twice in one document"


def _facts(nlp: Language, sentence: str) -> list[str]:
    """The sentence's nouns, names and numbers, lowercased: what a recast must keep."""
    return [t.lower_ for t in nlp(sentence) if (t.pos_ in {"NOUN", "PROPN", "NUM"} and t.is_alpha) or t.like_num]


def _original_score(analyzer: Analyzer, sentence: str) -> float:
    return float(analyzer.sentence_probabilities([clean(sentence).rstrip(":;, ") + "."])[0][LABELS.index(CHANGE)])


def test_scores_after_are_computed_on_text_with_neutral_stand_ins(analyzer: Analyzer) -> None:
    path = DRAFTS / "product-email.txt"
    extracted = extract(path.read_bytes(), filename=path.name)
    analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False, suggestions=False))
    seen: list[str] = []

    def recording(texts: Sequence[str]) -> np.ndarray:
        seen.extend(texts)
        return analyzer.sentence_probabilities(texts)

    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    advice = suggest(lines, recording, text=analysis.text, headings=[(h.start, h.end) for h in extracted.headings])
    assert advice.suggestions
    assert seen and not any("[" in text or "]" in text for text in seen), "the scorer read an unfilled placeholder"
    social = DRAFTS / "social-launch.txt"  # its alternatives ask questions
    extracted = extract(social.read_bytes(), filename=social.name)
    analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False, suggestions=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    asked = suggest(lines, recording, text=analysis.text, headings=[(h.start, h.end) for h in extracted.headings])
    shown = [a.rewrite.text for s in asked.suggestions for a in s.alternatives]
    assert any(PLACEHOLDER.search(t) for t in shown)
    assert not any("[" in text or "]" in text for text in seen), "the scorer read an unfilled placeholder"


def test_the_same_input_gives_the_same_suggestions(analyzer: Analyzer) -> None:
    first = analyze(analyzer, "feature-launch.md").suggestions
    assert first == analyze(analyzer, "feature-launch.md").suggestions


@pytest.mark.parametrize("name", ["feature-launch.md", "press-release.txt", "kennel-launch.txt", "product-email.txt"])
def test_the_parser_reads_only_the_targets_whose_reading_is_used(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The parser is a suggestion's costliest step: a target too far down for a rewrite, or one
    the ranker gives too little chance, is parsed only if it is a result (the coaching asks about
    its measure). The advice is the same as with every target parsed."""
    parsed: list[str] = []
    read_targets = score.read_targets

    def recorded(sentences: Sequence[str], *args: object) -> list[Slots | None]:
        parsed.extend(sentences)
        return read_targets(sentences, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(score, "read_targets", recorded)
    lean = analyze(analyzer, name)
    lean_parsed = list(parsed)
    parsed.clear()
    monkeypatch.setattr(score, "_to_parse", lambda chosen, kinds, rewritable: list(chosen))
    whole = analyze(analyzer, name)
    assert (lean.suggestions, lean.coaching, lean.main_claim) == (whole.suggestions, whole.coaching, whole.main_claim)
    assert set(lean_parsed) < set(parsed), f"{name}: every target was parsed"


def test_coaching_asks_about_the_documents_own_subject(analyzer: Analyzer) -> None:
    analysis = analyze(analyzer, "press-release.txt")
    missing = [e for e in TARGETS if not getattr(analysis.rubric, e).present]
    # every missing element the draft gives something to ask about: not the future state (no
    # question of the claim's destination, rounds 61 to 68; the general one retired)
    assert missing and set(analysis.coaching) == set(missing) - {"future_state"}
    for questions in analysis.coaching.values():
        assert 1 <= len(questions) <= 3 and all(q.endswith("?") for q in questions)
    # The release says no complaint of its own: its main claim is quoted back as it stands (the
    # launch line, without its dateline: claim-ranker 1.3.0 puts it a hair over the pilot's result,
    # 1.2.0 put the result first), and never a template around the name it repeats most ("going
    # without Corvane": its maker's name, judged generic or wrong every time), nor a topic word
    # lifted from the product copy, nor a problem quoted from another industry.
    claim = "\u201cCorvane, a maker of retail analytics software, today launched Shelfwise, an app that forecasts"
    assert analysis.main_claim is not None and analysis.main_claim.text.startswith("BOSTON, May 12, 2026 -- ")
    assert analysis.main_claim.text.endswith(
        claim[1:] + " demand for every fresh product in every store, every morning."
    )
    assert analysis.coaching["why_change"][0].startswith(claim)
    for questions in analysis.coaching.values():
        for question in questions:
            asked = question.rsplit("\u201d", 1)[-1]  # the question without the draft's quoted sentence
            assert "Corvane" not in asked and "\u201c" not in asked, question
    assert coaching_questions([], Focus()) == {}
    with pytest.raises(ValueError, match="unknown rubric"):
        coaching_questions(["why"], Focus())


def test_coaching_never_quotes_a_price_but_the_best_target_after_it(analyzer: Analyzer) -> None:
    price = (
        "Kelpline costs $40 per buoy per season, and most oyster farms need one buoy for every twelve acres of lease."
    )
    feature = (
        "Each buoy logs water temperature and salinity and texts your crew when a reading drifts outside the range "
        "your shellfish permit allows."
    )
    analysis = analyzer.analyze(
        f"# Kelpline pricing\n\n{price}\n\n{feature}\n", options=AnalyzeOptions(explanations=False)
    )
    assert analysis.main_claim is not None and analysis.main_claim.text == price  # the ranker's first: the price
    asked = [q for questions in analysis.coaching.values() for q in questions]
    assert asked and all(q.startswith(f"\u201c{feature}\u201d ") for q in asked), asked
    # with nothing but the price, nothing to quote and no question: the checklist still says what is missing
    alone = analyzer.analyze(f"# Kelpline pricing\n\n{price}\n", options=AnalyzeOptions(explanations=False))
    assert alone.coaching == {} and not alone.rubric.why_change.present


def test_coaching_builds_on_the_drafts_own_complaint_and_claim(analyzer: Analyzer) -> None:
    invoices = analyze(analyzer, "feature-launch.md")  # says no complaint of its own: its main claim
    irrigation = analyze(analyzer, "social-launch.txt")  # its main claim: reading soil moisture probes
    # the main claim quoted back, instead of a paraphrase of what the parse reads of it
    assert invoices.main_claim is not None
    assert invoices.coaching["why_change"] == [
        f"\u201c{invoices.main_claim.text}\u201d What do your readers do today without this, and why does that way "
        "no longer hold?",
    ]
    assert not any(q.startswith(("Before ", "Until ", "Once ")) for qs in invoices.coaching.values() for q in qs)
    for analysis in (invoices, irrigation):
        assert analysis.coaching, "a feature piece lacks elements of a case for change"
        for element, questions in analysis.coaching.items():
            assert 1 <= len(questions) <= 3, element
    specific = {q for a in (invoices, irrigation) for qs in a.coaching.values() for q in qs if "\u201d What" in q}
    assert {q.split("\u201d")[0][:12] for q in specific} == {
        f"\u201c{invoices.main_claim.text[:11]}",
        "\u201cFieldnote n",
    }


def test_coaching_quotes_the_drafts_complaint_and_asks_about_what_its_main_claim_lets_people_do(
    analyzer: Analyzer,
) -> None:
    text = (
        "# Quaywise 3 for port planners\n\n"
        "Most harbour offices still plan berths on a whiteboard and phone each crane gang when a ship runs late.\n\n"
        "With Quaywise 3, your planners can move any call with one drag, and Quaywise texts the gang leaders whose "
        "shifts changed.\n\n"
        "Plans start at $400 per berth per month.\n"
    )
    coaching = analyzer.analyze(text, options=AnalyzeOptions(explanations=False)).coaching
    complaint = "\u201cMost harbour offices still plan berths on a whiteboard"
    assert coaching["why_change"][0].startswith(complaint)
    assert coaching["price_of_inaction"][0].startswith(complaint)
    # the future state is never asked of the claim, whoever the readers serve (rounds 61 to 68)
    assert "future_state" not in coaching
    serving = analyzer.analyze(text.replace("plan berths", "plan your clients' berths"), options=AnalyzeOptions())
    assert "future_state" not in serving.coaching
    # the claim quoted, never paraphrased beside it ("Before your readers' planners could move any call")
    assert not any(q.startswith(("Before ", "Until ", "Once ", "With a way")) for qs in coaching.values() for q in qs)
    # The product's name alone ("What does going without Quaywise cost ...") is never asked.
    assert not any("going without Quaywise" in q for qs in coaching.values() for q in qs)
    # Without suggestions (and without the parser) the complaint and the main claim are still quoted.
    plain = analyzer.analyze(text, options=AnalyzeOptions(explanations=False, suggestions=False)).coaching
    assert plain["price_of_inaction"] == coaching["price_of_inaction"][:2]  # the complaint, the main claim


def test_coaching_quotes_a_feature_pitchs_main_claim_when_it_finds_nothing_more_specific(analyzer: Analyzer) -> None:
    # No complaint of the draft's own and no figure it moved: the main claim itself is quoted, so
    # the writer sees which sentence to argue for.
    text = (
        "# Costume hire for period shows\n\n"
        "Every costume is fitted to your cast from our stock of 22,000 pieces, and each actor gets photos to approve "
        "before anything is sent.\n\n"
        "The costumes arrive the week before your dress rehearsal, with spare buttons, hooks and a repair kit in "
        "every hamper.\n\n"
        "A two-week hire costs 1,950 pounds plus VAT, and a third week adds 450 pounds.\n\n"
        "Book a fitting call today.\n"
    )
    claim = "\u201cEvery costume is fitted to your cast from our stock of 22,000 pieces"
    for suggestions in (True, False):  # with the parser and without it
        analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False, suggestions=suggestions))
        assert analysis.label == "feature-pitch" and analysis.main_claim is not None
        assert analysis.main_claim.text.startswith("Every costume is fitted")
        # the main claim is never asked where it leads (rounds 61 to 68), and the general question that
        # replaced it asked what the checklist says (useful 0 times of 500): no future-state question
        assert set(analysis.coaching) == {"why_change", "price_of_inaction"}
        assert not analysis.rubric.future_state.present
        for element in ("why_change", "price_of_inaction"):
            questions = analysis.coaching[element]
            assert questions[0].startswith(claim), questions
            assert not set(questions) & GENERAL_QUESTIONS
        assert analysis.coaching["why_change"][0].endswith(
            "sent.\u201d What do your readers do today without this, and why does that way no longer hold?"
        )


def test_the_main_claim_is_quoted_only_when_nothing_else_is_found_and_it_stands_alone() -> None:
    everything = ["why_change", "price_of_inaction", "future_state"]
    # where the claim leads: the draft says (rounds 61 and 62), and with the product set aside it
    # was useful 4 times of 40 (rounds 63 to 68), for businesses' readers or anyone else's
    for customers in (True, False):
        quoted = coaching_questions(
            everything, Focus(claim="- Wigs and hats can be added to any hire", customers=customers)
        )
        assert "future_state" not in quoted
        assert quoted["why_change"][0].startswith("\u201c- Wigs and hats")
    # the draft's complaint first, then the main claim
    complaint = Focus(complaint="Most theatres still hire costumes piece by piece.", claim="Wigs come free.")
    asked = coaching_questions(everything, complaint)["why_change"]
    assert [q[:12] for q in asked] == ["\u201cMost theatr", "\u201cWigs come f"]
    # a claim that points back at an earlier sentence, tells a past year, or runs to a paragraph
    for claim in (
        "This year we've brought together three people who can answer them.",
        "It ships with every hamper.",
        "In 2024 we developed 31,212 rolls of film at our lab in Leeds.",
        " ".join(["word"] * 41) + ".",
    ):
        assert coaching_questions(everything, Focus(claim=claim)) == {}, claim
    # "this year" opens a claim that stands alone
    this_year = coaching_questions(["why_change"], Focus(claim="This year every hamper carries a repair kit."))
    assert this_year["why_change"][0].startswith("\u201cThis year every hamper")


def test_an_announcements_main_claim_is_quoted_only_when_it_says_what_is_new(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A piece that announces: its first target is as often its story's opening, so the general
    # questions stay, unless the claim says what is new (round 45: "today introduced ..."). The
    # ranker gives this claim under an even chance, so `CLAIM_CHANCE` is lifted to see the rule.
    monkeypatch.setattr(score, "CLAIM_CHANCE", 0.0)
    text = (
        "# Stage wardrobes for period shows\n\n"
        "Hartwell Costume Hire dresses amateur and touring companies across the north of England.\n\n"
        "The costumes arrive the week before your dress rehearsal, and we collect them on the Monday after your last "
        "show.\n\n"
        "Every costume is cleaned and pressed before it leaves our store in Halifax.\n\n"
        "Call us to book a fitting.\n"
    )
    assert analyzer.analyze(text, options=AnalyzeOptions(explanations=False)).coaching == {}  # news: no coaching
    asked = AnalyzeOptions(explanations=False, include_news=True)  # unless asked for: then the rule under test
    analysis = analyzer.analyze(text, options=asked)
    assert analysis.label == "awareness-only"
    assert analysis.main_claim is None or not any(
        q.startswith("\u201c") for qs in analysis.coaching.values() for q in qs
    )
    assert analysis.coaching == {}  # nothing to quote, and no headline asked of news
    news = text.replace("The costumes arrive", "From this month the costumes arrive")
    analysis = analyzer.analyze(news, options=asked)
    assert analysis.label == "awareness-only" and analysis.main_claim is not None
    assert analysis.main_claim.text.startswith("From this month")
    assert analysis.coaching["why_change"][0].startswith("\u201cFrom this month the costumes arrive")


def test_a_before_and_after_is_quoted_up_to_its_after(analyzer: Analyzer) -> None:
    # Round 36: a satisfied customer's before-and-after, quoted whole, read as the complaint.
    text = (
        "# Slipway 2 is out today\n\n"
        "Slipway 2 shows every free berth to visiting boaters, and Slipway takes the deposit when they book.\n\n"
        "\u201cWe used to spend Friday evenings ringing boaters about unpaid berths; now the deposits are in before "
        "the boats arrive,\u201d said the harbour master at Port Tenby.\n"
    )
    coaching = analyzer.analyze(text, options=AnalyzeOptions(explanations=False)).coaching
    quoted = [
        q
        for questions in coaching.values()
        for q in questions
        if q.startswith("\u201c") and not q.endswith(CLAIM_QUESTION_ENDINGS)  # the complaint, not the main claim
    ]
    assert quoted and all(
        q.startswith("\u201cWe used to spend Friday evenings ringing boaters about unpaid berths.\u201d")
        for q in quoted
    )


@pytest.mark.parametrize(
    ("opening", "quoted"),
    [
        # a tagline, the new way told as what users do, an FAQ's answer: described, not complained of
        ("Software for marina operators, priced by the slip you rent.", False),
        ("Boaters book a slip online from your website or a text message link.", False),
        ("No: we import your berth list from a spreadsheet or your current system for free.", False),
        ("Harbour staff can then move a boat to another pontoon before the storm arrives.", False),
        ("Bookings confirmed in minutes, not days of email.", False),
        ("On the Starter plan, you can keep entering berth prices by hand.", False),
        ("Harbour offices tell us invoicing goes from two days to an afternoon.", False),
        # a pain, a habit, the old way told in the draft's own words
        ("Most marinas still take slip bookings by phone and lose weekend boaters to the harbour next door.", True),
        ("Until now, harbour masters kept the berth plan in a ring binder and rang every owner themselves.", True),
        ("Visiting boaters don't wait for a call back, and they sail on to the next harbour.", True),
        # naming the product, but telling the old way or what readers said
        ("Until now, a marina that used both Slipway and a till had to enter each booking twice.", True),
        ("You told us that Friday nights at Slipway start with a queue of boaters and a clipboard.", True),
        # what the old way "can take"; a habit told with "with"; the old way's tools and backlog
        ("Bookings by phone can take two days to confirm, and a berth held for a no-show earns nothing.", True),
        ("Booking by phone with a tide table on the desk means a wrong berth every busy weekend.", True),
        ("Every berth change was written on a whiteboard in the harbour office.", True),
        # a product sentence that says what it makes happen, or the result of switching to it; the
        # product's own clause further in; advice to the reader; what it can do "while still" ...
        ("If a boater has not paid by noon, the system will text them a link and hold the berth.", False),
        ("Don't wait until the season starts to check which pontoons still need new cleats.", False),
        ("The opportunity is to fill more weekend berths while still keeping room for residents.", False),
        # a product sentence that says what it makes happen, or the result of switching to it
        ("Berths are checked against each booking automatically, so nobody is double-booked by hand.", False),
        ("Marinas that switch from phone bookings typically fill twice as many weekend berths.", False),
        ("If you would rather phone boaters by hand, switch it off under Settings > Berths.", False),
        # the maker's offer, which names the old tool only to take it away (round 34)
        ("Every plan includes a 30-day trial, and we will move your berth list over from a spreadsheet.", False),
    ],
)
def test_only_a_sentence_that_complains_is_quoted_as_the_drafts_complaint(
    analyzer: Analyzer, opening: str, quoted: bool
) -> None:
    text = (
        f"{opening}\n\nSlipway 2 shows every free berth to visiting boaters, and Slipway takes the deposit when they "
        "book.\n\nPlans start at $90 per pontoon per month.\n"
    )
    for suggestions in (True, False):
        coaching = analyzer.analyze(text, options=AnalyzeOptions(explanations=False, suggestions=suggestions)).coaching
        asked = coaching["price_of_inaction"][0]
        assert asked.startswith(f"\u201c{opening}\u201d") is quoted, asked
        assert "each month" not in asked and "end of the year" not in asked  # no fixed period


def test_coaching_asks_the_cost_of_a_measure_only_when_it_says_what_it_measures() -> None:
    measured = coaching_questions(["price_of_inaction"], Focus(measure="median pipeline time", before="14 minutes"))
    assert measured["price_of_inaction"][0].startswith("What does median pipeline time at 14 minutes cost")
    bare = coaching_questions(["price_of_inaction"], Focus(measure="average time", before="52 days"))
    assert not any("average time" in q for q in bare.get("price_of_inaction", []))
    assert bare == {}  # nothing else to ask about: no question


def test_a_product_named_only_at_sentence_starts_with_its_release_number_is_the_drafts_product(
    analyzer: Analyzer,
) -> None:
    text = (
        "Friday afternoons are when the queue at your loading dock reaches the street.\n\n"
        "A driver pulls up, the clerk types the order number by hand, and the next truck waits its turn.\n\n"
        "Dockline 4, released this week, reads the order number off the driver's phone at the gate.\n\n"
        "Dockline 4 is a free update for every customer on a support plan.\n\n"
        "Published 3 November 2026. Published 4 November 2026.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    assert main_name(lines) == "Dockline"  # never "Published", however often a date follows it
    kinds = read_kinds(analysis.text, lines, [])
    assert kinds[0] == "argument"  # the reader's trouble before the product is named: context
    assert all(s.sentence != 0 for s in analysis.suggestions)


def test_a_photo_the_product_keeps_and_a_change_starting_monday_are_not_company_news(analyzer: Analyzer) -> None:
    text = (
        "Hi Dana, starting Monday every service visit to the units on your sites will show up in the Sitecheck app "
        "with a photo, the time and the technician's name.\n\n"
        "You'll see it on the Sites tab, next to each unit's number.\n\n"
        "Sitecheck keeps every service photo for 24 months, so it can go straight into your site records.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    assert read_kinds(analysis.text, lines, [])[0] == "announcement"
    assert analysis.main_claim is not None and analysis.main_claim.sentence == 0
    photos = "We turned ten this week!\n\nA few photos from the night are below.\n"
    photo_lines = [Line(s.text, s.start, s.end, s.label) for s in analyzer.analyze(photos).sentences]
    assert "news" in read_kinds(photos, photo_lines, [])


def test_coaching_asks_the_cost_of_the_complaint_but_not_where_it_should_lead() -> None:
    focus = Focus(complaint="Most rinks still book ice by phone.", customers=True)
    coaching = coaching_questions(["price_of_inaction", "future_state"], focus)
    assert coaching["price_of_inaction"] == [
        "\u201cMost rinks still book ice by phone.\u201d What does that cost your readers in a typical week or season, "
        "in hours, money or customers?"
    ]
    # "Where should your readers be instead ...?" of the complaint: wrong 43 times of 70 over rounds
    # 44 to 60 and 6 of 6 in rounds 61 and 62; nor of the main claim (useful 4 of 40, rounds 63 to 68)
    assert "future_state" not in coaching
    assert coaching_questions(["future_state"], replace(focus, claim="Rinkside books ice online.")) == {}
    # a sentence that counts its own cost in time is not asked what it costs (round 78: "asks what
    # the draft already says", every judge); the main claim is, and the complaint is still asked why
    counted = Focus(
        complaint="We used to lose an hour a week looking for keys.", claim="Keyline shows where every key is."
    )
    asked = coaching_questions(["why_change", "price_of_inaction"], counted)
    assert asked["why_change"][0].startswith("\u201cWe used to lose an hour a week")
    assert [q.split("\u201d")[0] for q in asked["price_of_inaction"]] == ["\u201cKeyline shows where every key is."]
    assert "price_of_inaction" not in coaching_questions(["price_of_inaction"], replace(counted, claim=None))


def test_the_cost_is_counted_in_customers_only_for_readers_who_have_their_own(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Round after round, editors said "hours, money or customers" fits an expectant parent, a dog
    # owner or a cricketer badly; a shop that sells to its own customers keeps it.
    owners = (
        "# Stillwater hydrotherapy\n\nFrom this month our eight-week course helps a dog recover from cruciate surgery "
        "in a heated pool.\n\nEach session is filmed, so you can see how the stride changes from week to week.\n"
    )
    shops = (
        "# Counterline 3\n\nCounterline 3 prints a pick list for every order before your shop opens.\n\n"
        "Each list is sorted by shelf, so your staff walk the aisles once.\n"
    )
    monkeypatch.setattr(score, "CLAIM_CHANCE", 0.0)  # each page's claim quoted, whatever the ranker's chance
    # Nor is a dog owner's cost counted "in a typical week or season": readers without customers of
    # their own often spend once (a wedding cake, a sundial: rounds 62 to 80), a shop trades weekly.
    for text, counted in (
        (owners, "cost your readers, in time or money?"),
        (shops, "cost your readers in a typical week or season, in hours, money or customers?"),
    ):
        # include_news: the wording is under test, whichever label the model gives these short pages
        analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False, include_news=True))
        cost_questions = analysis.coaching["price_of_inaction"]
        assert cost_questions and all(q.endswith(counted) for q in cost_questions), cost_questions


@pytest.mark.parametrize("complaint", [True, False])
def test_a_main_claim_that_cannot_be_quoted_is_never_paraphrased(analyzer: Analyzer, complaint: bool) -> None:
    # The claim ends on "them", so it is not quoted. Its paraphrase ("Before Rimewell Dock could
    # record the temperature of every inbound pallet ...") was retired after rounds 44 to 49 (14
    # useful of 64 verdicts): the draft's complaint is asked, or else the general questions.
    text = (
        "# Rimewell Dock: every pallet's temperature, read before you sign\n\n"
        + ("Most cold stores still check a warm load with a hand probe and a clipboard.\n\n" if complaint else "")
        + "Rimewell Dock records the temperature of every inbound pallet at the door, before your receiving crew "
        "signs for any of them.\n\n"
        "The readings go into each delivery's record with the driver's name and the time.\n\n"
        "Book a demo today.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    assert analysis.label == "feature-pitch" and analysis.main_claim is not None
    assert analysis.main_claim.text.startswith("Rimewell Dock records the temperature")
    coaching = analysis.coaching
    assert set(coaching) == {"why_change", "price_of_inaction"}  # no future-state question (see above)
    assert not any(q.startswith(("Before ", "Until ", "Once ", "With a way")) for qs in coaching.values() for q in qs)
    for element in ("why_change", "price_of_inaction"):
        questions = coaching[element]
        if complaint:
            assert len(questions) == 1 and questions[0].startswith("\u201cMost cold stores still"), questions
        else:
            # nothing in the body to quote: the headline's questions
            assert len(questions) == 1 and questions[0].startswith("Your headline says \u201cRimewell Dock"), questions
            assert questions[0].endswith(HEADLINE_QUESTION_ENDINGS)
    # the parse adds nothing to what the patterns alone find
    plain = analyzer.analyze(text, options=AnalyzeOptions(explanations=False, suggestions=False))
    assert plain.coaching == coaching


def test_a_quotation_that_tells_the_old_way_is_quoted_without_who_said_it(analyzer: Analyzer) -> None:
    text = (
        "PORTSMOUTH, May 4, 2026 -- Keelhaul today released Slipway 2, which shows every free berth to visiting "
        "boaters and takes the deposit when they book.\n\n"
        "\u201cIn high season our harbour master used to keep the berth plan on a whiteboard and ring every owner "
        "himself,\u201d said Ana Ruiz, owner of Ruiz Marinas.\n\n"
        "Slipway 2 costs $90 per pontoon per month.\n"
    )
    asked = analyzer.analyze(text, options=AnalyzeOptions(explanations=False)).coaching["price_of_inaction"][0]
    assert asked.startswith(
        "\u201cIn high season our harbour master used to keep the berth plan on a whiteboard and ring every owner "
        "himself.\u201d What does that cost"
    ), asked


def test_a_rewrite_never_carries_more_than_two_placeholders() -> None:
    with pytest.raises(ValueError, match="placeholders"):
        make_rewrite("x.v1", "why_change", "[a?] and [b?] and [c?].", "Too many.")
    rewrite = make_rewrite("x.v1", "why_change", "Since [what changed?], it matters.", "One.")
    assert [(p.start, p.end, p.question) for p in rewrite.placeholders] == [(6, 21, "What changed?")]


def test_every_frame_is_registered_under_a_versioned_name_and_fits_a_target_kind() -> None:
    names = rewriters.names()
    assert len(names) == len(set(names))
    # Only frames with a record: the one form editors used after a feature or a launch line said to
    # the reader, and a result's own old figure. The rest is left to the coaching (the third
    # person's form and the evergreen page's were retired after round 35).
    assert {n: rewriters.get(n).move for n in names} == {
        "feature-until-now-after.v1": "why_change",
        "result-cost-at-the-old-figure.v1": "price_of_inaction",
    }
    for name in names:
        frame = rewriters.get(name)
        assert re.fullmatch(r"[a-z0-9-]+\.v\d+", name) and frame.move in TARGETS and frame.kinds <= TARGET_KINDS
    with pytest.raises(ValueError, match="already registered"):
        rewriters.register(names[0])(rewriters.get(names[0]))


# --- the rule the benchmark judges by, on the editor's own rewrites ---------------------------


def test_the_editors_own_rewrites_are_well_formed_by_the_benchmarks_rule() -> None:
    nlp = parser()
    drafts = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    rewrites = [r["text"] for d in drafts for s in d["sentences"] for r in s.get("rewrites", [])]
    failing = [t for t in rewrites if problems(t, nlp)]
    assert len(rewrites) > 400 and len(failing) / len(rewrites) <= 0.01, failing[:3]
    assert problems("The the dashboard shows [what?] [when?]", nlp)  # doubled word, touching, no final stop
    # a command is finite, and a clause set off after "and" is no dangling joint (batches 44 to 48)
    assert problems("Keep the air on all year with fixed-price servicing for every compressor.", nlp) == []
    assert problems("Surefoot tests each floor on site and, where one falls short, treats it that day.", nlp) == []
    assert problems("Dock doors are now assigned automatically, and, so the yard waits.", nlp)
    assert problems("The new dock board, with every door on one screen.", nlp) == ["no finite verb"]


# --- the independent check model ------------------------------------------------------------


def test_the_check_model_masks_the_frames_current_phrases() -> None:
    manifest = json.loads((DEFAULT_CHECK_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["masked_sha256"] == phrases_digest(frame_phrases()), (
        "the frames changed since the check model was trained: retrain it with "
        "`python -m analyzer.analysis.suggest.check`"
    )
    assert mask(["Handling invoices by hand costs your team a day."], frame_phrases())[0].count("costs your team") == 0


def test_the_check_model_loads_only_after_its_checksum_matches(tmp_path: Path) -> None:
    copy = tmp_path / "rewrite-check"
    shutil.copytree(DEFAULT_CHECK_DIR, copy)
    assert load_check(copy).change_probability(["Every week you wait costs you a client."]).shape == (1,)
    with (copy / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    load_check.cache_clear()
    with pytest.raises(ModelIntegrityError, match="does not match"):
        load_check(copy)


def test_the_parser_and_the_check_model_load_only_when_suggestions_are_asked_for() -> None:
    code = (
        "import sys, analyzer\n"
        "from analyzer.analysis.analyzer import Analyzer, AnalyzeOptions\n"
        "a = Analyzer.load()\n"
        "a.analyze('Our app sends reminders. Pricing starts at $5 per user per month.', "
        "options=AnalyzeOptions(suggestions=False))\n"
        "from analyzer.analysis.suggest import parse\n"
        "assert parse.parser.cache_info().currsize == 0\n"
        "assert 'analyzer.analysis.suggest.check' not in sys.modules\n"
        "a.analyze('Our app sends reminders to every client. Pricing starts at $5 per user per month.')\n"
        "assert parse.parser.cache_info().currsize == 1\n"
        "assert 'analyzer.analysis.suggest.check' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- what the draft already argues ---------------------------------------------------------


def test_words_are_compared_by_their_plain_forms() -> None:
    assert {"lorry", "dock", "shelf", "pallet"} <= {
        f for w in ("lorries", "docked", "shelves", "pallets") for f in forms(w)
    }
    assert forms("bus") == ("bus",)  # too short to be an inflection of anything


def test_the_form_is_not_offered_where_the_draft_already_says_the_old_way(analyzer: Analyzer) -> None:
    text = (
        "# Rimewell Dock 2 is out today\n\n"
        "Rimewell Dock records the temperature of every inbound pallet at your door and ties each reading to the "
        "pallet's licence plate.\n\n"
        "Paper temperature logs get filled in at the end of a shift, and the claim arrives weeks later asking for "
        "a reading nobody took.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    kinds = read_kinds(analysis.text, lines, [])
    feature = next(i for i, line in enumerate(lines) if "Rimewell Dock records" in line.text)
    assert kinds[feature] in TARGET_KINDS and kinds[feature + 1] == "argument"
    assert argued_targets(lines, kinds, [feature]) == {feature}
    assert analysis.suggestions == []  # "Until now, your team had to [...]" would repeat the next sentence
    without = analyzer.analyze(text.split("\n\nPaper")[0] + "\n", options=AnalyzeOptions(explanations=False))
    assert [a.strategy for s in without.suggestions for a in s.alternatives] == ["feature-until-now-after.v1"]


@pytest.mark.parametrize(
    ("aside", "argued"),
    [
        # a loss named outright, in a sentence the patterns read as a feature or as other
        ("A lapsed nurse license can go unnoticed for eleven months between annual license reviews.", True),
        ("The auditor had asked for one nurse license record, and it took Harlow Care two days to find it.", True),
        # product copy with the mild words of a complaint ("no", "not just") argues nothing
        ("Nurse license records come at no charge with every plan, not just the largest ones.", False),
    ],
)
def test_a_sentence_that_names_a_loss_in_the_claims_words_argues_it(
    analyzer: Analyzer, aside: str, argued: bool
) -> None:
    text = (
        "# Licensewatch for staffing agencies is out today\n\n"
        "Licensewatch rechecks every nurse license against the state board each week and alerts your agency the "
        f"same day a license record changes.\n\n{aside}\n\n"
        "Licensewatch costs $1.50 per monitored license per month.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    kinds = read_kinds(analysis.text, lines, [])
    claim = next(i for i, line in enumerate(lines) if line.text.startswith("Licensewatch rechecks"))
    assert kinds[claim] in TARGET_KINDS and kinds[claim + 1] != "argument"
    assert (argued_targets(lines, kinds, [claim]) == {claim}) is argued
    assert bool(analysis.suggestions) is not argued


def _forms(analyzer: Analyzer, text: str) -> list[str]:
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    return [a.text for s in analysis.suggestions for a in s.alternatives]


def test_a_launch_asks_what_the_reader_did_until_now_and_a_product_page_gets_no_form(analyzer: Analyzer) -> None:
    page = (
        "# Tilerun for flooring contractors\n\n"
        "Tilerun reads the floor plan you upload, measures every room and works out the boxes of tile, underlay "
        "and adhesive each room needs.\n\n"
        "Your quote goes to the client as a branded PDF with an accept button.\n\n"
        "Plans start at $49 per estimator per month.\n"
    )
    # "Until now" on a page for a product that has been sold for years implies a launch that never
    # was, and its own "Without Tilerun, your team has to [...]" was retired after round 35 (7 of 52
    # verdicts usable): the page gets its coaching questions alone.
    assert _forms(analyzer, page) == []
    launch = page.replace("# Tilerun for flooring contractors", "# Tilerun 4 is out today")
    [dated] = _forms(analyzer, launch)
    assert dated.endswith("Until now, you had to [what did you do instead?].")


def test_a_quote_or_a_case_study_that_tells_the_old_way_keeps_the_form_away(analyzer: Analyzer) -> None:
    release = (
        "HALIFAX, Nova Scotia, February 17, 2026 -- Brinemark Systems today released Brinemark Trace, software "
        "that follows every lot of fish from your landing slip to the label on your finished case.\n\n"
        "Trace is priced per receiving line from $600 a month.\n\n"
        '"During a mock recall we used to need three people and most of a shift to follow a single lot of '
        'haddock from its landing slip," said Aileen Morrisseau, quality manager at Cape Sable Seafoods.\n'
    )
    assert _forms(analyzer, release) == []  # the quote already says what the form would ask
    unrelated = release.replace(
        "During a mock recall we used to need three people and most of a shift to follow a single lot of haddock "
        "from its landing slip",
        "We have worked with Brinemark for six years and look forward to the next six",
    )
    assert [text.rsplit(". ", 1)[-1] for text in _forms(analyzer, unrelated)] == [
        "Until now, you had to [what did you do instead?]."
    ]
    story = (
        "# How Glenbrae Trout cut feed waste by 9% with Shoalwise\n\n"
        "## The challenge\n\n"
        "Each site manager kept feeding records of their own, and head office saw the numbers at month end.\n\n"
        "## The solution\n\n"
        "Feeders log each meal on a tablet at the pen, and Shoalwise compares it with the day's target ration "
        "set from water temperature and the latest weight sample.\n"
    )
    assert _forms(analyzer, story) == []  # a case study is the before-state, told in the past


def test_a_main_claim_that_says_the_old_way_itself_leaves_the_whole_draft_alone(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(score, "REWRITE_CHANCE", 0.0)  # the draft's own words keep the form away, not the gate
    text = (
        "# Rimewell Dock 2 is out today\n\n"
        "Rimewell Dock records the temperature of every inbound pallet at the door and ties each reading to the "
        "pallet's licence plate, so your receivers aren't copying readings onto a clipboard.\n\n"
        "Rimewell Dock also flags a reefer that arrives above its set point and sends the reading to your carrier "
        "with the claim.\n"
    )
    # Its launch line answers the form's question; a form on the next feature would repeat it.
    assert _forms(analyzer, text) == []
    plain = text.replace(", so your receivers aren't copying readings onto a clipboard", "")
    [form] = _forms(analyzer, plain)
    assert form.startswith("Rimewell Dock records") and form.endswith(
        "Until now, you had to [what did you do instead?]."
    )


def _kinds_by_first_word(analyzer: Analyzer, text: str) -> tuple[Analysis, dict[str, str]]:
    """The analysis of `text` and each sentence's kind, keyed by the sentence's first word."""
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    firsts = (line.text.split()[0] for line in lines)
    return analysis, dict(zip(firsts, read_kinds(analysis.text, lines, []), strict=True))


def test_the_opening_before_the_product_is_named_sets_the_scene_and_is_not_a_target(analyzer: Analyzer) -> None:
    text = (
        "# Report cards without the paper\n\n"
        "Assessment week usually means a stack of paper report cards and a queue of parents at the front desk.\n\n"
        "Swimwell now sends each family a report card by text the minute an instructor signs it off.\n\n"
        "In this live session, our head of product will show how instructors sign off a whole class at once.\n\n"
        "Every report card stays in Swimwell for as long as the child swims with you.\n\n"
        "This release is for the instructors who mark each level and the desk staff who answer the parents.\n\n"
        "Cloud customers are already on version 5.4; on-premise installs can download it from the customer portal.\n"
    )
    analysis, kinds = _kinds_by_first_word(analyzer, text)
    assert kinds["This"] not in TARGET_KINDS  # who the release is for: a signpost
    assert kinds["Assessment"] == "argument"  # the scene before the product is named, not a feature
    assert kinds["Swimwell"] in TARGET_KINDS  # says what is new: the claim
    assert kinds["In"] not in TARGET_KINDS and kinds["Cloud"] not in TARGET_KINDS  # a signpost, logistics
    assert not [s for s in targets(analysis) if s.startswith(("Assessment", "In this", "Cloud"))]


def test_a_draft_that_says_until_now_itself_gets_no_form_that_says_it_again(analyzer: Analyzer) -> None:
    text = (
        "# Size Swap is on in your account today\n\n"
        "Size Swap lets a customer exchange a wrong size from the order page, and the replacement ships before the "
        "return arrives.\n\n"
        "Until now, a wrong size meant an email to support, a prepaid label and ten days without the right pair.\n"
    )
    assert _forms(analyzer, text) == []
    [form] = _forms(analyzer, text.split("\n\nUntil now")[0] + "\n")
    assert form.endswith("Until now, you had to [what did you do instead?].")


def test_the_form_asks_the_reader_the_draft_speaks_to(analyzer: Analyzer) -> None:
    owner = (
        "# Berthwise Log 3 is out today\n\n"
        "Berthwise Log now reads your engine hours from the boat's own network and books the next oil change at "
        "the marina you name.\n\n"
        "The app is free for owners of one boat.\n"
    )
    # Round 37's editors: "your team" is the wrong reader of a page for a yacht owner.
    [alone] = _forms(analyzer, owner)
    assert alone.endswith("Until now, you had to [what did you do instead?].")
    fleet = owner.replace("the marina you name.", "the marina you name, so your crews spend the morning sailing.")
    [crew] = _forms(analyzer, fleet)
    assert crew.endswith("Until now, your team had to [what did they do instead?].")


def test_a_companys_record_is_credentials_not_a_claim_to_rewrite(analyzer: Analyzer) -> None:
    text = (
        "# Inkbook for tattoo studios\n\n"
        "Inkbook has run the front desk for tattoo and piercing studios since 2014, from bookings to aftercare.\n\n"
        "Every booking in Inkbook takes a deposit by card, so a no-show pays for the hour it cost the artist.\n\n"
        "From Monday, every client in Inkbook will have one page with each consent form since 2019 and the next "
        "touch-up date.\n"
    )
    analysis, kinds = _kinds_by_first_word(analyzer, text)
    # "Until now, ..." after a since-2014 history line was judged nonsense in three rounds.
    assert kinds["Inkbook"] == "other"
    assert kinds["From"] in TARGET_KINDS  # "will have ... since 2019" is what is new, not a record
    assert not [s for s in targets(analysis) if s.startswith("Inkbook has run")]


def test_a_rewrite_goes_to_one_of_the_two_sentences_that_carry_the_piece_or_to_none(analyzer: Analyzer) -> None:
    # When neither of the first two targets takes a frame, the third is a detail: no rewrite,
    # whatever frame would fit it (on the evaluation set's dev drafts, 0 of 2 such were the editor's).
    drafts = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    deeper = 0
    for draft in drafts:
        extracted = extract(draft["text"].encode(), filename="draft.md" if draft["format"] == "markdown" else "d.txt")
        analysis = analyzer.analyze(extracted, options=AnalyzeOptions(explanations=False))
        lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
        kinds = read_kinds(analysis.text, lines, [(h.start, h.end) for h in extracted.headings])
        ranker = analyzer.claim_ranker
        assert ranker is not None
        rank = partial(ranker.chances, lines, kinds, product_names("", lines), analysis.label)
        chosen = choose_targets(lines, kinds, analysis.label, len(lines), rank=rank)
        assert all(s.sentence in chosen[:2] for s in analysis.suggestions), draft["id"]
        deeper += len(chosen) > 2
    assert deeper > 100  # the rule had third targets to refuse


def test_names_a_draft_only_starts_sentences_with_and_the_partners_own_plans(analyzer: Analyzer) -> None:
    text = (
        "# BerthWise and Solent Chandlers announce partnership\n\n"
        "BerthWise, the booking app used by 90 marinas on the south coast, has agreed a partnership with Solent "
        "Chandlers.\n\n"
        "The two companies will work together on linking berth bookings with the chandlery's delivery rounds "
        "from next spring.\n\n"
        "BerthWise will show each skipper the chandlery order waiting at their pontoon.\n"
    )
    analysis, kinds = _kinds_by_first_word(analyzer, text)
    lines = [Line(s.text, s.start, s.end, s.label) for s in analysis.sentences]
    assert main_name(lines) == "BerthWise"  # capitalized inside itself: a name, even at a sentence's start
    assert kinds["The"] == "other"  # what the partners will do together: their plans, not the product
    assert kinds["BerthWise,"] == "announcement"  # the product's own partnership: what the piece announces
    assert not [s for s in targets(analysis) if s.startswith("The two companies")]
    opening = (
        "Spring lift-out is the week your yard moves more boats than the rest of the year, so we spent the winter "
        "making it calmer.\n\n"
        "Liftlog now books every lift-out slot from the owner's phone and texts the crane driver the order.\n\n"
        "Each boat's cradle size stays in Liftlog, so the yard never lifts a boat onto the wrong one.\n"
    )
    _, kinds = _kinds_by_first_word(analyzer, opening)
    assert kinds["Spring"] == "argument"  # the scene, told before the product is named: "we spent" is no news
    assert kinds["Liftlog"] in TARGET_KINDS


def test_a_section_heading_ends_the_opening_and_a_makers_craft_or_yearly_volume_is_no_claim(
    analyzer: Analyzer,
) -> None:
    # A service page that names itself only in its social proof: its "How it works" section is the
    # service's own account, not the reader's world; "finished by hand" is its craft, not the old
    # way, and a company's yearly volume is a credential (round 34's editors, on invented text).
    text = (
        "# Ridgeback Mobile Saw Sharpening\n\n"
        "Saw sharpening for sawmills and joinery shops in the Hunter Valley, done in the yard from our truck.\n\n"
        "## How it works\n\n"
        "We visit every two weeks on the same weekday, before the first shift or after the last one.\n\n"
        "Each band saw blade is ground on a coolant-fed wheel and finished by hand, so the teeth never overheat "
        "and lose their set.\n\n"
        "Every blade comes back tagged with the machine it belongs to.\n\n"
        "## Who we work with\n\n"
        "Ridgeback sharpens around 9,000 blades a year for 60 mills between Dungog and Singleton.\n\n"
        "More than 60 mills use Ridgeback, from one-saw family yards to the big pine mills.\n"
    )
    _, kinds = _kinds_by_first_word(analyzer, text)
    assert kinds["Each"] != "argument" and kinds["Every"] != "argument"  # after "How it works": the service's account
    assert kinds["Ridgeback"] == "other"  # blades a year: a credential
    coached = analyzer.analyze(text, options=AnalyzeOptions(explanations=False, include_news=True)).coaching
    asked = [q for questions in coached.values() for q in questions]
    assert not [q for q in asked if "by hand" in q or "9,000" in q], asked


def test_a_partners_about_paragraph_in_a_release_pasted_as_text_is_boilerplate(analyzer: Analyzer) -> None:
    text = (
        "Contact Tally counts every visit against each tenant's quota before a technician is booked\n\n"
        "LEEDS, 3 March 2026 -- Fenwright today released Contact Tally, a feature of its maintenance desk that stops "
        "a technician being sent twice in one week to the same flat.\n\n"
        "It reads every booking made by phone, email or the tenant app and holds any visit over the "
        "agreed weekly limit for a supervisor's approval.\n\n"
        "About Fenwright\n\n"
        "Fenwright builds maintenance software for housing associations.\n\n"
        "About the Northern Housing Consortium\n\n"
        "Member landlords manage more than 400,000 homes across the north of England and buy their repairs "
        "services together through the consortium's framework.\n"
    )
    _, kinds = _kinds_by_first_word(analyzer, text)
    # The partner's description under its own "About" line is boilerplate, though no Markdown marks
    # the line as a heading and the paragraph reads like a claim.
    assert kinds["Member"] == "boilerplate"
    # A standfirst that opens with a product called "Contact ..." is not a "Contact" section.
    assert kinds["Contact"] == "heading" and kinds["LEEDS,"] in TARGET_KINDS


def test_a_customers_size_at_the_start_of_a_case_study_is_not_its_claim(analyzer: Analyzer) -> None:
    text = (
        "# How Brackwater Vets cut missed vaccinations by a third\n\n"
        "Brackwater Veterinary Group runs nine small-animal practices in Cumbria and sees about 2,000 pets a week.\n\n"
        "Reminder letters went out by post once a month, and a third of them came back unopened.\n\n"
        "Pawcall texts each owner two weeks before a vaccination is due and books the slot the owner picks "
        "straight into the practice diary.\n\n"
        "Missed vaccinations fell by 34% in the first six months.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    # The customer's size is how the story starts, not what the piece claims: the product's
    # sentence or its result is the main claim.
    assert analysis.main_claim is not None
    assert analysis.main_claim.text.startswith(("Pawcall", "Missed"))
    assert not [t for t in targets(analysis) if t.startswith("Brackwater")]


def test_no_form_after_a_sentence_that_draws_its_own_contrast_or_invites_to_an_event(analyzer: Analyzer) -> None:
    release = (
        "# Sailtrim 4 is out today\n\n"
        "Sailtrim now cuts every mainsail from measurements we take on your boat, not from the class drawing, so "
        "the luff fits the mast track as it is.\n\n"
        "Each sail ships with a tuning guide for your rig.\n"
    )
    # Round 39's editors: the sentence already says how it was, so "Until now, ..." repeats it.
    assert _forms(analyzer, release) == []
    assert _forms(analyzer, release.replace(", not from the class drawing,", ","))
    briefing = (
        "# Prescribed fire on your land: a briefing\n\n"
        "Thursday, 22 January · 7:00 p.m. · Online\n\n"
        "Emberline is hosting a free evening briefing this season for landowners in Georgia who are thinking about "
        "burning pine stands or pasture.\n\n"
        "You will hear how a burn plan is written and who has to sign it.\n"
    )
    # "A briefing has no 'instead'": no form after an invitation.
    assert not [f for f in _forms(analyzer, briefing) if f.startswith("Emberline is hosting")]


def test_a_partnership_in_passing_is_not_what_the_piece_announces(analyzer: Analyzer) -> None:
    text = (
        "# Hyperbaric oxygen therapy at Saguaro Wound Center\n\n"
        "Saguaro Wound Center treats chronic wounds in four chambers at its clinic in Tucson.\n\n"
        "Patients can sleep during treatment, and those who live outside Tucson can get help with transport "
        "through our partnership with Pima Rides.\n\n"
        "Saguaro Wound Center and Pima Rides have partnered with three rural clinics to bring patients in.\n"
    )
    _, kinds = _kinds_by_first_word(analyzer, text)
    assert kinds["Patients"] != "announcement"
    assert kinds["Saguaro"] in TARGET_KINDS


def _pitched(sentences: list[str]) -> tuple[str, list[Line]]:
    """The sentences as one draft, a paragraph each, and its lines as the sentence model reads
    most product copy: a feature pitch (so a rule of the kinds is tested without the model)."""
    text = "\n\n".join(sentences) + "\n"
    lines, start = [], 0
    for sentence in sentences:
        start = text.index(sentence, start)
        lines.append(Line(sentence, start, start + len(sentence), "feature-pitch"))
    return text, lines


def test_what_the_reader_loses_today_told_without_the_product_is_the_drafts_argument() -> None:
    sentences = [
        "Tagline prints a heat-sealed barcode for every garment at the counter and tracks it through each press.",
        "Lost garments are the most expensive mistake a cleaner makes, and most of them start at the counter.",
        "A stain found two customers later can't be charged to anyone.",
        "Owners receive a weekly list of garments by lost revenue, so the counter staff chase the costliest first.",
        "- Imports no longer fail for customers with apostrophes in their names.",
    ]
    kinds = read_kinds(*_pitched(sentences), [])
    # a loss named outright, without the product: the draft's argument, whatever the model read
    assert kinds[1] == kinds[2] == "argument"
    assert kinds[0] in TARGET_KINDS  # the product's own sentence
    assert kinds[3] != "argument"  # a feature whose object names a loss
    assert kinds[4] != "argument"  # a fix in a list


def test_a_recording_booth_is_no_trade_show_and_a_boat_launch_is_no_launch() -> None:
    sentences = [
        "We've built a second isolation booth in the old storage room at our studio, with the same microphones.",
        "Our engineers will be at booth 4412 in the north hall all week.",
        "Orders confirmed by 16:00 are delivered the next morning by our own launch, the Carrick Belle, which "
        "carries up to four tonnes.",
    ]
    kinds = read_kinds(*_pitched(sentences), [])
    assert kinds[0] != "news" and kinds[1] == "news"
    assert kinds[2] != "announcement"


def test_a_version_that_adds_is_a_launch_line() -> None:
    # rounds 85 and 92 (rw-971): release notes that open "Version 4.2 adds a ventilation advice panel"
    # had a lesser feature quoted as their point, the launch line being read as a short feature
    sentences = [
        "Version 4.2 adds a ventilation advice panel to every classroom page of the dashboard.",
        "Each sensor reads the air every 2.5 minutes and adds the reading to the room's chart.",
    ]
    kinds = read_kinds(*_pitched(sentences), [])
    assert kinds[0] == "announcement" and kinds[1] != "announcement"


def test_a_word_that_only_opens_sentences_as_a_verbs_subject_is_a_name() -> None:
    sentences = [
        "Campfolio moves short stays around to keep long gaps open for monthly guests.",
        "Campfolio reads electric meters from a tablet and adds the charge to each guest's invoice.",
        "Book a demo and we will set up your first park.",
        "Book a call with our team to see it on your own map.",
        "Tickets are answered within a day.",
        "Tickets are free for members.",
    ]
    _, lines = _pitched(sentences)
    # never written in lower case and the subject of "moves", "reads": the product, though no
    # sentence names it past its first word; an imperative or a plural that opens sentences is not
    assert main_name(lines) == "Campfolio"
    assert product_names("", lines) == frozenset({"Campfolio"})


def test_no_season_statistic_or_service_is_quoted_as_the_complaint() -> None:
    def complaint_of(sentences: list[str], kinds: list[str]) -> str | None:
        return complaint(_pitched(sentences)[1], kinds, [0])

    claim = "Humitrak reads lint moisture at the condenser and sets the humidifier every few seconds."
    # round 42's wrong questions (batch 21): a time of year, a share of customers, a service
    assert (
        complaint_of(
            [claim, "The gin runs two stands around the clock from late October into February."],
            ["feature", "argument"],
        )
        is None
    )
    assert (
        complaint_of(
            [claim, "Roughly 40 percent of our customers told us they had never been into a shop."],
            ["feature", "argument"],
        )
        is None
    )
    assert names_a_loss("bottles that fail are replaced with new bottles in the customer's own cage.") is False
    assert (
        complaint_of(
            [
                claim,
                "\u201cWe used to find out about a wet module when the press operator complained,\u201d said Ana Ruiz.",
            ],
            ["feature", "quote"],
        )
        == "We used to find out about a wet module when the press operator complained."
    )


def test_a_price_is_never_quoted_as_the_claim_the_coaching_asks_about() -> None:
    from analyzer.analysis.suggest.score import _claim

    price = "A team day at our Leith kitchen costs 145 pounds a head, with lunch and aprons included."
    feature = "Every team cooks three courses with a chef at each station and eats what it made."
    lines = _pitched([price, feature])[1]
    # rounds 44 and 47: "what do your readers do today without this", asked of a price, was wrong
    assert _claim(lines, ["price", "feature"], [0], {}, "feature-pitch") is None
    # a price first: the target after it (the best chance the ranker gave, else the rules' order)
    assert _claim(lines, ["price", "feature"], [0, 1], {}, "feature-pitch") == feature
    assert _claim(lines, ["price", "feature"], [1, 0], {}, "feature-pitch") == feature
    three = _pitched([price, feature, "Groups of up to 24 book the whole kitchen for the day."])[1]
    kinds = ["price", "feature", "feature"]
    assert _claim(three, kinds, [0, 1, 2], {0: 0.9, 1: 0.4, 2: 0.6}, "feature-pitch") == three[2].text
    # nor a price the kinds read as a feature, for want of a unit (rounds 67 and 68)
    for one_off in (
        "A full service on a two-post lift costs £210 plus VAT, parts extra.",
        "Refitting a 6 m launch with new tubes costs from £4,200 including fitting.",
        "Unlimited sessions at the quarry pool from June to August, for £119.",
        # said with "are" or "pay" (round 77, wrong for both judges)
        "Swatch cards of all four glazes are £3.80 including postage, refunded against your first order.",
        "Guild members pay £95 for the starter set, a saving of a quarter on the separate pieces.",
    ):
        pair = _pitched([one_off, feature])[1]
        assert _claim(pair, ["feature", "feature"], [0, 1], {0: 0.9, 1: 0.6}, "feature-pitch") == feature
    # a result's old figure is no price, nor is a sum of millions
    result = "Last year the co-op wrote off €21,000 of stock, down from €190,000."
    assert _claim(_pitched([result])[1], ["benefit"], [0], {}, "feature-pitch") == result
    funded = "Orders placed through the portal this year are €4.2m, against €1.1m by email."
    assert _claim(_pitched([funded])[1], ["benefit"], [0], {}, "feature-pitch") == funded


def test_a_free_replacement_and_what_never_happens_are_no_complaint() -> None:
    def complaint_of(sentence: str, kind: str = "argument") -> str | None:  # both read as arguments (stakes)
        claim = "Dosewise reads every badge within two days of its return and emails the results."
        return complaint(_pitched([claim, sentence])[1], ["feature", kind], [0])

    # round 45's wrong questions (batch 23): a term of the service and a benefit, asked as a pain
    assert complaint_of("There is no charge for replacing a lost badge in the first year.") is None
    assert complaint_of("Scrap that cannot be repaired is ground into mulch, so none of it goes to landfill.") is None
    # a loss the reader still has is one
    lost = "Most labs still lose a badge or two a year and wait a month for the replacement."
    assert complaint_of(lost) == lost


def test_with_nothing_in_the_body_to_quote_a_feature_pitch_is_asked_about_its_headline(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rounds 57 to 60: every general question was "generic" (0 useful of 212 verdicts), each note
    # naming the piece's subject the question ignored. The main claim is withheld here (as the gate
    # withholds one under an even chance) to leave nothing in the body to quote.
    monkeypatch.setattr(score, "CLAIM_CHANCE", 1.01)
    body = (
        "Fleetwise Tyre Check reads the tread depth of every tyre as a van drives through the depot gate, and flags "
        "any tyre under 3 mm before the van leaves.\n\nThe scanner sits flush in the road, so no driver has to "
        "stop.\n\nIt costs \u00a3180 a month per gate, with installation included.\n"
    )
    pitch = analyzer.analyze(
        "# Fleetwise Tyre Check reads tread depth at the depot gate, without stopping the van\n\n" + body,
        options=AnalyzeOptions(explanations=False),
    )
    assert pitch.label == "feature-pitch" and pitch.main_claim is None
    for element in ("why_change", "price_of_inaction"):
        [question] = pitch.coaching[element]
        assert question.startswith(
            "Your headline says \u201cFleetwise Tyre Check reads tread depth at the depot gate, without stopping the "
            "van\u201d: "
        )
        assert question.endswith(HEADLINE_QUESTION_ENDINGS)
    # where the product gets the reader, the draft says itself (rounds 61 and 62): no headline's future state
    assert "future_state" not in pitch.coaching
    # an email's subject line is its headline, without the "Subject:"
    email = analyzer.analyze(
        "Subject: Tread depth, read before the van leaves\n\n" + body, options=AnalyzeOptions(explanations=False)
    )
    assert email.coaching["why_change"][0].startswith(
        "Your headline says \u201cTread depth, read before the van leaves\u201d:"
    )
    # a byline, a date, a section's name or a title of three words says nothing: no headline to ask about
    for opening in (
        "By Megan Ashworth, product lead",
        "Thursday 14 May 2026, 10:00",
        "About Fleetwise",
        "Tyre Check news",
        "# Fleetwise Tyre Check 2.4 release notes",  # the kind of document, not what it says (round 79)
        "# Tyre Check: release notes, version 2.4 (May 2027)",  # and its version and date after it (round 97)
        # a title that only names the product: its questions were generic 165 times of 201 in rounds 96 to 102
        "# Fleetwise Tyre Check, the depot-gate tread scanner for van fleets",
        "# Fleetwise Tyre Check reads tread depth at the depot gate",
        "# Book the back bay at the Fleetwise depot",  # a place, not a time kept ("back on the road")
        "Subject: Fleetwise quarterly product update",
    ):
        plain = analyzer.analyze(f"{opening}\n\n{body}", options=AnalyzeOptions(explanations=False))
        assert plain.coaching == {}, opening  # nothing specific to ask: no question (the general ones are retired)
    # company news has no status quo to cost: its headline is not asked about (rounds 61 and 62)
    news = analyzer.analyze(
        "# Tallow & Twine marks forty years of rope making in Bideford\n\n"
        "Tallow & Twine turned forty this month, and more than two hundred friends joined us on the quay to "
        "celebrate.\n\nMegan Ashworth joins the company from Appledore as our new loft manager.\n\n"
        "We would like to thank the harbour trust for lending us the old fish market for the evening.\n",
        options=AnalyzeOptions(explanations=False, include_news=True),  # asked for: by default, no coaching
    )
    assert news.label == "awareness-only" and news.coaching == {}


def test_a_reassurance_is_no_complaint() -> None:
    claim = "Shelfcount now records the time each shopper is greeted, minute by minute, for every visit."

    def complaint_of(sentence: str) -> str | None:
        return complaint(_pitched([claim, sentence])[1], ["feature", "other"], [0])

    # rounds 57 and 58 (batches 34 and 35): what stays as it was, asked as a problem to solve
    assert (
        complaint_of("Scoring sheets are unchanged, so this quarter's results still line up with last year's.") is None
    )
    assert complaint_of("If you would rather keep the paper form, that's fine; nothing changes unless you ask.") is None
    still = "Most agencies still wait until the end of the quarter to see how long shoppers stood unserved."
    assert complaint_of(still) == still
    # round 61 (batch 38): the maker's craft, asked as the reader's problem; a chore by hand still complains
    assert complaint_of("Every clipboard cover is cut from one hide and stitched by hand in Walsall.") is None
    assert complaint_of("Our forged scoring pads are made in Leeds and sharpened by hand.") is None
    by_hand = "Most agencies still copy each visit report into the client's template by hand."
    assert complaint_of(by_hand) == by_hand


def test_a_lasting_quality_a_makers_method_and_a_call_to_action_are_no_complaint() -> None:
    claim = "Tidemark lays rubber crumb surfaces for play areas and checks each one a year after it goes down."

    def complaint_of(sentence: str, kind: str = "other") -> str | None:
        return complaint(_pitched([claim, sentence])[1], ["feature", kind], [0])

    # rounds 71 and 72 (batches 48 and 49): a happy customer's "still looks new", a fitter's
    # "still looks like a fireplace", asked as the reader's problem by every judge
    quoted = (
        "\u201cThe children were on it the day it opened, and three winters on it still looks new,\u201d said Ana Ruiz."
    )
    assert complaint_of(quoted, "quote") is None
    assert complaint_of("A typical job takes two days, and the play area still looks like a garden.") is None
    # a need the readers state is no lasting quality (rw-761: useful 4 times of 4)
    need = "Schools kept asking us for a surface that would last through ten wet winters and still look clean."
    assert complaint_of(need) == need
    # the maker's method, in any tense and with the words between (rounds 65 to 72)
    assert complaint_of("Each batch of crumb is mixed by hand in the yard for about ten minutes.") is None
    # round 80: a grinder's service, quoted as the reader's problem by both judges
    regrind = "Each pair of shears is cleaned, reground or realigned by hand, and tested on cloth before it goes back."
    assert complaint_of(regrind) is None
    assert complaint_of("Tidemark harvests its edging willow (Salix viminalis) by hand from our own beds.") is None
    assert complaint_of("Curved borders are still assembled by hand by the company's own crew.") is None
    # a call to action tells the reader what to do next, not how they work today (round 65)
    assert complaint_of("Book a survey online or by phone once you know your opening date.", "cta") is None
    chore = "Most schools still check their play surfaces by hand and write the results on paper."
    assert complaint_of(chore) == chore
    # rounds 75 and 76 (batches 52 and 53): a testimonial's praise, asked as the reader's problem by
    # every judge; "still" and "nobody" there say how well it went, not how things were
    labrador = "\u201cWe've got a Labrador who charges across it twice an hour and it still runs perfectly.\u201d"
    assert complaint_of(labrador, "quote") is None
    slope = (
        "\u201cThe surface sat on the slope below the orchard and nobody could tell; it was dead level all night.\u201d"
    )
    assert complaint_of(slope, "quote") is None
    missed = "Nobody could tell which surfaces had been checked, so inspections were missed for months."
    assert complaint_of(missed) == missed


def test_a_satisfied_after_and_a_sentence_pointing_back_are_no_complaint() -> None:
    claim = "Bedwatch reads the water temperature in every watercress bed and texts the grower when one drifts."

    def complaint_of(sentence: str, kind: str) -> str | None:
        return complaint(_pitched([claim, sentence])[1], ["feature", kind], [0])

    # round 52's wrong questions (batch 29): a happy customer's after, and what the product's
    # animations explain, each quoted as the reader's problem
    assert (
        complaint_of("\u201cI still trust my eyes, but now I know which bed to look at first.\u201d", "quote") is None
    )
    # praise with a typographer's apostrophe, as most drafts have it, is praise too
    happier = (
        "\u201cWe've got a Labrador who charges across it twice an hour and it still runs; "
        "we couldn\u2019t be happier.\u201d"
    )
    assert complaint_of(happier, "quote") is None
    explains = "They explain the common and serious risks and what recovery looks like at one week and six weeks."
    assert complaint_of(explains, "argument") is None
    # a before long enough to tell the old way is quoted up to its after; a risk told plainly is one
    habit = "\u201cWe used to walk every bed twice a day in July and still lost two; now the text comes first.\u201d"
    assert complaint_of(habit, "quote") == "We used to walk every bed twice a day in July and still lost two."
    plain = "Most growers still find a warm bed only when the leaves have already yellowed."
    assert complaint_of(plain, "argument") == plain


def test_an_argument_is_a_complaint_only_when_it_tells_the_old_way_in_words() -> None:
    claim = "Fellwalk runs guided llama treks from our farm above Keswick every weekend from April."

    def complaint_of(sentence: str) -> str | None:  # each read as an argument by the patterns
        return complaint(_pitched([claim, sentence])[1], ["feature", "argument"], [0])

    # rounds 44 to 54: the patterns' arguments were useful complaints 12 times of 92; a story told
    # on the trek (round 53) is no pain of the reader's
    story = "The youngest walker, who is nine, led the llama the whole way and refused to hand him over at the stile."
    assert complaint_of(story) is None
    clipboard = "Until last spring, the guides recorded every booking on a clipboard and typed the sheets up at night."
    assert complaint_of(clipboard) == clipboard


def test_the_form_goes_only_to_a_sentence_that_names_the_product_or_says_what_is_new() -> None:
    form = rewriters.get("feature-until-now-after.v1")
    yard = "What visitors find is a yard stacked with used casks, most of which have held whisky before."
    # Round 39's editors on a visitor blog: "no feature and no 'you' who did something instead".
    assert form.build(Slots(kind="feature", original=yard, lead=yard, figures=())) is None
    named = "Caskbook books every cask inspection online and sends the report to your phone."
    assert form.build(Slots(kind="feature", original=named, lead=named, figures=(), product="Caskbook")) is not None
    new = "Cask inspections can now be booked online, and the report goes to your phone the same day."
    assert form.build(Slots(kind="feature", original=new, lead=new, figures=())) is not None
    hire = "In June we took on Sam, our first apprentice, through the county's woodland scheme."
    assert read_kinds(*_pitched([hire]), []) == ["news"]


def test_no_form_after_a_sessions_description_or_a_place_the_company_opens() -> None:
    form = rewriters.get("feature-until-now-after.v1")

    def built(sentence: str) -> object:
        return form.build(Slots(kind="feature", original=sentence, lead=sentence, figures=(), product="Cairn"))

    # round 46's editors, "no" to the form after a webinar's description and a gallery's new room
    session = "In this 45-minute session, two of Cairn's senior trainers walk through what the update means."
    gallery = "Cairn Gallery will open a second exhibition space at 14 Constitution Street on 23 October."
    assert built(session) is None and built(gallery) is None
    assert built("Cairn now books every first aid course online and sends each certificate by email.") is not None


def test_a_customers_weekly_or_yearly_output_is_a_credential() -> None:
    sentences = [
        "Brantley Hatchery in Toccoa, Georgia, sets 1.1 million broiler eggs a week for three integrators.",
        "Ines Varga makes around 150 couture hats and headpieces a year, most of them for the spring races.",
        "Eggscan reads every egg with a light sensor as the trays pass beneath it.",
    ]
    kinds = read_kinds(*_pitched(sentences), [])
    # the opening of a case study: how much the customer makes, not what the product does (batch 20)
    assert kinds[0] not in TARGET_KINDS and kinds[1] not in TARGET_KINDS
    assert kinds[2] in TARGET_KINDS


def test_a_rewrite_goes_only_where_an_editor_would_likely_want_one(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workshop's launch post whose first product sentence is the tub's dimensions: the rules
    # take it for the claim, and "Until now, you had to ..." after a size is nonsense. The claim
    # ranker gives it about a third of a chance, so the writer gets the questions, not the form,
    # and the size is not named as the piece's claim either (under `score.CLAIM_CHANCE`).
    analysis = analyze(analyzer, "hot-tub-launch.txt")
    assert analysis.suggestions == [] and analysis.main_claim is None
    assert analysis.label == "awareness-only" and analysis.coaching == {}  # read as news: no coaching either
    asked = analyze(analyzer, "hot-tub-launch.txt", include_news=True).coaching
    assert asked == {}  # asked for, but nothing specific to ask: the size is no claim to quote
    monkeypatch.setattr(score, "REWRITE_CHANCE", 0.0)  # without the gate, the form goes on the size
    asked_for = analyze(analyzer, "hot-tub-launch.txt", include_news=True)  # (read as news: only if asked)
    [form] = [a.text for s in asked_for.suggestions for a in s.alternatives]
    assert form.startswith("The Langdale is 1.9 metres") and form.endswith(
        "Until now, you had to [what did you do instead?]."
    )


def test_the_readers_situation_read_off_a_target_is_never_asked_as_a_question(analyzer: Analyzer) -> None:
    # Rounds 69 and 70: "Young or nervous horses should never be jolted into a trot: by when must
    # that be true?" and "... a problem that the surface binds without water and still freeze
    # solid?" turned a product's quality into the reader's problem (useful 1 time of 16).
    text = (
        "# Kiln CI 4.12 is out\n\n"
        "Kiln CI 4.12 caches dependencies across branches, so a pull request no longer rebuilds what main "
        "already built.\n\n"
        "The cache is shared by every runner in your organisation and expires after fourteen days.\n\n"
        "Upgrade from the settings page; nothing in your pipeline files has to change.\n"
    )
    analysis = analyzer.analyze(text, options=AnalyzeOptions(explanations=False))
    asked = [q for questions in analysis.coaching.values() for q in questions]
    assert not analysis.rubric.why_change.present  # a question could be asked: none reads the situation
    assert not any("rebuild" in q and not q.startswith("\u201c") for q in asked), asked
    assert not any("by when must that be true" in q or "makes it a problem that" in q for q in asked), asked


def test_a_piece_read_as_company_news_gets_no_form_unless_news_is_asked_for(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batch 48: a horsebox bar's season ("served drinks at 38 weddings") was given "Until now, you
    # had to ...", the only form on a piece the model reads as awareness-only in 840 drafts. It
    # gets no coaching either, and its main claim is the same with suggestions or without.
    monkeypatch.setattr(score, "REWRITE_CHANCE", 0.0)  # the form's own gate out of the way
    news = analyze(analyzer, "hot-tub-launch.txt")
    assert news.label == "awareness-only" and news.suggestions == [] and news.coaching == {}
    unparsed = analyze(analyzer, "hot-tub-launch.txt", suggestions=False)
    assert unparsed.main_claim == news.main_claim
    assert analyze(analyzer, "hot-tub-launch.txt", include_news=True).suggestions

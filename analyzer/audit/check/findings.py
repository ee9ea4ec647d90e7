"""A draft's verdict under a policy, and findings a writer can act on, each on its sentence.

A draft fails when its case-for-change score is below the floor or its label is not allowed.
Then the findings say where to work: the weakest sentences (least case for change, with no
message of their own left out), and for each missing question of a case for change the
sentence where it belongs: the one a suggested rewrite would turn into it, else the opening
(why change, the price of inaction) or the close (the future state), where a case for change
makes them, with the coaching question its writer answers to say it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from analyzer.analysis.analyzer import Analysis, AnalyzeOptions, Analyzer, SentenceOut
from analyzer.audit.check.config import Policy
from analyzer.audit.check.places import locate
from analyzer.audit.check.verdict import FileCheck, Finding
from analyzer.errors import AnalyzerError
from analyzer.labels import AWARENESS, CHANGE, RUBRIC_ELEMENTS
from analyzer.text.extract import TEXT_FORMATS, detect_format, extract
from analyzer.text.extract.decode import decode

#: Sentences pointed at as the weakest, per failing draft.
WEAKEST: Final = 3
#: The analysis a check needs: sentences and a few rewrites to quote, no explanations.
CHECK_OPTIONS: Final = AnalyzeOptions(explanations=False, suggestions=True, max_suggestions=3, max_candidates=4)
#: Per element: the finding's title, what is missing, and where a case for change says it.
MISSING: Final = {
    "why_change": (
        "Missing: why change",
        "nothing says what has shifted in the reader's world, so their current way no longer works",
        "a case for change opens with it",
    ),
    "price_of_inaction": (
        "Missing: the price of inaction",
        "nothing says what the reader loses, risks or pays by doing nothing",
        "say it right after why change",
    ),
    "future_state": (
        "Missing: the future state",
        "nothing says where the reader must get to, or the first step",
        "a case for change ends with it",
    ),
}


def check_data(analyzer: Analyzer, path: str, data: bytes, policy: Policy, as_format: str | None = None) -> FileCheck:
    """Analyze one file's bytes and hold it to `policy`; a document that cannot be read is a
    result with an error. Its format is `as_format`, else its extension; an extension we do
    not read is refused.
    """
    result = FileCheck(path)
    try:
        extracted = extract(data, filename=path, format=as_format, strict=True)
        analysis = analyzer.analyze(extracted, source=path, options=CHECK_OPTIONS)
    except AnalyzerError as exc:
        result.error = str(exc)
        return result
    result.analysis = analysis
    result.problems = problems(analysis, policy)
    if result.problems:
        result.findings = findings(analysis, _as_written(data, path) if extracted.format in TEXT_FORMATS else None)
    return result


def _as_written(data: bytes, path: str) -> str:
    """The file's text as written, decoded as `extract` decoded it: its lines are the file's."""
    fmt, charset = detect_format(data, path, None)
    return decode(data, path, charset, detect=True, html=fmt == "html")


def problems(analysis: Analysis, policy: Policy) -> list[str]:
    """Why a draft fails the policy, in words (empty when it passes)."""
    found = []
    if analysis.case_for_change_score < policy.min_score:
        found.append(f"case-for-change score {analysis.case_for_change_score} is below {policy.min_score}")
    if policy.allow and analysis.label not in policy.allow:
        found.append(f"reads as {analysis.label}, not {' or '.join(policy.allow)}")
    missing = [element for element in RUBRIC_ELEMENTS if not getattr(analysis.rubric, element).present]
    if found and missing:
        found.append("missing: " + ", ".join(m.replace("_", " ") for m in missing))
    return found


def findings(analysis: Analysis, source: str | None) -> list[Finding]:
    """The weakest sentences and the places of the missing elements, in the order of the text;
    one finding per sentence (a weak sentence where an element belongs says both)."""
    sentences = analysis.sentences
    places = locate(source, [s.text for s in sentences]) if source is not None else [None] * len(sentences)
    weak = {sentence.index: sentence for sentence in weakest(sentences)}
    found: dict[int | None, Finding] = {}
    for element in RUBRIC_ELEMENTS:
        if getattr(analysis.rubric, element).present:
            continue
        title, what, where = MISSING[element]
        rewrite = next((s for s in analysis.suggestions if s.target == element), None)
        index = rewrite.sentence if rewrite else _home(element, analysis, sentences)
        advice = f"rewrite this sentence to say it. Try: {rewrite.rewrite}" if rewrite else where + "."
        questions = analysis.coaching.get(element) or []
        if questions and not rewrite:
            advice += f" To write it, answer: {questions[0]}"
        if index in found:  # a second element at the same sentence: one finding says both
            earlier = found[index]
            message = f"{earlier.message} Also {title[0].lower()}{title[1:]}: {what}; {advice}"
            found[index] = Finding(
                earlier.kind, f"{earlier.title}, {title.split(': ')[1]}", message, index, earlier.place
            )
            continue
        note = f"Sentence {index + 1} {_weakness(weak.pop(index))}. " if index in weak else ""
        message = f"{note}{title}: {what}; {advice}"
        found[index] = Finding("missing-element", title, message, index, places[index] if index is not None else None)
    for index, sentence in weak.items():
        rewrite = next((s for s in analysis.suggestions if s.sentence == index), None)
        title = f"Sentence {index + 1} {_weakness(sentence).split(' (')[0]}"
        message = f"Sentence {index + 1} {_weakness(sentence)}: {_advice(sentence)}." + (
            f" Try: {rewrite.rewrite}" if rewrite is not None else ""
        )
        found[index] = Finding("weak-sentence", title, message, index, places[index])
    return sorted(found.values(), key=lambda f: (f.sentence is None, f.sentence or 0))


def _weakness(sentence: SentenceOut) -> str:
    what = "only informs" if sentence.label == AWARENESS else "pitches a feature"
    return f"{what} (case for change {sentence.scores[CHANGE]:.0%})"


def _advice(sentence: SentenceOut) -> str:
    if sentence.label == AWARENESS:
        return "tie it to something the reader must change"
    return "say what the reader's situation costs them before what the product does"


def weakest(sentences: Sequence[SentenceOut]) -> list[SentenceOut]:
    """Up to `WEAKEST` sentences that carry a message other than a case for change, least
    case for change first."""
    candidates = [s for s in sentences if not s.low_signal and s.label != CHANGE]
    return sorted(candidates, key=lambda s: (s.scores[CHANGE], s.index))[:WEAKEST]


def _home(element: str, analysis: Analysis, sentences: Sequence[SentenceOut]) -> int | None:
    """The sentence where a missing element belongs (see the module's docstring)."""
    for suggestion in analysis.suggestions:
        if suggestion.target == element:
            return suggestion.sentence
    headings = {section.start for section in analysis.sections}
    body = [s.index for s in sentences if not s.low_signal and s.start not in headings]
    body = body or [s.index for s in sentences]
    if not body:
        return None
    if element == "future_state":
        return body[-1]
    if element == "price_of_inaction":  # right after why change: where it is, or where it belongs
        shown = analysis.rubric.why_change.evidence
        return shown[0] if shown else _home("why_change", analysis, sentences)
    return body[0]

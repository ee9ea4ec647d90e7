"""`Analyzer.analyze()`: one document in, everything a writer needs to see out.

The CLI, the HTTP API, the web page and the batch audit all call this, so a score never
differs between surfaces. The document is parsed once; sentences are slices of that parse,
featurized once for their label, the rubric detectors and the explanations.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from analyzer.analysis.explain import Explanation, LinearExplainer
from analyzer.analysis.named_sections import Section, with_named_sections
from analyzer.errors import AnalyzerError, ModelIntegrityError
from analyzer.labels import AWARENESS, CHANGE, LABELS, RUBRIC_ELEMENTS
from analyzer.model.artifacts import LoadedModel, load_model
from analyzer.model.rubric import (
    RubricSettings,
    case_for_change_score,
    detect,
    evidence_scores,
    in_context,
    sentence_labels,
)
from analyzer.text.extract import Extracted, Heading, check_text
from analyzer.text.nlp import parse
from analyzer.text.sentences import is_low_signal

if TYPE_CHECKING:
    from analyzer.analysis.suggest.ranker import ClaimRanker
    from analyzer.analysis.suggest.score import GainChecker, Suggestion

_log = logging.getLogger("analyzer.analysis")

#: 1.1 added suggestions' alternatives and coaching, `mixed` and `leading`; 1.2 added `main_claim`; 1.3
#: added `named_by` to each rubric element.
SCHEMA_VERSION = "1.3"
#: The most target sentences one document's suggestions read with the parser.
MAX_CANDIDATES = 25
#: Below this top probability a label is flagged uncertain: read it yourself.
UNCERTAIN_BELOW = 0.6


class AnalyzeOptions(BaseModel):
    """What to compute beyond the label and rubric (each costs time).

    An unknown option is refused, never ignored: `{"suggestion": false}` would otherwise
    quietly leave suggestions on.
    """

    model_config = ConfigDict(extra="forbid")

    sentences: bool = True
    explanations: bool = True
    suggestions: bool = True
    max_suggestions: int = Field(default=5, ge=0, le=20)
    max_candidates: int = Field(
        default=MAX_CANDIDATES,
        ge=1,
        le=MAX_CANDIDATES,
        description="Most target sentences read by the parser (targets are chosen first, the most important first); "
        "fewer is faster.",
    )
    include_news: bool = Field(
        default=False,
        description="Also rewrite company news meant to inform (events, hires, awards, offices), after every other "
        "target, and give a piece the model reads as awareness-only its rewrites and coaching questions. Off by "
        "default: an editor leaves news alone.",
    )


class PhraseOut(TypedDict):
    """A phrase and its push (a dict, not a model: a document has hundreds of them)."""

    phrase: str
    weight: float


class ExplanationOut(BaseModel):
    toward: list[PhraseOut] = Field(description="Phrases that pushed toward the label, strongest first.")
    away: list[PhraseOut] = Field(description="Phrases that pushed away from it, strongest first.")

    @classmethod
    def of(cls, explanation: Explanation) -> ExplanationOut:
        # model_construct: values we computed ourselves need no validation, and validating
        # ~300 phrases a document was a twentieth of the analysis time.
        return cls.model_construct(
            toward=[PhraseOut(phrase=p.phrase, weight=p.weight) for p in explanation.toward],
            away=[PhraseOut(phrase=p.phrase, weight=p.weight) for p in explanation.away],
        )


class SentenceOut(BaseModel):
    index: int
    text: str
    start: int = Field(description="Character offset into `text` of the analysis.")
    end: int
    label: str
    scores: dict[str, float]
    low_signal: bool = Field(description="No message of its own: takes the document's label.")
    explanation: ExplanationOut | None = None


class SectionOut(BaseModel):
    heading: str
    level: int
    start: int
    end: int
    label: str
    scores: dict[str, float]
    sentences: list[int]


class ElementOut(BaseModel):
    present: bool
    score: float = Field(description="Best sentence's evidence score, 0 to 1.")
    evidence: list[int] = Field(description="Indexes of the sentences that show it, best first.")
    named_by: str | None = Field(
        None,
        description='The writer\'s section heading that names this element ("What waiting costs", "Where to '
        'start"), when the detector alone finds no sentence for it: the element is then present, its evidence '
        "the section's sentences and its score still the detector's.",
    )


class RubricOut(BaseModel):
    why_change: ElementOut
    price_of_inaction: ElementOut
    future_state: ElementOut


class PlaceholderOut(BaseModel):
    start: int = Field(description="Offset into the alternative's `text` of the opening bracket.")
    end: int = Field(description="Offset just past the closing bracket: text[start:end] is the placeholder.")
    question: str = Field(description="What the writer answers to fill it: the label of its input.")


class CheckOut(BaseModel):
    model: str = Field(description="Name and version of the independent check model.")
    gain: float = Field(description="The check model's case-for-change gain for the same texts.")
    agrees: bool = Field(description="Both models see a gain above a small margin, or neither does.")


class AlternativeOut(BaseModel):
    move: str = Field(description='"why_change" | "price_of_inaction" | "future_state"')
    strategy: str = Field(description="Versioned name of the frame that built it.")
    text: str = Field(description="The rewrite; placeholders are [bracketed questions]. Never splice it unfilled.")
    placeholders: list[PlaceholderOut]
    rationale: str
    scores_after: dict[str, float] = Field(
        description="Sentence-level scores of `text` with its placeholders filled by neutral stand-ins."
    )
    gain: float = Field(description="scores_after[case-for-change] minus the original sentence's.")
    check: CheckOut | None = Field(description="The independent check; null only if its model is unavailable.")


class SuggestionOut(BaseModel):
    sentence: int = Field(description="Index into `sentences` (show it as index + 1).")
    start: int = Field(description="The sentence's character offsets into `text`.")
    end: int
    original: str
    target: str = Field(description="The move of the first alternative.")
    strategy: str
    rewrite: str = Field(description="The first alternative's text.")
    rationale: str
    placeholders: list[str] = Field(description="The first alternative's placeholders, brackets included.")
    scores_after: dict[str, float]
    gain: float
    alternatives: list[AlternativeOut] = Field(
        description="One per move a frame with a record fits (one today); the first is shown."
    )


class MainClaimOut(BaseModel):
    """The sentence an editor would work on first."""

    sentence: int = Field(description="Index into `sentences` (show it as index + 1).")
    start: int = Field(description="The sentence's character offsets into `text`.")
    end: int
    text: str


class ModelOut(BaseModel):
    name: str
    version: str


class Analysis(BaseModel):
    """Everything `Analyzer.analyze` says about one document."""

    schema_version: str = SCHEMA_VERSION
    model: ModelOut
    source: str | None = None
    title: str | None = None
    format: str = "text"
    text: str = Field(description="The text analyzed; every offset points into it.")
    label: str
    scores: dict[str, float]
    confidence: float
    uncertain: bool
    mixed: bool = Field(
        default=False,
        description="No message dominates: the top score is below the model's mixed threshold. "
        "Show the two `leading` messages rather than the label (which is still given).",
    )
    leading: list[str] = Field(
        default_factory=list, description="The two messages with the highest scores, highest first."
    )
    case_for_change_score: int = Field(
        ge=0,
        le=100,
        description="100 x (0.4 P(case-for-change) + 0.2 why_change + 0.2 price_of_inaction + 0.2 future_state)",
    )
    rubric: RubricOut
    sentences: list[SentenceOut]
    sections: list[SectionOut]
    explanation: ExplanationOut | None = None
    suggestions: list[SuggestionOut]
    coaching: dict[str, list[str]] = Field(
        default_factory=dict,
        description="For each missing rubric element the draft gives something to ask about (its main claim, its own "
        "complaint, a figure it moved, its headline), one to three questions about the document's own topic; an "
        "element with nothing to ask about has no entry. Empty for a piece the model reads as awareness-only "
        "(unless include_news): news has no status quo to argue against.",
    )
    main_claim: MainClaimOut | None = Field(
        default=None,
        description="The sentence that carries the piece's main claim, as an editor's rules choose it: where the "
        "answers to the coaching questions go, and what the first suggestion rewrites when one is offered. Null for "
        "company news (unless include_news), for a piece with no claim an editor would touch, where the claim ranker "
        "gives its best target under an even chance of being an editor's, and without sentences.",
    )


def _scores(row: np.ndarray) -> dict[str, float]:
    return {label: round(p, 6) for label, p in zip(LABELS, row.tolist(), strict=True)}


class Analyzer:
    """The analysis core, around one verified model directory; load once, call many times."""

    def __init__(self, model: LoadedModel) -> None:
        if model.sentences is None or "analysis" not in model.card:
            raise ModelIntegrityError(
                f"{model.directory} has no sentence model, which analysis needs. Re-run `analyzer train`."
            )
        self.model = model
        self.sentence_model = model.sentences
        self.settings = RubricSettings.from_card(model.card["analysis"])

    @classmethod
    def load(cls, directory: str | Path | None = None) -> Analyzer:
        return cls(load_model(directory))

    @cached_property
    def document_explainer(self) -> LinearExplainer:
        steps = self.model.pipeline.named_steps
        return LinearExplainer(steps["features"], steps["classify"])

    @cached_property
    def sentence_explainer(self) -> LinearExplainer:
        return LinearExplainer(self.sentence_model.features_, self.sentence_model.label_head_)

    def sentence_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The sentence model on standalone sentences (used to score rewrites)."""
        parsed = list(parse(texts))
        return self.sentence_model.predict([p.sentence(0) if p.sentences else p for p in parsed])[0]

    def analyze(
        self,
        document: str | Extracted,
        *,
        source: str | None = None,
        title: str | None = None,
        options: AnalyzeOptions | None = None,
    ) -> Analysis:
        options = options or AnalyzeOptions()
        extracted = (
            document
            if isinstance(document, Extracted)
            else Extracted(check_text(document, source or "text"), None, (), "text")
        )
        text = extracted.text
        parsed = next(parse([text]))
        all_probs, doc_matrix = self.model.probabilities_of_parsed([parsed])
        doc_probs = all_probs[0]
        doc_label = LABELS[int(np.argmax(doc_probs))]

        # Headings are the sections' names, not sentences: they carry no message to label or rewrite.
        all_spans = [parsed.sentence_span(i) for i in range(len(parsed.sentences))]
        kept = _outside_headings(all_spans, extracted.headings)
        sentence_parses = [parsed.sentence(i) for i in kept]
        spans = [all_spans[i] for i in kept]
        matrix = self.sentence_model.featurize(sentence_parses)
        label_probs, rubric_probs = self.sentence_model.predict_features(matrix)
        low = [is_low_signal(s) for s in sentence_parses]
        blended = in_context(label_probs, doc_probs, low, self.settings)
        labels = sentence_labels(blended, low, doc_label)
        change = label_probs if self.settings.own_evidence else blended
        evidence = evidence_scores(rubric_probs, change)
        detected = detect(evidence, self.settings.thresholds)

        sentence_explanations = (
            self.sentence_explainer.explain(matrix, labels) if options.explanations and len(labels) else []
        )
        sentences = [
            SentenceOut.model_construct(
                index=i,
                text=sentence_parses[i].text,
                start=spans[i][0],
                end=spans[i][1],
                label=labels[i],
                scores=_scores(blended[i]),
                low_signal=low[i],
                explanation=ExplanationOut.of(sentence_explanations[i]) if sentence_explanations else None,
            )
            for i in range(len(labels))
        ]
        sections = self._sections(extracted, sentences)
        elements, named = with_named_sections(detected, [Section(s.heading, s.sentences) for s in sections], evidence)
        missing = [name for name in RUBRIC_ELEMENTS if not elements[name].present]
        suggestions, coaching, main_claim = self._advice(
            extracted, sentences, doc_label, missing, options, title or extracted.title
        )
        top = float(np.max(doc_probs))
        prediction = self.model.prediction(doc_probs)
        return Analysis(
            model=ModelOut(name=self.model.name, version=self.model.version),
            source=source,
            title=title or extracted.title,
            format=extracted.format,
            text=text,
            label=doc_label,
            scores=_scores(doc_probs),
            confidence=round(top, 6),
            uncertain=top < UNCERTAIN_BELOW,
            mixed=prediction.mixed,
            leading=list(prediction.leading or ()),
            case_for_change_score=case_for_change_score(float(doc_probs[LABELS.index(CHANGE)]), elements),
            rubric=RubricOut(
                **{
                    name: ElementOut(
                        present=e.present, score=e.score, evidence=list(e.evidence), named_by=named.get(name)
                    )
                    for name, e in elements.items()
                }
            ),
            sentences=sentences if options.sentences else [],
            sections=sections,
            explanation=(
                ExplanationOut.of(self.document_explainer.explain(doc_matrix, [doc_label])[0])
                if options.explanations
                else None
            ),
            suggestions=suggestions,
            coaching=coaching,
            main_claim=(
                MainClaimOut(sentence=main_claim, **sentences[main_claim].model_dump(include={"start", "end", "text"}))
                if main_claim is not None
                else None
            ),
        )

    def _sections(self, extracted: Extracted, sentences: list[SentenceOut]) -> list[SectionOut]:
        """Heading-delimited sections, each labelled by the document model on its own text."""
        headings = sorted(extracted.headings, key=lambda h: h.start)
        if not headings:
            return []
        spans = [
            (h, h.start, headings[k + 1].start if k + 1 < len(headings) else len(extracted.text))
            for k, h in enumerate(headings)
        ]
        texts = [extracted.text[start:end] for _, start, end in spans]
        probs = self.model.probabilities(texts)
        # Sentences come in text order: a bisection per section, not a scan of all sentences
        # (a scan was quadratic: 16,000 headings took 80 s).
        starts = [s.start for s in sentences]
        return [
            SectionOut(
                heading=extracted.text[h.start : h.end],
                level=h.level,
                start=start,
                end=end,
                label=LABELS[int(np.argmax(row))],
                scores=_scores(row),
                sentences=[s.index for s in sentences[bisect_left(starts, start) : bisect_left(starts, end)]],
            )
            for (h, start, end), row in zip(spans, probs, strict=True)
        ]

    @cached_property
    def claim_ranker(self) -> ClaimRanker | None:
        """The main claim's ranker, loaded (checksum first) on the first document; the rules' order without it."""
        from analyzer.analysis.suggest.ranker import load_ranker

        try:
            return load_ranker()[0]
        except AnalyzerError as exc:
            _log.warning("claim ranker not loaded, the rules choose the main claim: %s", exc)
            return None

    @cached_property
    def check_model(self) -> GainChecker | None:
        """The independent check of rewrites' gains, loaded (checksum first) on the first suggestion."""
        from analyzer.analysis.suggest.check import load_check

        try:
            return load_check()
        except AnalyzerError:
            return None  # the alternatives then carry check: null; the suggestions themselves stand

    def _advice(
        self,
        extracted: Extracted,
        sentences: list[SentenceOut],
        doc_label: str,
        missing: list[str],
        options: AnalyzeOptions,
        title: str | None,
    ) -> tuple[list[SuggestionOut], dict[str, list[str]], int | None]:
        """Suggested rewrites, coaching questions and the main claim's sentence; the parser loads
        only if suggestions are asked for.

        A piece the model reads as company news gets neither rewrites nor questions unless
        `include_news` asks, only its main claim. Asked how news could argue for change, a reader
        has no status quo to pay for ("a restored ring of bells", "an anniversary thank-you"):
        judged blind in rounds 63 to 66, questions on such pieces were useful 4 times of 126 and
        wrong 48, against 88 and 51 of 208 on feature pitches; and on batch 48 a horsebox bar's
        season ("... served drinks at 38 weddings") was given "Until now, you had to ...", the only
        form of 840 drafts on such a piece. An editor leaves news alone.
        """
        from analyzer.analysis.suggest.coaching import coaching_questions
        from analyzer.analysis.suggest.kinds import Line
        from analyzer.analysis.suggest.score import suggest, unparsed_advice

        lines = [Line(s.text, s.start, s.end, s.label) for s in sentences]
        headings = [(h.start, h.end) for h in extracted.headings]
        informs = doc_label == AWARENESS and not options.include_news
        if not options.suggestions or options.max_suggestions == 0 or not sentences or informs:
            unparsed = unparsed_advice(
                lines,
                text=extracted.text,
                headings=headings,
                document_label=doc_label,
                include_news=options.include_news,
                ranker=self.claim_ranker,
                title=title,
            )
            coaching = {} if informs else coaching_questions(missing, unparsed.focus)
            return [], coaching, unparsed.main_claim
        advice = suggest(
            lines,
            self.sentence_probabilities,
            text=extracted.text,
            headings=headings,
            document_label=doc_label,
            missing=missing,
            max_suggestions=min(options.max_suggestions, options.max_candidates),
            include_news=options.include_news,
            check=self.check_model,
            ranker=self.claim_ranker,
            title=title,
        )
        out = [_suggestion_out(s, sentences[s.sentence]) for s in advice.suggestions]
        return out, coaching_questions(missing, advice.focus), advice.main_claim


def _suggestion_out(suggestion: Suggestion, sentence: SentenceOut) -> SuggestionOut:
    alternatives = [
        AlternativeOut(
            move=a.rewrite.target,
            strategy=a.rewrite.strategy,
            text=a.rewrite.text,
            placeholders=[
                PlaceholderOut(start=p.start, end=p.end, question=p.question) for p in a.rewrite.placeholders
            ],
            rationale=a.rewrite.rationale,
            scores_after={k: round(v, 6) for k, v in a.scores_after.items()},
            gain=round(a.gain, 6),
            check=(
                CheckOut(model=a.check.model, gain=round(a.check.gain, 6), agrees=a.check.agrees)
                if a.check is not None
                else None
            ),
        )
        for a in suggestion.alternatives
    ]
    first = alternatives[0]
    return SuggestionOut(
        sentence=suggestion.sentence,
        start=sentence.start,
        end=sentence.end,
        original=suggestion.original,
        target=first.move,
        strategy=first.strategy,
        rewrite=first.text,
        rationale=first.rationale,
        placeholders=[first.text[p.start : p.end] for p in first.placeholders],
        scores_after=first.scores_after,
        gain=first.gain,
        alternatives=alternatives,
    )


def _outside_headings(spans: Sequence[tuple[int, int]], headings: Sequence[Heading]) -> list[int]:
    """The indices of the spans that do not lie inside a heading (both sorted by offset)."""
    starts = sorted((h.start, h.end) for h in headings)
    kept: list[int] = []
    k = 0
    for i, (start, end) in enumerate(spans):
        while k < len(starts) and starts[k][1] <= start:
            k += 1
        if not (k < len(starts) and starts[k][0] <= start and end <= starts[k][1]):
            kept.append(i)
    return kept

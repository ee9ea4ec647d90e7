"""`Analyzer.analyze()`: one document in, everything a writer needs to see out.

The CLI, the HTTP API, the web page and the batch audit all call this, so a score never
differs between surfaces. The document is parsed once; sentences are slices of that parse,
featurized once for their label, the rubric detectors and the explanations.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from analyzer.analysis.explain import Explanation, LinearExplainer
from analyzer.analysis.suggest import MAX_CANDIDATES
from analyzer.errors import ModelIntegrityError
from analyzer.labels import CHANGE, LABELS, RUBRIC_ELEMENTS
from analyzer.model.artifacts import LoadedModel, load_model
from analyzer.model.rubric import RubricSettings, blend, case_for_change_score, detect, evidence_scores, sentence_labels
from analyzer.text.extract import Extracted, check_text
from analyzer.text.nlp import parse
from analyzer.text.sentences import is_low_signal

SCHEMA_VERSION = "1.0"
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
        description="Sentences tried for rewrites, the least case-for-change first; fewer is faster.",
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


class RubricOut(BaseModel):
    why_change: ElementOut
    price_of_inaction: ElementOut
    future_state: ElementOut


class SuggestionOut(BaseModel):
    sentence: int
    original: str
    rewrite: str
    target: str
    strategy: str
    rationale: str
    placeholders: list[str]
    scores_after: dict[str, float]
    gain: float


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
        analysis = model.card["analysis"]
        self.settings = RubricSettings(float(analysis["context_weight"]), dict(analysis["thresholds"]))

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

        sentence_parses = [parsed.sentence(i) for i in range(len(parsed.sentences))]
        matrix = self.sentence_model.featurize(sentence_parses)
        label_probs, rubric_probs = self.sentence_model.predict_features(matrix)
        blended = blend(label_probs, doc_probs, self.settings.context_weight) if len(label_probs) else label_probs
        low = [is_low_signal(s) for s in sentence_parses]
        labels = sentence_labels(blended, low, doc_label)
        elements = detect(evidence_scores(rubric_probs, blended), self.settings.thresholds)

        sentence_explanations = (
            self.sentence_explainer.explain(matrix, labels) if options.explanations and len(labels) else []
        )
        spans = [parsed.sentence_span(i) for i in range(len(sentence_parses))]
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
        suggestions = self._suggestions(sentences, elements, options) if options.suggestions else []
        top = float(np.max(doc_probs))
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
            case_for_change_score=case_for_change_score(float(doc_probs[LABELS.index(CHANGE)]), elements),
            rubric=RubricOut(
                **{
                    name: ElementOut(present=e.present, score=e.score, evidence=list(e.evidence))
                    for name, e in elements.items()
                }
            ),
            sentences=sentences if options.sentences else [],
            sections=self._sections(extracted, sentences),
            explanation=(
                ExplanationOut.of(self.document_explainer.explain(doc_matrix, [doc_label])[0])
                if options.explanations
                else None
            ),
            suggestions=suggestions,
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

    def _suggestions(
        self, sentences: list[SentenceOut], elements: dict[str, Any], options: AnalyzeOptions
    ) -> list[SuggestionOut]:
        if options.max_suggestions == 0 or not sentences:
            return []
        from analyzer.analysis import suggest  # loads spaCy's parser lazily: only when suggestions are asked for

        missing = [name for name in RUBRIC_ELEMENTS if not elements[name].present]
        found = suggest.suggest(
            [s.text for s in sentences],
            [s.label for s in sentences],
            self.sentence_probabilities,
            max_suggestions=options.max_suggestions,
            missing=missing,
            max_candidates=options.max_candidates,
        )
        return [
            SuggestionOut(
                sentence=s.sentence,
                original=s.original,
                rewrite=s.rewrite,
                target=s.target,
                strategy=s.strategy,
                rationale=s.rationale,
                placeholders=list(s.placeholders),
                scores_after={k: round(float(v), 6) for k, v in s.scores_after.items()},
                gain=round(float(s.gain), 6),
            )
            for s in found
        ]

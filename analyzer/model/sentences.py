"""The sentence model: each sentence's message and the case-for-change elements it carries.

Trained on sentences, not documents: the corpus's sentence labels where a writer marked them
(every mixed and case-for-change document) and, in the other documents, the document's label,
which by definition every sentence of a single-message document shares. One feature union
feeds four linear heads (the label and one detector per rubric element), so a sentence is
featurized once. The features see the sentence's words; the document's own probabilities are
blended in afterwards, since a short sentence often says little on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from analyzer.labels import LABELS, RUBRIC_ELEMENTS
from analyzer.model.corpus import Document
from analyzer.model.fastpath import FastFeatures, FastHead
from analyzer.model.pipeline import classifier, feature_union
from analyzer.text.nlp import Parsed


@dataclass(frozen=True, slots=True)
class SentenceExample:
    parsed: Parsed
    label: str
    rubric: frozenset[str]
    annotated: bool  # labelled by a writer, not inherited from the document


def sentence_examples(doc: Document, parsed: Parsed) -> list[SentenceExample]:
    """Each parsed sentence with the label of the annotated span it starts in (else the doc's)."""
    examples = []
    spans = doc.sentences
    for i in range(len(parsed.sentences)):
        start, _ = parsed.sentence_span(i)
        span = next((s for s in spans if s.start <= start < s.end), None)
        if span is None and spans:
            span = min(spans, key=lambda s: abs(s.start - start))
        label = span.label if span else doc.label
        rubric = frozenset(span.rubric) if span else frozenset()
        examples.append(SentenceExample(parsed.sentence(i), label, rubric, annotated=bool(spans)))
    return examples


class SentenceModel:
    """Label probabilities and rubric-element probabilities for parsed sentences."""

    def __init__(
        self,
        label_c: float = 0.1,
        rubric_c: float = 16.0,
        signals_weight: float = 0.05,
        char_ngrams: bool = True,
        seed: int = 7,
    ) -> None:
        self.label_c = label_c
        self.rubric_c = rubric_c
        self.signals_weight = signals_weight
        self.char_ngrams = char_ngrams
        self.seed = seed

    def get_params(self) -> dict[str, Any]:
        return {
            "label_c": self.label_c,
            "rubric_c": self.rubric_c,
            "signals_weight": self.signals_weight,
            "char_ngrams": self.char_ngrams,
            "seed": self.seed,
        }

    def fit(self, examples: Sequence[SentenceExample]) -> SentenceModel:
        self.features_ = feature_union()
        self.features_.set_params(transformer_weights={"words": 1.0, "chars": 1.0, "signals": self.signals_weight})
        if not self.char_ngrams:
            self.features_.set_params(chars="drop")
        matrix = self.features_.fit_transform([e.parsed for e in examples])
        # A linear SVM for the three-way head: as accurate here as a multinomial logistic
        # regression and fifteen times faster to fit on ~15,000 sentences.
        self.label_head_ = self._calibrated(
            LinearSVC(C=self.label_c, class_weight="balanced", random_state=self.seed)
        ).fit(matrix, [e.label for e in examples])
        self.rubric_heads_ = {
            element: self._calibrated(classifier(c=self.rubric_c, seed=self.seed)).fit(
                matrix, [element in e.rubric for e in examples]
            )
            for element in RUBRIC_ELEMENTS
        }
        return self

    def _calibrated(self, estimator: Any) -> CalibratedClassifierCV:
        return CalibratedClassifierCV(
            estimator, method="sigmoid", cv=StratifiedKFold(5, shuffle=True, random_state=self.seed)
        )

    def predict(self, sentences: Sequence[Parsed]) -> tuple[np.ndarray, np.ndarray]:
        """(label probabilities in `LABELS` order, rubric probabilities in `RUBRIC_ELEMENTS` order)."""
        return self.predict_features(self.featurize(sentences))

    def featurize(self, sentences: Sequence[Parsed]) -> sp.csr_matrix:
        if not sentences:
            return sp.csr_matrix((0, 0))
        return self._fast()[0].transform(list(sentences))

    def predict_features(self, matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """`predict` from `featurize`'s matrix, so callers can reuse it for explanations."""
        if matrix.shape[0] == 0:
            return np.zeros((0, len(LABELS))), np.zeros((0, len(RUBRIC_ELEMENTS)))
        _, label_head, rubric_heads = self._fast()
        raw = label_head.predict_proba(matrix)
        order = [label_head.classes.index(label) for label in LABELS]
        rubric = np.column_stack([rubric_heads[e].predict_proba(matrix)[:, 1] for e in RUBRIC_ELEMENTS])
        return raw[:, order], rubric

    def _fast(self) -> tuple[FastFeatures, FastHead, dict[str, FastHead]]:
        """The fitted models as NumPy arithmetic (see `analyzer.model.fastpath`), built on first use."""
        fast = self.__dict__.get("_fast_models")
        if fast is None:
            fast = (
                FastFeatures(self.features_),
                FastHead(self.label_head_),
                {e: FastHead(head) for e, head in self.rubric_heads_.items()},
            )
            self.__dict__["_fast_models"] = fast
        return fast  # type: ignore[no-any-return]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_fast_models", None)
        return state

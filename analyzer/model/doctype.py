"""The doc-type model: what kind of piece a document is (press release, blog post, case study...)
when its source does not say, read from the furniture of its opening and close.

A kind shows where a writer puts its furniture: datelines, "Subject:", bylines, "Issue #12" and
version numbers open a piece; "About X", "Media contact", calls to action and unsubscribe lines
close it. The model reads word unigrams and bigrams of the first `OPENING_CHARS` and the last
`CLOSING_CHARS` characters (digits folded to 0, so "v3.14" and "v2.0" are one shape), and
whether each of the plain `TEXT_RULES` fires, into a logistic regression over `FAMILIES`. It
abstains below the confidence threshold its manifest records (chosen in `doctype_train`): a
report groups by type, and a wrong group misleads more than "(no type)" does.

Its folder (`models/doctype-1.1.0/`) is a single-artifact model: loaded by
`artifacts.load_artifact`, after the pickle's sha256 matches the manifest. Built by
`make doctype` (`python -m analyzer.model.doctype_train`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import scipy.sparse as sp
from scipy.special import softmax
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from analyzer.errors import ModelIntegrityError
from analyzer.model.artifacts import load_artifact
from analyzer.model.corpus import doc_type_family
from analyzer.model.fastpath import FastFeatures
from analyzer.model.paths import DEFAULT_MODELS_DIR

NAME: Final = "doctype"
VERSION: Final = "1.1.0"
DEFAULT_DOCTYPE_DIR: Final = DEFAULT_MODELS_DIR / f"{NAME}-{VERSION}"
RETRAIN: Final = "make doctype"

#: The kinds a content lead groups a library by: the corpus's families (`corpus.DOC_TYPE_FAMILIES`
#: folds the writers' finer names into them), with landing pages and product pages as one:
#: both are the site's pages that sell, and their own writers cannot tell them apart by form.
FAMILIES: Final = (
    "article",
    "blog-post",
    "case-study",
    "email",
    "event-page",
    "help-article",
    "newsletter",
    "press-release",
    "product-page",
    "release-notes",
    "social-post",
    "white-paper",
)
MERGED_FAMILIES: Final = {"landing-page": "product-page"}

#: How much of the text is read: a type shows in a document's opening and close.
OPENING_CHARS: Final = 600
CLOSING_CHARS: Final = 400

#: Text rules, in order: (type, pattern over the document's opening, pattern over its close).
#: A rule fires when either of its patterns is found (None: not looked for). They were written
#: against the first writers' documents; the model reads each as one feature beside the words.
_M = re.MULTILINE | re.IGNORECASE
TEXT_RULES: Final[tuple[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None], ...]] = (
    (
        "press-release",
        re.compile(
            r"(?i:for immediate release)|^[A-Z][A-Z.' -]+,[^\n]{0,40}\b(19|20)\d\d\s*(--|\u2014|\u2013|-)\s", re.M
        ),
        re.compile(r"^(?i:(media|press) (contact|inquiries))\b|^About [A-Z][^\n]{0,60}$", re.M),
    ),
    ("email", re.compile(r"\Asubject: ", _M), None),
    (
        "newsletter",
        re.compile(r"\A[^\n]*(\n[^\n]*)?\b(issue #?\d+|no\. \d+\s*$)", _M),
        re.compile(r"view in browser|update (your )?preferences", _M),
    ),
    (
        "release-notes",
        re.compile(
            r"\A[^\n]*(release notes|what[\u2019']s new)|^version \d+(\.\d+)+|^\S+ \d+\.\d+(\.\d+)? is (out|live)", _M
        ),
        None,
    ),
    ("case-study", re.compile(r"\A(customer story|case study|success story)\b", _M), None),
    (
        "help-article",
        re.compile(r"^(updated \d+ \w+ ago|applies to:|reading time:|status: resolved|incident summary\b)", _M),
        re.compile(r"^still have questions\?", _M),
    ),
    (
        "white-paper",
        re.compile(r"\A(executive summary|appendix [a-z0-9]+:|section \d+:|table of contents)|\bwhite ?paper\b", _M),
        None,
    ),
    (
        "event-page",
        re.compile(
            r"\A(?:[^\n]*\n){0,3}[^\n]*\b(mon|tues|wednes|thurs|fri|satur|sun)day,? \w+ \d|\brsvp\b|\bregister now\b",
            _M,
        ),
        None,
    ),
    ("landing-page", None, re.compile(r"^\[(sign (me )?up|register|request|get|start|book|join)[^\]\n]{0,40}\]", _M)),
    ("article", re.compile(r"^(by [A-Z][a-z]+ [A-Z][\w-]+|opinion \|)", re.MULTILINE), None),
    ("blog-post", re.compile(r"^posted by\b|\b\d+ min(ute)? read\b", _M), None),
)
_DIGITS = re.compile(r"\d")


def family(doc_type: str) -> str | None:
    """The family of a corpus or source doc type, or None when it is none of `FAMILIES`."""
    name = doc_type_family(doc_type)
    name = MERGED_FAMILIES.get(name, name)
    return name if name in FAMILIES else None


def opening(text: str) -> str:
    """The lowercased opening, digits folded to 0 (a vectorizer's preprocessor)."""
    return _DIGITS.sub("0", text[:OPENING_CHARS].lower())


def closing(text: str) -> str:
    """The lowercased close, digits folded to 0 (a vectorizer's preprocessor)."""
    return _DIGITS.sub("0", text[-CLOSING_CHARS:].lower())


def rules_fired(text: str) -> list[bool]:
    """Whether each of `TEXT_RULES` fires on the text, in order."""
    start, end = text[:OPENING_CHARS], text[-CLOSING_CHARS:]
    return [bool((a and a.search(start)) or (b and b.search(end))) for _, a, b in TEXT_RULES]


def rule_type(text: str) -> str | None:
    """The type the first firing rule names (the rules alone: the baseline the model replaced)."""
    fired = rules_fired(text)
    return next((kind for (kind, _, _), hit in zip(TEXT_RULES, fired, strict=True) if hit), None)


class RuleHits(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One 0/1 column per text rule."""

    def fit(self, texts: Sequence[str], y: object = None) -> RuleHits:
        self.n_features_out_ = len(TEXT_RULES)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return sp.csr_matrix(np.array([rules_fired(text) for text in texts], dtype=float).reshape(-1, len(TEXT_RULES)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array([f"rule:{kind}" for kind, _, _ in TEXT_RULES], dtype=object)


def build_pipeline(seed: int = 7, c: float = 1.0, min_df: int = 5) -> Pipeline:
    """The untrained model. min_df 5 keeps words several writers' pieces share (furniture), not
    one piece's topic; C 1 rather than 10: with less regularization held-out emails that open
    with "Subject:" went to blog posts on their topic words (cross-validated, training writers)."""

    def words(preprocessor: Any) -> TfidfVectorizer:
        return TfidfVectorizer(preprocessor=preprocessor, ngram_range=(1, 2), min_df=min_df, sublinear_tf=True)

    features = FeatureUnion([("opening", words(opening)), ("closing", words(closing)), ("rules", RuleHits())])
    classifier = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("classify", classifier)])


@dataclass(frozen=True, slots=True)
class DocTypeGuess:
    """A family and the model's probability for it."""

    family: str
    confidence: float


@dataclass(frozen=True)
class DocTypeModel:
    """The trained pipeline and its manifest (which holds the abstention threshold)."""

    pipeline: Pipeline
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.manifest['name']}-{self.manifest['version']}"

    @property
    def threshold(self) -> float:
        return float(self.manifest["threshold"])

    @cached_property
    def features(self) -> FastFeatures:
        return FastFeatures(self.pipeline.named_steps["features"])

    @cached_property
    def _head(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        classifier = self.pipeline.named_steps["classify"]
        return np.ascontiguousarray(classifier.coef_.T), classifier.intercept_, [str(c) for c in classifier.classes_]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """`pipeline.predict_proba` in NumPy (a softmax of the linear scores): through scikit-learn
        one document cost 4.4 ms, as much as a tenth of its whole analysis in an audit."""
        weights, intercepts, _ = self._head
        return np.asarray(softmax(self.features.transform(list(texts)) @ weights + intercepts, axis=1))

    def guesses(self, texts: Sequence[str]) -> list[DocTypeGuess]:
        """The most probable family of each text and its probability, whatever the threshold."""
        if not texts:
            return []
        probabilities, classes = self.probabilities(texts), self._head[2]
        best = probabilities.argmax(axis=1)
        return [DocTypeGuess(classes[k], float(row[k])) for k, row in zip(best, probabilities, strict=True)]

    def infer(self, texts: Sequence[str]) -> list[str | None]:
        """The family of each text, or None where the model is less sure than its threshold (or
        the text is blank). Many at once cost half as much each as one by one."""
        kept = [k for k, text in enumerate(texts) if text.strip()]
        families: list[str | None] = [None] * len(texts)
        for k, guess in zip(kept, self.guesses([texts[k] for k in kept]), strict=True):
            families[k] = guess.family if guess.confidence >= self.threshold else None
        return families


@lru_cache(maxsize=2)
def load_doctype(directory: str | Path = DEFAULT_DOCTYPE_DIR) -> DocTypeModel:
    """The doc-type model in `directory` (once per process), after its checksum matches."""
    pipeline, manifest = load_artifact(Path(directory), Pipeline, RETRAIN)
    if not isinstance(manifest.get("threshold"), int | float):
        raise ModelIntegrityError(f"{Path(directory)}'s manifest records no threshold. Run `{RETRAIN}`.")
    return DocTypeModel(pipeline, manifest)

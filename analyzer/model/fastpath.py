"""Inference without scikit-learn's per-call overhead: the fitted models' arithmetic in NumPy.

Analyzing one document calls four calibrated heads of five folds each; through scikit-learn
every call re-validates its input (dataframe sniffing included), which cost 40 ms a document,
twenty times the arithmetic. These classes read the fitted parameters once and compute the
same numbers: `tests/test_fastpath.py` holds them equal to scikit-learn's to 1e-10.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from analyzer.model.calibration import TemperatureScaled, scaled_probabilities
from analyzer.model.features import CharNgrams


class FastFeatures:
    """`FeatureUnion.transform` for our unions: each branch, weighted, stacked."""

    def __init__(self, union: FeatureUnion) -> None:
        weights = union.transformer_weights or {}
        self.branches: list[tuple[Any, float]] = []
        for name, transformer in union.transformer_list:
            if transformer == "drop":
                continue
            self.branches.append((_fast_branch(transformer), float(weights.get(name, 1.0))))

    def transform(self, docs: Sequence[Any]) -> sp.csr_matrix:
        blocks = []
        for transform, weight in self.branches:
            block = transform(docs)
            blocks.append(sp.csr_matrix(block) * weight if weight != 1.0 else sp.csr_matrix(block))
        return sp.hstack(blocks, format="csr")


def _tfidf_rows(per_doc: Sequence[tuple[np.ndarray, np.ndarray]], idf: np.ndarray, sublinear: str) -> sp.csr_matrix:
    """l2-normalized tf-idf rows from each document's (columns, counts), duplicates summed.

    One pass of NumPy over the whole batch: per-row library calls cost more than the
    arithmetic for sentence-sized documents.
    """
    width = len(idf)
    lengths = np.array([len(c) for c, _ in per_doc], dtype=np.int64)
    if not lengths.sum():
        return sp.csr_matrix((len(per_doc), width))
    rows = np.repeat(np.arange(len(per_doc), dtype=np.int64), lengths)
    keys = rows * width + np.concatenate([c for c, _ in per_doc]).astype(np.int64)
    unique, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([w for _, w in per_doc]))
    tf = np.log1p(counts) if sublinear == "log1p" else 1.0 + np.log(counts)
    row_of, column_of = unique // width, unique % width
    values = tf * idf[column_of]
    norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=len(per_doc)))
    values /= np.where(norms > 0, norms, 1.0)[row_of]
    indptr = np.zeros(len(per_doc) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(row_of, minlength=len(per_doc)))
    return sp.csr_matrix((values, column_of, indptr), shape=(len(per_doc), width))


_EMPTY = (np.zeros(0, np.int64), np.zeros(0))


class FastWordTfidf:
    """`TfidfVectorizer.transform` (sublinear tf, l2 norm) in NumPy."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if not (vectorizer.sublinear_tf and vectorizer.norm == "l2" and vectorizer.use_idf):
            raise ValueError("the fast path covers sublinear, l2-normalized tf-idf only")
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_

    def transform(self, docs: Sequence[Any]) -> sp.csr_matrix:
        vocabulary, per_doc = self.vocabulary, []
        for doc in docs:
            columns = [c for c in map(vocabulary.get, self.analyze(doc)) if c is not None]
            per_doc.append((np.array(columns, dtype=np.int64), np.ones(len(columns))) if columns else _EMPTY)
        return _tfidf_rows(per_doc, self.idf, "one_plus_log")


class FastCharNgrams:
    """`CharNgrams.transform` in NumPy, from the same per-word column cache."""

    def __init__(self, vectorizer: CharNgrams) -> None:
        self.vectorizer = vectorizer

    def transform(self, docs: Sequence[Any]) -> sp.csr_matrix:
        per_doc = _word_columns((doc.words for doc in docs), self.vectorizer._columns)
        return _tfidf_rows(per_doc, self.vectorizer.idf_, "log1p")


def _word_columns(
    words_of_docs: Iterable[Sequence[str]], columns_of: Callable[[str], np.ndarray]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each document's (columns, counts): every distinct word's cached n-gram columns, weighted by
    how often the word occurs."""
    per_doc = []
    for words in words_of_docs:
        counts = Counter(words)
        columns = [columns_of(word) for word in counts]
        lengths = [len(c) for c in columns]
        if not sum(lengths):
            per_doc.append(_EMPTY)
            continue
        weights = np.repeat(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)), lengths)
        per_doc.append((np.concatenate(columns), weights))
    return per_doc


class FastCharWbTfidf:
    """`TfidfVectorizer(analyzer="char_wb")` in NumPy: each distinct word's n-gram columns cached.

    scikit-learn spells out every n-gram of every word on each call; a word's n-grams never
    change, so they are looked up once per word, as `CharNgrams` does for our own features.
    """

    _CACHE_LIMIT = 100_000

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if not (vectorizer.sublinear_tf and vectorizer.norm == "l2" and vectorizer.use_idf):
            raise ValueError("the fast path covers sublinear, l2-normalized tf-idf only")
        self.preprocess = vectorizer.build_preprocessor()
        self.low, self.high = vectorizer.ngram_range
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_
        self.cache: dict[str, np.ndarray] = {}

    def _columns(self, word: str) -> np.ndarray:
        columns = self.cache.get(word)
        if columns is None:
            padded, vocabulary = f" {word} ", self.vocabulary
            grams: list[str] = []
            for n in range(self.low, self.high + 1):
                # scikit-learn's char_wb: a word shorter than n gives its one padded piece, once
                grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
                if len(padded) <= n:
                    break
            columns = np.array([vocabulary[g] for g in grams if g in vocabulary], dtype=np.int64)
            if len(self.cache) < self._CACHE_LIMIT:
                self.cache[word] = columns
        return columns

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        per_doc = _word_columns((self.preprocess(doc).split() for doc in docs), self._columns)
        return _tfidf_rows(per_doc, self.idf, "one_plus_log")


def _fast_branch(transformer: Any) -> Any:
    if isinstance(transformer, TfidfVectorizer) and transformer.analyzer == "char_wb":
        return FastCharWbTfidf(transformer).transform
    if isinstance(transformer, TfidfVectorizer):
        return FastWordTfidf(transformer).transform
    if isinstance(transformer, CharNgrams):
        return FastCharNgrams(transformer).transform
    if isinstance(transformer, Pipeline) and isinstance(transformer.steps[-1][1], StandardScaler):
        head = transformer[:-1]
        scaler = transformer.steps[-1][1]
        mean = scaler.mean_ if scaler.with_mean else 0.0
        scale = scaler.scale_ if scaler.with_std else 1.0

        def scaled(docs: Sequence[Any]) -> np.ndarray:
            return (np.asarray(head.transform(docs)) - mean) / scale

        return scaled
    return transformer.transform


class FastHead:
    """`predict_proba` of a fitted calibrated linear classifier: temperature-scaled, or
    sigmoid-calibrated per fold (an ensemble of folds, as `CalibratedClassifierCV` fits it)."""

    def __init__(self, calibrated: CalibratedClassifierCV | TemperatureScaled) -> None:
        self.temperature: float | None = None
        if isinstance(calibrated, TemperatureScaled):
            self.classes = list(calibrated.classes_)
            self.temperature = float(calibrated.temperature)
            self.weights = np.ascontiguousarray(np.atleast_2d(calibrated.coef_).T)
            self.intercepts = np.atleast_1d(calibrated.intercept_)
            return
        if calibrated.method != "sigmoid":
            raise ValueError("only sigmoid calibration has a fast path")
        self.classes = list(calibrated.classes_)
        folds = calibrated.calibrated_classifiers_
        self.binary = len(self.classes) == 2
        coefs, intercepts, slopes, offsets, columns = [], [], [], [], []
        for fold in folds:
            estimator = fold.estimator
            coefs.append(np.atleast_2d(estimator.coef_))
            intercepts.append(np.atleast_1d(estimator.intercept_))
            slopes.append([c.a_ for c in fold.calibrators])
            offsets.append([c.b_ for c in fold.calibrators])
            columns.append([self.classes.index(c) for c in estimator.classes_])
        self.n_folds = len(folds)
        self.width = coefs[0].shape[0]
        self.weights = np.ascontiguousarray(np.vstack(coefs).T)  # features x (folds * width)
        self.intercepts = np.concatenate(intercepts)
        self.slopes = np.concatenate(slopes)
        self.offsets = np.concatenate(offsets)
        self.columns = columns

    def predict_proba(self, matrix: sp.spmatrix | np.ndarray) -> np.ndarray:
        n = matrix.shape[0]
        decisions = np.asarray(matrix @ self.weights) + self.intercepts
        if self.temperature is not None:
            return scaled_probabilities(decisions[:, 0] if decisions.shape[1] == 1 else decisions, self.temperature)
        calibrated = expit(-(self.slopes * decisions + self.offsets))
        total = np.zeros((n, len(self.classes)))
        for fold in range(self.n_folds):
            block = calibrated[:, fold * self.width : (fold + 1) * self.width]
            if self.binary:
                proba = np.column_stack([1.0 - block[:, 0], block[:, 0]])
            else:
                proba = np.zeros((n, len(self.classes)))
                proba[:, self.columns[fold]] = block
                denominator = proba.sum(axis=1, keepdims=True)
                proba = np.divide(
                    proba, denominator, out=np.full_like(proba, 1 / len(self.classes)), where=denominator != 0
                )
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            total += proba
        result: np.ndarray = total / self.n_folds
        return result


class FastLogistic:
    """`LogisticRegression.predict_proba`: the sigmoid of one decision, or the softmax of several."""

    def __init__(self, model: LogisticRegression) -> None:
        self.classes = list(model.classes_)
        self.weights = np.ascontiguousarray(np.atleast_2d(model.coef_).T)
        self.intercepts = np.atleast_1d(model.intercept_)

    def predict_proba(self, matrix: sp.spmatrix | np.ndarray) -> np.ndarray:
        decisions = np.asarray(matrix @ self.weights) + self.intercepts
        if decisions.shape[1] == 1:
            positive = expit(decisions[:, 0])
            return np.column_stack([1.0 - positive, positive])
        decisions -= decisions.max(axis=1, keepdims=True)
        exponents = np.exp(decisions)
        result: np.ndarray = exponents / exponents.sum(axis=1, keepdims=True)
        return result


class FastDictLogistic:
    """`DictVectorizer` then `LogisticRegression`: each row's named values dotted with the weights.

    Names the vectorizer never saw are left out, as `DictVectorizer.transform` leaves them.
    """

    def __init__(self, vectorizer: DictVectorizer, model: LogisticRegression) -> None:
        self.vocabulary = vectorizer.vocabulary_
        self.head = FastLogistic(model)

    def predict_proba(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        matrix = np.zeros((len(rows), len(self.vocabulary)))
        for r, row in enumerate(rows):
            for name, value in row.items():
                column = self.vocabulary.get(name)
                if column is not None:
                    matrix[r, column] += value
        return self.head.predict_proba(matrix)

"""Text features as scikit-learn transformers: the spaCy parse step, word and char n-grams.

The parse step runs spaCy once and hands `Parsed` documents to every feature branch, so a
document is tokenized once however many branches read it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize

from analyzer.text.nlp import Parsed, parse

_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMERIC = re.compile(r"^[\d.,:/-]*\d[\d.,:/-]*(k|m|bn|x|s|st|nd|rd|th)?$")
#: Punctuation that carries a message (a question, an exclamation, a price, a share).
_KEPT_PUNCT = frozenset({"?", "!", "%", "$", "€", "£"})


class SpacyParser(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Strings in, `Parsed` documents out."""

    def fit(self, texts: Iterable[str], y: Any = None) -> SpacyParser:
        return self

    def transform(self, texts: Iterable[str]) -> list[Parsed]:
        return list(parse(texts))


def word_tokens(doc: Parsed) -> list[str]:
    """Lemmas for word n-grams: numbers folded to their kind, most punctuation dropped.

    Folding numbers lets "cut close from 12 days to 4" and "from 9 weeks to 2" share features.
    """
    tokens = []
    for lemma in doc.lemmas:
        first = lemma[:1]
        if first.isalpha():
            tokens.append(lemma)
        elif first.isdigit():
            if _YEAR.match(lemma):
                tokens.append("<year>")
            elif _NUMERIC.match(lemma):
                tokens.append("<num>")
        elif lemma in _KEPT_PUNCT:
            tokens.append(lemma)
    return tokens


def identity(doc: Parsed) -> Parsed:
    """The preprocessor for vectorizers that read `Parsed` documents (picklable, unlike a lambda)."""
    return doc


class CharNgrams(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Tf-idf over character n-grams inside words, built from per-word caches.

    scikit-learn's `char_wb` analyzer spells out every n-gram of every token in Python, which
    costs more than the whole spaCy parse; a document repeats most of its words, so counting
    words first and adding each distinct word's cached n-gram columns is several times faster
    and gives the same matrix.
    """

    def __init__(self, ngram_range: tuple[int, int] = (3, 5), min_df: int = 2) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, docs: Sequence[Parsed], y: Any = None) -> CharNgrams:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update({g for word in set(doc.words) for g in self._grams(word)})
        kept = sorted(g for g, n in df.items() if n >= self.min_df)
        self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        n_docs = len(docs)
        self.idf_ = np.array([math.log((1 + n_docs) / (1 + df[g])) + 1.0 for g in kept])
        self._cache: dict[str, np.ndarray] = {}
        return self

    def _grams(self, word: str) -> list[str]:
        if not word[:1].isalpha():
            return []
        padded = f" {word} "
        low, high = self.ngram_range
        return [padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]

    def _columns(self, word: str) -> np.ndarray:
        cache = self.__dict__.setdefault("_cache", {})
        columns: np.ndarray | None = cache.get(word)
        if columns is None:
            vocabulary = self.vocabulary_
            columns = np.array([vocabulary[g] for g in self._grams(word) if g in vocabulary], dtype=np.int32)
            if len(cache) < 200_000:
                cache[word] = columns
        return columns

    def transform(self, docs: Sequence[Parsed]) -> sp.csr_matrix:
        # documents x distinct words, times distinct words x n-grams: the products run in C.
        word_ids: dict[str, int] = {}
        indptr, indices, counts = [0], [], []
        for doc in docs:
            for word, count in Counter(doc.words).items():
                indices.append(word_ids.setdefault(word, len(word_ids)))
                counts.append(count)
            indptr.append(len(indices))
        words = sp.csr_matrix((counts, indices, indptr), shape=(len(docs), len(word_ids)), dtype=np.float64)
        columns = [self._columns(word) for word in word_ids]
        grams_indptr = np.concatenate([[0], np.cumsum([len(c) for c in columns], dtype=np.int64)])
        grams = sp.csr_matrix(
            (np.ones(int(grams_indptr[-1])), np.concatenate([*columns, np.zeros(0, np.int32)]), grams_indptr),
            shape=(len(word_ids), len(self.vocabulary_)),
        )
        grams.sum_duplicates()
        matrix = (words @ grams).tocsr()
        matrix.data = np.log1p(matrix.data)  # sublinear term frequency
        matrix = matrix.multiply(self.idf_).tocsr()
        return normalize(matrix)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = [""] * len(self.vocabulary_)
        for gram, column in self.vocabulary_.items():
            names[column] = gram
        return np.array(names, dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_cache", None)  # rebuilt on use; keeps the artifact small
        return state

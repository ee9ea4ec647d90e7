"""Linguistic signals of the three messages, as a scikit-learn transformer.

A reader tells the messages apart less by topic than by stance: who the sentences are about
(the reader and their world, or "we" and the product), whether something must change and by
when, what doing nothing costs, what the future must look like, and whether the text is
announcing or listing. Word n-grams learn the vocabulary of the training corpus; these signals
carry the stance over to collateral written in other words, industries and registers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from analyzer import lexicons
from analyzer.text.nlp import Parsed

#: The lexicons and word lists, from `lexicons/signals.toml` (see the notes at its top).
LEXICON_FILE = "lexicons/signals.toml"
_DATA = lexicons.read("analyzer.model", LEXICON_FILE)
_WHERE = f"analyzer/model/{LEXICON_FILE}"
#: Lemma lexicons, one signal column each, in the file's order.
LEXICONS: dict[str, frozenset[str]] = {
    name: lexicons.words(table.get("words"), f"{_WHERE}: lexicons.{name}.words")
    for name, table in _DATA["lexicons"].items()
}
#: Multiword entries, matched on consecutive lemmas.
PHRASES: dict[str, frozenset[tuple[str, ...]]] = {
    name: lexicons.phrases(table["phrases"], f"{_WHERE}: lexicons.{name}.phrases")
    for name, table in _DATA["lexicons"].items()
    if "phrases" in table
}
CTA_VERBS = lexicons.words(_DATA.get("cta_verbs", {}).get("words"), f"{_WHERE}: cta_verbs.words")

_NUMBER = re.compile(r"^\d[\d,.]*%?$|^\d+(st|nd|rd|th|s|k|m|x)$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_CURRENCY = lexicons.words(_DATA.get("currency", {}).get("words"), f"{_WHERE}: currency.words")
_PERCENT = lexicons.words(_DATA.get("percent", {}).get("words"), f"{_WHERE}: percent.words")


#: How each signal reads in an explanation.
SIGNAL_DESCRIPTIONS = {
    "reader_address": "addresses the reader (you, your)",
    "reader_world": "the reader's world (teams, customers, operators)",
    "vendor_voice": "the vendor's voice (we, our)",
    "product_terms": "product words (platform, feature, app)",
    "announcement": "announcement language",
    "feature_language": "feature language (includes, supports, new)",
    "obligation": "obligation (must, need to, can't afford)",
    "urgency": "urgency (now, deadline, already)",
    "cost_loss": "cost, risk and loss",
    "change_shift": "change and what no longer works",
    "future_state": "the future state (will, by then, become)",
    "contrast": "contrast (but, instead, without)",
    "negation": "negation",
    "time_units": "time (hours, weeks, years)",
    "quoting": "quotes and attribution",
    "boilerplate": "press boilerplate",
    "reader_subject_share": "sentences about the reader",
    "vendor_subject_share": "sentences about the vendor or product",
    "question_rate": "questions",
    "exclamation_rate": "exclamations",
    "number_rate": "numbers",
    "percent_rate": "percentages",
    "currency_rate": "money amounts",
    "year_rate": "years",
    "cta_share": "calls to action",
    "log_tokens": "length",
    "mean_sentence_tokens": "sentence length",
}


def signal_names() -> list[str]:
    """The names of the signals, in the order of the columns `MessageSignals` returns."""
    return [*_lexicon_index_names(), *_STRUCTURE]


_STRUCTURE = (
    "reader_subject_share",
    "vendor_subject_share",
    "question_rate",
    "exclamation_rate",
    "number_rate",
    "percent_rate",
    "currency_rate",
    "year_rate",
    "cta_share",
    "log_tokens",
    "mean_sentence_tokens",
)


@lru_cache(maxsize=1)
def _lexicon_index_names() -> tuple[str, ...]:
    return tuple(LEXICONS)


@lru_cache(maxsize=1)
def _lemma_index() -> dict[str, tuple[int, ...]]:
    """Lemma -> the columns it counts toward, so a document is scored in one pass."""
    index: dict[str, list[int]] = {}
    for column, name in enumerate(_lexicon_index_names()):
        for lemma in LEXICONS[name]:
            index.setdefault(lemma, []).append(column)
    return {lemma: tuple(columns) for lemma, columns in index.items()}


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """First lemma -> (phrase, column) for the multiword entries."""
    columns = {name: i for i, name in enumerate(_lexicon_index_names())}
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for name, phrases in PHRASES.items():
        for phrase in phrases:
            index.setdefault(phrase[0], []).append((phrase, columns[name]))
    return index


@lru_cache(maxsize=1)
def _token_index() -> dict[str, tuple[tuple[int, ...], tuple[tuple[tuple[str, ...], int], ...]]]:
    """Lemma -> (columns it counts toward, phrases it may start): one dict lookup a token."""
    n_lex = len(LEXICONS)
    lemma_index, phrase_index = _lemma_index(), _phrase_index()
    extra: dict[str, tuple[int, ...]] = {w: (n_lex,) for w in _CURRENCY}
    extra.update({w: (n_lex + 1,) for w in _PERCENT})
    keys = set(lemma_index) | set(phrase_index) | set(extra)
    return {key: (lemma_index.get(key, ()) + extra.get(key, ()), tuple(phrase_index.get(key, ()))) for key in keys}


def document_signals(doc: Parsed) -> np.ndarray:
    """Rates per 100 tokens for each lexicon, then the structural signals."""
    return np.array(_signal_row(doc))


def _signal_row(doc: Parsed) -> list[float]:
    """`document_signals` as a list: plain floats, since NumPy scalar updates cost more here."""
    token_index = _token_index()
    n_lex = len(LEXICONS)
    counts = [0.0] * (n_lex + 2)  # the lexicons, then money and percent words
    lemmas = doc.lemmas
    numbers = years = 0
    for i, lemma in enumerate(lemmas):
        entry = token_index.get(lemma)
        if entry is not None:
            columns, phrases = entry
            for column in columns:
                counts[column] += 1
            for phrase, column in phrases:
                if lemmas[i : i + len(phrase)] == phrase:
                    counts[column] += 1
        elif lemma[:1].isdigit():
            if _YEAR.match(lemma):
                years += 1
            elif _NUMBER.match(lemma):
                numbers += 1
    currencies, percents = counts[n_lex], counts[n_lex + 1]
    del counts[n_lex:]
    tokens = max(1, len(lemmas) - sum(1 for w in doc.words if w.isspace()))
    per_hundred = 100.0 / tokens

    reader = vendor = questions = exclamations = ctas = 0
    sentences = doc.sentences
    for start, end in sentences:
        subject = _sentence_subject(lemmas, start, end)
        reader += subject == "reader"
        vendor += subject == "vendor"
        last = doc.words[end - 1]
        questions += last == "?"
        exclamations += last == "!"
        ctas += _first_word(lemmas, start, end) in CTA_VERBS
    n_sent = max(1, len(sentences))
    return [c * per_hundred for c in counts] + [
        reader / n_sent,
        vendor / n_sent,
        questions / n_sent,
        exclamations / n_sent,
        100.0 * numbers / tokens,
        100.0 * percents / tokens,
        100.0 * currencies / tokens,
        100.0 * years / tokens,
        ctas / n_sent,
        math.log1p(tokens),
        math.log1p(tokens / n_sent),
    ]


def _first_word(lemmas: Sequence[str], start: int, end: int) -> str:
    for lemma in lemmas[start:end]:
        if lemma[:1].isalnum():
            return lemma
    return ""


_READER = LEXICONS["reader_address"] | LEXICONS["reader_world"]
_VENDOR = LEXICONS["vendor_voice"] | LEXICONS["product_terms"]


def _sentence_subject(lemmas: Sequence[str], start: int, end: int) -> str:
    """Who a sentence is about, judged by the first reader or vendor word among its first six.

    Without a parser this is an approximation of the grammatical subject, and a cheap one:
    English puts the subject early, and collateral rarely front-loads long clauses.
    """
    for lemma in lemmas[start : min(end, start + 6)]:
        if lemma in _READER:
            return "reader"
        if lemma in _VENDOR:
            return "vendor"
    return ""


class MessageSignals(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turn parsed documents into a dense matrix of the signals in `signal_names()`."""

    def fit(self, docs: Sequence[Parsed], y: Any = None) -> MessageSignals:
        self.feature_names_ = np.array(signal_names(), dtype=object)
        self.n_features_in_ = 1
        return self

    def transform(self, docs: Sequence[Parsed]) -> np.ndarray:
        if not docs:
            return np.zeros((0, len(signal_names())))
        return np.array([_signal_row(doc) for doc in docs], dtype=np.float64)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(signal_names(), dtype=object)

import pickle

import numpy as np

from analyzer.model.features import CharNgrams, word_tokens
from analyzer.text.nlp import parse

TEXTS = [
    "Reconciling invoices by hand costs hours.",
    "Invoices reconcile themselves in our app.",
    "Hours lost to reconciling add up.",
]


def test_word_tokens_fold_numbers_and_keep_message_punctuation() -> None:
    doc = next(parse(["In 2025 costs rose 40% to 1,200 hours? Yes!"]))
    assert word_tokens(doc) == [
        "in", "<year>", "cost", "rise", "<num>", "%", "to", "<num>", "hour", "?", "yes", "!",
    ]  # fmt: skip


def test_char_ngrams_match_a_direct_count() -> None:
    docs = list(parse(TEXTS))
    vectorizer = CharNgrams(ngram_range=(3, 4), min_df=2).fit(docs)
    matrix = vectorizer.transform(docs).toarray()
    names = vectorizer.get_feature_names_out()
    column = list(names).index(" inv")
    assert matrix[0, column] > 0 and matrix[1, column] > 0 and matrix[2, column] == 0
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0)


def test_char_ngram_cache_changes_nothing_and_is_not_pickled() -> None:
    docs = list(parse(TEXTS))
    vectorizer = CharNgrams().fit(docs)
    first = vectorizer.transform(docs).toarray()
    assert vectorizer._cache
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert "_cache" not in restored.__dict__
    assert np.array_equal(restored.transform(docs).toarray(), first)
    assert np.array_equal(vectorizer.transform(docs).toarray(), first)


def test_char_ngrams_of_unknown_text_are_an_empty_row() -> None:
    docs = list(parse(TEXTS))
    vectorizer = CharNgrams().fit(docs)
    assert vectorizer.transform(list(parse(["zzzz qqqq"]))).nnz == 0

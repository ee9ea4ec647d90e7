"""The NumPy fast path computes what scikit-learn computes."""

from __future__ import annotations

import numpy as np

from analyzer.model.artifacts import LoadedModel
from analyzer.model.corpus import Document
from analyzer.model.fastpath import FastFeatures, FastHead
from analyzer.text.nlp import parse


def test_document_model_fast_path_equals_scikit_learn(
    bundled_model: LoadedModel, split: tuple[list[Document], list[Document]]
) -> None:
    texts = [d.text for d in split[1][:60]] + ["", "?!", "Pricing starts at $49."]
    parsed = list(parse(texts))
    union = bundled_model.pipeline.named_steps["features"]
    head = bundled_model.pipeline.named_steps["classify"]
    slow_matrix = union.transform(parsed)
    fast_matrix = FastFeatures(union).transform(parsed)
    assert np.allclose(slow_matrix.toarray(), fast_matrix.toarray(), atol=1e-12)
    assert np.allclose(head.predict_proba(slow_matrix), FastHead(head).predict_proba(fast_matrix), atol=1e-10)


def test_sentence_heads_fast_path_equals_scikit_learn(
    bundled_model: LoadedModel, split: tuple[list[Document], list[Document]]
) -> None:
    model = bundled_model.sentences
    assert model is not None
    doc = next(parse([split[1][0].text]))
    sentences = [doc.sentence(i) for i in range(len(doc.sentences))]
    matrix = model.featurize(sentences)
    assert np.allclose(matrix.toarray(), model.features_.transform(sentences).toarray(), atol=1e-12)
    heads = [model.label_head_, *model.rubric_heads_.values()]
    for head in heads:
        assert np.allclose(head.predict_proba(matrix), FastHead(head).predict_proba(matrix), atol=1e-10)


def test_claim_ranker_fast_path_equals_scikit_learn() -> None:
    from analyzer.analysis.suggest.ranker import load_ranker
    from analyzer.model.fastpath import FastDictLogistic, FastFeatures, FastLogistic

    ranker = load_ranker()[0]
    texts = [
        "Admins can now define custom roles and restrict who edits production workflows.",
        "Flow 3.0 brings a redesigned workflow builder, 40 new integrations and role-based access control!",
        "Über-café crème brûlée, a  b\tc \u2013 naïve   spaces",
        "I",  # a word shorter than the widest n-gram
        "",
    ]
    union, kinds = ranker.kinds.steps[0][1], ranker.kinds.steps[1][1]
    slow, fast = union.transform(texts), FastFeatures(union).transform(texts)
    assert np.allclose(slow.toarray(), fast.toarray(), atol=1e-12)
    assert np.allclose(kinds.predict_proba(slow), FastLogistic(kinds).predict_proba(fast), atol=1e-10)
    rows = [
        {"kind feature": 1.0, "place": 0.25, "reads as feature": 0.7, "a name it never saw": 3.0},
        {"kind announcement": 1.0, "the opening": 1.0, "says now": 1.0},
        {},
    ]
    (_, vectorizer), (_, model) = ranker.ranker.steps
    assert np.allclose(
        ranker.ranker.predict_proba(rows), FastDictLogistic(vectorizer, model).predict_proba(rows), atol=1e-10
    )

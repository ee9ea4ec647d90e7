"""The lexicon data files: their shape, and that they still fit the code and the bundled model."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

import pytest

from analyzer import lexicons
from analyzer.analysis.suggest import lexicon
from analyzer.model import signals
from analyzer.model.artifacts import load_model


def read(package: str, name: str) -> dict[str, Any]:
    return tomllib.loads(files(package).joinpath(name).read_text(encoding="utf-8"))


def test_the_rewrite_lexicons_have_exactly_the_lists_the_moves_read() -> None:
    data = read("analyzer.analysis.suggest", lexicon.FILE)
    assert list(data) == list(lexicon.NAMES)
    for name in lexicon.NAMES:
        assert lexicons.words(data[name], name)  # a non-empty list of distinct words


def test_the_signal_lexicons_are_tables_of_words_and_phrases() -> None:
    data = read("analyzer.model", signals.LEXICON_FILE)
    assert set(data) == {"lexicons", "cta_verbs", "currency", "percent"}
    for name, table in data["lexicons"].items():
        assert set(table) <= {"words", "phrases"}, name
        assert lexicons.words(table["words"], name)
        if "phrases" in table:
            assert lexicons.phrases(table["phrases"], name)
    for name in ("cta_verbs", "currency", "percent"):
        assert set(data[name]) == {"words"} and lexicons.words(data[name]["words"], name)


def test_the_signal_lexicons_are_the_columns_the_bundled_model_was_trained_on() -> None:
    """Renaming, reordering, adding or removing a lexicon needs a retrained model."""
    model = load_model()
    for union in (model.pipeline.named_steps["features"], model.sentences.features_):  # type: ignore[union-attr]
        extract = dict(union.transformer_list)["signals"].named_steps["extract"]
        assert list(extract.feature_names_) == signals.signal_names()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("you your", "must be a non-empty list of words"),
        ([], "must be a non-empty list of words"),
        (["you", 7], "must be a non-empty list of words"),
        (["you", " your"], "must be a non-empty list of words"),
        (["you", "your", "you"], "lists 'you' more than once"),
    ],
)
def test_a_malformed_list_is_refused_with_where_and_why(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=rf"^signals\.toml: reader_address {message}"):
        lexicons.words(value, "signals.toml: reader_address")


@pytest.mark.parametrize("value", [[["have"]], [["have", 2]], "have to", [["have", "to"], ["have", "to"]]])
def test_a_malformed_phrase_list_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match=r"^signals\.toml: obligation"):
        lexicons.phrases(value, "signals.toml: obligation")

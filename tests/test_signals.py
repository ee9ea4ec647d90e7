import numpy as np
import pytest

from analyzer.model.signals import MessageSignals, document_signals, signal_names
from analyzer.text.nlp import parse


def signals(text: str) -> dict[str, float]:
    return dict(zip(signal_names(), document_signals(next(parse([text]))), strict=True))


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("You must replace the spreadsheets before the deadline.", "obligation"),
        ("Doing nothing will cost your team 300 hours and risk a fine.", "cost_loss"),
        ("Buyers no longer wait for a seller; the old way is broken.", "change_shift"),
        ("By 2028 finance will need to become a real-time function.", "future_state"),
        ("We are excited to announce our new office and a keynote at the summit.", "announcement"),
        ("The dashboard includes real-time sync and supports single sign-on.", "feature_language"),
        ("Your team is stuck.", "reader_address"),
        ("Our platform and its connector.", "product_terms"),
    ],
)
def test_each_lexicon_fires_on_its_cue(text: str, signal: str) -> None:
    assert signals(text)[signal] > 0


def test_neutral_text_fires_no_stance_lexicon() -> None:
    values = signals("The barcode was first sketched on a beach in 1949.")
    for name in ("obligation", "cost_loss", "announcement", "feature_language", "reader_address"):
        assert values[name] == 0


def test_subject_shares_tell_reader_from_vendor() -> None:
    reader = signals("Your team loses a day a week. Your customers notice.")
    vendor = signals("Our platform ships today. We added exports.")
    assert reader["reader_subject_share"] == 1.0 and reader["vendor_subject_share"] == 0.0
    assert vendor["vendor_subject_share"] == 1.0 and vendor["reader_subject_share"] == 0.0


def test_quantities_are_counted_by_kind() -> None:
    values = signals("Costs rose 40% to $2 million in 2025, or 12 hours a week.")
    assert values["percent_rate"] > 0 and values["currency_rate"] > 0
    assert values["year_rate"] > 0 and values["number_rate"] > 0 and values["time_units"] > 0


def test_transformer_shape_and_names() -> None:
    docs = list(parse(["One.", "Two sentences. Here!"]))
    transformer = MessageSignals().fit(docs)
    matrix = transformer.transform(docs)
    assert matrix.shape == (2, len(signal_names()))
    assert list(transformer.get_feature_names_out()) == signal_names()
    assert np.isfinite(matrix).all()
    assert MessageSignals().fit([]).transform([]).shape == (0, len(signal_names()))


def test_every_signal_has_a_description() -> None:
    from analyzer.model.signals import SIGNAL_DESCRIPTIONS

    assert set(SIGNAL_DESCRIPTIONS) == set(signal_names())

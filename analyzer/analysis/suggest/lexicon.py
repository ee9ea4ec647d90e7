"""The word lists the rewrite moves read the parse with, from `lexicons.toml` beside this module.

Each list's meaning is documented in the data file; `NAMES` are the lists this module reads,
all of which the file must have (tests/test_lexicons.py).
"""

from __future__ import annotations

from analyzer import lexicons

FILE = "lexicons.toml"
NAMES = (
    "cta_verbs",
    "usage_verbs",
    "enablers",
    "benefit_verbs",
    "meta_nouns",
    "product_nouns",
    "vague_nouns",
    "units",
    "price_words",
    "not_a_price",
    "currency",
    "old_way_markers",
    "fed_up",
    "wh_words",
    "not_topic",
    "not_entity_topics",
    "foreign_pronouns",
    "weak_verbs",
    "new_words",
    "definite",
    "quantifiers",
    "distributive",
    "people",
    "double_final",
    "common_capitals",
    "more_imperatives",
    "object_starts",
    "not_reader_topic",
)


def _list(name: str) -> frozenset[str]:
    data = lexicons.read(__package__ or "analyzer.analysis.suggest", FILE)
    return lexicons.words(data.get(name), f"analyzer/analysis/suggest/{FILE}: {name}")


CTA_VERBS = _list("cta_verbs")
_USAGE_VERBS = _list("usage_verbs")
IMPERATIVE_VERBS = CTA_VERBS | _USAGE_VERBS
ENABLERS = _list("enablers")
BENEFIT_VERBS = _list("benefit_verbs")
_META_NOUNS = _list("meta_nouns")
PRODUCT_NOUNS = _list("product_nouns")
VAGUE_NOUNS = _list("vague_nouns") | _META_NOUNS
UNITS = _list("units")
PRICE_WORDS = _list("price_words")
NOT_A_PRICE = _list("not_a_price")
CURRENCY = _list("currency")
OLD_WAY_MARKERS = _list("old_way_markers")
FED_UP = _list("fed_up")
WH_WORDS = _list("wh_words")
NOT_TOPIC = _list("not_topic")
NOT_ENTITY_TOPICS = _list("not_entity_topics")
FOREIGN_PRONOUNS = _list("foreign_pronouns")
WEAK_VERBS = _list("weak_verbs")
NEW_WORDS = _list("new_words")
DEFINITE = _list("definite")
QUANTIFIERS = _list("quantifiers")
DISTRIBUTIVE = _list("distributive")
PEOPLE = _list("people")
DOUBLE_FINAL = _list("double_final")
COMMON_CAPITALS = _list("common_capitals")
MORE_IMPERATIVES = _list("more_imperatives")
OBJECT_STARTS = _list("object_starts")
NOT_READER_TOPIC = _list("not_reader_topic")

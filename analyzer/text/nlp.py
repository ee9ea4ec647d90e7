"""The spaCy pipeline, built once per process, and the light parse the models read.

The fast path is a blank English pipeline: spaCy's rule-based tokenizer and a sentence
component that follows spaCy's `Sentencizer` rule (a sentence ends after . ! ? and any
punctuation that trails them) and also breaks at line breaks, so headings, bullets and
datelines stand alone. It is written over token arrays rather than Token objects: creating a
Python Token per word was 40% of the whole classification time. Lemmas come from
spacy-lookups-data's English lookup table held in a plain dict, the same lookup spaCy's
`Lemmatizer` does in "lookup" mode, without the per-token calls.

Any string is parsed in time linear in its length: see `MAX_CHUNK`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
import spacy
import spacy_lookups_data
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from spacy.util import load_language_data

#: Documents per batch handed to spaCy; larger batches stop paying off around here.
BATCH_SIZE = 64
_SENTENCE_END = frozenset(Sentencizer.default_punct_chars)
#: Abbreviations that stand before a number ("No. 2 dock", "Mk. 4", "fig. 3", "Est. 1998"): their
#: full stop ends no sentence when a number follows. spaCy's tokenizer splits them from it. "No"
#: only capitalized: "we said no. 2026 will be better" ends a sentence.
_BEFORE_NUMBERS = ("mk", "fig", "figs", "vol", "tel", "pp", "approx", "ca", "ref", "art", "op", "est")
_NUMBER_ABBREVIATIONS = frozenset({"No", "Nos", *_BEFORE_NUMBERS, *(word.capitalize() for word in _BEFORE_NUMBERS)})
#: The longest run of non-whitespace handed to spaCy's tokenizer in one piece. The tokenizer
#: strips a run's prefixes and suffixes one at a time and searches the rest of the run again
#: after each, so a run of n punctuation marks costs O(n^2): 4,000 "!" took 4 s and 40,000
#: took 150 s. Longer runs are cut with a space that the offsets then skip, which splits only
#: tokens no prose has (the corpus's longest is 45 characters, a long URL some 200).
MAX_CHUNK = 256
_LONG_CHUNK = re.compile(rf"\S{{{MAX_CHUNK + 1},}}")
_NO_CUTS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Parsed:
    """What the features need from a spaCy Doc, small enough to pickle and cache.

    `sentences` holds (first token, end token) pairs without edge whitespace, and `offsets`
    and `ends` each token's character span in `text`, so sentence spans map back to the
    string (`words` are lowercased, and lowercasing can change a length: "İ" has two).
    """

    text: str
    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    offsets: tuple[int, ...]
    ends: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]

    def sentence_span(self, index: int) -> tuple[int, int]:
        """Character offsets (start, end) of sentence `index` in `text`."""
        start, end = self.sentences[index]
        return self.offsets[start], self.ends[end - 1]

    def sentence_text(self, index: int) -> str:
        start, end = self.sentence_span(index)
        return self.text[start:end]

    def sentence(self, index: int) -> Parsed:
        """Sentence `index` as a document of its own, without parsing it again."""
        first, end = self.sentences[index]
        start = self.offsets[first]
        return Parsed(
            text=self.sentence_text(index),
            words=self.words[first:end],
            lemmas=self.lemmas[first:end],
            offsets=tuple(offset - start for offset in self.offsets[first:end]),
            ends=tuple(offset - start for offset in self.ends[first:end]),
            sentences=((0, end - first),),
        )


def sentence_starts(doc: Doc) -> np.ndarray:
    """A boolean per token: does a sentence start here?"""
    n = len(doc)
    starts = np.zeros(n, dtype=bool)
    if n == 0:
        return starts
    attrs = doc.to_array([ORTH, IS_PUNCT, IS_SPACE])
    strings = doc.vocab.strings
    punct, space = attrs[:, 1].astype(bool), attrs[:, 2].astype(bool)
    index = np.arange(n)
    ends = np.zeros(n, dtype=bool)
    breaks = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(punct | space):
        text = strings[int(attrs[i, 0])]
        ends[i] = text in _SENTENCE_END and not (text == "." and _before_a_number(doc, int(i)))
        breaks[i] = space[i] and "\n" in text
    # The Sentencizer's rule: the first non-punctuation token after a sentence end starts one.
    last_end = np.maximum.accumulate(np.where(ends, index, -1))
    last_word = np.maximum.accumulate(np.where(~punct, index, -1))
    starts[1:] = ~punct[1:] & (last_end[:-1] > last_word[:-1])
    starts[1:] |= breaks[:-1]
    starts[0] = True
    return starts


def _before_a_number(doc: Doc, i: int) -> bool:
    """Is the full stop at token `i` an abbreviation's, with a number after it ("No. 2")?"""
    if i == 0 or i + 1 >= len(doc) or doc[i - 1].whitespace_:
        return False
    return doc[i - 1].text in _NUMBER_ABBREVIATIONS and doc[i + 1].text[:1].isdigit()


@Language.component("sentence_bounds")
def sentence_bounds(doc: Doc) -> Doc:
    """Set sentence starts (see `sentence_starts`)."""
    if len(doc):
        values = np.where(sentence_starts(doc), 1, -1).astype(np.uint64).reshape(-1, 1)
        doc.from_array([SENT_START], values)  # type: ignore[arg-type]  # spaCy types it as thinc Ints2d
    return doc


@lru_cache(maxsize=1)
def blank_pipeline() -> Language:
    """A blank English pipeline that splits sentences at punctuation and line breaks."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentence_bounds")
    return nlp


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spaCy's English lookup lemmas (word -> lemma), read once."""
    table = load_language_data(spacy_lookups_data.en["lemma_lookup"])
    assert isinstance(table, dict)
    return table


def parse(texts: Iterable[str]) -> Iterator[Parsed]:
    """Tokenize, split and lemmatize texts in batches."""
    lemmas = lemma_table()
    texts = list(texts)
    cut = [_cut_long_chunks(text) for text in texts]
    # The input string is kept as is: `Doc.text` would rebuild it token by token.
    docs = blank_pipeline().pipe([tokenized for tokenized, _ in cut], batch_size=BATCH_SIZE)
    for text, (_, cuts), doc in zip(texts, cut, docs, strict=True):
        yield parsed(text, doc, lemmas, cuts)


def parsed(text: str, doc: Doc, lemmas: dict[str, str], cuts: np.ndarray = _NO_CUTS) -> Parsed:
    """The `Parsed` form of `doc`, the spaCy parse of `text` with spaces inserted at `cuts`."""
    if not len(doc):
        return Parsed(text, (), (), (), (), ())
    strings = doc.vocab.strings
    attrs = doc.to_array([LOWER, IDX, LENGTH, IS_SPACE, SENT_START])
    words = tuple([strings[h] for h in attrs[:, 0].tolist()])
    offsets, lengths = attrs[:, 1].astype(np.int64), attrs[:, 2].astype(np.int64)
    # An inserted space never starts a token (it trails the one before), so a token's offset
    # in `text` is its offset in the tokenized string less the spaces inserted before it.
    offsets -= np.searchsorted(cuts, offsets)
    return Parsed(
        text=text,
        words=words,
        lemmas=tuple([lemmas.get(w, w) for w in words]),
        offsets=tuple(offsets.tolist()),
        ends=tuple((offsets + lengths).tolist()),
        sentences=_trimmed_sentences(attrs[:, 3].astype(bool), attrs[:, 4].astype(np.int64) == 1),
    )


def _cut_long_chunks(text: str) -> tuple[str, np.ndarray]:
    """`text` with a space after every `MAX_CHUNK` characters of a longer non-whitespace run,
    and the positions of those spaces in the returned string."""
    if _LONG_CHUNK.search(text) is None:
        return text, _NO_CUTS
    pieces: list[str] = []
    cuts: list[int] = []
    previous = 0
    for match in _LONG_CHUNK.finditer(text):
        for position in range(match.start() + MAX_CHUNK, match.end(), MAX_CHUNK):
            pieces += [text[previous:position], " "]
            cuts.append(position + len(cuts))
            previous = position
    pieces.append(text[previous:])
    return "".join(pieces), np.array(cuts, dtype=np.int64)


def _trimmed_sentences(space: np.ndarray, starts: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Sentence token ranges without whitespace tokens at their edges; empty ones dropped."""
    bounds = [*np.flatnonzero(starts).tolist(), len(space)]
    sentences = []
    for start, end in pairwise(bounds):
        while start < end and space[start]:
            start += 1
        while end > start and space[end - 1]:
            end -= 1
        if start < end:
            sentences.append((start, end))
    return tuple(sentences)

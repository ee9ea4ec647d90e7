"""The spaCy pipeline, built once per process, and the light parse the models read.

The fast path is a blank English pipeline (rule-based tokens, punctuation and line-break
sentences) plus lookup lemmas. It needs no downloaded model. Lemmas come from
spacy-lookups-data's English lookup table held in a plain dict: spaCy's own lookup
`Lemmatizer` does the same lookup but costs 0.7 ms per 500-word document in Python calls,
a third of the whole parse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import spacy
import spacy_lookups_data
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_language_data

#: Documents per batch handed to spaCy; larger batches stop paying off around here.
BATCH_SIZE = 64


@dataclass(frozen=True, slots=True)
class Parsed:
    """What the features need from a spaCy Doc, small enough to pickle and cache.

    `sentences` holds (first token, end token) pairs and `offsets` each token's character
    offset into `text`, so sentence spans map back to the original string.
    """

    text: str
    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    offsets: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]

    def sentence_span(self, index: int) -> tuple[int, int]:
        """Character offsets (start, end) of sentence `index` in `text`."""
        start, end = self.sentences[index]
        return self.offsets[start], self.offsets[end - 1] + len(self.words[end - 1])

    def sentence_text(self, index: int) -> str:
        start, end = self.sentence_span(index)
        return self.text[start:end]


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: headings, bullets and datelines stand alone."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def blank_pipeline() -> Language:
    """A blank English pipeline that splits sentences at punctuation and line breaks."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_breaks")
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
    for doc in blank_pipeline().pipe(texts, batch_size=BATCH_SIZE):
        words = tuple(t.lower_ for t in doc)
        yield Parsed(
            text=doc.text,
            words=words,
            lemmas=tuple(lemmas.get(w, w) for w in words),
            offsets=tuple(t.idx for t in doc),
            sentences=tuple(_trimmed_sentences(doc)),
        )


def _trimmed_sentences(doc: Doc) -> Iterator[tuple[int, int]]:
    """Sentence token ranges without whitespace tokens at their edges; empty ones dropped."""
    for sent in doc.sents:
        start, end = sent.start, sent.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start < end:
            yield start, end

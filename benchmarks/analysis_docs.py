"""Benchmark documents: ~500-word texts stitched from consecutive corpus documents."""

from __future__ import annotations

from analyzer.corpus import load_corpus
from analyzer.training import DEFAULT_CORPUS_DIR

WORDS_PER_DOC = 500


def documents(n: int) -> list[str]:
    """n texts of about 500 words, each stitched from consecutive corpus documents."""
    pool = [d.text for d in load_corpus(DEFAULT_CORPUS_DIR)]
    texts, current, i = [], [], 0
    while len(texts) < n:
        current += pool[i % len(pool)].split()
        i += 1
        if len(current) >= WORDS_PER_DOC:
            texts.append(" ".join(current[:WORDS_PER_DOC]))
            current = []
    return texts

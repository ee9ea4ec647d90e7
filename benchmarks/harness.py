"""What every benchmark shares: ~500-word documents from the corpus, and a median timer."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from analyzer.model.corpus import load_corpus
from analyzer.model.train import DEFAULT_CORPUS_DIR

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


def median_seconds(work: Callable[[], Any], runs: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """The median time of `runs` calls of `work` by `clock` (wall time by default): robust to a noisy machine.

    `time.process_time` gives the CPU time of this process instead: what one core of its own
    would take, which the other processes of a shared machine do not inflate.
    """
    times = []
    for _ in range(runs):
        start = clock()
        work()
        times.append(clock() - start)
    return statistics.median(times)

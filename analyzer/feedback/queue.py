"""The review queue: the analyses the model was least sure about, for a reviewer to look at first.

A pure function over what the store returns (`FeedbackStore.queue_candidates`), so it is
tested without a database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from analyzer.feedback.store import QueueItem


def rank_queue(items: Iterable[QueueItem], corrected: set[str], limit: int) -> list[QueueItem]:
    """The `limit` least certain items, lowest margin first, skipping texts already corrected.

    A text analyzed several times counts once, by its latest analysis (the model may have
    changed since); ties go to the newer analysis, then to text order, so the order is stable.
    """
    latest: dict[tuple[str, int | None, int | None], QueueItem] = {}
    for item in items:
        if item.text_sha256 in corrected:
            continue
        key = (item.text_sha256, item.start, item.end)
        seen = latest.get(key)
        if seen is None or item.analyzed_at >= seen.analyzed_at:
            latest[key] = item
    ranked = sorted(
        latest.values(),
        key=lambda i: (i.margin, -i.analyzed_at.timestamp(), i.text_sha256, i.start or 0),
    )
    return ranked[: max(0, limit)]


def entropy(scores: Mapping[str, float]) -> float:
    """Shannon entropy in bits: a second view of uncertainty, shown beside the margin."""
    return round(-sum(p * math.log2(p) for p in scores.values() if p > 0), 6)

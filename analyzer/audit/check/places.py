"""Where a sentence of the analyzed text stands in the file as written: its line and column.

The analysis reads clean text (Markdown markup, HTML tags and entities gone, spaces folded), so
its offsets are not the file's. Each sentence is found again in the file by its first words, in
order, with anything that is not a word allowed between them (spaces, punctuation, `**`, a
tag, an entity); its end by its last words. A sentence that cannot be found (its first words
cross a link's URL) is tried with fewer words, and otherwise has no place: its annotation
then names the file only. Binary formats (PDF, DOCX) have no lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

#: What may stand between two words of a sentence in the source: a tag, an entity, punctuation,
#: white space. Possessive (`++`) and bounded, so a failed search never backtracks or runs away.
_GAP: Final = r"(?:<[^<>]{0,300}>|&#?\w{1,10};|[\W_])++"
_WORD: Final = re.compile(r"\w+")
#: How many of a sentence's first words to look for, most first.
HEAD_WORDS: Final = (6, 4, 3, 2)
TAIL_WORDS: Final = 4


@dataclass(frozen=True)
class Place:
    """A span of the source file, 1-based like an editor's (and GitHub's) lines and columns."""

    line: int
    col: int
    end_line: int
    end_col: int


class Locator:
    """Finds the sentences of one document, in order, in its source text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", source))]
        self.cursor = 0

    def find(self, sentence: str) -> Place | None:
        """The place of the next sentence, searching on from the last one found."""
        words = _WORD.findall(sentence)
        if not words:
            return None
        for count in HEAD_WORDS:
            if count > len(words) and count != HEAD_WORDS[0]:
                continue
            head = _pattern(words[:count]).search(self.source, self.cursor)
            if head:
                break
        else:
            return None
        end = head.end()
        if len(words) > TAIL_WORDS:
            window = head.end() + 3 * len(sentence) + 500
            tail = _pattern(words[-TAIL_WORDS:]).search(self.source, head.start(), window)
            end = tail.end() if tail else end
        self.cursor = head.end()
        return Place(*self._position(head.start()), *self._position(max(end - 1, head.start())))

    def _position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + _GAP.join(re.escape(word) for word in words) + r"(?!\w)")


def locate(source: str, sentences: Sequence[str]) -> list[Place | None]:
    """The place of each sentence (in text order) in `source`, None where it cannot be found."""
    locator = Locator(source)
    return [locator.find(sentence) for sentence in sentences]

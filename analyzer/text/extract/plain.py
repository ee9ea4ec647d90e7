"""Plain text: its lines kept, bullets as "- ", runs of blank lines as one."""

from __future__ import annotations

import re

from analyzer.text.extract.layout import BLANK_LINES, SOFT_HYPHEN, SPACES, Extracted, Writer, clean
from analyzer.text.extract.limits import Limits

_TEXT_BULLET = re.compile(r"^[*+\u2022\u25e6\u25aa\u2023\u00b7\u2013\u25cf]\s+")


def read_text(text: str, source: str, limits: Limits) -> Extracted:
    """Plain text keeps its lines; bullets become "- ", runs of blank lines one blank line."""
    text = clean(text).replace(SOFT_HYPHEN, "")
    lines = [_TEXT_BULLET.sub("- ", SPACES.sub(" ", line).strip()) for line in text.split("\n")]
    writer = Writer(source, limits)
    writer.add("paragraph", BLANK_LINES.sub("\n\n", "\n".join(lines)).strip())
    return writer.finish("text")

"""Clean text and its layout: what every reader hands back, and the writer that lays it out.

The text keeps what the models were trained on: headings and paragraphs on their own lines, a
blank line between paragraphs, list items as "- item", table rows as cells joined by " | ".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from analyzer.errors import EmptyDocumentError, TooLargeError
from analyzer.text.extract.limits import Limits


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading line of `Extracted.text`: its character span and its level (1 to 6)."""

    start: int
    end: int
    level: int


@dataclass(frozen=True, slots=True)
class Extracted:
    """The clean text of a document with its title and headings, and the format it came in."""

    text: str
    title: str | None
    headings: tuple[Heading, ...]
    format: str


# --- Clean text and its layout -----------------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
SURROGATES = re.compile(r"[\ud800-\udfff]")
#: Control characters and noncharacters that carry nothing a reader sees.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")
SPACES = re.compile(r"[^\S\n]+")
BLANK_LINES = re.compile(r"\n{3,}")
SOFT_HYPHEN = "\u00ad"
#: Raw extracted text may run this much longer than the clean text (layout spaces, newlines).
RAW_TEXT_SLACK = 2


def printable(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD (the replacement character).

    JSON can carry one (`"\\ud800"`) and a file name that is not UTF-8 decodes to them; either
    is not a character, cannot be written as UTF-8, and would stop every page that shows it.
    """
    return SURROGATES.sub("\ufffd", text)


def clean(text: str) -> str:
    """One newline convention, no control characters or lone surrogates, NFC."""
    text = _NEWLINES.sub("\n", text)
    text = printable(text)  # lone surrogates from JSON cannot be encoded again
    text = _INVISIBLE.sub("", text)
    return unicodedata.normalize("NFC", text)


def inline(text: str) -> str:
    """A run of text as one line: whitespace collapsed, soft hyphens gone."""
    return _WHITESPACE.sub(" ", text.replace(SOFT_HYPHEN, "")).strip()


Kind = Literal["heading", "paragraph", "item", "row"]
Role = Literal["heading", "item", "row", "cell", "block", "break", "inline"]
#: The role of the HTML tags that Markdown renders to and that HTML pages share.
TAG_ROLES: dict[str, Role] = {"li": "item", "tr": "row", "th": "cell", "td": "cell"}


class Writer:
    """Collects headings, paragraphs, list items and table rows, and lays them out as text.

    Structured readers call `open`/`text`/`close` as they walk a tree; flat ones call `add`.
    The character limit is checked as blocks arrive, so a huge document stops early.
    """

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.blocks: list[tuple[Kind, str, int]] = []
        self._chars = 0
        self._buffer: list[str] = []
        self._buffered = 0
        self._stack: list[tuple[Role, int]] = []
        self._cells: list[str] = []

    def add(self, kind: Kind, text: str, level: int = 0) -> None:
        text = text if kind == "paragraph" and "\n" in text else inline(text)
        if not text:
            return
        self._chars += len(text) + 2
        self._check(self._chars)
        self.blocks.append((kind, text, level))

    def text(self, text: str) -> None:
        self._buffer.append(text)
        self._buffered += len(text)
        if self._chars + self._buffered > RAW_TEXT_SLACK * self.limits.max_chars:
            self._check(self._chars + self._buffered)

    def open(self, role: Role, level: int = 0) -> None:
        capturing = self._capturing()
        if role == "item" and capturing == "item":
            self._flush("item")  # a nested list: the parent item's text so far is one item
        elif capturing is None:
            self._flush("paragraph")
        self._stack.append((role, level))

    def close(self) -> None:
        if not self._stack:
            return
        role, level = self._stack.pop()
        if role in ("heading", "item"):
            self._flush("heading" if role == "heading" else "item", level)
        elif role == "cell":
            self._cells.append(self._take())
        elif role == "row":
            self._cells.append(self._take())
            self.add("row", " | ".join(cell for cell in self._cells if cell))
            self._cells = []
        elif self._capturing() is None:
            self._flush("paragraph")

    def finish(self, fmt: str, title: str | None = None) -> Extracted:
        """The laid-out text; refuses an empty document."""
        while self._stack:
            self.close()
        self._flush("paragraph")
        parts: list[str] = []
        headings: list[Heading] = []
        position = 0
        previous: Kind | None = None
        for kind, text, level in self.blocks:
            if previous is not None:
                separator = "\n" if kind == previous and kind in ("item", "row") else "\n\n"
                parts.append(separator)
                position += len(separator)
            line = f"- {text}" if kind == "item" else text
            if kind == "heading":
                headings.append(Heading(position, position + len(line), max(1, min(level, 6))))
            parts.append(line)
            position += len(line)
            previous = kind
        text = "".join(parts)
        if not text:
            raise EmptyDocumentError(
                f"{self.source} has no text to analyze (only markup, images or whitespace). "
                "Give a document with some text."
            )
        self._check(len(text))
        title = inline(clean(title)) if title else None
        return Extracted(text=text, title=title or None, headings=tuple(headings), format=fmt)

    def first_heading(self, level: int) -> str | None:
        return next((text for kind, text, lvl in self.blocks if kind == "heading" and lvl == level), None)

    def _capturing(self) -> Role | None:
        """The innermost open heading, item or cell: blocks inside it do not break its text."""
        for role, _ in reversed(self._stack):
            if role in ("heading", "item", "cell"):
                return role
        return None

    def _take(self) -> str:
        text = inline("".join(self._buffer))
        self._buffer = []
        self._buffered = 0
        return text

    def _flush(self, kind: Kind, level: int = 0) -> None:
        self.add(kind, self._take(), level)

    def _check(self, chars: int) -> None:
        if chars > self.limits.max_chars:
            raise TooLargeError(
                f"{self.source} has more than {self.limits.max_chars:,} characters of text, the limit. "
                "Split it into sections and analyze those."
            )


def walk(root: Any, role_of: Callable[[Any], tuple[Role, int]], writer: Writer) -> None:
    """Feed an lxml tree to the writer without recursion, so nesting depth costs no stack."""
    from lxml import etree

    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):  # comments and processing instructions
            if event == "end" and element.tail and element is not root:
                writer.text(element.tail)
            continue
        role, level = role_of(element)
        if event == "start":
            if role == "break":
                writer.text(" ")
            elif role != "inline":
                writer.open(role, level)
            if element.text:
                writer.text(element.text)
        else:
            if role not in ("inline", "break"):
                writer.close()
            if element.tail and element is not root:
                writer.text(element.tail)

"""Markdown: rendered by markdown-it-py, front matter dropped, its structure read from the tokens."""

from __future__ import annotations

import re

from analyzer.errors import TooLargeError
from analyzer.text.extract.html import html_fragment
from analyzer.text.extract.layout import TAG_ROLES, Extracted, Role, Writer, clean
from analyzer.text.extract.limits import Limits

#: YAML (starting with a "key:" line) or TOML front matter; a leading "---" alone is a rule.
_FRONT_MATTER = re.compile(
    r"\A(?:---[ \t]*\n(?=[\w\"'-]+[ \t]*:).*?\n(?:---|\.\.\.)|\+\+\+[ \t]*\n.*?\n\+\+\+)[ \t]*(?:\n|\Z)", re.S
)
#: Markdown longer than this many times the character limit is refused before parsing:
#: markdown-it-py takes up to 12 s per million characters of hostile input.
_MARKDOWN_FACTOR = 2


def read_markdown(text: str, source: str, limits: Limits) -> Extracted:
    """CommonMark (with tables) via markdown-it-py; front matter dropped, title = first H1."""
    from markdown_it import MarkdownIt

    text = _FRONT_MATTER.sub("", clean(text).lstrip("\n"), count=1)
    if len(text) > _MARKDOWN_FACTOR * limits.max_chars:
        raise TooLargeError(
            f"{source} has {len(text):,} characters of Markdown, more than twice the limit of "
            f"{limits.max_chars:,} characters of text. Split it into sections and analyze those."
        )
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    writer = Writer(source, limits)
    for token in parser.parse(text):
        if token.nesting == 1:
            heading = re.fullmatch(r"h([1-6])", token.tag)
            role: Role = "heading" if heading else TAG_ROLES.get(token.tag, "block")
            writer.open(role, int(heading.group(1)) if heading else 0)
        elif token.nesting == -1:
            writer.close()
        elif token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    writer.text(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    writer.text(" ")
        elif token.type in ("fence", "code_block"):
            writer.open("block")
            writer.text(token.content)
            writer.close()
        elif token.type == "html_block":
            html_fragment(token.content, writer)
    return writer.finish("markdown", title=writer.first_heading(1))

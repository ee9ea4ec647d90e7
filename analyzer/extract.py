"""Bytes in, clean text out: decoding and the checks every input goes through.

The document formats (HTML, PDF, DOCX) build on this; plain text and Markdown are read as
they are, since the models are trained on text with its headings and bullets in place.
"""

from __future__ import annotations

from analyzer.errors import InputError

#: The longest text analyzed in one piece; longer documents should be split by section.
MAX_CHARS = 200_000


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (with or without a byte-order mark) to str, or a clear refusal."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{source} looks like a binary file, not text. Give a .txt or .md file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not valid UTF-8 (byte {exc.start}). Re-save it as UTF-8 text.") from exc
    return check_text(text, source)


def check_text(text: str, source: str, max_chars: int = MAX_CHARS) -> str:
    """Refuse text the model cannot say anything useful about."""
    if not text.strip():
        raise InputError(f"{source} is empty. Give it some text to classify.")
    if len(text) > max_chars:
        raise InputError(
            f"{source} has {len(text):,} characters, over the limit of {max_chars:,}. "
            "Split it into sections and classify those."
        )
    return text

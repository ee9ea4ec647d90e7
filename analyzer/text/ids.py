"""Document ids as callers send them: echoed back in answers and printed on terminals, so checked.

An id is the caller's handle on a document in a batch (`/v1/classify`, `classify --jsonl`). It
comes back verbatim, so a lone surrogate would make the answer unencodable (a 500 that lost the
whole batch) and an ESC would drive the reader's terminal: such an id is refused like bad text,
for its document alone.
"""

from __future__ import annotations

import re
from typing import Final

from analyzer.errors import InputError, UndecodableError

MAX_ID_CHARS: Final = 256
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def check_id(value: object, where: str) -> str | int:
    """`value` if it can be echoed back as an id: an integer, or a string of 1 to 256 characters
    with no lone surrogate or control character."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise InputError(f"{where}: id must be a string or an integer, not {type(value).__name__}.")
    if surrogate := _SURROGATE.search(value):
        raise UndecodableError(
            f"{where}: id has a lone surrogate (U+{ord(surrogate.group()):04X}), which is not text. "
            "Send ids as proper UTF-8 (or JSON with surrogate pairs)."
        )
    if control := _CONTROL.search(value):
        raise InputError(f"{where}: id has a control character (U+{ord(control.group()):04X}). Use printable text.")
    if not 0 < len(value) <= MAX_ID_CHARS:
        raise InputError(f"{where}: id must have 1 to {MAX_ID_CHARS} characters (it has {len(value):,}).")
    return value

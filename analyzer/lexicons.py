"""Word lists shipped as TOML data files inside the package: read once, checked as they are read.

The lexicons are data so that a linguist can edit them without touching code:
`analyzer/model/lexicons/signals.toml` (the message signals) and
`analyzer/analysis/suggest/lexicons.toml` (the rewrite moves). A malformed list stops the
import with a message that names the file and the list; tests/test_lexicons.py checks both
files whole.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def read(package: str, name: str) -> dict[str, Any]:
    """The TOML file `name` (a path relative to `package`'s folder), parsed."""
    return tomllib.loads(files(package).joinpath(name).read_text(encoding="utf-8"))


def words(value: Any, where: str) -> frozenset[str]:
    """A list of words as a set; a ValueError that says where when it is not a list of distinct words."""
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() == w != "" for w in value):
        raise ValueError(f"{where} must be a non-empty list of words (strings without surrounding spaces).")
    repeated = sorted({w for w in value if value.count(w) > 1})
    if repeated:
        raise ValueError(f"{where} lists {', '.join(map(repr, repeated))} more than once.")
    return frozenset(value)


def phrases(value: Any, where: str) -> frozenset[tuple[str, ...]]:
    """A list of phrases (each a list of two or more words) as a set of tuples."""
    valid = isinstance(value, list) and all(
        isinstance(p, list) and len(p) >= 2 and all(isinstance(w, str) and w.strip() == w != "" for w in p)
        for p in value
    )
    if not valid:
        raise ValueError(f"{where} must be a list of phrases, each a list of two or more words.")
    found = [tuple(p) for p in value]
    if len(set(found)) != len(found):
        raise ValueError(f"{where} lists a phrase more than once.")
    return frozenset(found)

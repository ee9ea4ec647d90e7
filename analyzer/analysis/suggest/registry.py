"""Rewrite builders registered under versioned names, spaCy style.

A changed builder gets a new name ("name.v2"), so a suggestion made with an old one can be
reproduced; builders are tried in registration order (see `moves/__init__.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Generic, TypeVar

_VERSIONED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.v[0-9]+")

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries under versioned names ("name.v1"), kept in registration order."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        if not _VERSIONED.fullmatch(name):
            raise ValueError(f"{self.namespace}: {name!r} is not a versioned name like 'my-strategy.v1'")
        if name in self._entries:
            raise ValueError(f"{self.namespace}: {name!r} is already registered; register a new version")

        def decorate(entry: T) -> T:
            self._entries[name] = entry
            return entry

        return decorate

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(self._entries)
            raise LookupError(f"{self.namespace}: no entry {name!r}; registered: {known}") from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

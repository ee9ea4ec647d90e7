"""Error codes: each names one kind of refusal, so a code in a log or an API body is unambiguous."""

from __future__ import annotations

import importlib
import pkgutil

import analyzer
from analyzer.errors import AnalyzerError


def _all_subclasses(cls: type[AnalyzerError]) -> list[type[AnalyzerError]]:
    found: list[type[AnalyzerError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def test_every_error_class_has_its_own_code() -> None:
    # Error classes live beside the code that raises them (audit, feedback, registry...): import
    # every module so none is missed.
    for module in pkgutil.walk_packages(analyzer.__path__, "analyzer."):
        if not module.name.startswith("analyzer.feedback.migrations"):
            importlib.import_module(module.name)
    classes = [AnalyzerError, *_all_subclasses(AnalyzerError)]
    codes: dict[str, list[str]] = {}
    for cls in classes:
        codes.setdefault(cls.code, []).append(f"{cls.__module__}.{cls.__qualname__}")
    shared = {code: names for code, names in codes.items() if len(names) > 1}
    assert not shared, f"error codes used by more than one class: {shared}"
    assert len(classes) >= 16  # the package's own, the audit's, the feedback store's, the registry's

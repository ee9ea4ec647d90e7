"""One root error for everything this package refuses on purpose.

Every message says what happened and what to do about it, so the CLI can print it on one
line and the API can map it to a 4xx without a traceback.
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base of every error this package raises on purpose."""

    code = "E000"
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")
        self.message = message


class InputError(AnalyzerError):
    """The text given to us cannot be analyzed as it is (empty, undecodable, malformed)."""

    code = "E001"


class CorpusError(AnalyzerError):
    """The labeled corpus or a labeled evaluation file breaks its schema."""

    code = "E002"


class ModelIntegrityError(AnalyzerError):
    """A model file does not match its card: it may have been tampered with."""

    code = "E003"


class ModelCompatibilityError(AnalyzerError):
    """A model was trained with library versions other than the installed ones."""

    code = "E004"


class ModelNotFoundError(AnalyzerError):
    """No model directory where one was expected."""

    code = "E005"

"""One root error for everything this package refuses on purpose.

Every message says what happened and what to do about it, so the CLI can print it on one
line and the API can map it to a 4xx without a traceback.
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base of every error this package raises on purpose."""

    code = "E000"
    exit_code = 2
    #: The HTTP status the API answers with; subclasses narrow it.
    http_status = 400

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(f"[{self.code}] {message}")
        self.message = message
        #: What the API's caller can do, where the status's usual hint would mislead.
        self.hint = hint


class InputError(AnalyzerError):
    """The text given to us cannot be analyzed as it is (empty, undecodable, malformed)."""

    code = "E001"


class CorpusError(AnalyzerError):
    """The labeled corpus or a labeled evaluation file breaks its schema."""

    code = "E002"


class ModelIntegrityError(AnalyzerError):
    """A model file does not match its card: it may have been tampered with."""

    code = "E003"
    http_status = 503  # the server's model, not the client's request, is at fault


class ModelCompatibilityError(AnalyzerError):
    """A model was trained with library versions other than the installed ones."""

    code = "E004"
    http_status = 503  # the server's model, not the client's request, is at fault


class ModelNotFoundError(AnalyzerError):
    """No model directory where one was expected."""

    code = "E005"
    http_status = 503  # the server's model, not the client's request, is at fault


class ModelTrustError(AnalyzerError):
    """A model directory is intact but not vouched for: no valid signature, or not a pinned card."""

    code = "E006"
    http_status = 503  # the server's model, not the client's request, is at fault


class UnsupportedFormatError(InputError):
    """The input is a kind of file we do not read (an image, an archive, a legacy .doc...)."""

    code = "E010"
    http_status = 415


class TooLargeError(InputError):
    """The input is over one of the size limits (bytes, pages, characters, or expands too far when unpacked)."""

    code = "E011"
    http_status = 413


class CorruptFileError(InputError):
    """The file says it is a PDF or DOCX but cannot be read as one."""

    code = "E012"
    http_status = 422


class EncryptedFileError(InputError):
    """The file is password-protected, so its text cannot be read."""

    code = "E013"
    http_status = 422


class UndecodableError(InputError):
    """The bytes are not text in any encoding we can tell, or look like a binary file."""

    code = "E014"
    http_status = 422


class EmptyDocumentError(InputError):
    """The input holds no text to analyze once markup, images and whitespace are set aside."""

    code = "E015"
    http_status = 422

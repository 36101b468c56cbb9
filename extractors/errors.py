"""Errors raised by extractors. Every message names the problem in plain words.

The flow turns any `ExtractionError` into a `failed` row of curated.documents
with `str(error)` as its message, so messages are written for analysts:
"encrypted PDF: a password is needed", "not a PDF: looks like HTML".
"""

from __future__ import annotations

__all__ = [
    "CorruptDocument",
    "EmptyDocument",
    "EncryptedDocument",
    "ExtractionError",
    "UnsafeDocument",
    "UnsupportedFormat",
]


class ExtractionError(Exception):
    """Base class: the file could not be turned into a Document."""


class EmptyDocument(ExtractionError):
    """The file has no bytes, or no text at all."""


class UnsupportedFormat(ExtractionError):
    """The content is of no format noticeflow reads (random bytes, an unknown archive)."""


class CorruptDocument(ExtractionError):
    """The format is recognised but the file is broken or truncated."""


class EncryptedDocument(ExtractionError):
    """The file needs a password."""


class UnsafeDocument(ExtractionError):
    """Refused before parsing: a zip bomb, XML entity declarations, over a size limit."""

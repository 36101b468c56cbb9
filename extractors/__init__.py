"""extractors: one file's bytes -> one `Document` (blocks and tables in reading order).

One module per format, all with the same signature::

    extract(data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str)
        -> Document

chosen by `registry.sniff` from the content. No domain knowledge lives here.
"""

from .errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    ExtractionError,
    UnsafeDocument,
    UnsupportedFormat,
)
from .limits import Limits
from .model import Block, Cell, Document, Link, Table
from .outcome import nothing_extracted
from .registry import MediaType, extract, sniff

__all__ = [
    "Block",
    "Cell",
    "CorruptDocument",
    "Document",
    "EmptyDocument",
    "EncryptedDocument",
    "ExtractionError",
    "Limits",
    "Link",
    "MediaType",
    "Table",
    "UnsafeDocument",
    "UnsupportedFormat",
    "extract",
    "nothing_extracted",
    "sniff",
]

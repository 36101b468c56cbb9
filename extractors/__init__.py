"""extractors: one file's bytes -> one `Document` (blocks and tables in reading order).

One module per format, all with the same signature::

    extract(data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str)
        -> Document

chosen by `registry.sniff` from the content. No domain knowledge lives here.
"""

# The version of what extractors produce. `raw` keeps it per document; `ingest` extracts
# a file again when it changed. Bump it whenever a change alters any extractor's output.
EXTRACTOR_VERSION = "0.2.1"

from .errors import (  # noqa: E402
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    ExtractionError,
    UnsafeDocument,
    UnsupportedFormat,
)
from .limits import Limits  # noqa: E402
from .model import Block, Cell, Document, Link, Table  # noqa: E402
from .outcome import nothing_extracted  # noqa: E402
from .registry import MediaType, extract, sniff, too_large  # noqa: E402

__all__ = [
    "EXTRACTOR_VERSION",
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
    "too_large",
]

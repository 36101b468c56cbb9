"""Format detection from content (magic bytes, zip part names) and dispatch.

The file name is only used to word an error: a valid file with the wrong
extension is parsed by its content, but an HTML or text file saved under a
binary document name (`.pdf`, `.docx`) is almost always an error page saved by
a download, so it fails with "not a PDF: looks like HTML".
"""

from __future__ import annotations

import hashlib
import importlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from .errors import CorruptDocument, EmptyDocument, ExtractionError, UnsupportedFormat
from .limits import Limits, open_zip_safely
from .model import Document
from .text_repair import decode_text, text_noise

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "FORMATS",
    "Format",
    "MediaType",
    "extract",
    "sniff",
    "too_large",
]


class MediaType(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    OFD = "ofd"
    ODT = "odt"
    ODS = "ods"
    DOC = "doc"
    XLS = "xls"
    WPS = "wps"
    ET = "et"
    HTML = "html"
    TXT = "txt"
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"
    ZIP = "zip"  # a zip that is no office document
    OLE = "ole"  # an OLE2 container of no known kind
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Format:
    """One readable format: the module whose `extract(data, *, doc_id, source_uri, limits,
    media_type)` reads it, the file extensions it goes by, and whether a notice page's
    link to such a file is an attachment to fetch and read."""

    module: str
    extensions: tuple[str, ...] = ()
    attachment: bool = False


# The one list of formats. Detection is by content (`sniff`); the extensions only word
# errors ("not a PDF: looks like HTML") and tell which links of a page are attachments.
FORMATS: dict[MediaType, Format] = {
    MediaType.PDF: Format("extractors.pdf", (".pdf",), attachment=True),
    MediaType.DOCX: Format("extractors.docx", (".docx",), attachment=True),
    MediaType.OFD: Format("extractors.ofd", (".ofd",), attachment=True),
    MediaType.XLSX: Format("extractors.xlsx", (".xlsx",), attachment=True),
    # calamine first, LibreOffice when it cannot
    MediaType.XLS: Format("extractors.legacy", (".xls",), attachment=True),
    MediaType.ODS: Format("extractors.xlsx", (".ods",), attachment=True),
    MediaType.DOC: Format("extractors.legacy", (".doc",), attachment=True),
    MediaType.WPS: Format("extractors.legacy", (".wps",), attachment=True),
    MediaType.ET: Format("extractors.legacy", (".et",), attachment=True),
    MediaType.ODT: Format("extractors.legacy", (".odt",), attachment=True),
    MediaType.HTML: Format("extractors.html", (".html", ".htm", ".shtml")),
    MediaType.TXT: Format("extractors.text", (".txt", ".md")),
    MediaType.PNG: Format("extractors.ocr", (".png",)),
    MediaType.JPEG: Format("extractors.ocr", (".jpg", ".jpeg")),
    MediaType.TIFF: Format("extractors.ocr", (".tif", ".tiff")),
}
_EXTRACTORS: dict[MediaType, str] = {kind: f.module for kind, f in FORMATS.items()}
# Binary document formats claimed by a file name: an HTML or text file under such a
# name is an error page saved by a download.
_EXTENSION_TYPES = {
    extension: kind for kind, f in FORMATS.items() if f.attachment for extension in f.extensions
}
ATTACHMENT_EXTENSIONS: tuple[str, ...] = tuple(
    extension for f in FORMATS.values() if f.attachment for extension in f.extensions
)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|div|table|p)\b[^>]*>", re.IGNORECASE)


def _sniff_zip(data: bytes) -> MediaType:
    try:
        names = set(zipfile.ZipFile(_BytesView(data)).namelist())
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        return MediaType.ZIP
    if "word/document.xml" in names:
        return MediaType.DOCX
    if "xl/workbook.xml" in names:
        return MediaType.XLSX
    if "OFD.xml" in names:  # GB/T 33190: the entry part at the root of the package
        return MediaType.OFD
    if "content.xml" in names and "mimetype" in names:
        return MediaType.ODS if _odf_mimetype(data).endswith("spreadsheet") else MediaType.ODT
    return MediaType.ZIP


def _odf_mimetype(data: bytes) -> str:
    # The mimetype member is stored uncompressed at offset 38 of an ODF file.
    head = data[30:200]
    match = re.search(rb"application/vnd\.oasis\.opendocument\.[a-z]+", head)
    return match.group().decode() if match else ""


def _sniff_ole(data: bytes) -> MediaType:
    # Directory entry names are UTF-16LE; their presence tells the writer's application.
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    # Kingsoft WPS Office adds a WpsCustomData stream and a KSOProductBuildVer property
    # (named in the property set's code page: 8-bit or UTF-16).
    kingsoft = (
        has("WpsCustomData") or has("Kingsoft") or has("KSOProductBuildVer")
    ) or b"KSOProductBuildVer" in data
    if has("WordDocument"):
        return MediaType.WPS if kingsoft else MediaType.DOC
    if has("Workbook") or has("Book"):
        return MediaType.ET if kingsoft else MediaType.XLS
    return MediaType.OLE


def _looks_like_text(data: bytes) -> bool:
    """Text, perhaps damaged: at most 5% controls or broken sequences (random data: ~15%)."""
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    text, _ = decode_text(sample)
    visible = text.strip().replace("\ufffd", "")
    return bool(visible) and text_noise(text.rstrip("\x1a\x00")) <= 0.05


def sniff(data: bytes) -> MediaType:
    """Detect the format from the bytes alone."""
    head = data[:1024]
    if b"%PDF-" in head:
        return MediaType.PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return MediaType.TIFF
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(stripped) or (
        _looks_like_text(data) and len(_HTML_ANYWHERE.findall(data[:65536])) >= 3
    ):
        return MediaType.HTML
    if _looks_like_text(data):
        return MediaType.TXT
    return MediaType.UNKNOWN


_DESCRIPTIONS = {
    MediaType.HTML: "looks like HTML (a web page, perhaps an error page saved by a download)",
    MediaType.TXT: "looks like plain text",
    MediaType.UNKNOWN: "unrecognised content (random or binary data)",
    MediaType.ZIP: "a zip archive that holds no Word, Excel or OpenDocument file",
    MediaType.OLE: "an old Office (OLE2) file of no known kind",
}


def _check_claimed_format(detected: MediaType, source_uri: str) -> None:
    claimed = _EXTENSION_TYPES.get(PurePosixPath(source_uri.split("?")[0]).suffix.lower())
    if claimed is None or claimed == detected:
        return
    if detected in (MediaType.HTML, MediaType.TXT, MediaType.UNKNOWN, MediaType.ZIP):
        raise UnsupportedFormat(
            f"not a {claimed.value.upper()}: {_DESCRIPTIONS.get(detected, detected.value)}"
        )


def too_large(n_bytes: int, limits: Limits) -> str | None:
    """Why a file of `n_bytes` is refused unread (NOTICEFLOW_MAX_FILE_MB), or None."""
    if n_bytes > limits.max_file_bytes:
        return f"file too large: {n_bytes:,} bytes, over the limit {limits.max_file_bytes:,}"
    return None


def extract(
    data: bytes, *, source_uri: str, limits: Limits | None = None, doc_id: str | None = None
) -> Document:
    """Turn one file's bytes into a Document, or raise an ExtractionError saying why not."""
    limits = limits or Limits()
    if not data or not data.strip():
        raise EmptyDocument("empty file: it has no content")
    refused = too_large(len(data), limits)
    if refused:
        raise ExtractionError(refused)
    detected = sniff(data)
    _check_claimed_format(detected, source_uri)
    module_name = _EXTRACTORS.get(detected)
    if module_name is None:
        raise UnsupportedFormat(
            f"unsupported format: {_DESCRIPTIONS.get(detected, detected.value)}"
        )
    if detected in (MediaType.DOCX, MediaType.XLSX, MediaType.ODT, MediaType.ODS, MediaType.OFD):
        open_zip_safely(data, limits=limits, kind=detected.value.upper())
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise UnsupportedFormat(
            f"unsupported format: {detected.value} files are not readable yet"
        ) from e
    doc_id = doc_id or hashlib.sha256(data).hexdigest()
    try:
        document: Document = module.extract(
            data, doc_id=doc_id, source_uri=source_uri, limits=limits, media_type=detected.value
        )
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        # A damaged container or compressed stream, met by the parser itself.
        raise CorruptDocument(
            f"corrupt {detected.value.upper()}: a compressed part cannot be read ({e})"
        ) from e
    return document


class _BytesView:
    """A minimal seekable reader over bytes, so zipfile reads the directory without a copy."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._data)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n is None or n < 0 else min(len(self._data), self._pos + n)
        chunk = bytes(self._data[self._pos : end])
        self._pos = end
        return chunk

"""Limits enforced before any parser runs, and the zip/XML safety checks."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .errors import CorruptDocument, UnsafeDocument

__all__ = ["Limits", "check_xml_safe", "open_zip_safely"]


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    max_unzipped_bytes: int = 300 * 1024 * 1024
    max_zip_ratio: float = 200.0  # uncompressed / compressed, per member
    max_zip_members: int = 5000
    ocr: bool = True  # read pages with no usable text layer by OCR
    convert_timeout_s: float = 120.0  # per LibreOffice conversion of a legacy office file

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pages", "max_unzipped_bytes", "max_zip_members"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive integer, got {value!r}")
        if self.max_zip_ratio <= 1:
            raise ValueError(f"Limits.max_zip_ratio must be above 1, got {self.max_zip_ratio!r}")
        if not self.convert_timeout_s > 0 or self.convert_timeout_s == float("inf"):
            raise ValueError(
                f"Limits.convert_timeout_s must be a positive number of seconds, "
                f"got {self.convert_timeout_s!r}"
            )


_ENTITY_DECL = re.compile(rb"<!(?:DOCTYPE[^>]*\[|ENTITY)", re.IGNORECASE)


def check_xml_safe(xml: bytes, *, part: str) -> None:
    """Refuse XML that declares entities (billion laughs, external entities)."""
    if _ENTITY_DECL.search(xml):
        raise UnsafeDocument(f"refused: XML part {part} declares entities (DTD), which is unsafe")


def open_zip_safely(data: bytes, *, limits: Limits, kind: str) -> zipfile.ZipFile:
    """Open a zip container after checking its declared sizes: no member is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as e:
        raise CorruptDocument(f"corrupt {kind}: the zip container cannot be read ({e})") from e
    if len(infos) > limits.max_zip_members:
        raise UnsafeDocument(
            f"refused: {kind} has {len(infos)} parts, more than the limit {limits.max_zip_members}"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise UnsafeDocument(
            f"refused: {kind} declares {total:,} bytes uncompressed, over the limit "
            f"{limits.max_unzipped_bytes:,} (zip bomb?)"
        )
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > limits.max_zip_ratio * max(
            info.compress_size, 1
        ):
            raise UnsafeDocument(
                f"refused: {kind} part {info.filename} expands {info.file_size:,} bytes from "
                f"{info.compress_size:,} (zip bomb?)"
            )
    return archive

"""Bytes of a web page -> text: byte-order mark, then the page's declared charset, then detection.

Chinese government sites declare "gb2312" or "gbk" for pages that hold characters
outside those sets (rare names, 〔〕 variants); GB18030 is a superset of both, so
those declarations decode as GB18030.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

__all__ = ["decode_html", "normalise_encoding"]

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# <meta charset="gbk"> or <meta http-equiv="Content-Type" content="text/html; charset=gb2312">
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_GB_FAMILY = {"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "euc-cn", "csgb2312", "ms936"}


def normalise_encoding(name: str) -> str | None:
    """A Python codec name for a declared charset (GB family -> gb18030); None if unknown."""
    label = name.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _declared(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """The page text, the encoding used, and problems worth recording (e.g. a wrong charset)."""
    problems: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding, problems
    declared = _declared(data)
    if declared:
        claimed = normalise_encoding(declared)
        if claimed is None:
            problems.append(f"unknown charset {declared!r} declared; the encoding was detected")
        else:
            try:
                return data.decode(claimed), claimed, problems
            except UnicodeDecodeError:
                problems.append(
                    f"the page declares charset {declared!r} but is not valid {claimed}; "
                    "the encoding was detected"
                )
    try:
        # UTF-8 first: valid UTF-8 that is not meant as UTF-8 hardly exists, and
        # detection on a short Chinese page can mistake it for a legacy code page.
        return data.decode("utf-8"), "utf-8", problems
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    detected = normalise_encoding(best.encoding) if best is not None else None
    # GB18030 is the legacy encoding of Chinese sites, and it decodes any byte run.
    encoding = detected or "gb18030"
    text = data.decode(encoding, errors="replace")
    if "\ufffd" in text:
        problems.append(f"some bytes are not valid {encoding} and were replaced")
    log.debug("detected encoding %s", encoding)
    return text, encoding, problems

"""A notice's identity: what it is, not which file carries it.

Every rendition and repost of one notice (its DOCX and PDF, a web page and the PDF
printed from it, a scan, another site's copy) must get the same `notice_id`, so the
warehouse holds one notice however many files bring it. The key is read from the
notice itself:

- with a 文号: the normalised 文号 (prefix, year, serial). The prefix is the issuing
  office's own code (鄂人社函, 人社厅发), so the 文号 names the issuer too, and it does not
  depend on how a rendition spells the issuer (one office or a joint notice, 办公厅 or 厅);
- without one: the issuer, the title and the issue date (成文日期), each normalised
  (width, spaces, punctuation and quotation marks dropped);
- with neither a 文号 nor a title, nothing identifies the notice but its file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from .docnumbers import DocNumber

__all__ = ["notice_identity", "title_key"]

# Everything but letters, digits and CJK ideographs: punctuation, quotes, brackets, spaces.
_NOT_WORD = re.compile(r"[^0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]+")


def title_key(title: str) -> str:
    """A title compared as words: NFKC, no spaces, punctuation, brackets or quotes."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", title))


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def notice_identity(
    *,
    doc_number: DocNumber | None,
    issuer: str | None,
    title: str | None,
    issued_date: date | None,
    doc_id: str,
) -> str:
    """The stable `notice_id` of a notice (32 hex digits)."""
    if doc_number is not None:
        year = "" if doc_number.year is None else str(doc_number.year)
        prefix = unicodedata.normalize("NFKC", doc_number.prefix)
        return _key("docno", prefix, year, str(doc_number.serial))
    if title and title_key(title):
        return _key(
            "title",
            title_key(issuer or ""),
            title_key(title),
            issued_date.isoformat() if issued_date else "",
        )
    return _key("file", doc_id)

"""Text clean-up shared by every normalizer: Unicode form and wrap-inserted whitespace.

PDF and DOCX renderings break lines wherever the page or the cell ends, so a name
like "武汉烽火技术服务有 限公司" or a date like "2026 年 4 月 21 日" arrives with
spaces that the author never typed. Chinese text does not use spaces between
words, so whitespace next to a CJK character is dropped, while whitespace between
two Latin words or numbers ("AI Agent", "3 5") is real and is kept as one space.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "is_cjk", "join_wrapped"]

# CJK ideographs, CJK punctuation and full-width forms: characters that are never
# separated by spaces in Chinese typesetting.
_CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3000-\u303f"  # CJK symbols and punctuation (、。〔〕《》)
    "\u3040-\u30ff"  # kana (rare, but typeset like CJK)
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\ufe30-\ufe4f"  # compatibility forms
    "\uff00-\uffef"  # full-width forms (（），：１３)
    "\u2014\u2015\u2018\u2019\u201c\u201d\u2026"  # — ― ‘ ’ “ ” … as used in Chinese text
)
_CJK_CLASS = f"[{_CJK}]"
# Whitespace with a CJK character on at least one side.
_WS_NEXT_TO_CJK = re.compile(rf"(?<={_CJK_CLASS})\s+|\s+(?={_CJK_CLASS})")
_WS_RUN = re.compile(r"\s+")
_CJK_CHAR = re.compile(_CJK_CLASS)
# A line break between two non-CJK characters (Latin words, digits) inside a cell.
_NEWLINE = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


def is_cjk(char: str) -> bool:
    """True when `char` (one character) is a CJK ideograph, CJK punctuation or full-width form."""
    return bool(_CJK_CHAR.fullmatch(char))


def clean_text(text: str) -> str:
    """NFC, drop whitespace next to CJK characters, collapse other whitespace, strip.

    The ideographic space U+3000 counts as whitespace. Brackets are kept as written.
    """
    text = unicodedata.normalize("NFC", text)
    # U+3000 is in the CJK class; turn it into a plain space first so it is removed too.
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    text = _WS_NEXT_TO_CJK.sub("", text)
    return _WS_RUN.sub(" ", text).strip()


def join_wrapped(text: str) -> str:
    """Join the lines of a wrapped table cell, then `clean_text`.

    A break between CJK characters vanishes; a break between two Latin words or
    numbers becomes one space (clean_text then removes it again when one side is CJK).
    """
    return clean_text(_NEWLINE.sub(" ", text))

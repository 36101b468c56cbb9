"""Sentences of a notice body, with the page each one starts on.

A paragraph that a page break cut in two arrives as two blocks ("…经费预决算表" |
"(附件5)、培训总结报告…"); the policy-term reader needs the whole sentence, so a
block that stops without closing punctuation is joined to the next one unless the
next one opens a new numbered item. Text is cleaned with `clean_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.model import Document

from .text import clean_text

__all__ = ["Sentence", "clause_bounds", "iter_sentences", "split_sentences"]

# Where a sentence ends. "；" ends a sentence too: notices chain rules for different
# programme levels with it ("国家级…5天左右；省级…4天左右").
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
_CLOSED = re.compile(r"[。！？!?；;：:…”」』）)]$")
# A block that opens a new item never continues the previous one.
_NEW_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、]|附件|附表)"
)
# A block shorter than this is a title line, a form label or a signature, not a
# paragraph that a page break cut.
_MIN_CUT_PARAGRAPH = 15
_CLAUSE_END = re.compile(r"[，,。；;！？!?]")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the body: its clean text and the page its first block is on."""

    text: str
    page: int | None


def split_sentences(text: str) -> list[str]:
    """`text` cut after every 。！？；, stripped, empty pieces dropped."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]


def _paragraphs(doc: Document) -> list[tuple[str, int | None]]:
    paragraphs: list[tuple[str, int | None]] = []
    carry: tuple[str, int | None] | None = None
    for block in sorted(doc.blocks, key=lambda b: b.order):
        text = clean_text(block.text)
        if not text:
            continue
        if carry is not None and not _NEW_ITEM.match(text):
            text, page = clean_text(carry[0] + text), carry[1]
        else:
            if carry is not None:
                paragraphs.append(carry)
            page = block.page
        carry = (text, page)
        if block.kind == "heading" or len(text) < _MIN_CUT_PARAGRAPH or _CLOSED.search(text):
            paragraphs.append(carry)
            carry = None
    if carry is not None:
        paragraphs.append(carry)
    return paragraphs


def iter_sentences(doc: Document) -> list[Sentence]:
    """The sentences of all text blocks of `doc`, in reading order (tables left out)."""
    return [
        Sentence(sentence, page)
        for text, page in _paragraphs(doc)
        for sentence in split_sentences(text)
    ]


def clause_bounds(text: str, position: int) -> tuple[int, int]:
    """(start, end) of the comma-delimited clause of `text` that holds `position`."""
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() >= position:
            return start, match.start()
        start = match.end()
    return start, len(text)

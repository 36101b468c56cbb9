"""Documents a notice cites: their 文号 or 令 number and, when given, their 《title》.

Owns reading "根据《湖北省专业技术人员知识更新工程实施方案》（鄂人社发〔2022〕56号）"
into CitedDocument(cited_doc_number="鄂人社发〔2022〕56号", cited_title="湖北省…实施方案").
The notice's own number is not a citation.
"""

from __future__ import annotations

from collections.abc import Iterator

from extractors.model import Block, Document, Table

from .docnumbers import find_doc_numbers
from .records import CitedDocument
from .text import clean_text

__all__ = ["cited_title_before", "extract_citations"]

# What may stand between a 《title》 and the number that follows it.
_BETWEEN = " \t\r\n\u3000（(［["
_MAX_TITLE = 120


def cited_title_before(text: str, position: int) -> str | None:
    """The 《…》 title that ends right before `position` in `text`, cleaned, else None."""
    end = position
    while end > 0 and text[end - 1] in _BETWEEN:
        end -= 1
    if end == 0 or text[end - 1] != "》":
        return None
    # Walk back to the matching 《, allowing 〈〉 or nested 《》 inside the title.
    depth = 0
    for index in range(end - 1, max(-1, end - 2 - _MAX_TITLE), -1):
        char = text[index]
        if char == "》":
            depth += 1
        elif char == "《":
            depth -= 1
            if depth == 0:
                title = clean_text(text[index + 1 : end - 1])
                return title or None
    return None


def _texts(doc: Document) -> Iterator[str]:
    """Block texts and table cell texts, in reading order. A block that stops inside an
    open bracket ("…实施办法》（琼" | "人社发〔2023〕12号）…": a line or page break of a
    PDF) is read together with the next block."""
    carry = ""
    for item in doc.items():
        if isinstance(item, Block):
            text = carry + item.text
            if _open_bracket(text):
                carry = text
                continue
            carry = ""
            yield text
        elif isinstance(item, Table):
            if carry:
                yield carry
                carry = ""
            for cell in sorted(item.cells, key=lambda c: (c.row, c.col)):
                yield cell.text
    if carry:
        yield carry


def _open_bracket(text: str) -> bool:
    """True when the text ends inside a "（" it opened near its end (a cut 文号)."""
    tail = text.rstrip()[-12:]
    return tail.rfind("（") > tail.rfind("）") or tail.rfind("(") > tail.rfind(")")


def extract_citations(
    doc: Document, *, notice_id: str, own_number: str | None
) -> tuple[CitedDocument, ...]:
    """Numbers of other documents cited anywhere in `doc`, once each, in order of first use.

    `own_number` (normalised, e.g. "鄂人社函〔2026〕51号") is left out.
    """
    order: list[str] = []
    titles: dict[str, str | None] = {}
    for text in _texts(doc):
        for hit in find_doc_numbers(text):
            number = hit.number.text
            if number == own_number:
                continue
            title = cited_title_before(text, hit.start)
            if number not in titles:
                order.append(number)
                titles[number] = title
            elif titles[number] is None and title is not None:
                titles[number] = title
    return tuple(
        CitedDocument(notice_id=notice_id, cited_doc_number=number, cited_title=titles[number])
        for number in order
    )

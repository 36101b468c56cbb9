"""The 附件 list of a notice: number, title and kind of each attachment.

Owns reading the list the notice body gives before its signature::

    附件：1. 湖北省专业技术人员知识更新工程2026年高级研修项目计划
          2. 专业技术人员知识更新工程高级研修项目学员满意度测评表

whether the items stand on separate lines or blocks, run together in one line, or
are one unnumbered "附件：标题". Markers "1." "1．" "1、" "（1）" "附件2：" are read. The
list ends at the signature, the date or the first line that continues nothing. When a
notice has no such list, the "附件N" headings that open the attachment pages are read
instead, and failing those a web page's attachment links ("附件1：….xls"). Kinds come
from `data/attachment_kinds.json`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from extractors.model import Block, Document

from .dates import find_dates
from .records import Attachment
from .text import clean_text, join_wrapped

__all__ = ["attachment_kind", "attachment_titles", "extract_attachments", "parse_attachment_list"]

_KINDS_FILE = Path(__file__).with_name("data") / "attachment_kinds.json"
_BULLET = r"[\s\-•·*]*"
# "附件：…" opening the list; "附件1：…" opens it with its first numbered item.
_LIST_HEAD = re.compile(rf"^{_BULLET}附\s*件\s*(?P<no>[0-9０-９]{{0,2}})\s*[：:]\s*(?P<rest>.*)$")
# After "1." a digit means a decimal ("1.5") or a sub-item ("1.1"), unless it opens the
# year a title starts with ("1.2025年度…计划表").
_NOT_DECIMAL = r"(?![0-9０-９](?![0-9０-９]{3}\s*年))"
# An item marker at the start of the text: "1." "1．" "1、" "（1）" "(1)" "1)" "附件2：".
_MARKER = re.compile(
    r"^\s*(?:附\s*件\s*(?P<a>[0-9０-９]{1,2})\s*[：:.．、]?"
    r"|[（(]\s*(?P<p>[0-9０-９]{1,2})\s*[）)]"
    rf"|(?P<n>[0-9０-９]{{1,2}})\s*(?:[.．、)）]{_NOT_DECIMAL}|\s+(?=[^\s0-9０-９年月日])))\s*"
)
# An attachment page heading: "附件1", "附件 2", "附件".
_PAGE_HEAD = re.compile(r"^\s*附\s*件\s*(?P<no>[0-9０-９]{0,2})\s*$")
# Last words of an office name: a line ending so is the signature, not a wrapped title.
_ORG_END = re.compile(
    r"(?:厅|部|局|委|委员会|办公室|办|政府|中心|院|处|室|会|学校|大学|公司|基地|小组|党组)$"
)
_NOT_A_TITLE_START = ("（此件", "(此件", "（联系", "(联系", "抄送", "联系人", "联系电话")
_TRAILING_PUNCT = "；;。，,、 "
_MAX_TITLE = 100
_COVER_LETTER_LINES = 3
_FILE_EXTENSION = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z)$", re.IGNORECASE)
_CJK_CHARS = re.compile(r"[\u4e00-\u9fff]")
_MIN_LINK_TITLE = 4
_LINK_WORDS = re.compile(r"点击|单击|下载|查看|打开|浏览|附件|此处|这里|文件")


@lru_cache(maxsize=1)
def _kind_rules() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = json.loads(_KINDS_FILE.read_text(encoding="utf-8"))
    return tuple((rule["kind"], tuple(rule["any"])) for rule in raw["rules"])


def attachment_kind(title: str) -> str:
    """The kind of an attachment from its title ("…学员满意度测评统计表" -> satisfaction_stats)."""
    compact = "".join(title.split())
    for kind, words in _kind_rules():
        if any(word in compact for word in words):
            return kind
    return "other"


def _number(text: str | None) -> int | None:
    if not text:
        return None
    return int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def _marker_number(match: re.Match[str]) -> int | None:
    return _number(match.group("a") or match.group("p") or match.group("n"))


def _is_date_line(text: str) -> bool:
    dates = find_dates(text)
    if not dates:
        return False
    # A line that is a date and little else: the 成文日期 under the signature.
    rest = text[: dates[0].start] + text[dates[0].end :]
    return len(clean_text(rest)) <= 2


def _ends_list(text: str) -> bool:
    """True when a line cannot belong to the attachment list (signature, date, remark)."""
    compact = clean_text(text)
    if not compact:
        return False
    if _is_date_line(compact) or compact.startswith(_NOT_A_TITLE_START):
        return True
    dates = [d for d in find_dates(compact) if d.has_year]
    if dates and dates[-1].end >= len(compact) - 1:
        return True  # "湖北省人力资源和社会保障厅  2026年4月21日" on one line
    if _PAGE_HEAD.match(compact):
        return True
    if "。" in compact or len(compact) > _MAX_TITLE:
        return True
    return bool(_ORG_END.search(compact))


def _split_items(text: str, expected: int) -> list[tuple[int | None, str]]:
    """Cut one line into (number, text) pieces at the markers expected, expected+1, …

    The first piece has number None when the line does not open with a marker.
    """
    pieces: list[tuple[int | None, str]] = []
    current_no: int | None = None
    start = 0
    opening = _MARKER.match(text)
    if opening is not None and _marker_number(opening) == expected:
        current_no, start, expected = expected, opening.end(), expected + 1
    position = start
    while True:
        found = None
        for candidate in _candidates(text, position, expected):
            found = candidate
            break
        if found is None:
            break
        pieces.append((current_no, text[start : found[0]]))
        current_no, start, position, expected = expected, found[1], found[1], expected + 1
    pieces.append((current_no, text[start:]))
    return pieces


def _candidates(text: str, position: int, expected: int) -> list[tuple[int, int]]:
    """(start, end) of the first marker for `expected` after `position`, if any."""
    number = str(expected)
    pattern = re.compile(
        rf"(?<![0-9０-９.．])(?:附\s*件\s*{number}\s*[：:]|[（(]\s*{number}\s*[）)]"
        rf"|{number}\s*[.．、]{_NOT_DECIMAL})"
    )
    match = pattern.search(text, position)
    if match is None or match.start() == position:
        return []
    return [(match.start(), match.end())]


def _clean_title(text: str) -> str:
    return join_wrapped(text).strip(_TRAILING_PUNCT)


def parse_attachment_list(lines: list[str]) -> list[tuple[int, str]]:
    """(number, title) pairs from the lines that follow and include "附件：".

    `lines[0]` must be the line holding "附件：". Reading stops at the first line
    that ends the list (signature, date, another heading).
    """
    head = _LIST_HEAD.match(lines[0]) if lines else None
    if head is None:
        return []
    items: list[tuple[int, list[str]]] = []  # (number, title parts)
    expected = _number(head.group("no")) or 1
    first = head.group("rest")
    if head.group("no"):
        first = f"{expected}.{first}"
    for index, raw in enumerate([first, *lines[1:]]):
        text = raw.strip()
        if not text:
            continue
        opening = _MARKER.match(text)
        starts_item = opening is not None and _marker_number(opening) == expected
        if index > 0 and not starts_item and (_ends_list(text) or not items):
            break
        for number, piece in _split_items(text, expected):
            if number is None:
                if items:
                    items[-1][1].append(piece)
                else:
                    items.append((1, [piece]))  # "附件：标题": one unnumbered attachment
                    expected = 2
                continue
            items.append((number, [piece]))
            expected = number + 1
    titles = [(number, _clean_title("".join(parts))) for number, parts in items]
    return [(number, title) for number, title in titles if title]


def _lines(doc: Document) -> list[str]:
    blocks = sorted(doc.blocks, key=lambda block: block.order)
    return [line for block in blocks for line in block.text.splitlines() if line.strip()]


def _from_page_headings(doc: Document) -> list[tuple[int, str]]:
    """(number, title) from "附件N" headings followed by their title block."""
    blocks: list[Block] = sorted(doc.blocks, key=lambda block: block.order)
    found: list[tuple[int, str]] = []
    for index, block in enumerate(blocks[:-1]):
        head = _PAGE_HEAD.match(block.text)
        if head is None or (not head.group("no") and index < _COVER_LETTER_LINES):
            # A bare "附件" at the very top marks the notice itself as the attachment
            # of a cover letter, not an attachment of this notice.
            continue
        number = _number(head.group("no")) or len(found) + 1
        title = _clean_title(blocks[index + 1].text)
        if title and number not in {no for no, _ in found}:
            found.append((number, title))
    return found


def _from_links(doc: Document) -> list[tuple[int, str]]:
    """(number, title) from a web page's attachment links ("附件1：….xls", "2.….doc"),
    for pages that list their 附件 only as links: the file extension is no part of the
    title; a link without a number takes the next one."""
    found: list[tuple[int, str]] = []
    for link in doc.links:
        if link.role != "attachment":
            continue
        text = _FILE_EXTENSION.sub("", clean_text(link.text))
        marker = _MARKER.match(text)
        number = _marker_number(marker) if marker is not None else None
        title = _clean_title(text[marker.end() :] if marker is not None else text)
        if len(_CJK_CHARS.findall(_LINK_WORDS.sub("", title))) < _MIN_LINK_TITLE:
            continue  # "点击下载", "附件下载": no title
        number = number or (found[-1][0] + 1 if found else 1)
        if number not in {no for no, _ in found}:
            found.append((number, title))
    return found


def extract_attachments(doc: Document, *, notice_id: str) -> tuple[Attachment, ...]:
    """The attachments a notice lists, numbered as listed, with their kind."""
    lines = _lines(doc)
    pairs: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if _LIST_HEAD.match(line):
            pairs = parse_attachment_list(lines[index:])
            if pairs:
                break
    if not pairs:
        pairs = _from_page_headings(doc)
    if not pairs:
        pairs = _from_links(doc)
    return tuple(
        Attachment(
            notice_id=notice_id, attachment_no=number, title=title, kind=attachment_kind(title)
        )
        for number, title in pairs
    )


def attachment_titles(doc: Document) -> tuple[str, ...]:
    """The titles of the notice's 附件 list, in order (for the notice's own fields)."""
    return tuple(a.title for a in extract_attachments(doc, notice_id=""))

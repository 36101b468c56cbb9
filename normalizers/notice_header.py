"""The parts of an official notice's layout: title, own 文号, signature and date.

Owns reading a notice (公文) the way GB/T 9704 lays it out, from its lines in
reading order: the 发文机关标志 header, the 发文字号 standing alone under it, the
"关于…的通知" title (possibly broken over several lines or blocks), and the
signature — issuing office above the 成文日期 — after the body. Knows nothing of
the programme; `notice.py` builds the Notice record from these parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractors.model import Document

from .dates import find_dates
from .docnumbers import DocNumber, find_doc_numbers
from .text import clean_text

__all__ = [
    "NoticeLine",
    "Signature",
    "TitleSpan",
    "find_own_number",
    "find_published_date",
    "find_signature",
    "find_title",
    "header_issuer",
    "is_org_name",
    "notice_lines",
]

# Markdown or list marks a plain-text rendering may put before a line.
_LEAD_MARKS = re.compile(r"^\s*(?:#{1,6}\s+|[-•·*]\s+)")
# Last words of an office name.
_ORG_END = re.compile(
    r"(?:厅|部|局|委|委员会|办公室|办公厅|政府|中心|院|处|会|学校|大学|公司|小组|党组|工作部|管委会)$"
)
_TITLE_END = re.compile(r"(?:通知|通告|公告|通报|决定|意见|批复|函|报告|方案|办法)$")
_MAX_SIGNING_LINES = 4
_TITLE_WINDOW = 60  # lines from the top where a title may stand
_TITLE_MAX_LINES = 5
_MAX_TITLE = 120
_MAX_ORG = 40
# After the title, the own number may stand a few lines below (web pages put the
# 发布日期 and 来源 lines in between).
_NUMBER_LINES_AFTER_TITLE = 6
_PUBLISHED = re.compile(r"(?:发布日期|发布时间|发文日期|发布)\s*[：:]\s*(?P<date>[^\s]+)")
_SIGNER = re.compile(r"\s*签发人[：:].*$")
_GAP = re.compile(r"\s{2,}|\u3000+")


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """One line of a block: its text, the block's index and the block's style hints."""

    text: str
    block: int
    style: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TitleSpan:
    """The title text (no spaces or line breaks) and the lines it covers: [start, end)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Signature:
    """The issuing office as it signs, the 成文日期, and the line of the date."""

    issuer: str | None
    issued_date: date | None
    line: int


def notice_lines(doc: Document) -> list[NoticeLine]:
    """Non-empty lines of the document's blocks in reading order, list marks removed."""
    lines: list[NoticeLine] = []
    for index, block in enumerate(sorted(doc.blocks, key=lambda b: b.order)):
        for line in block.text.splitlines():
            line = _LEAD_MARKS.sub("", line).rstrip()
            if line.strip():
                lines.append(NoticeLine(text=line, block=index, style=block.style))
    return lines


def _compact(text: str) -> str:
    """Text with every space removed: titles and office names never hold real spaces
    between Chinese characters, and clean_text keeps those only between Latin words."""
    return clean_text(text)


def is_org_name(text: str) -> bool:
    """True when a line reads as an office name: short, no sentence marks, ends like one."""
    compact = _compact(text)
    if not compact or len(compact) > _MAX_ORG or re.search(r"[，。；：:,;、《》“”]", compact):
        return False
    if re.match(r"[0-9０-９（(一二三四五六七八九十]+[.．、）)]", compact):
        return False  # "4.某某中心" is an item of a list, not a signature
    return bool(_ORG_END.search(compact))


def _title_start(line: str) -> int | None:
    """Where a title starting on this line begins, or None when it holds none."""
    compact = _compact(line)
    position = compact.find("关于")
    if position < 0 or len(compact) > _MAX_TITLE or "。" in compact or "，" in compact:
        return None
    if compact.endswith(("：", ":")):
        return None  # "关于…事项如下：" opens a passage, not a title
    before = compact[:position]
    # "…《关于…的通知》…" cites a notice; a title does not stand inside 《》 or a sentence.
    if before.count("《") > before.count("》") or re.search(r"[，。；：:（(]", before):
        return None
    return position


def _opens_title_above(above: NoticeLine, line: NoticeLine) -> bool:
    """True when the line above belongs to the title: "湖北省人力资源和社会保障厅" + "关于…".

    Either both lines are one block (a title broken inside its paragraph) or the
    line above is an office name set in the same heading style (not the red 发文机关标志).
    """
    if not is_org_name(above.text):
        return False
    if above.block == line.block:
        return True
    return bool(above.style) and above.style == line.style and "red" not in above.style


def find_title(lines: list[NoticeLine], *, page_title: str | None = None) -> TitleSpan | None:
    """The "…关于…的通知" title near the top, joined over the lines it is broken into.

    `page_title` (a web page's <title> or article-title metadata) is preferred when
    it reads as a notice title; a site name after "_" or "|" is dropped from it.
    """
    span: TitleSpan | None = None
    for index, line in enumerate(lines[:_TITLE_WINDOW]):
        if _title_start(line.text) is None:
            continue
        start = index
        if start > 0 and _opens_title_above(lines[start - 1], line):
            start -= 1
        text = "".join(_compact(item.text) for item in lines[start : index + 1])
        end = index + 1
        while not _TITLE_END.search(text) and end < len(lines) and end - index < _TITLE_MAX_LINES:
            following = _compact(lines[end].text)
            if not following or _stops_title(following) or following.startswith("关于"):
                break
            text += following
            end += 1
        if _TITLE_END.search(text):
            span = TitleSpan(text=text, start=start, end=end)
            break
        # An unclosed "关于…" ("关于我们" in a site menu) is no title; look further.
    from_page = _page_title(page_title)
    if from_page is not None:
        if span is not None:
            return TitleSpan(text=from_page, start=span.start, end=span.end)
        return TitleSpan(text=from_page, start=0, end=0)
    return span


def _stops_title(compact: str) -> bool:
    if compact.endswith(("：", ":")) or "。" in compact or len(compact) > _MAX_TITLE:
        return True
    hits = find_doc_numbers(compact)
    return bool(hits) and hits[0].start == 0


def _page_title(page_title: str | None) -> str | None:
    if not page_title:
        return None
    for part in re.split(r"\s*(?:_|\||｜|－|--)\s*", page_title):
        compact = _compact(part)
        if "关于" in compact and _TITLE_END.search(compact):
            return compact
    return None


def _standalone_number(line: str) -> DocNumber | None:
    """The 文号 a line consists of (a "签发人：…" after it allowed), else None."""
    compact = _compact(_SIGNER.sub("", line))
    hits = find_doc_numbers(compact)
    if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(compact):
        return hits[0].number
    return None


def find_own_number(lines: list[NoticeLine], title: TitleSpan | None) -> DocNumber | None:
    """The notice's own 发文字号: a number standing alone above the title or just under it.

    Numbers cited in the body stand inside sentences and are never taken.
    """
    top = title.start if title is not None else min(len(lines), _TITLE_WINDOW)
    for line in lines[:top]:
        number = _standalone_number(line.text)
        if number is not None:
            return number
    if title is None:
        return None
    for line in lines[title.end : title.end + _NUMBER_LINES_AFTER_TITLE]:
        number = _standalone_number(line.text)
        if number is not None:
            return number
        compact = _compact(line.text)
        if compact.endswith(("：", ":")) or "。" in compact:
            break  # the 主送 line ("各…：") or a sentence: the body has begun
    return None


def _date_only(line: str) -> date | None:
    """The date a line consists of ("2026年4月21日", "二〇二六年四月二十一日"), else None."""
    compact = _compact(line)
    dates = [d for d in find_dates(compact) if d.has_year]
    if len(dates) != 1:
        return None
    rest = compact[: dates[0].start] + compact[dates[0].end :]
    return dates[0].value if len(rest) <= 1 else None


def _signing_offices(line: str) -> str | None:
    """The office (or offices of a joint notice, joined with 、) a signature line names."""
    parts = [_compact(part) for part in _GAP.split(line.strip()) if part.strip()]
    if parts and all(is_org_name(part) for part in parts):
        return "、".join(parts)
    if is_org_name(line):
        return _compact(line)
    return None


def _date_after_office(line: str) -> tuple[str, date] | None:
    """("office", date) of a line holding both: "湖北省人力资源和社会保障厅  2026年4月21日"."""
    compact = line.strip()
    dates = [d for d in find_dates(compact) if d.has_year]
    if len(dates) != 1 or len(_compact(compact[dates[0].end :])) > 1:
        return None
    office = _signing_offices(compact[: dates[0].start])
    return (office, dates[0].value) if office else None


def _offices_above(lines: list[NoticeLine], index: int, start: int) -> str | None:
    """The offices signing on the lines right above a date: one, or several for a joint
    notice ("湖北省人力资源和社会保障厅" over "湖北省财政厅"), joined with 、 in order."""
    offices: list[str] = []
    line = index - 1
    while line >= start and len(offices) < _MAX_SIGNING_LINES:
        office = _signing_offices(lines[line].text)
        if office is None:
            break
        offices.insert(0, office)
        line -= 1
    return "、".join(offices) or None


def find_signature(lines: list[NoticeLine], *, start: int) -> Signature | None:
    """The first office-and-date signature after line `start` (the title's end).

    A date standing alone whose line above is not an office still gives the date.
    """
    for index in range(start, len(lines)):
        issued = _date_only(lines[index].text)
        if issued is not None:
            return Signature(
                issuer=_offices_above(lines, index, start), issued_date=issued, line=index
            )
        both = _date_after_office(lines[index].text)
        if both is not None:
            return Signature(issuer=both[0], issued_date=both[1], line=index)
    return None


def header_issuer(lines: list[NoticeLine], title: TitleSpan | None) -> str | None:
    """The office named in the 发文机关标志 above the title ("湖北省人力资源和社会保障厅文件")."""
    top = title.start if title is not None else 0
    for line in lines[:top]:
        compact = _compact(line.text)
        if compact.endswith("文件"):
            compact = compact[: -len("文件")]
        if is_org_name(compact):
            return compact
    return None


def find_published_date(lines: list[NoticeLine], title: TitleSpan | None) -> date | None:
    """The "发布日期：2021-04-20" a web page shows near its title (a page saved as text)."""
    end = (title.end if title is not None else 0) + _NUMBER_LINES_AFTER_TITLE
    for line in lines[:end]:
        match = _PUBLISHED.search(line.text)
        if match is not None:
            dates = find_dates(match.group("date"))
            if dates and dates[0].has_year:
                return dates[0].value
    return None

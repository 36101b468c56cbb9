"""文号 (document numbers): "鄂人社函〔2026〕51号" and 令 numbers "人社部令第25号".

Owns finding document numbers in running text and normalising them: any bracket
around the year (〔〕 [] 【】 () （） ［］) becomes 〔〕, spaces and line breaks
inside are dropped, and the prefix is cut where the issuing office's abbreviation
starts, so "根据鄂人社发〔2022〕56号" gives "鄂人社发〔2022〕56号".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .numbers import parse_chinese_int
from .regions import doc_prefix_openers

__all__ = ["DocNumber", "DocNumberMatch", "find_doc_numbers", "parse_doc_number"]

_CJK_RUN = r"[\u4e00-\u9fff]"
_OPEN = r"[〔\[【(（［〖{｛]"
_CLOSE = r"[〕\]】)）］〗}｝]"
_WS = r"[\s\u3000]*"
_SERIAL = r"[0-9０-９]{1,5}"
_CN_SERIAL = r"[0-9０-９〇零一二三四五六七八九十百千]{1,12}"

# "鄂人社函〔2026〕51号": prefix, bracketed year, serial, 号. Real prefixes are short
# ("京人社专技字" is long at six); a longer run is the sentence before the number,
# so at most ten characters are taken and lead-in words are trimmed below.
_MAX_PREFIX = 10
_SHORT_PREFIX = 5
_MIN_AFTER_OPENER = 3  # an abbreviation opens at least three characters: 鄂人社…
_NUMBER = re.compile(
    rf"(?P<prefix>{_CJK_RUN}{{1,{_MAX_PREFIX}}}){_WS}{_OPEN}{_WS}(?P<year>[0-9０-９]{{4}}){_WS}{_CLOSE}"
    rf"{_WS}(?:第{_WS})?(?P<serial>{_SERIAL}){_WS}号"
)
# "人社部令第25号", "中华人民共和国国务院令第七百三十二号".
_DECREE = re.compile(
    rf"(?P<prefix>{_CJK_RUN}{{0,24}}令){_WS}第{_WS}(?P<serial>{_CN_SERIAL}){_WS}号"
)

# Words that end the sentence before a prefix: the prefix starts after the last of them.
# "根据鄂人社发" -> "鄂人社发". Characters that occur inside real prefixes (发, 函, 文,
# 办, 政, 经, 信, 人, 社) are deliberately absent.
_LEAD_INS = (
    "根据",
    "依据",
    "按照",
    "依照",
    "参照",
    "遵照",
    "对照",
    "详见",
    "参见",
    "结合",
    "落实",
    "贯彻",
    "执行",
    "印发",
    "转发",
    "下发",
    "通知",
    "文件",
    "精神",
    "要求",
    "规定",
    "以及",
    "见",
    "和",
    "及",
    "与",
    "或",
    "的",
    "即",
    "是",
    "为",
    "在",
    "由",
    "据",
    "按",
    "照",
    "并",
    "等",
    "号",
)
# Decree prefixes are full office names ("人力资源和社会保障部令"), which may hold 和/及.
_DECREE_LEAD_INS = (*(w for w in _LEAD_INS if w not in ("和", "及")), "中华人民共和国")


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A normalised document number and its parts."""

    text: str  # 鄂人社函〔2026〕51号 / 人社部令第25号
    prefix: str  # 鄂人社函 / 人社部令
    year: int | None  # None for 令 numbers, which carry no year
    serial: int


@dataclass(frozen=True, slots=True)
class DocNumberMatch:
    """A document number found in a text, with its span in that text."""

    start: int
    end: int
    number: DocNumber


def _opener_cut(prefix: str) -> int:
    """Where a long prefix really starts: at its province abbreviation ("再次重申鄂人社发"
    -> 4) or, without one, at a national prefix ("再次重申人社厅发" -> 4); else 0."""
    abbreviations, national = doc_prefix_openers()
    for position in range(len(prefix) - _MIN_AFTER_OPENER, -1, -1):
        if prefix.startswith(abbreviations, position):
            return position
    for position in range(len(prefix) - _MIN_AFTER_OPENER + 1):
        if prefix.startswith(national, position):
            return position
    return 0


def _trim_prefix(run: str, lead_ins: tuple[str, ...]) -> tuple[str, int]:
    """The prefix inside `run` and its offset: what follows the last lead-in word."""
    cut = 0
    for word in lead_ins:
        position = run.rfind(word)
        # A lead-in at the very end would leave nothing; such a run is no prefix.
        if position >= 0 and position + len(word) < len(run):
            cut = max(cut, position + len(word))
    if len(run) - cut > _SHORT_PREFIX:
        # Short prefixes ("中青发") are taken whole: their inner characters are not
        # abbreviations; a long run still holds words of the sentence before it.
        cut += _opener_cut(run[cut:])
    return run[cut:], cut


def _digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _regular(match: re.Match[str]) -> DocNumberMatch | None:
    prefix, cut = _trim_prefix(match.group("prefix"), _LEAD_INS)
    if not prefix:
        return None
    year = int(_digits(match.group("year")))
    if not 1949 <= year <= 2100:
        return None
    serial = int(_digits(match.group("serial")))
    number = DocNumber(
        text=f"{prefix}〔{year}〕{serial}号", prefix=prefix, year=year, serial=serial
    )
    return DocNumberMatch(start=match.start("prefix") + cut, end=match.end(), number=number)


def _decree(match: re.Match[str]) -> DocNumberMatch | None:
    run = match.group("prefix")
    prefix, cut = _trim_prefix(run, _DECREE_LEAD_INS)
    if len(prefix) < 2:
        # A bare "令第3号" names no issuer: it is not a citable number on its own.
        return None
    serial = parse_chinese_int(match.group("serial"))
    if serial is None:
        return None
    number = DocNumber(text=f"{prefix}第{serial}号", prefix=prefix, year=None, serial=serial)
    return DocNumberMatch(start=match.start("prefix") + cut, end=match.end(), number=number)


def find_doc_numbers(text: str) -> list[DocNumberMatch]:
    """Every 文号 and 令 number in `text`, in order of appearance, with spans into `text`."""
    found: list[DocNumberMatch] = []
    for match in _NUMBER.finditer(text):
        hit = _regular(match)
        if hit is not None:
            found.append(hit)
    for match in _DECREE.finditer(text):
        if any(match.start() < hit.end and hit.start < match.end() for hit in found):
            continue
        hit = _decree(match)
        if hit is not None:
            found.append(hit)
    return sorted(found, key=lambda hit: hit.start)


def parse_doc_number(text: str) -> DocNumber | None:
    """The first document number in `text`, normalised, or None when there is none.

    >>> parse_doc_number("鄂人社函〔 2026 〕51 号").text
    '鄂人社函〔2026〕51号'
    """
    hits = find_doc_numbers(text)
    return hits[0].number if hits else None

"""Automatic list numbering of Word paragraphs (numbering.xml) rendered as text labels.

Word stores "一、", "（二）", "1." of an auto-numbered list as a counter, not as text;
a reader of the page (and the PDF export) sees the label, so the extractor puts it
in front of the paragraph text. Bullets get no label: a bullet carries no meaning
for a normalizer, and its glyph is usually a private-use symbol-font character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .styles import w

__all__ = ["Numbering", "format_number"]

_VAL = w("val")
_CJK_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PARENTHESIZED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_PLACEHOLDER = re.compile(r"%([1-9])")
# A label ending in full-width punctuation ("一、", "（一）") needs no space before the text.
_CJK_END = re.compile(r"[\u3000-\u303f\uff00-\uffef]$")


def _chinese(n: int) -> str:
    """Chinese counting as Word writes it: 10 -> 十, 11 -> 十一, 21 -> 二十一, 105 -> 一百零五."""
    if n <= 0 or n >= 10000:
        return str(n)
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    out: list[str] = []
    pending_zero = False
    for value, unit in units:
        digit = n // value % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        # 10-19 read 十, 十一 (not 一十一) when the number starts there.
        if not (value == 10 and digit == 1 and not out):
            out.append(_CJK_DIGITS[digit])
        out.append(unit)
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a..z, aa..zz, aaa..
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """One counter value in a Word numFmt ("decimal", "chineseCounting", "upperRoman", ...)."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
    ):
        return _chinese(n)
    if fmt == "ideographDigital":
        return "".join(_CJK_DIGITS[int(d)] if d != "0" else "〇" for d in str(n))
    if fmt == "ideographTraditional" and 1 <= n <= len(_TIANGAN):
        return _TIANGAN[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= len(_DIZHI):
        return _DIZHI[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return _PARENTHESIZED[n - 1]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    return str(n)


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str  # "tab", "space" or "nothing"


@dataclass(slots=True)
class _List:
    levels: dict[int, _Level]
    counter_key: str
    counters: dict[int, int] = field(default_factory=dict)


def _read_level(lvl: etree._Element) -> _Level:
    def val(name: str, default: str) -> str:
        el = lvl.find(w(name))
        return el.get(_VAL, default) if el is not None else default

    try:
        start = int(val("start", "1"))
    except ValueError:
        start = 1
    return _Level(start, val("numFmt", "decimal"), val("lvlText", ""), val("suff", "tab"))


class Numbering:
    """Counters of the document's lists; `label` advances them in reading order."""

    def __init__(self, root: etree._Element | None) -> None:
        self._lists: dict[str, _List] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iter(w("abstractNum")):
            levels = {}
            for lvl in node.iter(w("lvl")):
                try:
                    levels[int(lvl.get(w("ilvl"), "0"))] = _read_level(lvl)
                except ValueError:
                    continue
            abstract[node.get(w("abstractNumId"), "")] = levels
        for num in root.iter(w("num")):
            ref = num.find(w("abstractNumId"))
            abstract_id = ref.get(_VAL, "") if ref is not None else ""
            levels = dict(abstract.get(abstract_id, {}))
            overridden = False
            for override in num.iter(w("lvlOverride")):
                try:
                    ilvl = int(override.get(w("ilvl"), "0"))
                except ValueError:
                    continue
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    levels[ilvl] = _read_level(lvl)
                start = override.find(w("startOverride"))
                if start is not None and ilvl in levels and start.get(_VAL, "").isdigit():
                    base = levels[ilvl]
                    levels[ilvl] = _Level(int(start.get(_VAL)), base.fmt, base.text, base.suffix)
                overridden = True
            # Lists sharing an abstract definition continue one count unless restarted.
            key = f"num:{num.get(w('numId'))}" if overridden else f"abstract:{abstract_id}"
            self._lists[num.get(w("numId"), "")] = _List(levels, key)

    def label(self, num_id: str | None, ilvl: int | None) -> str:
        """The label of the next item of list `num_id` at level `ilvl`, with its separator."""
        if not num_id or num_id == "0" or num_id not in self._lists:
            return ""
        lst = self._lists[num_id]
        level_no = ilvl or 0
        level = lst.levels.get(level_no)
        if level is None:
            return ""
        counters = self._counters.setdefault(lst.counter_key, {})
        counters[level_no] = counters[level_no] + 1 if level_no in counters else level.start
        for deeper in [k for k in counters if k > level_no]:
            del counters[deeper]  # a higher level item restarts the levels below it
        if level.fmt in ("bullet", "none"):
            return ""

        def substitute(match: re.Match[str]) -> str:
            n = int(match.group(1)) - 1
            other = lst.levels.get(n)
            if other is None:
                return ""
            return format_number(counters.get(n, other.start), other.fmt)

        text = _PLACEHOLDER.sub(substitute, level.text)
        if not text:
            return ""
        if level.suffix == "nothing" or _CJK_END.search(text):
            return text
        return text + " "

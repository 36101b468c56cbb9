"""Quantities, time windows and deadline markers in a clean sentence, with their offsets.

These are the values a policy rule states: "4天左右", "5至7天", "40人", "13万元",
"办班结束后1个月内", "2026年10月10日前". Which rule a value belongs to is decided
by `term_rules` from the words around it; this module only finds and reads values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import parse_chinese_int, parse_money

__all__ = [
    "Quantity",
    "Window",
    "deadline_marker",
    "find_quantities",
    "find_windows",
]

_CN_NUM = "零〇一二两三四五六七八九十百千"
_NUM = rf"(?:[0-9]+(?:\.[0-9]+)?|[{_CN_NUM}]+)"
# Dashes: "―" (U+2015) is how GB2312-era text and some PDF writers encode "—".
_RANGE_SEP = r"(?:至|到|~|～|-|－|—|―|–)"
# "5至7天", "4天", "十天", "5-7个工作日"; a day count followed by 内/前/后/起 is a
# window or a date, not a length, and so is the "18日" ending "9月15日至18日".
_DAYS = re.compile(
    rf"(?<![0-9月至到~～\-－—―–.])(?P<low>{_NUM})(?:(?:个工作日|工作日|天)?{_RANGE_SEP}(?P<high>{_NUM}))?"
    r"(?P<unit>个工作日|工作日|天|日)(?![内內前后起止])"
)
# "40人", "30至50人", "50人至100人", "50名学员"; 人次 counts visits, 人员/人才 are nouns.
_PERSONS = re.compile(
    rf"(?P<low>{_NUM})(?:[人名]?{_RANGE_SEP}(?P<high>{_NUM}))?(?P<unit>人|名)(?![次员才民力社])"
)
_MONEY = re.compile(rf"(?P<low>{_NUM})(?P<unit>万元|元)")
# "办班结束后应在1个月内", "项目结束半个月內", "办班结束15日内", "结业后10个工作日内".
_WINDOW = re.compile(
    rf"(?:结束|结业|完成办班|办班后)(?:之日)?(?:后|起)?[^，,。；;0-9{_CN_NUM}半]{{0,6}}?"
    rf"(?P<num>{_NUM}|半)(?P<unit>个月|月|个工作日|工作日|日|天|周|个星期|星期)(?:之|以)?[内內]"
)
# A time limit standing on its own ("…，10个工作日内将总结报告…") counts when the sentence
# has named the end of the class before it: "项目结束后，承办单位应在10个工作日内…", or a
# second limit after a first ("结束后1个月内将决算表…，10个工作日内将总结报告…").
_BARE_WINDOW = re.compile(
    rf"(?<![0-9{_CN_NUM}月年])(?P<num>{_NUM}|半)(?P<unit>个月|个工作日|工作日|日|天|周|个星期)"
    r"(?:之|以)?[内內]"
)
_WINDOW_ANCHOR = re.compile(r"结束|结业|完成办班|办班后|研修后|培训后")
_WINDOW_DAYS = {"个月": 30, "月": 30, "周": 7, "个星期": 7, "星期": 7}
# What makes a date a deadline: "…日前", "…日之前", "截止日期为…", "截至…".
_DEADLINE_AFTER = re.compile(r"^(?:（[^）]{1,6}）)?(?:前|之前|以前|为止|止)")
_DEADLINE_BEFORE = re.compile(r"(?:截止日期|截止时间|截止|截至|截止到)(?:为|是)?[:：]?$")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number or range with its unit: `kind` is day, workday, person or yuan."""

    start: int
    end: int
    low: float
    high: float | None  # the upper end of a range ("5至7天"), else None
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Window:
    """A span of time after the class ends: "办班结束后1个月内" -> 30 days."""

    start: int
    end: int
    value: float
    unit: str  # day | workday
    text: str


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    if text[0].isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    value = parse_chinese_int(text)
    return None if value is None else float(value)


def find_quantities(text: str) -> list[Quantity]:
    """Day counts, head counts and amounts of money in `text`, in order."""
    found: list[Quantity] = []
    for pattern in (_DAYS, _PERSONS):
        for m in pattern.finditer(text):
            low, high = _number(m.group("low")), _number(m.group("high"))
            if low is None or (m.group("high") is not None and (high is None or high < low)):
                continue
            kind = "workday" if "工作日" in m.group("unit") else "day"
            if pattern is _PERSONS:
                kind = "person"
            found.append(Quantity(m.start(), m.end(), low, high, kind, m.group()))
    for m in _MONEY.finditer(text):
        value = parse_money(m.group())
        if value is not None:
            found.append(Quantity(m.start(), m.end(), value, None, "yuan", m.group()))
    return sorted(found, key=lambda q: q.start)


def find_windows(text: str) -> list[Window]:
    """Time limits counted from the end of a class, in order."""
    windows: list[Window] = []
    for m in _WINDOW.finditer(text):
        window = _window(m)
        if window is not None:
            windows.append(window)
    anchor = _WINDOW_ANCHOR.search(text)
    if anchor is None:
        return windows
    for m in _BARE_WINDOW.finditer(text, anchor.end()):
        if any(w.start <= m.start() < w.end for w in windows):
            continue
        window = _window(m)
        if window is not None:
            windows.append(window)
    return sorted(windows, key=lambda w: w.start)


def _window(m: re.Match[str]) -> Window | None:
    count = 0.5 if m.group("num") == "半" else _number(m.group("num"))
    if count is None:
        return None
    unit = m.group("unit")
    if "工作日" in unit:
        return Window(m.start(), m.end(), count, "workday", m.group())
    days = count * _WINDOW_DAYS.get(unit, 1)
    return Window(m.start(), m.end(), days, "day", m.group())


def deadline_marker(text: str, start: int, end: int) -> bool:
    """Whether the date at text[start:end] is stated as a deadline (…前 / 截止日期为…)."""
    return bool(_DEADLINE_AFTER.match(text[end:]) or _DEADLINE_BEFORE.search(text[:start]))

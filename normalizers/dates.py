"""Dates as Chinese notices write them, and ranges of them.

Handles "2026年4月21日", wrap-spaced "2026 年 4 月 21 日", Chinese numerals
("二〇二六年四月二十一日"), ISO-like "2021-04-20" / "2021/4/20" / "2021.04.20",
month-day dates that take a default year ("10月10日"), month ends ("11月底" is
the 30th of November), and ranges such as
"2017年6月29至7月4日" or "12月13日至16日". Impossible dates give None.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .numbers import CHINESE_DIGITS, parse_chinese_int, to_halfwidth_digits

__all__ = ["DateMatch", "find_dates", "parse_date", "parse_date_range"]

_CN = "".join(CHINESE_DIGITS) + "十"
_NUM = rf"[0-9]{{1,2}}|[{_CN}]{{1,3}}"
_YEAR = rf"[0-9]{{4}}|[{''.join(CHINESE_DIGITS)}]{{4}}"
_S = r"[ \t\u3000\xa0]*"  # spaces a line wrap or a justified layout left inside a date

# "2026年4月21日", "4月21日", "二〇二六年四月二十一日"; 号 is the spoken form of 日.
_CN_DATE = re.compile(
    rf"(?<![0-9])(?:(?P<year>{_YEAR}){_S}年{_S})?(?P<month>{_NUM}){_S}月{_S}(?P<day>{_NUM}){_S}[日号]"
)
# "11月底", "2026年11月末": the last day of that month.
_MONTH_END = re.compile(
    rf"(?<![0-9])(?:(?P<year>{_YEAR}){_S}年{_S})?(?P<month>{_NUM}){_S}月{_S}(?P<day>底|末)"
)
# "2021-04-20", "2021/4/20", "2021.04.20": the year is required.
_NUMERIC_DATE = re.compile(
    r"(?<![0-9.])(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})(?![0-9])"
)
# What may stand between the two ends of a range.
_RANGE_SEP = rf"{_S}(?:至|到|~|～|-|－|—{{1,2}}|–|―){_S}"
_SEPARATOR = re.compile(_RANGE_SEP)
# A range end written without its month or year: "至7月4日", "至16日", "-18日".
_TAIL = re.compile(
    rf"^{_RANGE_SEP}(?:(?:(?P<year>{_YEAR}){_S}年{_S})?(?P<month>{_NUM}){_S}月{_S})?"
    rf"(?P<day>{_NUM}){_S}[日号]?"
)
# A range start that has no 日 of its own: "2017年6月29至7月4日".
_HEAD_NO_DAY_MARK = re.compile(
    rf"(?<![0-9])(?:(?P<year>{_YEAR}){_S}年{_S})?(?P<month>{_NUM}){_S}月{_S}(?P<day>{_NUM})(?={_RANGE_SEP})"
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in a text: where it stands, its value, and whether the year was written."""

    start: int
    end: int
    value: date
    text: str
    has_year: bool


def _number(text: str | None) -> int | None:
    return None if text is None else parse_chinese_int(text)


def _month_end(m: re.Match[str], year: int | None, month: int | None) -> int | None:
    if m.group("day") not in ("底", "末"):
        return _number(m.group("day"))
    if year is None or month is None or not 1 <= month <= 12:
        return None
    return calendar.monthrange(year, month)[1]


def _make(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _prepare(text: str) -> str:
    # NFKC turns full-width digits and separators into ASCII; the length may change
    # only for exotic characters, so offsets are computed on the prepared text.
    return to_halfwidth_digits(unicodedata.normalize("NFC", text))


def _matches(text: str, default_year: int | None) -> list[DateMatch]:
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_NUMERIC_DATE, _CN_DATE, _MONTH_END):
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            year = _number(m.group("year"))
            has_year = year is not None
            month = _number(m.group("month"))
            day = _month_end(m, year if has_year else default_year, month)
            value = _make(year if has_year else default_year, month, day)
            if value is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMatch(m.start(), m.end(), value, m.group(), has_year))
    return sorted(found, key=lambda d: d.start)


def find_dates(text: str, *, default_year: int | None = None) -> list[DateMatch]:
    """Every valid date in `text`, in order. Month-day dates need `default_year`.

    Offsets index the NFC form of `text` (the same string for any already clean text).
    """
    return _matches(_prepare(text), default_year)


def parse_date(text: str, *, default_year: int | None = None) -> date | None:
    """The first valid date in `text`, or None."""
    dates = find_dates(text, default_year=default_year)
    return dates[0].value if dates else None


def parse_date_range(
    text: str, *, default_year: int | None = None
) -> tuple[date | None, date | None]:
    """(start, end) of the first date range in `text`; a single date gives (d, d).

    The end inherits the year and month the start states: "12月13日至16日" ends on
    the 16th of December. An end before its start is read as (start, None) rather
    than guessed.
    """
    prepared = _prepare(text)
    head = _HEAD_NO_DAY_MARK.search(prepared)
    dates = _matches(prepared, default_year)
    if head is not None and (not dates or head.start() < dates[0].start):
        year = _number(head.group("year")) or default_year
        start = _make(year, _number(head.group("month")), _number(head.group("day")))
        start_end = head.end()
    elif dates:
        start, start_end = dates[0].value, dates[0].end
    else:
        return None, None
    if start is None:
        return None, None
    # A whole date with its year after the separator ends the range:
    # "2026-08-10至2026-08-13" (the tail pattern below would take "20" of that year for
    # a day). An end without a year inherits the start's, below.
    separator = _SEPARATOR.match(prepared, start_end)
    if separator is not None:
        for following in dates:
            if following.start == separator.end() and following.has_year:
                return (start, following.value) if following.value >= start else (start, None)
    tail = _TAIL.match(prepared[start_end:])
    if tail is None:
        return start, start
    end = _make(
        _number(tail.group("year")) or start.year,
        _number(tail.group("month")) or start.month,
        _number(tail.group("day")),
    )
    if end is None:
        return start, None
    if end.month < start.month and tail.group("year") is None and tail.group("month"):
        end = _make(start.year + 1, end.month, end.day)  # "12月28日至1月3日" crosses a year
    if end is None or end < start:
        return start, None
    return start, end

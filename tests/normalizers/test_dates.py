"""parse_date, parse_date_range and find_dates on the ways notices write dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.dates import DateMatch, find_dates, parse_date, parse_date_range

_DIGITS = "〇一二三四五六七八九"


def _chinese_small(n: int) -> str:
    """1..31 as 一 … 三十一."""
    tens, ones = divmod(n, 10)
    return (
        ("" if tens < 2 else _DIGITS[tens])
        + ("十" if tens else "")
        + (_DIGITS[ones] if ones else "")
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026年4月21日", date(2026, 4, 21)),
        ("2026 年 4 月 21 日", date(2026, 4, 21)),
        ("二〇二六年四月二十一日", date(2026, 4, 21)),
        ("二00六年四月二十九日", date(2006, 4, 29)),
        ("二0二三年十月十日", date(2023, 10, 10)),
        ("2021-04-20", date(2021, 4, 20)),
        ("2021/4/20", date(2021, 4, 20)),
        ("2021.04.20", date(2021, 4, 20)),
        ("发布日期：2021-04-20 来源：", date(2021, 4, 20)),
        ("２０２６年１月５日", date(2026, 1, 5)),
        ("于2026年10月10日前完成办班", date(2026, 10, 10)),
    ],
)
def test_parse_date_reads_written_dates(text: str, value: date) -> None:
    assert parse_date(text) == value


def test_parse_date_gives_month_day_dates_the_default_year() -> None:
    assert parse_date("对10月10日之后办班的", default_year=2026) == date(2026, 10, 10)


def test_parse_date_leaves_month_day_dates_without_a_year_unread() -> None:
    assert parse_date("10月10日") is None


@pytest.mark.parametrize(
    "text", ["2026年2月30日", "2026年13月1日", "2021-02-29", "填报时间： 年 月 日", "", "第3期"]
)
def test_parse_date_gives_none_for_impossible_or_empty_dates(text: str) -> None:
    assert parse_date(text, default_year=2026) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2017年6月29至7月4日", date(2017, 6, 29), date(2017, 7, 4)),
        ("12月13日至16日", date(2026, 12, 13), date(2026, 12, 16)),
        ("2026年9月15日至18日", date(2026, 9, 15), date(2026, 9, 18)),
        ("2026年9月15日—9月18日", date(2026, 9, 15), date(2026, 9, 18)),
        ("2026年9月15日-18日", date(2026, 9, 15), date(2026, 9, 18)),
        ("2026年9月15日～2026年9月18日", date(2026, 9, 15), date(2026, 9, 18)),
        ("2025年12月28日至1月3日", date(2025, 12, 28), date(2026, 1, 3)),
        ("办班时间：2026年9月15日", date(2026, 9, 15), date(2026, 9, 15)),
        ("2026-08-10至2026-08-13", date(2026, 8, 10), date(2026, 8, 13)),
        ("2026/8/10 - 2026/8/13", date(2026, 8, 10), date(2026, 8, 13)),
        ("2026.09.15—2026.09.18", date(2026, 9, 15), date(2026, 9, 18)),
    ],
)
def test_parse_date_range_reads_ranges(text: str, start: date, end: date) -> None:
    assert parse_date_range(text, default_year=2026) == (start, end)


def test_parse_date_range_does_not_guess_an_end_before_the_start() -> None:
    assert parse_date_range("2026年9月15日—9月1日") == (date(2026, 9, 15), None)
    assert parse_date_range("2026-09-15至2026-09-01") == (date(2026, 9, 15), None)


def test_parse_date_range_without_a_date_is_empty() -> None:
    assert parse_date_range("时间待定") == (None, None)


def test_find_dates_reports_positions_and_whether_the_year_was_written() -> None:
    text = "须于2023年10月10日前完成，对10月10日之后办班的不再予以资助"
    assert find_dates(text, default_year=2023) == [
        DateMatch(2, 13, date(2023, 10, 10), "2023年10月10日", True),
        DateMatch(18, 24, date(2023, 10, 10), "10月10日", False),
    ]


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_date_round_trips_every_written_form(value: date) -> None:
    y, m, d = value.year, value.month, value.day
    chinese_year = "".join(_DIGITS[int(c)] for c in str(y))
    forms = [
        f"{y}年{m}月{d}日",
        f"{y} 年 {m} 月 {d} 日",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}/{m}/{d}",
        f"{y}.{m:02d}.{d:02d}",
        f"{chinese_year}年{_chinese_small(m)}月{_chinese_small(d)}日",
    ]
    for form in forms:
        assert parse_date(form) == value, form


@given(st.text(alphabet="0123456789年月日至-/.一二三十〇 ", max_size=25))
def test_date_parsers_never_raise(text: str) -> None:
    found = find_dates(text, default_year=2026)
    assert all(text[m.start : m.end] == m.text for m in found)
    start, end = parse_date_range(text, default_year=2026)
    assert end is None or (start is not None and start <= end)

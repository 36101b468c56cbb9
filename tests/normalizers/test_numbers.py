"""parse_chinese_int and parse_money: right value or None, never a wrong one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.numbers import parse_chinese_int, parse_money, to_halfwidth_digits


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二十一", 21),
        ("十", 10),
        ("十五", 15),
        ("一百二十五", 125),
        ("三百零五", 305),
        ("一千零一", 1001),
        ("两千", 2000),
        ("一万二千", 12000),
        ("二〇二六", 2026),
        ("二0二六", 2026),
        ("二00六", 2006),
        ("二O二一", 2021),
        ("13", 13),
        ("１３", 13),
        (" 40 ", 40),
    ],
)
def test_parse_chinese_int_reads_numerals(text: str, value: int) -> None:
    assert parse_chinese_int(text) == value


@pytest.mark.parametrize(
    "text", ["", "一般", "十十", "百千", "O", "万", "3.5", "1,000", "abc", "二十一人"]
)
def test_parse_chinese_int_gives_none_for_non_numbers(text: str) -> None:
    assert parse_chinese_int(text) is None


@pytest.mark.parametrize(
    ("text", "unit", "yuan"),
    [
        ("13万元", None, 130000.0),
        ("16.5万元", None, 165000.0),
        ("12.5 万元", None, 125000.0),
        ("48,600.00", None, 48600.0),
        ("48600", None, 48600.0),
        ("４８６００元", None, 48600.0),
        ("4.86", "万元", 48600.0),
        ("4.86万元", "元", 48600.0),
        ("一万二千元", None, 12000.0),
        ("十三万元", None, 130000.0),
        ("合计：48,600.00元。", None, 48600.0),
        ("2026年每期上限13万元", None, 130000.0),
        ("师资费 3 千元", None, 3000.0),
    ],
)
def test_parse_money_reads_yuan(text: str, unit: str | None, yuan: float) -> None:
    assert parse_money(text, unit=unit) == yuan


@pytest.mark.parametrize(
    "text",
    [
        "给予一定资助",
        "",
        "2026年",
        "学员40人",
        "1,2345",
        "1.2.3",
        "多元化发展",
        "12 34",
        "经费万元",
    ],
)
def test_parse_money_gives_none_without_a_clear_amount(text: str) -> None:
    assert parse_money(text) is None


def test_parse_money_rejects_an_unknown_unit_instead_of_guessing() -> None:
    assert parse_money("4.86", unit="美元") is None


def test_to_halfwidth_digits_maps_full_width_digits_point_and_comma() -> None:
    assert to_halfwidth_digits("１２，３４５．６") == "12,345.6"


_CENTS = st.integers(min_value=0, max_value=10**11)


@given(_CENTS)
def test_parse_money_round_trips_grouped_amounts(cents: int) -> None:
    yuan = cents / 100
    assert parse_money(f"{yuan:,.2f}") == round(yuan, 2)
    assert parse_money(f"{yuan:.2f}元") == round(yuan, 2)


@given(st.integers(min_value=0, max_value=10**7))
def test_parse_money_round_trips_wan_yuan(tenths: int) -> None:
    wan = tenths / 10
    assert parse_money(f"{wan}万元") == round(wan * 10_000, 2)
    assert parse_money(f"{wan}", unit="万元") == round(wan * 10_000, 2)


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """Positional Chinese numeral for 0 < n < 10000, as written in notices."""
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(("" if (unit == 10 and n < 20) else _DIGITS[digit]) + name)
            zero = False
        else:
            zero = True
    return "".join(parts)


@given(st.integers(min_value=1, max_value=9999))
def test_parse_chinese_int_round_trips_positional_numerals(n: int) -> None:
    assert parse_chinese_int(_chinese(n)) == n


@given(st.text(max_size=30))
def test_parse_money_never_raises_and_is_non_negative(text: str) -> None:
    value = parse_money(text)
    assert value is None or value >= 0


@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿O0123456789", max_size=12))
def test_parse_chinese_int_never_raises(text: str) -> None:
    value = parse_chinese_int(text)
    assert value is None or value >= 0

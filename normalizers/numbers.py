"""Numbers as Chinese notices write them: Chinese numerals, full-width digits, money.

`parse_chinese_int` reads "二十一", "一百二十五", year strings written digit by
digit ("二〇二六", "二0二六") and Arabic or full-width digits. `parse_money`
reads an amount in yuan ("13万元", "48,600.00", "一万二千元"). Both return None
rather than guess: a wrong number is worse than a missing one.
"""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["CHINESE_DIGITS", "parse_chinese_int", "parse_money", "to_halfwidth_digits"]

# 〇/零/O/0 all mean zero in digit-by-digit years ("二〇二六", "二0二六", "二O二六").
CHINESE_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "0": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "两": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
_ARABIC = re.compile(r"[0-9]+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def to_halfwidth_digits(text: str) -> str:
    """Full-width digits, point and comma ("１３．５") as ASCII ("13.5")."""
    return text.translate(_FULLWIDTH)


def _parse_positional(text: str) -> int | None:
    """ "一百二十五" -> 125, "十" -> 10, "一万二千" -> 12000; None when malformed."""
    total = 0  # completed 万/亿 sections
    section = 0  # value below the current big unit
    digit: int | None = None
    last_small = 10_000  # units must fall within a section: 千 then 百 then 十
    last_big = 10**12
    for char in text:
        if char in CHINESE_DIGITS:
            if digit is not None and digit != 0 and CHINESE_DIGITS[char] != 0:
                return None  # two digits in a row ("二二") is not positional notation
            digit = CHINESE_DIGITS[char]
        elif char in _SMALL_UNITS:
            unit = _SMALL_UNITS[char]
            if unit >= last_small:
                return None
            section += (1 if digit is None else digit) * unit
            digit = None
            last_small = unit
        elif char in _BIG_UNITS:
            unit = _BIG_UNITS[char]
            if unit >= last_big:
                return None
            section += digit or 0
            if section == 0:
                return None
            total += section * unit
            section, digit, last_small, last_big = 0, None, 10_000, unit
        else:
            return None
    return total + section + (digit or 0)


def parse_chinese_int(text: str) -> int | None:
    """A non-negative integer written in Arabic, full-width or Chinese numerals, else None."""
    text = to_halfwidth_digits(unicodedata.normalize("NFC", text)).strip()
    if not text:
        return None
    if _ARABIC.fullmatch(text):
        return int(text)
    if all(char in CHINESE_DIGITS for char in text):
        # Digit by digit, as years are written: "二〇二六" -> 2026, "二00六" -> 2006.
        # At least one true Chinese digit: a lone Latin "O" is a letter, not zero.
        if any(c not in "0O" for c in text):
            return int("".join(str(CHINESE_DIGITS[c]) for c in text))
        return None
    if not any(c in _SMALL_UNITS or c in _BIG_UNITS for c in text):
        return None
    return _parse_positional(text)


# A run that looks like a number; it is validated as a whole, so "1,2345" is rejected
# rather than read as 1 or 2345.
_NUMBER_RUN = re.compile(r"[0-9][0-9,.]*")
_VALID_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_MONEY_UNIT = re.compile(r"\s*(万元|万|千元|元)")
# A number followed by one of these counts something else (a year, people, days, a page).
_OTHER_UNIT = re.compile(r"\s*[年月日号天人期个次名%％‰岁时分秒页条项批类届级位]")
_CHINESE_NUM_CHARS = "".join(CHINESE_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
# "元化" (多元化), "元素", "元旦" use 元 as a word, not as the currency.
_CHINESE_AMOUNT = re.compile(rf"(?P<num>[{_CHINESE_NUM_CHARS}]+)\s*(?:元|圆)(?![化素旦件])")
_UNIT_FACTOR: dict[str | None, float] = {
    "万元": 10_000.0,
    "万": 10_000.0,
    "千元": 1_000.0,
    "元": 1.0,
    None: 1.0,
}


def _arabic_amount(text: str, unit: str | None) -> float | bool | None:
    """The amount read from Arabic digits; False when the text holds no candidate at all."""
    bare: list[float] = []
    for match in _NUMBER_RUN.finditer(text):
        run = match.group().rstrip(",.")
        if not _VALID_NUMBER.fullmatch(run):
            return None  # malformed ("1,2345", "1.2.3"): no guess
        if text[: match.start()].endswith(("-", "−")):
            return None  # a negative amount is no subsidy or cost this reader should report
        number = float(run.replace(",", ""))
        rest = text[match.start() + len(run) :]
        unit_match = _MONEY_UNIT.match(rest)
        if unit_match is not None:
            return _scaled(number, _UNIT_FACTOR[unit_match.group(1)])
        if _OTHER_UNIT.match(rest):
            continue
        bare.append(number)
    if len(bare) == 1:
        return _scaled(bare[0], _UNIT_FACTOR[unit])
    if len(bare) > 1:
        return None  # several bare numbers: which one is the amount is unclear
    return False


def _scaled(number: float, factor: float) -> float | None:
    value = round(number * factor, 2)
    return value if math.isfinite(value) else None


def parse_money(text: str, *, unit: str | None = None) -> float | None:
    """The amount of money in `text`, in yuan, or None when there is none or it is unclear.

    The first number with a money unit wins ("2026年资助13万元" -> 130000.0). A bare
    number ("48,600.00") is taken only when it is the only one; `unit` is the unit the
    column or sentence states for it ("金额（万元）" over "4.86" -> unit="万元").
    Numbers that count other things (年, 人, 天, %) are skipped. Never raises.
    """
    if not isinstance(text, str) or unit not in _UNIT_FACTOR:
        return None
    normalized = to_halfwidth_digits(unicodedata.normalize("NFKC", text))
    arabic = _arabic_amount(normalized, unit)
    if arabic is not False:
        return arabic if isinstance(arabic, float) else None
    match = _CHINESE_AMOUNT.search(normalized)
    if match is None:
        return None
    # "十三万元": 万 stays inside the number, so parse_chinese_int gives 130000.
    number = parse_chinese_int(match.group("num"))
    return float(number) if number is not None else None

"""Small converters for form values: one-line text, counts of people, rates, cells by column."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from extractors.model import Table

from ..numbers import parse_chinese_int, to_halfwidth_digits
from ..text import join_wrapped
from .keyvalues import is_blank

__all__ = ["count", "one_line", "own_text", "parse_rate", "parse_rates", "spaced_text"]

_COUNT = re.compile(r"[0-9]+|[一二三四五六七八九十百两〇零]+")
_RATE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(%?)$")
_CJK = r"[\u3000-\u9fff\uff00-\uffef]"
# A bare line break between two Chinese characters is a wrap; typed spaces stay.
_CJK_BREAK = re.compile(rf"(?<={_CJK})\n(?={_CJK})")


def one_line(text: str | None) -> str | None:
    """A value as one clean line ("功能性粮油与营养健康食\\n品研发…" joined), None when blank."""
    if text is None or is_blank(text):
        return None
    return join_wrapped(text) or None


def spaced_text(text: str | None) -> str | None:
    """Like `one_line` but keeps the spaces the writer typed ("周立衡 教授")."""
    if text is None or is_blank(text):
        return None
    text = unicodedata.normalize("NFC", text).replace("\u3000", " ").replace("\xa0", " ")
    text = _CJK_BREAK.sub("", text)  # a wrap between Chinese characters is no space
    return " ".join(text.split()) or None


def count(text: str | None) -> int | None:
    """The number of people in "45人", "工作人员：5人", "四十五"; None when unclear."""
    if text is None or is_blank(text):
        return None
    numbers = _COUNT.findall(to_halfwidth_digits(unicodedata.normalize("NFKC", text)))
    if len(numbers) != 1:
        return None  # "45+5人" or no number: no guess
    return parse_chinese_int(numbers[0])


def _written_rate(text: str | None) -> tuple[Decimal, bool] | None:
    """(number, written with %) of a rate cell; None when it holds no rate."""
    if text is None or is_blank(text):
        return None
    squeezed = to_halfwidth_digits(unicodedata.normalize("NFKC", text)).replace(" ", "")
    match = _RATE.match(squeezed)
    if match is None:
        return None
    try:
        return Decimal(match.group(1)), bool(match.group(2))
    except InvalidOperation:
        return None


def parse_rate(text: str | None) -> float | None:
    """A rate as a fraction: "95.3%" -> 0.953, "0%" -> 0.0; a bare 95.3 is read as percent."""
    written = _written_rate(text)
    if written is None:
        return None
    number, percent = written
    # A bare number above 1 can only be a percentage; 0.953 is already a fraction.
    return float(number / 100 if percent or number > 1 else number)


def parse_rates(texts: Sequence[str | None]) -> list[float | None]:
    """The rates of one row (优秀率, 良好率, …) as fractions, read the same way.

    A bare number is a percentage or a fraction for the whole row, not cell by cell:
    in "96.5 | 3.0 | 0.5 | 0" the 0.5 is 0.5%, not 50%. A bare number above 1 makes
    the row's bare numbers percentages; otherwise the reading whose rates add up
    closer to 100% wins ("0.92 | 0.08 | 0% | 0%" stays fractions).
    """
    written = [_written_rate(text) for text in texts]
    bare = [number for number, percent in filter(None, written) if not percent]
    bare_percent = any(number > 1 for number in bare)
    if bare and not bare_percent:
        marked = sum((n / 100 for n, percent in filter(None, written) if percent), Decimal(0))
        bare_sum = sum(bare, Decimal(0))
        as_fractions, as_percents = marked + bare_sum, marked + bare_sum / 100
        bare_percent = abs(as_percents - 1) < abs(as_fractions - 1)
    return [
        None if w is None else float(w[0] / 100 if w[1] or bare_percent else w[0]) for w in written
    ]


def own_text(table: Table, row: int, col: int) -> str | None:
    """The text of the cell anchored at (row, col); None when a merge from the left covers it."""
    cell = table.cell_at(row, col)
    if cell is None or cell.col != col:
        return None
    return cell.text

"""PDF characters -> text lines: grouping by baseline, spacing, and the look of a line.

pdfplumber gives one dict per glyph. This module owns turning a bag of glyphs
(a page outside its tables, or one table cell) into `TextLine`s whose text has
the spaces the file holds and none that only come from justification: a
justified Chinese line is stretched with gaps between characters ("过 湖 北 省"),
which are layout, not text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TextLine", "group_lines", "join_wrapped", "line_text", "make_line"]

Char = dict[str, Any]

# Font names that say bold; 黑体 (Hei) and sans-serif CJK faces are the "bold" of a
# Chinese official document, whose body is set in a serif (宋体/仿宋).
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|sans|hei|黑", re.IGNORECASE)
# Font names that say a heavy weight whatever the face.
_HEAVY_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# CJK Radicals Supplement forms that are also whole (simplified) characters, as Unicode's
# EquivalentUnifiedIdeograph.txt pairs them. A font draws both with one glyph, and a
# writer whose ToUnicode picks the lowest code point (Chromium/Skia with Noto CJK) turns
# "西" into "⻄". Kangxi radicals (U+2F00–U+2FD5) decompose by NFKC ("⼈" -> "人").
_RADICAL_FORMS = str.maketrans(
    "⺟⺠⺩⺬⺭⺾⻄⻅⻆⻈⻉⻋⻓⻔⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "母民王示礻艹西见角讠贝车长门青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
)
# A gap this many font sizes wide between two glyphs stands for a blank, whatever the script.
_BLANK_GAP = 1.5
# Between two Latin/digit glyphs a much smaller gap is a word space the writer did not
# draw as a glyph.
_WORD_GAP = 0.25


@dataclass(slots=True)
class TextLine:
    """One visual line: its glyphs' box, modal font size and look."""

    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    bold: bool  # at least 80% of the glyphs are set in a bold or sans face
    red: bool  # most glyphs are red (the 发文机关标志 of a red-head document)
    n_chars: int
    heavy: bool = False  # at least 80% of the glyphs are set in a bold weight (not just sans)
    # Set on the lines of a column region (`columns`): the column's (left, right) text
    # edges, which stand for the page margins, and the region's top, where it is ordered.
    frame: tuple[float, float] | None = None
    anchor: float | None = None

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_red(color: Any) -> bool:
    if not isinstance(color, tuple | list):
        return False
    values = [float(v) for v in color if isinstance(v, int | float)]
    if len(values) == 3:
        r, g, b = values
        return r > 0.6 and g < 0.35 and b < 0.35
    if len(values) == 4:
        c, m, y, k = values
        return c < 0.2 and m > 0.6 and y > 0.6 and k < 0.3
    return False


@functools.lru_cache(maxsize=1024)
def _font_look(fontname: str) -> tuple[bool, bool]:
    """(bold or sans, bold weight) by the font's name; a document has a few fonts."""
    return bool(_BOLD_FONT.search(fontname)), bool(_HEAVY_FONT.search(fontname))


def group_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Glyphs grouped into visual lines, top to bottom, each line left to right.

    A glyph joins the current line when its vertical centre lies within the
    line's extent, so mixed fonts and raised footnote marks stay on their line.
    """
    ordered = sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"]))
    lines: list[list[Char]] = []
    top = bottom = 0.0
    for char in ordered:
        middle = (char["top"] + char["bottom"]) / 2
        if lines and top <= middle <= bottom:
            lines[-1].append(char)
            bottom = max(bottom, char["bottom"])
        else:
            lines.append([char])
            top, bottom = char["top"], char["bottom"]
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _unicode_text(text: str) -> str:
    """A glyph's text in NFC, a CJK radical code point read as the character it draws."""
    if any("\u2e80" <= ch <= "\u2fdf" for ch in text):
        text = "".join(
            unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch for ch in text
        ).translate(_RADICAL_FORMS)
    return unicodedata.normalize("NFC", text)


def line_text(chars: Sequence[Char]) -> str:
    """The text of one line's glyphs (sorted left to right), spaced as the file holds it."""
    parts: list[str] = []
    prev: Char | None = None
    for char in chars:
        text = _unicode_text(char["text"])
        if prev is not None:
            # Writers that fake bold draw each glyph twice at almost the same place.
            if text == prev["text"] and abs(char["x0"] - prev["x0"]) < 0.5:
                continue
            gap = char["x0"] - prev["x1"]
            size = max(float(prev["size"]), 1.0)
            last = parts[-1][-1:] if parts else ""
            if not text.isspace() and last and not last.isspace():
                wide_blank = gap > _BLANK_GAP * size
                word_space = (
                    gap > _WORD_GAP * size and _is_word_char(last) and _is_word_char(text[:1])
                )
                if wide_blank or word_space:
                    parts.append(" ")
        parts.append(text)
        prev = char
    return "".join(parts).strip()


def make_line(chars: Sequence[Char]) -> TextLine:
    """A `TextLine` from one group of `group_lines`."""
    sizes = Counter(round(float(c["size"]), 1) for c in chars if not c["text"].isspace())
    visible = [c for c in chars if not c["text"].isspace()] or list(chars)
    looks = [_font_look(c.get("fontname") or "") for c in visible]
    bold = sum(1 for look in looks if look[0])
    heavy = sum(1 for look in looks if look[1])
    red = sum(1 for c in visible if _is_red(c.get("non_stroking_color")))
    return TextLine(
        top=min(c["top"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        x0=min(c["x0"] for c in visible),
        x1=max(c["x1"] for c in visible),
        size=sizes.most_common(1)[0][0] if sizes else float(chars[0]["size"]),
        text=line_text(chars),
        bold=bold >= 0.8 * len(visible),
        red=red > 0.5 * len(visible),
        n_chars=len(visible),
        heavy=heavy >= 0.8 * len(visible),
    )


def join_wrapped(first: str, second: str) -> str:
    """Join two lines of one paragraph: no space, except between two Latin words."""
    if not first:
        return second
    if not second:
        return first
    if _is_latin_letter(first[-1]) and _is_latin_letter(second[0]):
        return f"{first} {second}"
    return first + second

"""Blanks pdfium does not report, told back from the geometry of the glyphs it does.

pdfium keeps only the first blank of a run of blanks, and skips text objects that hold
nothing but blanks; pdfminer reads every one. `blanks_missing` adds the blanks of a run
from the gap after the one kept; `gap_to_next` and `fill_gap` tell which blanks (and how
many) a skipped object stood for (`glyphs._blank_runs`). When the gap is not a whole
number of one kind of blank, the answer is None: the page is read by pdfplumber.
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["blanks_missing", "fill_gap", "gap_to_next"]

Char = dict[str, Any]


def blanks_missing(chars: list[Char]) -> list[Char] | None:
    """The blanks pdfium dropped after a blank it kept, None when they cannot be told.

    Of a run of blanks pdfium may keep the first only; the gap it leaves before the next
    glyph on the baseline is then a whole number of that blank's advance: so many more
    of it. A gap wider than half an advance that is no such multiple is unexplained."""
    out: list[Char] = []
    for before, after in itertools.pairwise(chars):
        if not before["text"].isspace() or abs(before["bottom"] - after["bottom"]) >= 0.5:
            continue
        advance = before["x1"] - before["x0"]
        gap = after["x0"] - before["x1"]
        if gap <= 0.5 * advance + 0.05:
            continue
        count = round(gap / advance) if advance > 0 else 0
        if not 1 <= count <= 12 or abs(gap - count * advance) > _slack(advance):
            return None
        for k in range(count):
            x0 = before["x1"] + k * advance
            out.append(dict(before, x0=x0, x1=x0 + advance))
    return out


def _slack(advance: float) -> float:
    """How far a gap may be from a whole number of blanks: the glyph after them may be
    kerned (a TJ adjustment of a few thousandths of an em: 0.084 pt after a 3.584 pt
    blank in the Fujian call), by no more than 3 % of a blank."""
    return max(0.05, 0.03 * advance)


def gap_to_next(chars: list[Char], x: float, top: float, bottom: float) -> float | None:
    """The distance from x to the nearest glyph right of it on the same baseline."""
    nearest = None
    for char in chars:
        if abs(char["bottom"] - bottom) < 0.5 and abs(char["top"] - top) < 0.5:
            gap = char["x0"] - x
            if gap > -0.01 and (nearest is None or gap < nearest):
                nearest = gap
    return nearest


def fill_gap(gap: float | None, advances: dict[str, float]) -> list[str] | None:
    """The blanks whose advances fill `gap` (one kind, 1 to 12 of them), None if not one way."""
    if gap is None:
        return [" "]  # at the end of a line: stripped with the line
    fits = []
    for blank, advance in advances.items():
        count = round(gap / advance)
        if 1 <= count <= 12 and abs(gap - count * advance) <= _slack(advance):
            fits.append([blank] * count)
    return fits[0] if len(fits) == 1 else None

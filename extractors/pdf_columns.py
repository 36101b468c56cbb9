"""Reading order of a page region set in columns: gutters found from the glyph boxes.

A notice may set its header (issuer mark, 发文字号, title) across the page and its body
in two columns. Grouping glyphs into lines across the whole width would then splice the
left and right columns into one line. Before lines are made, the page's glyphs (those
outside its ruled tables) are cut into horizontal bands; a run of bands that all leave
one vertical strip empty (a gutter), with text on both sides of it, is a column region,
read column by column. Everything else is read as before, band by band, so a page in
one column gives exactly the lines it gave without this module.

A region counts as columns only when each column is wide and filled like running text:
at least `_MIN_LINES` lines, most of which reach the column's right edge (justified
text wraps there), and columns side by side over most of their height. Key/value lines
("联系人：…      电话：…"), a signature standing right, or an unruled list of names
have ragged right edges and stay whole lines.

The last page of a body in columns often holds a few lines only (a balanced section
end: the signature in one column, the date in the other). Such a page is read again
with the gutters found on the document's other pages of its size (`gutters_of`): a
run of at least two lines that leaves a known gutter empty, with text on both sides,
is read in those columns.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .pdf_lines import Char, TextLine, group_lines, make_line

__all__ = ["gutters_of", "read_lines"]

_MIN_LINES = 3  # lines a column needs to count as running text
_MIN_GUTTER = 0.75  # font sizes: the narrowest empty strip that separates columns
_MIN_WIDTH = 8.0  # font sizes: the narrowest column of running text
_FULL_SHARE = 0.5  # share of a column's lines (last aside) that reach its right edge
_MAX_COLUMNS = 4


@dataclass(slots=True)
class _Band:
    chars: list[Char]
    top: float
    bottom: float
    spans: list[tuple[float, float]]  # x extents of the glyphs, merged over small gaps


def _size(chars: Sequence[Char]) -> float:
    sizes = Counter(round(float(c["size"]), 1) for c in chars)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _visible(chars: Sequence[Char]) -> list[Char]:
    return [c for c in chars if not str(c["text"]).isspace()]


def _band(chars: list[Char], gap: float) -> _Band:
    visible = _visible(chars) or chars
    spans: list[tuple[float, float]] = []
    for c in sorted(visible, key=lambda c: c["x0"]):
        x0, x1 = float(c["x0"]), float(c["x1"])
        if spans and x0 - spans[-1][1] < gap:
            spans[-1] = (spans[-1][0], max(spans[-1][1], x1))
        else:
            spans.append((x0, x1))
    return _Band(
        chars=chars,
        top=min(float(c["top"]) for c in chars),
        bottom=max(float(c["bottom"]) for c in chars),
        spans=spans,
    )


def _free(band: _Band, left: float, right: float) -> list[tuple[float, float]]:
    """The x ranges of [left, right] that no glyph of the band covers."""
    free = []
    x = left
    for x0, x1 in band.spans:
        if x0 > x:
            free.append((x, x0))
        x = max(x, x1)
    if right > x:
        free.append((x, right))
    return free


def _intersect(
    a: list[tuple[float, float]], b: list[tuple[float, float]], min_width: float
) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= min_width:
                out.append((lo, hi))
    return out


def _between_tables(upper: _Band, lower: _Band, tables: Sequence[tuple[float, float]]) -> bool:
    return any(upper.bottom <= top + 1 and bottom - 1 <= lower.top for top, bottom in tables)


def _columns(bands: Sequence[_Band], gutters: list[tuple[float, float]]) -> list[list[Char]] | None:
    """The glyphs of each column when `bands` are running text in columns, else None."""
    chars = [c for band in bands for c in band.chars]
    xs = [float(c["x0"]) for c in _visible(chars)] + [float(c["x1"]) for c in _visible(chars)]
    if not xs:
        return None
    # Gutters strictly inside the text: glyphs on both sides.
    inner = [(g0, g1) for g0, g1 in gutters if min(xs) < g0 and g1 < max(xs)]
    if not inner or len(inner) + 1 > _MAX_COLUMNS:
        return None
    cuts = [(g0 + g1) / 2 for g0, g1 in inner]
    columns: list[list[Char]] = [[] for _ in range(len(cuts) + 1)]
    for c in chars:
        middle = (float(c["x0"]) + float(c["x1"])) / 2
        columns[sum(1 for cut in cuts if middle > cut)].append(c)
    size = _size(_visible(chars))
    extents = []
    for column in columns:
        lines = [line for line in group_lines(column) if _visible(line)]
        if len(lines) < _MIN_LINES:
            return None
        left = min(float(c["x0"]) for line in lines for c in _visible(line))
        right = max(float(c["x1"]) for line in lines for c in _visible(line))
        if right - left < _MIN_WIDTH * size:
            return None
        ends = [max(float(c["x1"]) for c in _visible(line)) for line in lines[:-1]]
        full = sum(1 for end in ends if end >= right - 1.5 * size)
        if full < 2 or full < _FULL_SHARE * len(ends):
            return None
        extents.append(
            (min(float(c["top"]) for c in column), max(float(c["bottom"]) for c in column))
        )
    # Side by side: every column shares most of its height with the first one.
    top0, bottom0 = extents[0]
    for top, bottom in extents[1:]:
        shared = min(bottom, bottom0) - max(top, top0)
        if shared < 0.5 * min(bottom - top, bottom0 - top0):
            return None
    return columns


def _column_lines(columns: list[list[Char]], anchor: float) -> list[TextLine]:
    lines: list[TextLine] = []
    for column in columns:
        visible = _visible(column) or column
        frame = (min(float(c["x0"]) for c in visible), max(float(c["x1"]) for c in visible))
        for group in group_lines(column):
            line = make_line(group)
            line.frame = frame
            line.anchor = anchor
            lines.append(line)
    return lines


def gutters_of(lines: Sequence[TextLine]) -> list[tuple[float, float]]:
    """The gutters between the columns that `read_lines` found, left to right."""
    frames = sorted({line.frame for line in lines if line.frame is not None})
    return [(left[1], right[0]) for left, right in itertools.pairwise(frames) if left[1] < right[0]]


def _known_run(
    bands: Sequence[_Band],
    frees: Sequence[list[tuple[float, float]]],
    start: int,
    gutter: tuple[float, float],
    tables: Sequence[tuple[float, float]],
    min_gutter: float,
) -> tuple[int, list[list[Char]]] | None:
    """(last band, columns) split at a gutter known from other pages, from band `start`."""
    middle = (gutter[0] + gutter[1]) / 2
    half = min_gutter / 2

    def open_at(k: int) -> bool:
        return any(a <= middle - half and middle + half <= b for a, b in frees[k])

    end = start
    while (
        end + 1 < len(bands)
        and open_at(end + 1)
        and not _between_tables(bands[end], bands[end + 1], tables)
    ):
        end += 1
    if end == start or not open_at(start):
        return None
    chars = [c for band in bands[start : end + 1] for c in band.chars]
    columns: list[list[Char]] = [[], []]
    for c in chars:
        columns[(float(c["x0"]) + float(c["x1"])) / 2 > middle].append(c)
    if not _visible(columns[0]) or not _visible(columns[1]):
        return None
    return end, columns


def read_lines(
    chars: Sequence[Char],
    *,
    tables: Sequence[tuple[float, float]] = (),
    gutters: Sequence[tuple[float, float]] = (),
) -> list[TextLine]:
    """The text lines of a page's glyphs in reading order, columns read one after another.

    `tables`: (top, bottom) of the page's ruled tables, whose glyphs are not in `chars`;
    a column region never reaches over a table. `gutters`: found on other pages of the
    document of this page's size, for a page whose column text is too short to tell.
    """
    groups = group_lines(chars)
    if len(groups) < (2 if gutters else _MIN_LINES) or not _visible(chars):
        return [make_line(group) for group in groups]
    size = _size(_visible(chars))
    min_gutter = max(_MIN_GUTTER * size, 4.0)
    bands = [_band(group, min_gutter) for group in groups]
    left = min(span[0] for band in bands for span in band.spans)
    right = max(span[1] for band in bands for span in band.spans)
    frees = [_free(band, left, right) for band in bands]
    lines: list[TextLine] = []
    i = 0
    while i < len(bands):
        free, j, found = frees[i], i, None
        columns: list[list[Char]] | None = None
        while j + 1 < len(bands) and not _between_tables(bands[j], bands[j + 1], tables):
            narrower = _intersect(free, frees[j + 1], min_gutter)
            if not narrower:
                break
            free, j = narrower, j + 1
            if j - i + 1 >= _MIN_LINES:
                found = (j, free)
        if found is not None:
            # The longest run first; shorter ones when the long one is no column text.
            for end in range(found[0], i + _MIN_LINES - 2, -1):
                common = frees[i]
                for k in range(i + 1, end + 1):
                    common = _intersect(common, frees[k], min_gutter)
                columns = _columns(bands[i : end + 1], common)
                if columns is not None:
                    lines.extend(_column_lines(columns, bands[i].top))
                    i = end + 1
                    break
            if columns is not None:
                continue
        known = next(
            (
                run
                for gutter in gutters
                if (run := _known_run(bands, frees, i, gutter, tables, min_gutter)) is not None
            ),
            None,
        )
        if known is not None:
            lines.extend(_column_lines(known[1], bands[i].top))
            i = known[0] + 1
            continue
        lines.append(make_line(groups[i]))
        i += 1
    return lines

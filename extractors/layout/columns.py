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
with the columns found on the document's other pages of its size (`frames_of`): a
run of at least two lines that leaves the known gutters empty, with text on both sides,
is read in those columns, whose edges are the known ones (a short column's own
glyphs would give edges that are not its column's).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .lines import Char, TextLine, group_lines, make_line

__all__ = ["frames_of", "read_lines"]

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


def _split(bands: Sequence[_Band], cuts: Sequence[float]) -> list[list[Char]]:
    columns: list[list[Char]] = [[] for _ in range(len(cuts) + 1)]
    for band in bands:
        for c in band.chars:
            middle = (float(c["x0"]) + float(c["x1"])) / 2
            columns[sum(1 for cut in cuts if middle > cut)].append(c)
    return columns


def _open_at(free: list[tuple[float, float]], cuts: Sequence[float], half: float) -> bool:
    return all(any(a <= cut - half and cut + half <= b for a, b in free) for cut in cuts)


def _cuts(bands: Sequence[_Band], gutters: list[tuple[float, float]]) -> list[float] | None:
    """The middles of the gutters strictly inside the text (glyphs on both sides)."""
    chars = _visible([c for band in bands for c in band.chars])
    if not chars:
        return None
    left = min(float(c["x0"]) for c in chars)
    right = max(float(c["x1"]) for c in chars)
    inner = [(g0, g1) for g0, g1 in gutters if left < g0 and g1 < right]
    if not inner or len(inner) + 1 > _MAX_COLUMNS:
        return None
    return [(g0 + g1) / 2 for g0, g1 in inner]


def _columns(bands: Sequence[_Band], cuts: Sequence[float]) -> list[list[Char]] | None:
    """The glyphs of each column when `bands` are running text in columns, else None."""
    chars = [c for band in bands for c in band.chars]
    columns = _split(bands, cuts)
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


def _column_lines(
    columns: list[list[Char]],
    anchor: float,
    frames: Sequence[tuple[float, float]] | None = None,
) -> list[TextLine]:
    lines: list[TextLine] = []
    for index, column in enumerate(columns):
        if not column:
            continue
        visible = _visible(column) or column
        frame = (
            frames[index]
            if frames is not None
            else (min(float(c["x0"]) for c in visible), max(float(c["x1"]) for c in visible))
        )
        for group in group_lines(column):
            line = make_line(group)
            line.frame = frame
            line.anchor = anchor
            lines.append(line)
    return lines


def frames_of(lines: Sequence[TextLine]) -> tuple[int, list[tuple[float, float]]]:
    """(number of lines, column edges left to right) of the largest column region that
    `read_lines` found among `lines`; (0, []) for a page without columns."""
    regions: dict[float, list[TextLine]] = {}
    for line in lines:
        if line.frame is not None and line.anchor is not None:
            regions.setdefault(line.anchor, []).append(line)
    if not regions:
        return 0, []
    largest = max(regions.values(), key=len)
    frames = sorted({line.frame for line in largest if line.frame is not None})
    return len(largest), frames


def _known_run(
    bands: Sequence[_Band],
    frees: Sequence[list[tuple[float, float]]],
    start: int,
    frames: Sequence[tuple[float, float]],
    tables: Sequence[tuple[float, float]],
    min_gutter: float,
) -> tuple[int, list[list[Char]]] | None:
    """(last band, columns) split at the gutters of columns known from other pages."""
    middles = [(left[1] + right[0]) / 2 for left, right in itertools.pairwise(frames)]
    half = min_gutter / 2

    def open_at(k: int) -> bool:
        return all(
            any(a <= middle - half and middle + half <= b for a, b in frees[k])
            for middle in middles
        )

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
    columns: list[list[Char]] = [[] for _ in frames]
    for c in chars:
        x = (float(c["x0"]) + float(c["x1"])) / 2
        columns[sum(1 for middle in middles if x > middle)].append(c)
    if sum(1 for column in columns if _visible(column)) < 2:
        return None
    return end, columns


def read_lines(
    chars: Sequence[Char],
    *,
    tables: Sequence[tuple[float, float]] = (),
    frames: Sequence[tuple[float, float]] = (),
) -> list[TextLine]:
    """The text lines of a page's glyphs in reading order, columns read one after another.

    `tables`: (top, bottom) of the page's ruled tables, whose glyphs are not in `chars`;
    a column region never reaches over a table. `frames`: the column edges found on
    the document's pages of this size (`frames_of`), for column text too short to tell.
    """
    groups = group_lines(chars)
    if len(groups) < (2 if frames else _MIN_LINES) or not _visible(chars):
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
            # Once a part is running text in columns, the whole run that leaves its gutters
            # empty is read in those columns (the ragged end: signature, date, notes).
            for end in range(found[0], i + _MIN_LINES - 2, -1):
                common = frees[i]
                for k in range(i + 1, end + 1):
                    common = _intersect(common, frees[k], min_gutter)
                cuts = _cuts(bands[i : end + 1], common)
                columns = _columns(bands[i : end + 1], cuts) if cuts else None
                if columns is not None and cuts:
                    last = found[0]
                    while last > end and not all(
                        _open_at(frees[k], cuts, min_gutter / 2) for k in range(end + 1, last + 1)
                    ):
                        last -= 1
                    lines.extend(_column_lines(_split(bands[i : last + 1], cuts), bands[i].top))
                    i = last + 1
                    break
            if columns is not None:
                continue
        known = (
            _known_run(bands, frees, i, frames, tables, min_gutter) if len(frames) >= 2 else None
        )
        if known is not None:
            lines.extend(_column_lines(known[1], bands[i].top, frames))
            i = known[0] + 1
            continue
        lines.append(make_line(groups[i]))
        i += 1
    return lines

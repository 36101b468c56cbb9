"""Ruled tables of a page image: ruling lines -> grid -> cells with spans.

A scanned table has no cell objects, only ink. Morphology finds the rules: an
opening with a long, thin horizontal (vertical) element keeps the long straight
strokes, and of those only the ones that end on a rule of the other direction
are rules (a character's stroke or an underline ends in white). Their
positions, clustered, are the row and column boundaries of a grid; a boundary
that has no rule between two neighbouring grid positions means a merged cell,
so the positions are joined and the anchor carries rowspan/colspan. OCR boxes
go into the cell under their centre.

Coordinates are pixels of the (deskewed) page image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from .engine import OcrBox

__all__ = ["Grid", "GridCell", "find_grids", "place_boxes"]

_MIN_COVERAGE = 0.5  # a boundary is drawn where at least half of it has a rule
_MIN_RULE = 20  # px: the shortest rule element, whatever the character size

Segment = tuple[float, float, float]  # position across, start and end along the rule


@dataclass(slots=True)
class GridCell:
    """A cell in grid positions and pixels, with the OCR boxes whose centre lies in it."""

    row: int
    col: int
    rowspan: int
    colspan: int
    x0: float
    top: float
    x1: float
    bottom: float
    boxes: list[OcrBox] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    """One ruled table: its row (ys) and column (xs) boundaries and its cells."""

    xs: list[float]
    ys: list[float]
    cells: list[GridCell]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def cell_at(self, x: float, y: float) -> GridCell | None:
        for cell in self.cells:
            if cell.x0 <= x < cell.x1 and cell.top <= y < cell.bottom:
                return cell
        return None


def _rule_masks(gray: np.ndarray, char_height: float) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the horizontal and the vertical rules."""
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    # A horizontal stroke of a character (一, ——) spans at most two characters, a
    # vertical one (丨, 1) less than the line's box; rows can be barely higher than
    # that, so short vertical strokes pass here and `_joined` sorts them out.
    h_len = max(_MIN_RULE, round(2.5 * char_height))
    v_len = max(_MIN_RULE, round(0.9 * char_height))
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))
    )
    # Close the small breaks that noise and JPEG leave in a rule.
    horizontal = cv2.morphologyEx(
        horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3))
    )
    vertical = cv2.morphologyEx(
        vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9))
    )
    return horizontal, vertical


def _rules(
    mask: np.ndarray, crossing: np.ndarray, *, axis: int
) -> tuple[list[Segment], np.ndarray]:
    """The rules of a mask as (position across, start, end along), and a mask of them alone.

    axis 0 = horizontal. A rule of a grid ends on rules of the other direction
    (`crossing`, dilated): a character's stroke or an underline "____" does not,
    and is left out of both.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found: list[Segment] = []
    kept: list[int] = []
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label][:4])
        if axis == 0:
            row = y + h // 2
            ends = ((row, x), (row, x + w - 1))
            segment = (y + h / 2, float(x), float(x + w))
        else:
            col = x + w // 2
            ends = ((y, col), (y + h - 1, col))
            segment = (x + w / 2, float(y), float(y + h))
        if all(crossing[r, c] for r, c in ends):
            found.append(segment)
            kept.append(label)
    return found, np.isin(labels, kept)


def _cluster(segments: Sequence[Segment], tolerance: float) -> list[float]:
    """Boundary positions: segment positions closer than the tolerance are one line,
    placed at their length-weighted mean."""
    groups: list[list[tuple[float, float]]] = []
    for position, start, end in sorted(segments):
        if groups and position - groups[-1][-1][0] <= tolerance:
            groups[-1].append((position, end - start))
        else:
            groups.append([(position, end - start)])
    return [sum(p * w for p, w in group) / sum(w for _, w in group) for group in groups]


def _coverage(band: np.ndarray) -> float:
    """The fraction of a boundary stretch that the rule covers (band: across x along)."""
    if band.size == 0:
        return 0.0
    return float(band.any(axis=0).mean())


def _grid(
    horizontal: np.ndarray, vertical: np.ndarray, box: tuple[int, int, int, int], tol: float
) -> Grid | None:
    x, y, w, h = box
    pad = round(tol)
    reach = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * pad + 1, 2 * pad + 1))
    h_part, v_part = horizontal[y : y + h, x : x + w], vertical[y : y + h, x : x + w]
    # Positions and coverage are measured in the region; cells get page pixels.
    h_segments, h_rules = _rules(h_part, cv2.dilate(v_part, reach), axis=0)
    v_segments, v_rules = _rules(v_part, cv2.dilate(h_part, reach), axis=1)
    ys = _cluster(h_segments, tol)
    xs = _cluster(v_segments, tol)
    if len(xs) < 2 or len(ys) < 2:
        return None  # rules in one direction only: no grid ("三线表" stay text)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    t = max(2, round(tol / 2))  # half the band searched around a boundary
    for r in range(n_rows):
        inner_top, inner_bottom = round(ys[r] + t), round(ys[r + 1] - t)
        for c in range(1, n_cols):
            xc = round(xs[c])
            band = v_rules[inner_top:inner_bottom, max(xc - t, 0) : xc + t + 1].T
            if _coverage(band) < _MIN_COVERAGE:
                parent[find(r * n_cols + c)] = find(r * n_cols + c - 1)
    for r in range(1, n_rows):
        yc = round(ys[r])
        for c in range(n_cols):
            band = h_rules[max(yc - t, 0) : yc + t + 1, round(xs[c] + t) : round(xs[c + 1] - t)]
            if _coverage(band) < _MIN_COVERAGE:
                parent[find(r * n_cols + c)] = find((r - 1) * n_cols + c)
    spans: dict[int, list[int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            root = find(r * n_cols + c)
            if root in spans:
                r0, c0, r1, c1 = spans[root]
                spans[root] = [min(r0, r), min(c0, c), max(r1, r), max(c1, c)]
            else:
                spans[root] = [r, c, r, c]
    cells = []
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in sorted(spans.values()):
        if (r0, c0) in covered:
            continue  # an L-shaped merge: its bounding box overlaps a cell already made
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        cells.append(
            GridCell(
                r0,
                c0,
                r1 - r0 + 1,
                c1 - c0 + 1,
                x + xs[c0],
                y + ys[r0],
                x + xs[c1 + 1],
                y + ys[r1 + 1],
            )
        )
    if len(cells) < 2:
        return None  # a single framed box is a text frame, not a table
    return Grid(xs=[x + v for v in xs], ys=[y + v for v in ys], cells=cells)


def find_grids(gray: np.ndarray, char_height: float) -> list[Grid]:
    """The ruled tables of a page (grey image), top to bottom.

    `char_height` (pixels, from the OCR boxes) sets how long a stroke must be to
    count as a rule and how close two rules may be and still be one line.
    """
    horizontal, vertical = _rule_masks(gray, char_height)
    joined = cv2.bitwise_or(horizontal, vertical)
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    tol = max(4.0, 0.35 * char_height)
    grids = []
    for x, y, w, h, _area in stats[1:count]:
        if w < 3 * char_height or h < 1.5 * char_height:
            continue
        grid = _grid(horizontal, vertical, (int(x), int(y), int(w), int(h)), tol)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids


def place_boxes(grids: Sequence[Grid], boxes: Sequence[OcrBox]) -> list[OcrBox]:
    """Put each box into the cell under its centre; return the boxes outside all tables."""
    outside = []
    for box in boxes:
        for grid in grids:
            cell = grid.cell_at(box.cx, box.cy)
            if cell is not None:
                cell.boxes.append(box)
                break
        else:
            outside.append(box)
    return outside

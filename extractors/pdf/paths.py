"""A PDF page's rules and curves, read from pdfium's path objects as pdfminer classifies
them (a single segment is a line, a closed axis-aligned four-sided path a rect, anything
else a curve): what pdfplumber's table finder would be given, and whether `has_ruling`
would say the page is ruled (`glyphs.read_page_glyphs`)."""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c

__all__ = ["PageRules"]

_LINETO, _BEZIER, _MOVETO = (
    pdfium_c.FPDF_SEGMENT_LINETO,
    pdfium_c.FPDF_SEGMENT_BEZIERTO,
    pdfium_c.FPDF_SEGMENT_MOVETO,
)


class PageRules:
    """The page's rules as pdfminer makes them from paths (pdfplumber's `line`, `rect` and
    `curve` objects, in page coordinates), and whether `has_ruling` would say yes."""

    def __init__(self, height: float) -> None:
        self.height = height
        self.horizontal = 0
        self.vertical = 0
        self.curve = False
        self.curves = 0
        self.objects: dict[str, list[dict[str, Any]]] = {"line": [], "rect": [], "curve": []}

    def add_path(self, obj: Any, matrix: tuple[float, float, float, float, float, float]) -> None:
        a, b, c, d, e, f = matrix
        x = ctypes.c_float()
        y = ctypes.c_float()
        # (points, closed, has a Bezier segment); of a Bezier segment pdfium gives the two
        # control points and the end point, pdfminer keeps the end point only.
        subpaths: list[tuple[list[tuple[float, float]], bool, bool]] = []
        bezier = 0
        for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            bezier = bezier + 1 if kind == _BEZIER else 0
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            if kind == _MOVETO or not subpaths:
                subpaths.append(([point], False, False))
            elif kind == _LINETO or bezier % 3 == 0:
                points, closed, bent = subpaths[-1]
                points.append(point)
                subpaths[-1] = (points, closed, bent or kind == _BEZIER)
            if pdfium_c.FPDFPathSegment_GetClose(segment):
                points, _, bent = subpaths[-1]
                subpaths[-1] = (points, True, bent)
        for points, closed, bent in subpaths:
            self._classify(points, closed, bent)

    def _classify(self, points: list[tuple[float, float]], closed: bool, bent: bool) -> None:
        pts = list(points)
        if closed:
            if len(pts) > 2 and pts[-1] == pts[0]:
                pts.pop()  # pdfminer drops a redundant last segment of a closed path
            pts.append(pts[0])
        if len(pts) < 2:
            return
        if not bent and (len(pts) == 2 or (closed and len(pts) == 3)):
            self._line(pts[0], pts[1])
            return
        if not bent and len(pts) == 5 and pts[0] == pts[4]:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
            ):
                self._rect(pts[0], pts[2])
                return
        self.curve = True
        self.curves += 1
        self.objects["curve"].append(
            self._box(pts, "curve") | {"pts": [(px, self.height - py) for px, py in pts]}
        )

    def _box(self, pts: list[tuple[float, float]], kind: str) -> dict[str, Any]:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        return {
            "object_type": kind,
            "x0": x0,
            "x1": x1,
            "y0": y0,
            "y1": y1,
            "top": self.height - y1,
            "bottom": self.height - y0,
            "width": x1 - x0,
            "height": y1 - y0,
        }

    def _line(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        line = self._box([start, end], "line")
        if abs(line["top"] - line["bottom"]) < 1:
            self.horizontal += 1
        elif abs(line["x0"] - line["x1"]) < 1:
            self.vertical += 1
        self.objects["line"].append(line)

    def _rect(self, corner: tuple[float, float], opposite: tuple[float, float]) -> None:
        rect = self._box([corner, opposite], "rect")
        width, height = rect["width"], rect["height"]
        self.horizontal += 2 if height > 2 else 1 if width > 2 else 0
        self.vertical += 2 if width > 2 else 1 if height > 2 else 0
        self.objects["rect"].append(rect)

    @property
    def ruled(self) -> bool:
        return self.curve or (self.horizontal >= 2 and self.vertical >= 2)

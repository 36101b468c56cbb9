"""OCR boxes -> visual lines -> `TextLine`s in points, as the PDF extractor makes them.

The layout engine's paragraph rules (`layout.blocks`: indents, centred titles, the
signature standing right, page-number furniture) work on `TextLine`s measured
in points. This module turns the boxes of one page (or of one table cell) into
such lines, so a scanned page becomes blocks by the same rules as a born-digital
one:

- boxes whose vertical centres agree form a line, read left to right; boxes are
  joined without a space between Chinese characters, with one where the gap is
  as wide as a character or between two Latin words;
- punctuation the detector left out between two boxes of a line ("——" in
  "智汇赋能——湖北") is recovered by reading the two boxes again as one region;
- the year of a 文号 stands in 六角括号 (GB/T 9704: "鄂人社发〔2022〕56号"),
  which the recogniser often reads as square brackets ("[2022]56号"): square or
  mixed brackets round a year followed by a serial and 号 are made 〔〕 again;
- a line's font size comes from the height of its ink (detection boxes vary by
  a quarter with the characters in them; the ink of Chinese characters fills
  0.93 em), and sizes within 12 % of each other across the document are snapped
  to one value, since the paragraph rules compare sizes to half a point;
- full-width opening brackets and closing marks stand in one half of their em
  box, so a line's edges are moved out by half an em where it starts or ends with
  one: the PDF's glyph boxes, which the indent rules expect, are em boxes;
- a line whose ink is mostly red is marked `red` (the 发文机关标志); bold cannot
  be told reliably from a scan and is never set.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from ..layout.lines import TextLine
from .engine import OcrBox

__all__ = [
    "group_lines",
    "ink_height",
    "is_red",
    "line_text",
    "make_text_line",
    "mend_gaps",
    "snap_sizes",
]

Region = tuple[int, int, int, int]
Reread = Callable[[list[Region]], list[tuple[str, float]]]

_INK_TO_FONT = 0.93  # ink height of a line of Chinese / font size (仿宋, 黑体, 小标宋)
_DENSE_ROW = 0.1  # rows with this share of the densest row's ink count as the line's body
_SAME_SIZE = 1.12  # line sizes within this ratio are one font size
_BLANK_GAP = 1.0  # box heights: a gap this wide between two boxes is a blank
_WORD_GAP = 0.15  # box heights: between two Latin words, a smaller gap is a space
_MEND_GAP = (0.3, 3.0)  # box heights: gaps where the detector may have dropped a dash
_MAX_MENDED = 4  # characters a re-read may add between two boxes
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\s+(?=[\u3400-\u9fff])")
_CJK_SPACE_BEFORE_PUNCT = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3000-\u303f\uff00-\uffef])")
# A 文号's year: "[2022]56号", "〔2026]51号" (the recogniser's reading of 〔〕).
_DOC_NUMBER_YEAR = re.compile(r"[\[［〔]\s*((?:19|20)\d\d)\s*[\]］〕]\s*(?=\d{1,4}\s*号)")
_OPENING = tuple("（《〔“‘「『【〈([")
_CLOSING = tuple("，。、；：！？）》〕”’」』】〉,;:)]")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def group_lines(boxes: Iterable[OcrBox]) -> list[list[OcrBox]]:
    """Boxes grouped into visual lines, top to bottom, each line left to right.

    A box joins the line above when its centre lies within half a box height of
    the line's centre; a slight residual tilt or a raised digit stays on its line.
    """
    lines: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        if lines:
            line = lines[-1]
            centre = statistics.fmean(b.cy for b in line)
            height = max(box.height, max(b.height for b in line))
            if abs(box.cy - centre) <= 0.5 * height:
                line.append(box)
                continue
        lines.append([box])
    for line in lines:
        line.sort(key=lambda b: b.x0)
    return lines


def _clean_box_text(text: str) -> str:
    # The recogniser reads wide letter-spacing as blanks ("通 知"); the file's own
    # blanks between Chinese characters are rare and a box boundary keeps them.
    text = unicodedata.normalize("NFC", text).strip()
    text = _CJK_SPACE.sub("", text)
    text = _CJK_SPACE_BEFORE_PUNCT.sub("", text)
    return _DOC_NUMBER_YEAR.sub(r"〔\1〕", text)


def line_text(line: Sequence[OcrBox]) -> str:
    """The text of one line's boxes (sorted left to right)."""
    height = statistics.median(b.height for b in line)
    text = ""
    previous: OcrBox | None = None
    for box in line:
        part = _clean_box_text(box.text)
        if not part:
            continue
        if previous is not None and text:
            gap = box.x0 - previous.x1
            latin = _is_word_char(text[-1]) and _is_word_char(part[0])
            if gap > _BLANK_GAP * height or (latin and gap > _WORD_GAP * height):
                text += " "
        text += part
        previous = box
    return text


def _is_mark(text: str) -> bool:
    return bool(text) and all(
        unicodedata.category(ch)[0] in "PS" or ch in "—–-~～·…" for ch in text
    )


def mend_gaps(lines: list[list[OcrBox]], reread: Reread) -> list[list[OcrBox]]:
    """Lines where punctuation lost between two boxes is read back.

    Each pair of neighbouring boxes with a character-sized gap is read again as
    one region; the re-reading is kept only when it is the two texts with a few
    punctuation marks between them, so nothing the recogniser already read changes.
    """
    pairs: list[tuple[int, int]] = []
    regions: list[Region] = []
    for i, line in enumerate(lines):
        for j in range(len(line) - 1):
            left, right = line[j], line[j + 1]
            height = max(left.height, right.height)
            gap = right.x0 - left.x1
            if _MEND_GAP[0] * height < gap < _MEND_GAP[1] * height:
                pairs.append((i, j))
                regions.append(
                    (
                        int(left.x0),
                        int(min(left.top, right.top)),
                        int(np.ceil(right.x1)),
                        int(np.ceil(max(left.bottom, right.bottom))),
                    )
                )
    if not regions:
        return lines
    mended = [list(line) for line in lines]
    joined: dict[tuple[int, int], OcrBox] = {}
    for (i, j), (text, score) in zip(pairs, reread(regions), strict=True):
        left, right = lines[i][j], lines[i][j + 1]
        head, tail = _clean_box_text(left.text), _clean_box_text(right.text)
        text = _clean_box_text(text)
        middle = text[len(head) : len(text) - len(tail)]
        ok = text.startswith(head) and text.endswith(tail) and len(text) > len(head + tail)
        if ok and len(middle) <= _MAX_MENDED and _is_mark(middle):
            joined[i, j] = OcrBox(
                left.x0,
                min(left.top, right.top),
                right.x1,
                max(left.bottom, right.bottom),
                head + middle + tail,
                min(score, left.score, right.score),
            )
    for i, j in sorted(joined, reverse=True):
        # Pairs of one line are mended right to left, so indices stay valid; a box
        # shared by two mended pairs keeps only the right-hand mend.
        if j + 1 < len(mended[i]) and mended[i][j + 1] is lines[i][j + 1]:
            mended[i][j : j + 2] = [joined[i, j]]
    return mended


def is_red(image: np.ndarray, box: OcrBox) -> bool:
    """True when most ink inside the box (BGR image) is red."""
    if image.ndim != 3:
        return False
    region = image[int(box.top) : int(np.ceil(box.bottom)), int(box.x0) : int(np.ceil(box.x1))]
    if region.size == 0:
        return False
    pixels = region.reshape(-1, 3).astype(np.int16)
    blue, green, red = pixels[:, 0], pixels[:, 1], pixels[:, 2]
    ink = pixels.min(axis=1) < 150
    if ink.sum() < 20:
        return False
    reddish = (red > green + 60) & (red > blue + 60)
    return bool(reddish[ink].mean() > 0.5)


def ink_height(ink: np.ndarray, line: Sequence[OcrBox]) -> float:
    """The height in pixels of the line's ink (`ink`: the page's binary ink mask).

    Thin strokes that reach out of the line (brackets, quotes, descenders) are
    left out: only rows with a tenth of the densest row's ink count.
    """
    top, bottom = int(min(b.top for b in line)), int(np.ceil(max(b.bottom for b in line)))
    x0, x1 = int(min(b.x0 for b in line)), int(np.ceil(max(b.x1 for b in line)))
    counts = np.count_nonzero(ink[top:bottom, x0:x1], axis=1)
    if counts.size == 0 or counts.max() == 0:
        return float(bottom - top)
    rows = np.nonzero(counts >= _DENSE_ROW * counts.max())[0]
    return float(rows[-1] - rows[0] + 1)


def make_text_line(line: Sequence[OcrBox], *, scale: float, ink: np.ndarray, red: bool) -> TextLine:
    """A `TextLine` in points (`scale` = points per pixel) with its unsnapped size."""
    text = line_text(line)
    size = ink_height(ink, line) * scale / _INK_TO_FONT
    x0 = min(b.x0 for b in line) * scale
    x1 = max(b.x1 for b in line) * scale
    if text.startswith(_OPENING):
        x0 -= 0.5 * size
    if text.endswith(_CLOSING):
        x1 += 0.5 * size
    return TextLine(
        top=min(b.top for b in line) * scale,
        bottom=max(b.bottom for b in line) * scale,
        x0=x0,
        x1=x1,
        size=round(size, 2),
        text=text,
        bold=False,
        red=red,
        n_chars=len(text.replace(" ", "")),
    )


def snap_sizes(lines: Iterable[TextLine]) -> None:
    """Give lines whose sizes lie within 12 % of each other one size (in place).

    Each group, started by its smallest size, takes the median size of its
    characters, so body lines share one size across all pages of a document.
    """
    ordered = sorted(lines, key=lambda line: line.size)
    groups: list[list[TextLine]] = []
    for line in ordered:
        if groups and line.size <= groups[-1][0].size * _SAME_SIZE:
            groups[-1].append(line)
        else:
            groups.append([line])
    for group in groups:
        weighted = sorted((line.size, max(line.n_chars, 1)) for line in group)
        half = sum(weight for _, weight in weighted) / 2
        running = 0
        size = weighted[-1][0]
        for value, weight in weighted:
            running += weight
            if running >= half:
                size = value
                break
        for line in group:
            line.size = round(size, 1)

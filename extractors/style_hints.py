"""Layout hints shared by the word-processor readers (DOCX, ODT): `Block.style` and `kind`.

The hints describe the look, not the meaning: "center"/"right" alignment, and
"bold", "red", "large" when every visible run of the paragraph is so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["HEADING_MAX_CHARS", "RunLook", "is_red_hex", "kind_of", "paragraph_style"]

HEADING_MAX_CHARS = 80  # a "heading" by look must be short; long bold text is emphasis


class RunLook(Protocol):
    @property
    def bold(self) -> bool | None: ...

    @property
    def color(self) -> str | None: ...

    @property
    def size(self) -> float | None: ...


def is_red_hex(color: str | None) -> bool:
    """Whether "rrggbb" or "#rrggbb" is a red, as in the red issuer header of a notice."""
    value = (color or "").removeprefix("#")
    if len(value) != 6:
        return False
    try:
        r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


def paragraph_style(
    align: str | None, runs: Sequence[RunLook], *, body_size: float, large_at: float
) -> tuple[str, ...]:
    """Style hints of a paragraph from its alignment and its visible runs.

    `large` needs every run at `large_at` or above and bigger than the body text (a
    公文 sets all body text at 16 pt, so size alone would call every line large).
    """
    style: list[str] = []
    if align == "center":
        style.append("center")
    elif align in ("right", "end"):
        style.append("right")
    if runs:
        if all(run.bold for run in runs):
            style.append("bold")
        if all(is_red_hex(run.color) for run in runs):
            style.append("red")
        sizes = [run.size or body_size for run in runs]
        if all(size >= large_at and size > body_size for size in sizes):
            style.append("large")
    return tuple(style)


def kind_of(style: tuple[str, ...], text: str, *, heading_by_style: bool = False) -> str:
    """ "heading" for a heading style, or a short large / centred bold paragraph."""
    if heading_by_style:
        return "heading"
    looks_like_heading = "large" in style or ("center" in style and "bold" in style)
    return "heading" if looks_like_heading and len(text) <= HEADING_MAX_CHARS else "paragraph"

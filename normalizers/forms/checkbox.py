"""Tick boxes in form cells: which options are chosen, and the text each one carries.

Forms tick a box by replacing □ with ☑, ■, √, ☒, ✓ or ✔ (or the Wingdings
private-use code points Word writes for them). Everything after a box up to the next
box belongs to that box's option: "☑服务国家战略：服务乡村振兴…" is the option
"服务国家战略" with the detail "服务乡村振兴…"; "☑自筹经费项目（自筹经费来源：…）"
carries its source inside the brackets. Several boxes may be ticked. A tick typed
beside the printed box ("√□财政资助项目", "□√…") ticks that box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbers import parse_chinese_int
from ..text import join_wrapped
from .keyvalues import is_blank

__all__ = ["CHECKED_MARKS", "UNCHECKED_MARKS", "Option", "batch_number", "parse_options"]

# U+F0FE/U+F0FD/U+F052 are Wingdings/Wingdings 2 ticked boxes, U+F0A8/U+F0A3/U+F06F empty
# ones, as Word stores <w:sym> characters.
CHECKED_MARKS = "☑■√☒✓✔▣\uf0fe\uf0fd\uf052"
UNCHECKED_MARKS = "□☐\uf0a8\uf0a3\uf06f"
_MARK = re.compile(f"[{CHECKED_MARKS}{UNCHECKED_MARKS}]")
# The option's name ends at its colon or its opening bracket.
_LABEL_END = re.compile(r"[:：（(]")
_BATCH = re.compile(r"第\s*([0-9０-９一二三四五六七八九十〇零两]+)\s*批")


@dataclass(frozen=True, slots=True)
class Option:
    """One box and what follows it."""

    mark: str
    checked: bool
    text: str  # everything after the box up to the next one, wrapped lines joined
    label: str  # the option's name: text up to its colon or bracket
    detail: str | None  # text after the colon (brackets dropped), None when left blank


def _detail(text: str) -> str | None:
    colon = re.search(r"[:：]", text)
    if colon is None:
        return None
    detail = text[colon.end() :].strip()
    # "自筹经费项目（自筹经费来源：xx）": the detail sits inside the option's brackets.
    before = text[: colon.start()]
    if before.count("（") + before.count("(") > before.count("）") + before.count(")"):
        detail = re.sub(r"[）)]\s*$", "", detail).strip()
    return None if is_blank(detail) else detail


def _boxes(text: str) -> list[tuple[str, int, int]]:
    """(mark, start, end) per box; marks with only spaces between them are one box.

    A writer who cannot replace the printed □ types the tick beside it: "√□财政资助项目"
    and "□√财政资助项目" are one ticked box, not an empty option and a box.
    """
    boxes: list[tuple[str, int, int]] = []
    for match in _MARK.finditer(text):
        mark, start = match.group(), match.start()
        if boxes and not text[boxes[-1][2] : start].strip():
            previous, start, _ = boxes.pop()
            mark = previous if previous in CHECKED_MARKS else mark
        boxes.append((mark, start, match.end()))
    return boxes


def parse_options(text: str) -> list[Option]:
    """The boxes of a cell in order; text before the first box is no option."""
    boxes = _boxes(text)
    options: list[Option] = []
    for i, (mark, _, box_end) in enumerate(boxes):
        end = boxes[i + 1][1] if i + 1 < len(boxes) else len(text)
        body = join_wrapped(text[box_end:end])
        label_end = _LABEL_END.search(body)
        label = body[: label_end.start()] if label_end else body
        options.append(
            Option(
                mark=mark,
                checked=mark in CHECKED_MARKS,
                text=body,
                label=label.strip(),
                detail=_detail(body),
            )
        )
    return options


def batch_number(text: str) -> int | None:
    """N of "是第 N 批国家级…基地", None when the blank was left empty."""
    match = _BATCH.search(text)
    return parse_chinese_int(match.group(1)) if match else None

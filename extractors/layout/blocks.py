"""Text lines of PDF pages -> paragraphs, headings and stand-alone lines.

The rules follow the layout of Chinese official documents (GB/T 9704 公文格式)
and hold for any ministry or province: body paragraphs start with a two-character
first-line indent and their last line ends before the right margin; titles are
centred (and large); the issuer and date under the body stand right of centre;
pages carry "— 3 —" numbers in the footer. Margins, body size and line pitch
are measured on the document itself, per page orientation, never assumed.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .lines import TextLine, join_wrapped

__all__ = [
    "BlockDraft",
    "Layout",
    "PageLines",
    "build_blocks",
    "can_join_pages",
    "is_page_furniture",
    "measure_layout",
    "plain_sans_body",
]

# Page numbers: "— 3 —", "- 3 -", "3", "第3页", "第 3 页 共 10 页", "3/10".
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_~·•]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:(?:[/／]|共)\s*\d{1,4}\s*页?)?[\s\-—–－_~·•]*$"
)
# Punctuation that closes a sentence or clause, Chinese or Latin, with closing quotes.
_ENDS_CLAUSE = re.compile(r"[。；：！？….;:!?][”’」』）)]*$")
_FOOTER_ZONE = 0.85  # below this fraction of the page height
_HEADER_ZONE = 0.08  # above this fraction
_DEFAULT_PITCH = 1.6  # line pitch / font size when the document shows too few lines


@dataclass(slots=True)
class PageLines:
    """The text lines of one page outside its tables, top to bottom."""

    page: int
    width: float
    height: float
    lines: list[TextLine]
    barriers: list[float] = field(default_factory=list)  # tops of the page's tables


@dataclass(frozen=True, slots=True)
class Layout:
    """What a document's pages look like, measured on the document."""

    body_size: float
    pitch: float  # typical distance between the tops of two lines, in font sizes
    margins: dict[int, tuple[float, float]]  # rounded page width -> (left, right) text edges

    def margins_for(self, width: float) -> tuple[float, float]:
        return self.margins.get(round(width), (width * 0.13, width * 0.87))


@dataclass(slots=True)
class BlockDraft:
    """A block being built; `finish` turns it into text, kind and style."""

    page: int
    lines: list[TextLine]
    align: str  # "left" | "center" | "right"
    left: float
    right: float
    body_size: float

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def sort_top(self) -> float:
        """Where the block stands on its page: a column's blocks at the top of their region."""
        first = self.lines[0]
        return first.top if first.anchor is None else first.anchor

    def edges(self, line: TextLine) -> tuple[float, float]:
        """The (left, right) text edges for `line`: its column's, or the page margins."""
        return line.frame if line.frame is not None else (self.left, self.right)

    def ends_short(self) -> bool:
        last = self.lines[-1]
        return last.x1 < self.edges(last)[1] - 1.5 * last.size

    def is_heading(self) -> bool:
        first = self.lines[0]
        large = first.size >= self.body_size + 1.5
        if large or self.align == "center":
            return True
        return all(line.bold for line in self.lines) and len(self.lines) == 1 and self.ends_short()

    def text(self) -> str:
        text = ""
        for line in self.lines:
            text = join_wrapped(text, line.text)
        return text

    def style(self) -> tuple[str, ...]:
        style: list[str] = []
        if self.align in ("center", "right"):
            style.append(self.align)
        if max(line.size for line in self.lines) >= self.body_size + 1.5:
            style.append("large")
        if all(line.bold for line in self.lines):
            style.append("bold")
        if all(line.red for line in self.lines):
            style.append("red")
        return tuple(style)

    def kind(self) -> str:
        if self.is_heading():
            return "heading"
        first = self.lines[0]
        indented = abs(first.x0 - (self.edges(first)[0] + 2 * first.size)) <= 0.6 * first.size
        if len(self.lines) == 1 and (self.align == "right" or (self.ends_short() and not indented)):
            return "line"
        return "paragraph"


def plain_sans_body(pages: Sequence[PageLines]) -> None:
    """When most of the text is set in a sans face, sans is the body face, not emphasis.

    A sans (黑体) line counts as bold in an official document set in 宋体/仿宋; a page
    printed by a browser is set in a sans face throughout. Then only a bold weight
    stays bold."""
    lines = [line for page in pages for line in page.lines]
    sans = sum(line.n_chars for line in lines if line.bold and not line.heavy)
    if sans * 2 > sum(line.n_chars for line in lines):
        for line in lines:
            line.bold = line.heavy


def is_page_furniture(line: TextLine, page_height: float) -> bool:
    """A page number in the header or footer zone."""
    in_zone = line.top > _FOOTER_ZONE * page_height or line.bottom < _HEADER_ZONE * page_height
    return in_zone and bool(_PAGE_NUMBER.match(line.text))


def measure_layout(pages: Sequence[PageLines]) -> Layout:
    """Body font size, line pitch and text margins per page orientation."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += line.n_chars
    body_size = sizes.most_common(1)[0][0] if sizes else 12.0

    ratios = []
    for page in pages:
        for above, below in zip(page.lines, page.lines[1:], strict=False):
            if above.size == below.size:
                ratio = (below.top - above.top) / above.size
                if 1.0 <= ratio <= 3.0:
                    ratios.append(ratio)
    pitch = statistics.median(ratios) if len(ratios) >= 3 else _DEFAULT_PITCH

    by_width: dict[int, list[tuple[TextLine, float]]] = {}
    for page in pages:
        for line in page.lines:
            if line.frame is None:  # a column's edges are no page margins
                by_width.setdefault(round(page.width), []).append((line, page.width))
    margins = {}
    for width, entries in by_width.items():
        margins[width] = _margins([line for line, _ in entries], float(width), body_size)
    return Layout(body_size=body_size, pitch=pitch, margins=margins)


def _margins(lines: Sequence[TextLine], width: float, body_size: float) -> tuple[float, float]:
    lefts = Counter(round(line.x0) for line in lines)
    left = float(lefts.most_common(1)[0][0]) if lefts else width * 0.13
    # Justified body lines all end at the right margin; the short last lines of
    # paragraphs and the lines of forms do not, so take a high percentile of
    # the lines that start at the left margin and reach past the middle.
    ends = sorted(
        line.x1
        for line in lines
        if abs(line.x0 - left) <= body_size and line.x1 > width / 2 and line.size == body_size
    )
    right = ends[int(0.9 * (len(ends) - 1))] if len(ends) >= 3 else width - left
    return left, right


def _alignment(
    line: TextLine, left: float, right: float, body_size: float, after: TextLine | None
) -> str:
    """ "center", "right" (the issuer and date under the body) or "left".

    `after` is the line above on the same page when it is left-aligned: a line that
    starts where it starts continues a hanging indent, it does not stand right.
    """
    middle = (left + right) / 2
    size = line.size
    first_line_indent = abs(line.x0 - (left + 2 * size)) <= 0.6 * size
    large = size >= body_size + 1.5
    plain_body = not large and not line.bold
    symmetric = abs(line.center - middle) <= max(0.6 * size, 6.0)
    # A wide centred title line nearly touches both margins; a justified body line
    # touches them, so the margins on both sides must be clear (large type aside).
    clear = line.x0 - left > 0.4 * size and right - line.x1 > 0.4 * size
    if symmetric and (clear or large) and not (first_line_indent and plain_body):
        return "center"
    # GB/T 9704 sets the date four characters in from the right margin and centres
    # the issuer over it; other writers right-align both to the margin.
    right_standing = line.center > middle + size and line.x0 > left + 3 * size
    right_indented = line.x1 < right - 1.5 * size or line.x0 > middle
    continues_indent = after is not None and abs(line.x0 - after.x0) < 1.0
    if right_standing and right_indented and not continues_indent:
        return "right"
    return "left"


def _starts_block(draft: BlockDraft, line: TextLine, align: str, pitch: float) -> bool:
    prev = draft.lines[-1]
    if line.frame != prev.frame:
        return _starts_in_next_column(draft, line, align)
    if align != draft.align or align == "right":
        return True
    if abs(line.size - prev.size) > 0.5:
        return True
    if line.top - prev.top > 1.35 * pitch * max(line.size, prev.size):
        return True
    if align == "center":
        return False  # a title broken over several centred lines
    if draft.ends_short():
        return True
    if abs(line.x0 - (draft.edges(line)[0] + 2 * line.size)) <= 0.6 * line.size:
        return True  # a first-line indent opens a paragraph
    # After the first line (which may carry a label or indent) the lines of one
    # paragraph share their left edge.
    return len(draft.lines) >= 2 and abs(line.x0 - prev.x0) > 0.5 * line.size


def _starts_in_next_column(draft: BlockDraft, line: TextLine, align: str) -> bool:
    """Whether `line`, first of a column (or first after a column region), opens a block.

    A paragraph runs on from the foot of one column to the head of the next as it runs
    on over a page break: the last line reaches the column's edge, the next one starts
    at its column's left edge, in the same face."""
    prev = draft.lines[-1]
    if line.frame is None or prev.frame is None or draft.align != "left" or align != "left":
        return True
    if draft.is_heading() or draft.ends_short() or abs(line.size - prev.size) > 0.5:
        return True
    return abs(line.x0 - line.frame[0]) > 0.5 * line.size


def build_blocks(page: PageLines, layout: Layout) -> list[BlockDraft]:
    """The blocks of one page in reading order; a table between two lines separates them."""
    margins = layout.margins_for(page.width)
    barriers = sorted(page.barriers)
    drafts: list[BlockDraft] = []
    for line in page.lines:
        left, right = line.frame if line.frame is not None else margins
        current = drafts[-1] if drafts else None
        after = (
            current.lines[-1]
            if current is not None
            and current.align == "left"
            and current.lines[-1].frame == line.frame
            else None
        )
        align = _alignment(line, left, right, layout.body_size, after)
        crosses_table = current is not None and any(
            current.lines[-1].bottom <= top <= line.top for top in barriers
        )
        if current is None or crosses_table or _starts_block(current, line, align, layout.pitch):
            drafts.append(BlockDraft(page.page, [line], align, left, right, layout.body_size))
        else:
            current.lines.append(line)
    return _join_wrapped_right(drafts, layout.pitch)


def _join_wrapped_right(drafts: list[BlockDraft], pitch: float) -> list[BlockDraft]:
    """A right-aligned line too long for its column wraps: its first line fills the
    column up to the right indent and starts at the left edge, its last stands right
    and ends at the same place ("江苏省人力资源和社会保" / "障厅"; a longer last line
    "和社会保障厅办公室" may look centred or indented). One block, right."""
    out: list[BlockDraft] = []
    for draft in drafts:
        previous = out[-1] if out else None
        if previous is not None and len(previous.lines) == 1:
            head, tail = previous.lines[0], draft.lines[0]
            left, right = previous.edges(head)
            size = head.size
            stands_right = draft.align == "right" or (
                draft.align == "left"
                and len(draft.lines) == 1
                and tail.x0 > left + 0.5 * size
                and tail.x1 < right - 1.5 * size
            )
            if (
                stands_right
                and previous.align == "left"
                and head.frame == tail.frame
                and abs(head.x0 - left) <= 0.5 * size
                and head.x1 < right - 1.5 * size
                and abs(head.x1 - tail.x1) <= 0.5 * size
                and abs(head.size - tail.size) <= 0.5
                and 0 < tail.top - head.top <= 1.35 * pitch * size
            ):
                draft.lines.insert(0, head)
                draft.align = "right"
                out[-1] = draft
                continue
        out.append(draft)
    return out


def can_join_pages(last: BlockDraft, first: BlockDraft) -> bool:
    """True when `first` (first item of a page) continues `last` (last item of the page before).

    The paragraph must run to the right margin at the foot of its page, and the
    next page must go on at the left margin in the same face: no indent, no
    heading ("附件1" at the top of an attachment page is bold, and stays apart).
    """
    if last.align != "left" or first.align != "left" or last.is_heading():
        return False
    if last.ends_short() or first.is_heading():
        return False
    head, tail = first.lines[0], last.lines[-1]
    if abs(head.size - tail.size) > 0.5:
        return False
    if len(first.lines) == 1 and first.ends_short() and not _ENDS_CLAUSE.search(head.text):
        # A lone short line that does not close a sentence is a label ("附件1"), not
        # the last words of a paragraph.
        return False
    return abs(head.x0 - first.edges(head)[0]) <= 0.5 * head.size

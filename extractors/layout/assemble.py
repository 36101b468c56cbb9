"""Pages -> blocks and tables in reading order: paragraphs and tables stitched across page breaks.

Every paged format ends here: PDF pages (glyphs from pdfium or pdfplumber), OFD pages
and pages read by OCR hand over their `PageLines` (text lines outside tables) and
`RawTable`s; the paragraph rules (`blocks`) and table rules (`tables`) make the
`Block`s and `Table`s of the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Block, Table
from .blocks import (
    BlockDraft,
    PageLines,
    build_blocks,
    can_join_pages,
    measure_layout,
    plain_sans_body,
)
from .tables import RawTable, can_continue, stitch, to_table

__all__ = ["LaidOutPage", "assemble", "assemble_pages"]


@dataclass(slots=True)
class LaidOutPage:
    """One page's text lines (outside its tables) and its ruled tables."""

    lines: PageLines
    tables: list[RawTable]


def assemble_pages(
    pages: Sequence[tuple[PageLines, list[RawTable]]],
) -> tuple[list[Block], list[Table]]:
    """Blocks and tables of pages given as (lines, tables)."""
    return assemble([LaidOutPage(lines, tables) for lines, tables in pages])


def assemble(pages: Sequence[LaidOutPage]) -> tuple[list[Block], list[Table]]:
    """Blocks and tables of all pages in reading order, stitched across page breaks."""
    plain_sans_body([page.lines for page in pages])
    layout = measure_layout([page.lines for page in pages])
    items: list[BlockDraft | RawTable] = []
    last_page = 0
    for page in pages:
        drafts = build_blocks(page.lines, layout)
        on_page: list[tuple[float, int, BlockDraft | RawTable]] = [
            (draft.sort_top, 1, draft) for draft in drafts
        ]
        on_page += [(table.top, 0, table) for table in page.tables]
        on_page.sort(key=lambda entry: (entry[0], entry[1]))
        for position, (_, _, item) in enumerate(on_page):
            follows = bool(items) and position == 0 and page.lines.page == last_page + 1
            if follows and _join_across_break(items, item):
                continue
            items.append(item)
        last_page = page.lines.page
    return _finish(items)


def _join_across_break(items: list[BlockDraft | RawTable], item: BlockDraft | RawTable) -> bool:
    """Continue the last item of the page before with `item`, the first of this page."""
    previous = items[-1]
    if isinstance(previous, RawTable) and isinstance(item, RawTable):
        if not can_continue(previous, item):
            return False
        items[-1] = stitch(previous, item)
        return True
    if isinstance(previous, BlockDraft) and isinstance(item, BlockDraft):
        if not can_join_pages(previous, item):
            return False
        previous.lines.extend(item.lines)
        return True
    return False


def _finish(items: list[BlockDraft | RawTable]) -> tuple[list[Block], list[Table]]:
    blocks: list[Block] = []
    tables: list[Table] = []
    for order, item in enumerate(items):
        if isinstance(item, RawTable):
            tables.append(to_table(item, order=order))
        else:
            blocks.append(
                Block(
                    order=order,
                    page=item.page,
                    text=item.text(),
                    kind=item.kind(),
                    style=item.style(),
                )
            )
    return blocks, tables

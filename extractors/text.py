"""Plain text and Markdown -> Document: one block per non-empty line, tables from tab or pipe rows.

The texts this reads are extractions of notices (one paragraph per line) and Markdown
renderings of web pages. Markdown marks are turned into hints and removed from the
text: "# " headings -> kind="heading" with style "h1".."h6"; "- "/"* "/"+ " list
items -> style "list"; a line wholly in "**...**" -> style "bold" (partial bold marks
are just removed; "__" is not read as bold, it is the blank of a form);
"[text](url)" -> text, and a Link; `<input type="checkbox"/>` and "[ ]"/"[x]" task
boxes -> "□"/"☑".

Tables: consecutive lines holding a tab are one tab-separated table (blank lines
between such rows do not end it: these texts put a blank line between all lines, and
a table cut by a page break of the source continues after it); Markdown pipe tables
need their |---| separator row, which is dropped. Short rows are padded with empty
cells. A form feed (page break of pdftotext output) starts a new page; without one
the text has no pages. Damaged text (broken byte sequences, NULs, ESC, ^Z) is
repaired and read, with a warning in `Document.problems` (`text_repair.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import EmptyDocument
from .limits import Limits
from .model import Block, Cell, Document, Link, Table
from .text_repair import decode_text, repair_text

__all__ = ["decode_text", "extract", "strip_inline_markdown"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*[-*+]\s+(?=\S)")
_TASK_BOX = re.compile(r"^\[([ xX])\]\s+")
_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_CHECKBOX_INPUT = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?checkbox[^>]*>", re.IGNORECASE)
# Only "**" marks bold: "__" would eat the fill-in blanks of forms ("学员___人，发放___份").
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_WHOLE_BOLD = re.compile(r"^\*\*(.+)\*\*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_STRIP = " \t\xa0\u3000"
_LINK_BULLETS = "·•● \t\xa0\u3000"


def _checkbox(match: re.Match[str]) -> str:
    return "☑" if re.search(r"\bchecked\b", match.group(0), re.IGNORECASE) else "□"


def strip_inline_markdown(text: str, links: list[Link] | None = None) -> str:
    """Inline marks removed: links keep their text (collected in `links`), bold marks go."""
    text = _CHECKBOX_INPUT.sub(_checkbox, text)
    text = _IMAGE.sub(lambda m: m.group(1), text)

    def link(match: re.Match[str]) -> str:
        if links is not None:
            found = Link(text=match.group(1).strip().lstrip(_LINK_BULLETS), href=match.group(2))
            if found not in links:
                links.append(found)
        return match.group(1)

    text = _LINK.sub(link, text)
    return _BOLD.sub(lambda m: m.group(1), text)


@dataclass(slots=True)
class _Builder:
    order: int = 0
    page: int | None = None
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def block(self, line: str) -> None:
        kind, style = "paragraph", []
        heading = _HEADING.match(line)
        if heading:
            kind, line = "heading", heading.group(2)
            style.append(f"h{len(heading.group(1))}")
        elif _LIST_ITEM.match(line):
            line = _LIST_ITEM.sub("", line, count=1)
            style.append("list")
            task = _TASK_BOX.match(line)
            if task:
                line = ("□" if task.group(1) == " " else "☑") + line[task.end() :]
        bold = _WHOLE_BOLD.match(line.strip(_STRIP))
        if bold and "**" not in bold.group(1):
            style.append("bold")
        text = strip_inline_markdown(line, self.links).strip(_STRIP)
        if text:
            self.blocks.append(Block(self.order, self.page, text, kind, tuple(style)))
            self.order += 1

    def table(self, rows: list[list[str]]) -> None:
        n_cols = max(len(row) for row in rows)
        padded = [row + [""] * (n_cols - len(row)) for row in rows]
        cells = tuple(
            Cell(r, c, strip_inline_markdown(text, self.links).strip(_STRIP))
            for r, row in enumerate(padded)
            for c, text in enumerate(row)
        )
        pages = (self.page,) if self.page is not None else ()
        self.tables.append(Table(self.order, self.page, cells, len(rows), n_cols, pages))
        self.order += 1


def _pipe_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def _blank(line: str) -> bool:
    return "\t" not in line and not line.strip(_STRIP + "\r")


def _read_lines(lines: list[str], builder: _Builder) -> None:
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\f" in line:
            builder.page = (builder.page or 1) + line.count("\f")
            line = lines[i] = line.replace("\f", "")
        if "\t" in line:
            rows: list[list[str]] = []
            j = i
            while j < len(lines):
                if "\t" in lines[j] and "\f" not in lines[j]:
                    rows.append(lines[j].rstrip("\r\n ").split("\t"))
                    j += 1
                    continue
                after = j
                while after < len(lines) and _blank(lines[after]):
                    after += 1
                # Blank lines inside a table (a page break of the source) do not end it.
                if after == j or after == len(lines) or "\t" not in lines[after]:
                    break
                j = after
            if rows:
                builder.table(rows)
                i = j
                continue
        if (
            "|" in line
            and i + 1 < len(lines)
            and _PIPE_SEPARATOR.match(lines[i + 1])
            and "|" in lines[i + 1]
        ):
            rows = [_pipe_cells(line)]
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append(_pipe_cells(lines[j]))
                j += 1
            builder.table(rows)
            i = j
            continue
        if not _blank(line):
            builder.block(line)
        i += 1


def extract(
    data: bytes, *, doc_id: str, source_uri: str, limits: Limits, media_type: str = "txt"
) -> Document:
    """Read a plain-text or Markdown file into blocks and tables."""
    text, encoding = decode_text(data)
    text, problems = repair_text(text)
    # splitlines() would also split at \f and \v; only real line ends separate lines here.
    lines = re.split(r"\r\n|\r|\n", text)
    builder = _Builder(page=1 if "\f" in text else None)
    _read_lines(lines, builder)
    if not builder.blocks and not builder.tables:
        raise EmptyDocument("empty text file: it has no visible text")
    return Document(
        doc_id=doc_id,
        source_uri=source_uri,
        media_type=media_type,
        blocks=tuple(builder.blocks),
        tables=tuple(builder.tables),
        n_pages=builder.page,
        links=tuple(builder.links),
        problems=tuple(problems),
        meta={"encoding": encoding},
    )

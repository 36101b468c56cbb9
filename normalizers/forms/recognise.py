"""Which kind of submitted form a document is: from its title, else from its labels.

The title is the text above the form's table (one or several lines: "湖北省专业
技术人员知识更新工程" / "2026 年高级研修项目经费决算表"), or a heading a
spreadsheet put there. The rules (`form_titles` in the label dictionary) put the
specific words first, so the 满意度测评统计表 is told from the blank 满意度测评表
survey and a 汇总表 is not taken for the 申报表 it summarises. A document with a
"关于…的通知" title is a notice, never a form, even when it prints form templates.
The file name is never looked at.
"""

from __future__ import annotations

import re
from itertools import pairwise

from extractors.model import Document, Table

from ..text import clean_text
from .keyvalues import KeyValues, inline_pairs
from .labels import label_book, normalize_label

__all__ = ["FORM_TYPES", "form_title", "is_notice", "recognise_form"]

FORM_TYPES = ("application_form", "budget_sheet", "satisfaction_stats", "attendance_sheet")

# "关于…的通知", also after the issuing office ("河南省人力资源和社会保障厅关于印发…的通知").
_NOTICE_TITLE = re.compile(
    r"^(?:[^，。：:]{2,40}?(?:厅|部|局|委|委员会|办公室|办公厅|政府))?"
    r"关于.{2,120}(?:的)?(?:通知|公告|通告)[。]?$"
)
_MAX_TITLE_LINES = 8
_MAX_TITLE_CHARS = 80


def is_notice(doc: Document) -> bool:
    """True when the document is titled like a notice ("关于…的通知")."""
    lines = [clean_text(b.text) for b in sorted(doc.blocks, key=lambda b: b.order)[:15]]
    # A title may be broken over two lines ("关于印发…项目计划" / "的通知").
    pairs = [first + second for first, second in pairwise(lines)]
    candidates = [clean_text(doc.title or ""), *lines, *pairs]
    return any(_NOTICE_TITLE.match(text) for text in candidates if text)


def _leading_lines(doc: Document) -> list[str]:
    lines: list[str] = []
    for item in doc.items():
        if isinstance(item, Table):
            if not lines:
                lines.extend(_table_title_row(item))
            break
        if len(lines) >= _MAX_TITLE_LINES:
            break
        text = clean_text(item.text)
        # "填报单位：…" lines and paragraphs of prose are no part of a title.
        if text and len(text) <= _MAX_TITLE_CHARS and not inline_pairs(item.text):
            lines.append(text)
    return lines


def _table_title_row(table: Table) -> list[str]:
    """The first row of a table when it is one cell across the whole width (a title)."""
    first = [c for c in table.cells if c.row == 0]
    if len(first) == 1 and first[0].colspan == table.n_cols and table.n_cols > 1:
        return [clean_text(first[0].text)]
    return []


def form_title(doc: Document) -> str | None:
    """The title lines above the form's first table, joined; None when there are none."""
    lines = _leading_lines(doc)
    headings = [clean_text(b.text) for b in doc.blocks if b.kind == "heading"]
    text = "".join(dict.fromkeys([*lines, *headings[:3]]))
    return text or None


def _type_from_title(title: str) -> str | None:
    squeezed = normalize_label(title)
    for kind, word in label_book().title_rules:
        if word in squeezed:
            return kind
    return None


def _column_keys(doc: Document) -> set[str]:
    book = label_book()
    keys: set[str] = set()
    for table in doc.tables:
        for cell in table.cells:
            for vocabulary in (book.satisfaction_columns, book.attendance_columns):
                key = vocabulary.match(cell.text)
                if key is not None:
                    keys.add(key)
    return keys


def _type_from_labels(doc: Document, found: KeyValues) -> str | None:
    seen = found.seen | _column_keys(doc)
    for form_type, alternatives in label_book().form_labels.items():
        if any(required <= seen for required in alternatives):
            return form_type
    return None


def recognise_form(doc: Document, found: KeyValues) -> str | None:
    """The form type (one of FORM_TYPES), or None for a notice or no known form.

    `found` is the document's `read_key_values`, used when the title tells nothing.
    """
    if is_notice(doc):
        return None
    title = form_title(doc)
    if title is not None:
        kind = _type_from_title(title)
        if kind is not None:
            return None if kind == "none" else kind
    return _type_from_labels(doc, found)

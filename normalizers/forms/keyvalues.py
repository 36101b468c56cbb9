"""The generic label -> value reader of key-value form tables and header lines.

A form table pairs each label cell with the next cell to its right that is no
label ("项目名称 | 集成电路高级研修班"); cells after it that hold digits, a range
sign or a unit carry the value on ("办班时间 | 2026/8/10 | 至 | 2026/8/13" in a
spreadsheet). A label spanning several rows at the left
edge ("申报单位信息" over 单位名称/联系人/办公电话/… rows) opens a group: the
sub-labels of its rows are read as "applicant_info.org_name", …; the group goes on
while the left column is covered by the group cell or empty (a PDF table split over
a page break repeats no group label), and ends at the next label at the left edge.
Cells and lines that hold "label：value" ("工作人员：5人", "填报单位：武汉大学",
"承办单位（印章）：武汉理工大学") are read too. The first filled value of a key wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from extractors.model import Block, Cell, Document, Table

from ..text import join_wrapped
from .labels import LabelBook, label_book, normalize_label

__all__ = ["KeyValues", "inline_pairs", "is_blank", "org_name", "read_key_values"]

# Remarks a form prints for the stamp, not part of a name: "福建农林大学（盖章）".
_SEAL = re.compile(r"[（(]\s*(?:盖\s*章|印\s*章|签\s*章|公\s*章|签\s*字|单位盖章)\s*[）)]")
# Fields whose value is a number, so "label 50" needs no colon to be read as a pair.
_COUNTED_FIELDS = frozenset({"participants", "staff", "total_people", "total", "subsidy"})
_PLACEHOLDER = re.compile(r"[\s_＿\-—…·.]+")
# A cell that carries on the value of the cell before it: digits, a range sign, a unit.
_CARRIES_ON = re.compile(r"[0-9]|^(?:至|到|[-~～—–]+|人|元|万元|天|日)$")


@dataclass
class KeyValues:
    """What a form's labels say: the first filled value per key, and every label seen."""

    values: dict[str, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def get(self, *keys: str) -> str | None:
        """The value of the first of `keys` that has one."""
        for key in keys:
            if key in self.values:
                return self.values[key]
        return None

    def add(self, key: str, value: str | None) -> None:
        self.seen.add(key)
        if key not in self.values and value is not None and not is_blank(value):
            self.values[key] = value.strip()


def is_blank(text: str | None) -> bool:
    """True for an unfilled value: empty, underscores, a bare seal remark, "年 月 日"."""
    if text is None:
        return True
    rest = _PLACEHOLDER.sub("", _SEAL.sub("", unicodedata.normalize("NFKC", text)))
    return rest in ("", "年月日", "年月", "人", "份")


def org_name(text: str | None) -> str | None:
    """An organisation's name from its cell: wrapped lines joined, seal remarks dropped."""
    if text is None or is_blank(text):
        return None
    return join_wrapped(_SEAL.sub("", text)) or None


@cache
def _inline_pattern() -> re.Pattern[str]:
    book = label_book()
    variants = sorted(
        {*book.fields.variants(), *book.group_fields.variants()}, key=len, reverse=True
    )
    # Labels print with layout spaces ("填 报 单 位"), so any whitespace may stand between
    # their characters; a remark in brackets may stand before the colon.
    alternatives = "|".join(r"\s*".join(map(re.escape, v)) for v in variants)
    return re.compile(
        rf"(?<![^\s，。；;、,）)])(?P<label>{alternatives})\s*"
        r"(?:[（(][^（()）\n]{0,12}[)）]\s*)?(?:(?P<colon>[:：])|(?=[0-9０-９]))"
    )


def _inline_key(match: re.Match[str]) -> str | None:
    book = label_book()
    label = match.group("label")
    key = book.fields.match(label) or book.group_fields.match(label)
    if match.group("colon") is None and key not in _COUNTED_FIELDS:
        return None  # without a colon only a count or an amount may follow ("总 计 50人")
    return key


def inline_pairs(text: str) -> list[tuple[str, str]]:
    """("key", value) for every "label：value" in `text`; a value runs to the next label.

    Counts and amounts may follow their label without a colon ("工作人员5人", "合计 700").
    """
    found = [(m, key) for m in _inline_pattern().finditer(text) if (key := _inline_key(m))]
    pairs: list[tuple[str, str]] = []
    for i, (match, key) in enumerate(found):
        end = found[i + 1][0].start() if i + 1 < len(found) else len(text)
        pairs.append((key, text[match.end() : end].strip(" \t\n\u3000，,；;")))
    return pairs


def _starts_inline(text: str) -> bool:
    match = _inline_pattern().match(text.lstrip())
    return match is not None and _inline_key(match) is not None


def _cell_key(book: LabelBook, text: str, group: str | None) -> str | None:
    if group is not None:
        sub = book.group_fields.match(text)
        if sub is not None:
            return f"{group}.{sub}"
    return book.fields.match(text)


def _ends_value(cell: Cell, book: LabelBook, group: str | None) -> bool:
    return (
        book.is_label(cell.text, group=group)
        or book.groups.match(cell.text) is not None
        or _starts_inline(cell.text)
    )


def _row_value(following: list[Cell], book: LabelBook, group: str | None) -> str | None:
    """The value of a label: the next cell, and the cells after it that carry it on.

    A spreadsheet splits a value over cells ("2026/8/10 | 至 | 2026/8/13", "40 | 人"):
    a later cell carries it on while it holds a digit or is a range sign or a unit; a
    cell of words may be the label of something the dictionary does not know ("邮编").
    None when the next cell is itself a label (the label has no value of its own).
    """
    if not following or _ends_value(following[0], book, group):
        return None
    parts = [following[0].text]
    for cell in following[1:]:
        if _ends_value(cell, book, group) or not _CARRIES_ON.search(normalize_label(cell.text)):
            break
        parts.append(cell.text)
    return " ".join(part.strip() for part in parts if not is_blank(part)) or parts[0]


def _read_table(table: Table, book: LabelBook, found: KeyValues) -> None:
    rows: dict[int, list[Cell]] = {}
    for cell in table.cells:
        rows.setdefault(cell.row, []).append(cell)
    group: str | None = None
    for r in range(table.n_rows):
        anchors = sorted(rows.get(r, []), key=lambda c: c.col)
        left = table.cell_at(r, 0)
        if left is not None and left.row == r:
            left_group = book.groups.match(left.text)
            if left_group is not None:
                group = left_group
            elif normalize_label(left.text):
                group = None  # a new label at the left edge ends the group
        for i, cell in enumerate(anchors):
            if book.groups.match(cell.text) is not None:
                continue
            key = _cell_key(book, cell.text, group)
            if key is None:
                for inline_key, value in inline_pairs(cell.text):
                    found.add(inline_key, value)
                continue
            found.add(key, _row_value(anchors[i + 1 :], book, group))


def read_key_values(doc: Document) -> KeyValues:
    """Every label -> value pair of the document's tables and lines, in reading order."""
    book = label_book()
    found = KeyValues()
    for item in doc.items():
        if isinstance(item, Block):
            for key, value in inline_pairs(item.text):
                found.add(key, value)
        else:
            _read_table(item, book, found)
    return found

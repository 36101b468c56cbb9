"""满意度测评统计表 (satisfaction statistics) -> one SatisfactionStat per rated line.

The counts come from the line "本期研修学员45人，实际发放45份，收回43份。". The table
has a two-row header (评价项目 | 评价内容 | 统计结果 over 授课项目 | 授课人 | 优秀率 |
良好率 | 一般率 | 较差率); its columns are found by their labels, not by position.
The category (评价项目) spans its rows and carries on over empty cells; a 师资评价 row
names a course and a lecturer, a 教学评价 row one 评价内容 merged across both columns,
the overall 学员满意度评价 row no item at all. Rows without any rate are skipped.
Rates are read per row (`parse_rates`): "95%", "0.95" and a bare "95.0" are all 95%,
and the bare numbers of one row are all fractions or all percentages.
"""

from __future__ import annotations

import re
import unicodedata

from extractors.model import Document, Table

from ..numbers import parse_chinese_int
from .labels import label_book
from .records import SatisfactionStat
from .values import one_line, own_text, parse_rates, spaced_text

__all__ = ["read_counts", "read_satisfaction"]

_RATES = ("excellent_rate", "good_rate", "fair_rate", "poor_rate")
_NUM = r"([0-9]+|[一二三四五六七八九十百〇零两]+)"
_COUNTS = {
    "n_participants": re.compile(rf"(?:研修)?学员\s*{_NUM}\s*人"),
    "n_distributed": re.compile(rf"发放(?:问卷|测评表)?\s*{_NUM}\s*份"),
    "n_returned": re.compile(rf"(?:收回|回收)(?:问卷|测评表)?\s*{_NUM}\s*份"),
}
# The overall row of a block ("综合评价") may stand in the lecturer column of the template.
_OVERALL = "综合评价"


def read_counts(text: str) -> dict[str, int | None]:
    """n_participants, n_distributed, n_returned from "本期研修学员45人，实际发放45份…"."""
    text = unicodedata.normalize("NFKC", text)
    counts: dict[str, int | None] = {}
    for name, pattern in _COUNTS.items():
        match = pattern.search(text)
        counts[name] = parse_chinese_int(match.group(1)) if match else None
    return counts


def _columns(table: Table) -> tuple[int, dict[str, int]] | None:
    """(last header row, column of each key) when the table has the rate columns."""
    vocabulary = label_book().satisfaction_columns
    columns: dict[str, int] = {}
    last_header = -1
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        key = vocabulary.match(cell.text)
        if key is None:
            continue
        # A lower header row ("授课项目" under "评价内容") names the column more precisely.
        if key not in columns or key in ("item", "lecturer"):
            columns[key] = cell.col
        last_header = (
            max(last_header, cell.row + cell.rowspan - 1) if key in _RATES else last_header
        )
    if not all(key in columns for key in _RATES):
        return None
    columns.setdefault("category", 0)
    return last_header, columns


def _rows(table: Table, header: int, columns: dict[str, int]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    category: str | None = None
    for r in range(header + 1, table.n_rows):
        written = one_line(own_text(table, r, columns["category"]))
        category = written or category
        row_rates = parse_rates([own_text(table, r, columns[key]) for key in _RATES])
        rates = dict(zip(_RATES, row_rates, strict=True))
        if category is None or all(rate is None for rate in rates.values()):
            continue
        item = one_line(own_text(table, r, columns["item"])) if "item" in columns else None
        lecturer = None
        if "lecturer" in columns:
            lecturer = spaced_text(own_text(table, r, columns["lecturer"]))
        if item == category:
            item = None  # a category cell merged across the item columns
        if item is None and lecturer == _OVERALL:
            item, lecturer = lecturer, None
        rows.append({"category": category, "item": item, "lecturer": lecturer, **rates})
    return rows


def read_satisfaction(
    doc: Document, *, form_id: str, source_uri: str
) -> tuple[SatisfactionStat, ...] | None:
    """The rated lines; None when the form has no rates filled in (a blank template)."""
    texts = [doc.text, *(cell.text for table in doc.tables for cell in table.cells)]
    counts = read_counts("\n".join(texts))
    stats: list[SatisfactionStat] = []
    for table in doc.tables:
        found = _columns(table)
        if found is None:
            continue
        header, columns = found
        for row in _rows(table, header, columns):
            stats.append(
                SatisfactionStat(
                    form_id=form_id,
                    source_uri=source_uri,
                    line_no=len(stats) + 1,
                    n_participants=counts["n_participants"],
                    n_distributed=counts["n_distributed"],
                    n_returned=counts["n_returned"],
                    **row,  # type: ignore[arg-type]
                )
            )
    return tuple(stats) or None

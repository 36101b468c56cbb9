"""经费决算表 (budget final accounts) -> BudgetSheet and its BudgetLines.

The head of the form is key-value (名称, 地点, 办班时间, 研修人数 / 工作人员 /
总计, 申报单位, 承办单位). The money part is a small table under a header row
"项目 | 金额 | 备注": every row after it up to 合计 is a line item. The amount
column's header may state the unit ("金额（万元）" -> 4.86 is 48,600 yuan); 合计 and
人社部门资助金额 are read in the same column. `total_matches` compares the written
合计 with the sum of the lines to the fen; a wrong 合计 is reported, not corrected.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.model import Document, Table

from ..dates import parse_date_range
from ..numbers import parse_money
from .keyvalues import KeyValues, org_name
from .labels import label_book, normalize_label
from .records import BudgetLine, BudgetSheet
from .values import count, one_line, own_text

__all__ = ["read_budget"]


@dataclass(frozen=True)
class _MoneyTable:
    table: Table
    header_row: int
    item_col: int
    amount_col: int
    note_col: int | None
    unit: str | None  # 万元 / 元 from the amount header, else None


def _amount_unit(header: str) -> str | None:
    label = normalize_label(header)
    if "万元" in label:
        return "万元"
    if "元" in label:
        return "元"
    return None


def _find_money_table(doc: Document) -> _MoneyTable | None:
    columns = label_book().budget_columns
    for table in doc.tables:
        for r in range(table.n_rows):
            found: dict[str, tuple[int, str]] = {}
            for cell in table.cells:
                if cell.row == r:
                    key = columns.match(cell.text)
                    if key is not None and key not in found:
                        found[key] = (cell.col, cell.text)
            if "amount" in found:
                amount_col, amount_header = found["amount"]
                return _MoneyTable(
                    table=table,
                    header_row=r,
                    item_col=found.get("item", (0, ""))[0],
                    amount_col=amount_col,
                    note_col=found["note"][0] if "note" in found else None,
                    unit=_amount_unit(amount_header),
                )
    return None


def _read_money(
    money: _MoneyTable, form_id: str
) -> tuple[list[BudgetLine], float | None, float | None]:
    """Line items, 合计 and 资助金额, all read in the amount column."""
    fields = label_book().fields
    table = money.table
    lines: list[BudgetLine] = []
    total: float | None = None
    subsidy: float | None = None
    total_seen = False
    for r in range(money.header_row + 1, table.n_rows):
        item_text = own_text(table, r, money.item_col) or ""
        amount_text = own_text(table, r, money.amount_col)
        key = fields.match(item_text)
        if key == "total":
            total_seen = True
            total = parse_money(amount_text or "", unit=money.unit)
            continue
        if key == "subsidy":
            subsidy = parse_money(amount_text or "", unit=money.unit)
            continue
        if total_seen or key is not None:
            continue  # after 合计, or a row of the form's foot (会议组织, 申报单位, …)
        item = one_line(item_text)
        if item is None:
            continue
        note_text = own_text(table, r, money.note_col) if money.note_col is not None else None
        lines.append(
            BudgetLine(
                form_id=form_id,
                line_no=len(lines) + 1,
                item=item,
                amount_yuan=parse_money(amount_text or "", unit=money.unit),
                note=one_line(note_text),
            )
        )
    return lines, total, subsidy


def _computed_total(lines: list[BudgetLine]) -> float | None:
    amounts = [line.amount_yuan for line in lines if line.amount_yuan is not None]
    return round(sum(amounts), 2) if amounts else None


def _matches(total: float | None, computed: float | None) -> bool | None:
    if total is None or computed is None:
        return None
    return round(total * 100) == round(computed * 100)  # to the fen


def read_budget(
    doc: Document, found: KeyValues, *, form_id: str, source_uri: str
) -> tuple[BudgetSheet, tuple[BudgetLine, ...]] | None:
    """The budget sheet and its lines; None when the form is a blank template."""
    money = _find_money_table(doc)
    lines: list[BudgetLine] = []
    total = subsidy = None
    if money is not None:
        lines, total, subsidy = _read_money(money, form_id)
    # A 合计 / 资助金额 written outside the money table (a label-value pair elsewhere).
    if total is None:
        total = parse_money(found.get("total") or "")
    if subsidy is None:
        subsidy = parse_money(found.get("subsidy") or "")
    project_name = one_line(found.get("project_name"))
    computed = _computed_total(lines)
    if project_name is None and computed is None and total is None:
        return None  # nothing filled in: a template, not a submitted form
    schedule = one_line(found.get("schedule_text"))
    start, end = parse_date_range(schedule) if schedule else (None, None)
    sheet = BudgetSheet(
        form_id=form_id,
        source_uri=source_uri,
        project_name=project_name,
        location=one_line(found.get("location")),
        schedule_text=schedule,
        start_date=start,
        end_date=end,
        participants=count(found.get("participants")),
        staff=count(found.get("staff")),
        total_people=count(found.get("total_people")),
        total_yuan=total,
        computed_total_yuan=computed,
        total_matches=_matches(total, computed),
        subsidy_yuan=subsidy,
        applicant_org=org_name(found.get("applicant_org")),
        host_org=org_name(found.get("host_org")),
    )
    return sheet, tuple(lines)

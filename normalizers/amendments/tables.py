"""Plan amendments, the tables: a change table, or a programme table whose heading or
lead-in says what happens to its rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.model import Document, Table

from ..numbers import parse_chinese_int
from ..projects import funding_type_of, header_columns
from ..text import clean_text, join_wrapped
from .clauses import (
    FoundChange,
    changes_in_sentence,
    clean_value,
    field_named,
    kind_named,
    vocabulary,
)

__all__ = ["TableState", "table_changes"]

_MAX_HEADING = 60
_BLOCKS_BACK = 3
_HEADER_ROWS_TO_SCAN = 4


# -- tables ----------------------------------------------------------------------------
def _header_role(text: str) -> tuple[str, str | None] | None:
    """(role, field) of a change-table header cell; None when it names nothing known."""
    patterns = vocabulary()
    compact = re.sub(r"[（）()\s：:*＊]", "", text or "")
    if not compact:
        return None
    role = patterns.change_headers.get(compact)
    if role is not None:
        return role, None
    for prefixes, prefix_role in (
        (patterns.new_prefixes, "new_value"),
        (patterns.old_prefixes, "old_value"),
    ):
        for prefix in prefixes:
            rest = compact[len(prefix) :]
            if compact.startswith(prefix) and rest:
                rest_field = field_named(rest)
                if rest_field is not None:
                    return prefix_role, rest_field
    roles = header_columns([text])
    return (next(iter(roles)), None) if roles else None


@dataclass(frozen=True, slots=True)
class _Header:
    row: int
    columns: dict[int, tuple[str, str | None]]  # column -> (role, field)

    def first(self, role: str) -> int | None:
        return next((c for c, (r, _) in sorted(self.columns.items()) if r == role), None)

    @property
    def name_column(self) -> int | None:
        column = self.first("project_name")
        if column is None:
            column = next(
                (
                    c
                    for c, (r, f) in sorted(self.columns.items())
                    if r == "old_value" and f == "project_name"
                ),
                None,
            )
        return column

    @property
    def is_change_table(self) -> bool:
        return any(r in ("change_kind", "old_value", "new_value") for r, _ in self.columns.values())

    @property
    def is_programme_table(self) -> bool:
        roles = {r for r, _ in self.columns.values()}
        org_roles = {"host_org", "applicant_org", "sponsor_org", "supervising_dept"}
        return "project_name" in roles and bool(roles & org_roles)


def _find_header(grid: list[list[str | None]]) -> _Header | None:
    for row_index, row in enumerate(grid[:_HEADER_ROWS_TO_SCAN]):
        columns: dict[int, tuple[str, str | None]] = {}
        for column, text in enumerate(row):
            role = _header_role(text or "")
            if role is not None:
                columns[column] = role
        header = _Header(row_index, columns)
        if header.name_column is not None and (header.is_change_table or header.is_programme_table):
            return header
    return None


def _row_evidence(table: Table, row_index: int, row: list[str | None]) -> str:
    texts: list[str] = []
    seen: set[tuple[int, int]] = set()
    for column, text in enumerate(row):
        cell = table.cell_at(row_index, column)
        key = (cell.row, cell.col) if cell is not None else (row_index, column)
        if key in seen:
            continue
        seen.add(key)
        value = join_wrapped(text or "")
        if value:
            texts.append(value)
    return " | ".join(texts)


@dataclass
class TableState:
    kind: str | None = None  # what the last programme table's rows were (added …)
    columns: int = 0
    previous_order: int = -1


def _context(doc: Document, start: int, end: int) -> list[str]:
    """The last few texts before a table, nearest last."""
    blocks = [b for b in sorted(doc.blocks, key=lambda b: b.order) if start < b.order < end]
    texts = [clean_text(b.text) for b in blocks]
    return [t for t in texts if t][-_BLOCKS_BACK:]


def _context_kind(texts: list[str]) -> tuple[str | None, str | None, str | None]:
    """(kind, field, funding) the headings or lead-in sentences before a table state."""
    kind = field_name = funding = None
    for text in reversed(texts):
        if funding is None and len(text) <= _MAX_HEADING and "。" not in text:
            funding = funding_type_of(text)
        if kind is None and field_name is None:
            kind = kind_named(text)
            if kind is None and len(text) <= _MAX_HEADING:
                field_name = field_named(text)
    return kind, field_name, funding


def _cell(row: list[str | None], column: int | None) -> str | None:
    if column is None or column >= len(row):
        return None
    return clean_value(row[column])


def _section(table: Table, row_index: int, row: list[str | None]) -> str | None:
    """The text of a row that spans the whole table ("一、财政资助项目"), else None."""
    values = {clean_text(t) for t in row if t and clean_text(t)}
    anchors = [c for c in table.cells if c.row == row_index and clean_text(c.text)]
    if len(values) == 1 and len(anchors) == 1 and anchors[0].colspan >= 2:
        return values.pop()
    return None


def _change_row(
    header: _Header,
    row: list[str | None],
    name: str,
    context: tuple[str | None, str | None],
) -> list[FoundChange]:
    kind_text = _cell(row, header.first("change_kind")) or ""
    host = _cell(row, header.first("host_org"))
    applicant = _cell(row, header.first("applicant_org"))
    kind = kind_named(kind_text) or (None if kind_text else context[0])
    if kind == "withdrawn":
        return [FoundChange("withdrawn", name, host_org=host, applicant_org=applicant)]
    pairs: dict[str | None, list[str | None]] = {}
    for column, (role, column_field) in sorted(header.columns.items()):
        if role in ("old_value", "new_value") and column != header.name_column:
            pair = pairs.setdefault(column_field, [None, None])
            pair[0 if role == "old_value" else 1] = _cell(row, column)
    if kind == "added":
        new_host = (pairs.get("host_org") or [None, None])[1] or host
        generic_new = (pairs.get(None) or [None, None])[1]
        host_value = new_host or (generic_new if field_named(kind_text) == "host_org" else None)
        return [
            FoundChange("added", name, new_value=name, host_org=host_value, applicant_org=applicant)
        ]
    if kind_text:
        stated = changes_in_sentence(kind_text, subject=name)
        if stated:
            return [replace(c, host_org=host, applicant_org=applicant) for c in stated]
    found: list[FoundChange] = []
    for pair_field, (old, new) in pairs.items():
        if old is None and new is None:
            continue
        field_name = pair_field or field_named(kind_text) or context[1]
        if field_name == "project_name" and header.name_column is not None and old is None:
            old = name
        change = vocabulary().change_of_field.get(field_name or "", "other")
        found.append(
            FoundChange(change, name, field_name, old, new, host_org=host, applicant_org=applicant)
        )
    return found


def _programme_row(
    kind: str | None, field_name: str | None, name: str, host: str | None, applicant: str | None
) -> list[FoundChange]:
    if kind == "withdrawn":
        return [FoundChange("withdrawn", name, host_org=host, applicant_org=applicant)]
    if kind == "added":
        return [FoundChange("added", name, new_value=name, host_org=host, applicant_org=applicant)]
    if field_name in ("host_org", "applicant_org"):
        new = host if field_name == "host_org" else applicant
        change = vocabulary().change_of_field[field_name]
        return [
            FoundChange(change, name, field_name, None, new, host_org=host, applicant_org=applicant)
        ]
    return []


def table_changes(
    doc: Document, table: Table, table_no: int, state: TableState, body_kind: str | None
) -> list[FoundChange]:
    grid = table.grid(fill_merged=True)
    texts = _context(doc, state.previous_order, table.order)
    header = _find_header(grid)
    if header is None:
        state.kind = None
        return []
    kind, field_name, funding = _context_kind(texts)
    if not header.is_change_table:
        if kind is None and field_name is None:
            carried = state.kind if table.n_cols == state.columns else None
            kind = carried or body_kind
        state.kind, state.columns = kind, table.n_cols
    found: list[FoundChange] = []
    end = max(
        (c.row + c.rowspan for c in table.cells if c.row == header.row), default=header.row + 1
    )
    for row_index in range(end, table.n_rows):
        row = grid[row_index]
        section = _section(table, row_index, row)
        if section is not None:
            funding = funding_type_of(section) or funding
            kind = kind_named(section) or kind
            continue
        name = _cell(row, header.name_column)
        if not name or name in ("合计", "小计", "总计", "共计"):
            continue
        if header.first("funding_type") is not None:
            funding = funding_type_of(_cell(row, header.first("funding_type")) or "") or funding
        if header.is_change_table:
            row_changes = _change_row(header, row, name, (kind, field_name))
        else:
            row_changes = _programme_row(
                kind,
                field_name,
                name,
                _cell(row, header.first("host_org")),
                _cell(row, header.first("applicant_org")),
            )
        sponsor = _cell(row, header.first("sponsor_org"))
        supervising = _cell(row, header.first("supervising_dept"))
        if sponsor or supervising:
            row_changes = [
                replace(c, sponsor_org=sponsor, supervising_dept=supervising) for c in row_changes
            ]
        seq_text = _cell(row, header.first("seq")) or ""
        seq = parse_chinese_int(seq_text.strip(".．、"))
        evidence = _row_evidence(table, row_index, row)
        found.extend(
            replace(
                c,
                evidence=evidence,
                page=table.page,
                seq=seq,
                funding_type=funding,
                table_no=table_no,
            )
            for c in row_changes
        )
    return found


# -- the whole notice ------------------------------------------------------------------

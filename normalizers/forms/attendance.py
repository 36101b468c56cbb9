"""签到表 / 研修人员名单 (sign-in sheet, roster) -> AttendanceSummary and AttendancePerson.

The table's columns are found by their header labels (序号, 姓名, 身份证号, 联系电话,
工作单位, 专业技术职务（职称）, …), so their order does not matter. A person row is
a row after the header that holds anything besides its 序号: templates print 1…10
in empty rows. Names and phone numbers are read only to tell a filled row from an
empty one; no record keeps them, and ID numbers survive only hashed and masked.
A sheet continued on a new page (a second table with the same columns, with or
without its header repeated) is read as one.
"""

from __future__ import annotations

from collections import Counter

from extractors.model import Document, Table

from .idcard import hash_id, id_is_valid, mask_id, normalize_id
from .keyvalues import KeyValues, org_name
from .labels import label_book
from .records import AttendancePerson, AttendanceSummary
from .values import one_line, own_text

__all__ = ["read_attendance"]

_PERSON_COLUMNS = ("name", "id_number", "phone", "employer", "title")


def _header(table: Table) -> tuple[int, dict[str, int]] | None:
    vocabulary = label_book().attendance_columns
    for r in range(min(table.n_rows, 5)):
        columns: dict[str, int] = {}
        for cell in table.cells:
            if cell.row == r:
                key = vocabulary.match(cell.text)
                if key is not None:
                    columns.setdefault(key, cell.col)
        if "name" in columns and "id_number" in columns:
            return r, columns
    return None


def _person_rows(doc: Document) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    columns: dict[str, int] | None = None
    n_cols = 0
    for table in doc.tables:
        found = _header(table)
        if found is not None:
            first, columns = found[0] + 1, found[1]
            n_cols = table.n_cols
        elif columns is not None and table.n_cols == n_cols:
            first = 0  # the sheet goes on over a page break without its header
        else:
            continue
        for r in range(first, table.n_rows):
            row = {key: own_text(table, r, col) for key, col in columns.items()}
            if label_book().attendance_columns.match(row.get("name")) == "name":
                continue  # the header repeated on a new page of a stitched table
            if any((row.get(key) or "").strip() for key in _PERSON_COLUMNS):
                rows.append(row)
    return rows


def _person(form_id: str, row_no: int, row: dict[str, str | None], key: bytes) -> AttendancePerson:
    written = normalize_id(row.get("id_number") or "")
    return AttendancePerson(
        form_id=form_id,
        row_no=row_no,
        id_hash=hash_id(written, key=key) if written else None,
        id_masked=mask_id(written) if written else None,
        id_valid=id_is_valid(written),
        title=one_line(row.get("title")),
        employer=org_name(row.get("employer")),
    )


def read_attendance(
    doc: Document, found: KeyValues, *, form_id: str, source_uri: str, pii_key: bytes
) -> tuple[AttendanceSummary, tuple[AttendancePerson, ...]] | None:
    """The sheet's summary and its people; None when no person row is filled in."""
    rows = _person_rows(doc)
    if not rows:
        return None
    people = tuple(_person(form_id, i, row, pii_key) for i, row in enumerate(rows, start=1))
    titles = Counter(p.title for p in people if p.title)
    summary = AttendanceSummary(
        form_id=form_id,
        source_uri=source_uri,
        host_org=org_name(found.get("fill_org", "host_org")),
        n_rows=len(people),
        n_invalid_ids=sum(1 for p in people if not p.id_valid),
        titles=dict(titles),
    )
    return summary, people

"""签到表 / 研修人员名单 (sign-in sheet, roster) -> AttendanceSummary and AttendancePerson.

The table's columns are found by their header labels (序号, 姓名, 身份证号, 联系电话,
工作单位, 专业技术职务（职称）, …), so their order does not matter. A person row is
a row after the header that holds anything besides its 序号: templates print 1…10
in empty rows. Names and phone numbers are read only to tell a filled row from an
empty one; no record keeps them, and ID numbers survive only hashed and masked.
A redacted document (normalizers.pii) is read the same way, its ID tokens looked
up in the vault that redaction returned.
A sheet continued on a new page (a second table with the same columns, with or
without its header repeated) is read as one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from extractors.model import Document, Table

from .idcard import hash_id, id_is_valid, mask_id, normalize_id, parse_id_token
from .keyvalues import KeyValues, org_name
from .labels import label_book
from .records import AttendancePerson, AttendanceSummary
from .values import one_line, own_text

if TYPE_CHECKING:  # normalizers.pii imports this module
    from ..pii import PiiToken

__all__ = ["person_tables", "read_attendance"]

_PERSON_COLUMNS = ("name", "id_number", "phone", "employer", "title")


def _header(table: Table, needs: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    vocabulary = label_book().attendance_columns
    for r in range(min(table.n_rows, 5)):
        columns: dict[str, int] = {}
        for cell in table.cells:
            if cell.row == r:
                key = vocabulary.match(cell.text)
                if key is not None:
                    columns.setdefault(key, cell.col)
        if "name" in columns and any(key in columns for key in needs):
            return r, columns
    return None


def person_tables(
    doc: Document, *, needs: tuple[str, ...] = ("id_number",)
) -> Iterator[tuple[Table, int, dict[str, int]]]:
    """(table, first person row, column key -> column) of every table listing people.

    A table lists people when a header row (among its first five) names a `name`
    column and one of `needs`; a later table with as many columns and no header
    goes on with the same columns (the sheet continued over a page break).
    """
    columns: dict[str, int] | None = None
    n_cols = 0
    for table in doc.tables:
        found = _header(table, needs)
        if found is not None:
            first, columns = found[0] + 1, found[1]
            n_cols = table.n_cols
        elif columns is not None and table.n_cols == n_cols:
            first = 0  # the sheet goes on over a page break without its header
        else:
            continue
        yield table, first, columns


def _person_rows(doc: Document) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for table, first, columns in person_tables(doc):
        for r in range(first, table.n_rows):
            row = {key: own_text(table, r, col) for key, col in columns.items()}
            if label_book().attendance_columns.match(row.get("name")) == "name":
                continue  # the header repeated on a new page of a stitched table
            if any((row.get(key) or "").strip() for key in _PERSON_COLUMNS):
                rows.append(row)
    return rows


def _id_fields(
    written_cell: str | None, key: bytes, vault: Mapping[str, PiiToken]
) -> tuple[str | None, str | None, bool]:
    """(id_hash, id_masked, id_valid) of an ID cell, as written or as a redaction token."""
    token = parse_id_token(written_cell or "")
    if token is not None:
        entry = vault.get(token[0])
        if entry is None:  # no vault entry: only what the token shows
            return None, token[2], False
        return entry.id_hash, entry.id_masked, entry.id_valid
    written = normalize_id(written_cell or "")
    if not written:
        return None, None, False
    return hash_id(written, key=key), mask_id(written), id_is_valid(written)


def _person(
    form_id: str,
    row_no: int,
    row: dict[str, str | None],
    key: bytes,
    vault: Mapping[str, PiiToken],
) -> AttendancePerson:
    id_hash, id_masked, id_valid = _id_fields(row.get("id_number"), key, vault)
    return AttendancePerson(
        form_id=form_id,
        row_no=row_no,
        id_hash=id_hash,
        id_masked=id_masked,
        id_valid=id_valid,
        title=one_line(row.get("title")),
        employer=org_name(row.get("employer")),
    )


def read_attendance(
    doc: Document,
    found: KeyValues,
    *,
    form_id: str,
    source_uri: str,
    pii_key: bytes,
    vault: Mapping[str, PiiToken] | None = None,
) -> tuple[AttendanceSummary, tuple[AttendancePerson, ...]] | None:
    """The sheet's summary and its people; None when no person row is filled in.

    In a redacted document an ID cell holds a token; `vault` (token -> PiiToken)
    gives back its hash, masked form and validity, so the records are the same as
    those of the document before redaction.
    """
    rows = _person_rows(doc)
    if not rows:
        return None
    entries = vault or {}
    people = tuple(
        _person(form_id, i, row, pii_key, entries) for i, row in enumerate(rows, start=1)
    )
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

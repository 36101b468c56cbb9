"""What one input file produced, ready to load (`LoadUnit`), and the rows it puts in each
table of the warehouse: its document row, its extraction (`warehouse.raw`), its problems,
and its domain records in the tables their types declared (`normalizers.records.stored_in`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from extractors.model import Document, Link
from normalizers.records import table_of

from .errors import WarehouseError
from .raw import document_rows

__all__ = [
    "LoadUnit",
    "problem_rows",
    "record_rows",
    "record_table",
    "record_table_of",
    "unit_rows",
]


def record_table_of(record_type: type) -> str:
    """The table records of `record_type` are loaded into, as the type declared it."""
    table = table_of(record_type)
    if table is None:
        raise WarehouseError(f"no warehouse table for records of type {record_type.__name__}")
    return table


def record_table(record: object) -> str:
    """The table a domain record is loaded into, as its type declared it."""
    return record_table_of(type(record))


@dataclass(frozen=True)
class LoadUnit:
    """What one input file produced, ready to load."""

    doc_id: str
    source_uri: str
    status: str  # ok | partial | failed
    media_type: str | None = None
    error: str | None = None
    n_bytes: int | None = None
    parent_doc_id: str | None = None
    role: str | None = None  # notice | form | other
    document: Document | None = None
    records: Sequence[object] = ()
    problems: Sequence[tuple[str, str]] = ()  # (stage, message)
    ingested_at: datetime = field(default_factory=datetime.now)
    targets: Sequence[tuple[Link, str]] = ()  # a page's attachment links -> documents read
    extractor_version: str | None = None
    normalizer_version: str | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list | tuple) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def record_rows(unit: LoadUnit) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for record in unit.records:
        if not dataclasses.is_dataclass(record) or isinstance(record, type):
            raise WarehouseError(f"cannot load {record!r}: records must be dataclass instances")
        renames: dict[str, str] = getattr(type(record), "__warehouse_renames__", {})
        row = {
            renames.get(f.name, f.name): _plain(getattr(record, f.name))
            for f in dataclasses.fields(record)
        }
        row["doc_id"] = unit.doc_id
        rows.setdefault(record_table(record), []).append(row)
    return rows


def problem_rows(doc_id: str, problems: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"doc_id": doc_id, "stage": stage, "message": message} for stage, message in problems]


def _document_rows(unit: LoadUnit) -> dict[str, list[dict[str, Any]]]:
    rows = {"raw.problems": problem_rows(unit.doc_id, unit.problems)}
    if unit.document is not None:
        rows |= document_rows(unit.document, doc_id=unit.doc_id, targets=unit.targets)
    return rows


def unit_rows(unit: LoadUnit) -> dict[str, list[dict[str, Any]]]:
    """Every row `unit` puts in the warehouse, per table."""
    doc = unit.document
    document_row = {
        "doc_id": unit.doc_id,
        "source_uri": unit.source_uri,
        "media_type": unit.media_type,
        "parent_doc_id": unit.parent_doc_id,
        "status": unit.status,
        "error": unit.error,
        "n_pages": doc.n_pages if doc else None,
        "n_tables": len(doc.tables) if doc else None,
        "n_bytes": unit.n_bytes,
        "title": doc.title if doc else None,
        "published_text": doc.published_date if doc else None,
        "ocr_used": doc.ocr_used if doc else None,
        "ocr_confidence": doc.ocr_confidence if doc else None,
        "role": unit.role,
        "ingested_at": unit.ingested_at,
        "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True) if doc else None,
        "extractor_version": unit.extractor_version,
        "normalizer_version": unit.normalizer_version,
    }
    return {"raw.documents": [document_row], **_document_rows(unit), **record_rows(unit)}

"""Comparing a read form with a gold annotation (tests/fixtures/**/gold/<stem>.json)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

from extractors.registry import extract
from normalizers.forms import FormRecords, normalize_form


def read_form(path: Path, *, pii_key: bytes) -> FormRecords:
    records = normalize_form(extract(path.read_bytes(), source_uri=str(path)), pii_key=pii_key)
    assert records is not None, f"{path.name} was not read as a form"
    return records


def load_gold(folder: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / f"{Path(name).stem}.json").read_text("utf-8"))
    return data


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def contract_fields(record: object, gold_fields: dict[str, Any]) -> tuple[dict, dict]:
    """(ours, gold) restricted to the gold fields the record has a column for."""
    names = [f.name for f in dataclasses.fields(record) if f.name in gold_fields]  # type: ignore[arg-type]
    assert names, "no gold field matches a record column"
    ours = {name: _plain(getattr(record, name)) for name in names}
    return ours, {name: gold_fields[name] for name in names}

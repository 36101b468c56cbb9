"""Unseen form variants (tests/fixtures/form_variants/) end to end against their gold.

The variants are written by `make_form_variants.py` beside them (run by hand): other
template years and provinces, spaced labels, amounts in 万元 or with a 元 suffix,
native Excel numbers and dates, √ / ✓ / ☒ / ■ ticks and Word check-box controls,
rates written "95%" / "0.95" / "95.0%" / bare percent, a sign-in sheet continued in a
second table, bad ID check digits. Each goes through the real extractor and
`normalize_form`; nothing here knows a file name beyond picking its gold.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from normalizers.forms import FormRecords
from normalizers.forms.idcard import normalize_id
from tests.form_gold import contract_fields, load_gold, read_form

VARIANTS = Path(__file__).parents[2] / "fixtures" / "form_variants"
GOLD = VARIANTS / "gold"
KEY = b"variant-test-key"
SAMPLES = sorted(
    p.name
    for p in VARIANTS.iterdir()
    if p.suffix in (".docx", ".pdf", ".xlsx") and (GOLD / f"{p.stem}.json").exists()
)


@cache
def _records(name: str) -> FormRecords:
    return read_form(VARIANTS / name, pii_key=KEY)


@cache
def _gold(name: str) -> dict[str, Any]:
    return load_gold(GOLD, name)


def _of_type(form_type: str) -> list[str]:
    return [name for name in SAMPLES if _gold(name)["form_type"] == form_type]


def test_every_variant_has_a_gold_file() -> None:
    assert len(SAMPLES) == 9
    formats = Counter(_gold(name)["format"] for name in SAMPLES)
    assert formats == {"docx": 6, "xlsx": 2, "pdf": 1}


@pytest.mark.parametrize("name", SAMPLES)
def test_form_type_matches_gold(name: str) -> None:
    assert _records(name).form_type == _gold(name)["form_type"]


@pytest.mark.parametrize("name", _of_type("budget_sheet") + _of_type("application_form"))
def test_form_fields_match_gold(name: str) -> None:
    records, gold = _records(name), _gold(name)
    (record,) = records.budget_sheets or records.application_forms
    ours, expected = contract_fields(record, gold["fields"])
    assert ours == expected


@pytest.mark.parametrize("name", _of_type("budget_sheet"))
def test_budget_lines_and_total_check_match_gold(name: str) -> None:
    records, gold = _records(name), _gold(name)
    ours = [(line.item, line.amount_yuan, line.note) for line in records.budget_lines]
    assert ours == [(g["item"], g["amount_yuan"], g["note"]) for g in gold["lines"]]
    (sheet,) = records.budget_sheets
    assert sheet.total_matches is gold["fields"]["total_matches"]
    assert sheet.total_matches is (
        gold["fields"]["total_yuan"] == gold["fields"]["computed_total_yuan"]
    )


@pytest.mark.parametrize("name", _of_type("satisfaction_stats"))
def test_satisfaction_lines_match_gold(name: str) -> None:
    records, gold = _records(name), _gold(name)
    keys = ("category", "item", "lecturer", "excellent_rate", "good_rate", "fair_rate", "poor_rate")
    ours = [{k: getattr(s, k) for k in keys} for s in records.satisfaction_stats]
    assert ours == [{k: g[k] for k in keys} for g in gold["lines"]]
    assert len(ours) == gold["fields"]["n_rows"]
    for stat in records.satisfaction_stats:
        assert (stat.n_participants, stat.n_distributed, stat.n_returned) == (
            gold["fields"]["n_participants"],
            gold["fields"]["n_distributed"],
            gold["fields"]["n_returned"],
        )


@pytest.mark.parametrize("name", _of_type("attendance_sheet"))
def test_attendance_aggregates_match_gold(name: str) -> None:
    records, gold = _records(name), _gold(name)
    fields = gold["fields"]
    (summary,) = records.attendance_summary
    assert summary.n_rows == fields["n_rows"]
    assert summary.n_invalid_ids == fields["n_invalid_ids"]
    assert summary.host_org == fields["fill_org"]
    assert summary.titles == dict(Counter(t for t in fields["titles"] if t))
    people = records.attendance_people
    assert [p.employer for p in people] == fields["employers"]
    numbers = [normalize_id(n) for n in fields["id_numbers"]]
    assert [p.id_masked for p in people] == [f"{n[:6]}********{n[-4:]}" for n in numbers]
    invalid = {a["seq"] for a in gold["anomalies"] if a["kind"] == "invalid_id_check_digit"}
    assert [not p.id_valid for p in people] == [line["seq"] in invalid for line in gold["lines"]]


def _secrets() -> list[str]:
    """Every name, ID number (as written and normalised) and phone of every variant."""
    secrets: list[str] = []
    for name in _of_type("attendance_sheet"):
        fields = _gold(name)["fields"]
        secrets += [*fields["names"], *fields["phones"], *fields["phones_as_written"]]
        secrets += [*fields["id_numbers"], *(normalize_id(n) for n in fields["id_numbers"])]
    return secrets


@pytest.mark.parametrize("name", _of_type("attendance_sheet"))
def test_attendance_output_holds_no_id_number_name_or_phone(name: str) -> None:
    records = _records(name)
    rows = [dataclasses.asdict(r) for r in records.attendance_summary]
    rows += [dataclasses.asdict(r) for r in records.attendance_people]
    dumped = json.dumps(rows, ensure_ascii=False, default=str)
    squeezed = dumped.replace(" ", "").replace("-", "")
    leaked = [
        secret
        for secret in _secrets()
        if secret in dumped or secret.replace(" ", "").replace("-", "") in squeezed
    ]
    assert leaked == []

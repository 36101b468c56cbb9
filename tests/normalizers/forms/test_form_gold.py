"""Acceptance: every sample form in tests/fixtures/forms against its gold JSON."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from normalizers.forms import FormRecords
from tests.form_gold import contract_fields, load_gold, read_form

FIXTURES = Path(__file__).parents[2] / "fixtures"
FORMS = FIXTURES / "forms"
GOLD = FIXTURES / "gold" / "forms"
KEY = b"acceptance-test-key"
SAMPLES = sorted(p.name for p in FORMS.iterdir() if (GOLD / f"{p.stem}.json").exists())


@cache
def _records(name: str) -> FormRecords:
    return read_form(FORMS / name, pii_key=KEY)


def _gold(name: str) -> dict[str, Any]:
    return load_gold(GOLD, name)


def test_every_sample_has_a_gold_file() -> None:
    assert len(SAMPLES) == 8


@pytest.mark.parametrize("name", SAMPLES)
def test_form_type_matches_gold(name: str) -> None:
    assert _records(name).form_type == _gold(name)["form_type"]


@pytest.mark.parametrize("name", [n for n in SAMPLES if n.startswith(("budget", "application"))])
def test_form_fields_match_gold(name: str) -> None:
    records, gold = _records(name), _gold(name)
    (record,) = records.budget_sheets or records.application_forms
    ours, expected = contract_fields(record, gold["fields"])
    assert ours == expected


@pytest.mark.parametrize("name", [n for n in SAMPLES if n.startswith("budget")])
def test_budget_lines_and_total_check_match_gold(name: str) -> None:
    records, gold = _records(name), _gold(name)
    ours = [(line.item, line.amount_yuan, line.note) for line in records.budget_lines]
    assert ours == [(g["item"], g["amount_yuan"], g["note"]) for g in gold["lines"]]
    assert records.budget_sheets[0].total_matches is (
        gold["fields"]["total_yuan"] == gold["fields"]["computed_total_yuan"]
    )


def test_satisfaction_lines_match_gold() -> None:
    name = next(n for n in SAMPLES if n.startswith("satisfaction"))
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


def test_attendance_aggregates_match_gold() -> None:
    name = next(n for n in SAMPLES if n.startswith("attendance"))
    records, gold = _records(name), _gold(name)
    (summary,) = records.attendance_summary
    assert summary.n_rows == gold["fields"]["n_rows"]
    assert summary.n_invalid_ids == 0  # the synthetic numbers are all format-valid
    assert summary.host_org == gold["fields"]["fill_org"]
    assert summary.titles == dict(Counter(gold["fields"]["titles"]))
    assert [p.employer for p in records.attendance_people] == gold["fields"]["employers"]
    assert [p.id_masked for p in records.attendance_people] == [
        f"{n[:6]}********{n[-4:]}" for n in gold["fields"]["id_numbers"]
    ]


def test_attendance_output_holds_no_id_number_name_or_phone() -> None:
    name = next(n for n in SAMPLES if n.startswith("attendance"))
    records, fields = _records(name), _gold(name)["fields"]
    rows = [dataclasses.asdict(r) for r in records.attendance_summary]
    rows += [dataclasses.asdict(r) for r in records.attendance_people]
    dumped = json.dumps(rows, ensure_ascii=False, default=str)
    secrets = [*fields["id_numbers"], *fields["names"], *fields["phones"]]
    leaked = [secret for secret in secrets if secret in dumped]
    assert leaked == []


def test_pdf_export_reads_the_same_as_its_docx() -> None:
    docx = _records("application_fujian_2026_smart_tea.docx").application_forms[0]
    pdf = _records("application_fujian_2026_smart_tea_export.pdf").application_forms[0]
    ignore = {"form_id", "source_uri"}
    fields = [f.name for f in dataclasses.fields(docx) if f.name not in ignore]
    assert {f: getattr(pdf, f) for f in fields} == {f: getattr(docx, f) for f in fields}

"""OFD renditions (`tests/fixtures/ofd/`, made by `make_ofd.py` from existing DOCX
fixtures) read into exactly the gold of their source: the jiangsu notice against
`tests/fixtures/variants/jiangsu_2024_plan.json`, the budget sheet against
`tests/fixtures/gold/forms/budget_2026_integrated_circuits.json`."""

from __future__ import annotations

from pathlib import Path

from normalizers.records import Attachment, CitedDocument, Notice, PlanProject, PolicyTerm
from tests.form_gold import contract_fields, read_form
from tests.form_gold import load_gold as load_form_gold
from tests.notice_gold import (
    assert_attachments_match,
    gold_project_rows,
    gold_term_rows,
    load_gold,
    normalized,
    notice_fields,
    project_rows,
    records_of,
    term_rows,
)

ROOT = Path(__file__).resolve().parents[2]
OFD = ROOT / "tests" / "fixtures" / "ofd"
NOTICE = OFD / "jiangsu_2024_plan.ofd"
FORM = OFD / "budget_2026_integrated_circuits.ofd"


def test_ofd_notice_reproduces_the_gold_of_its_docx() -> None:
    gold = load_gold(ROOT / "tests" / "fixtures" / "variants", NOTICE)
    result = normalized(NOTICE)
    assert result.role == "notice"
    assert result.problems == ()
    assert result.kind == gold["notice"]["doc_type"]
    (notice,) = records_of(NOTICE, Notice)
    assert notice_fields(notice, gold["notice"]) == gold["notice"]
    assert term_rows(records_of(NOTICE, PolicyTerm)) == gold_term_rows(gold)
    assert project_rows(records_of(NOTICE, PlanProject)) == gold_project_rows(gold)
    assert_attachments_match(records_of(NOTICE, Attachment), gold)
    got = [c.cited_doc_number for c in records_of(NOTICE, CitedDocument)]
    assert got == gold["cited_doc_numbers"]


def test_ofd_budget_form_reproduces_the_gold_of_its_docx() -> None:
    gold = load_form_gold(ROOT / "tests" / "fixtures" / "gold" / "forms", FORM.name)
    records = read_form(FORM, pii_key=b"acceptance-test-key")
    assert records.form_type == gold["form_type"]
    (sheet,) = records.budget_sheets
    ours, expected = contract_fields(sheet, gold["fields"])
    assert ours == expected
    lines = [(line.item, line.amount_yuan, line.note) for line in records.budget_lines]
    assert lines == [(g["item"], g["amount_yuan"], g["note"]) for g in gold["lines"]]

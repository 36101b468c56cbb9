"""Data checks and the budget cap matching, on a real DuckDB file."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import pytest

from extractors.registry import extract
from normalizers.forms.records import BudgetSheet
from normalizers.pii import ID_NUMBER_PATTERN, MOBILE_PATTERN, PiiToken, redact_document
from normalizers.pipeline import normalize
from normalizers.records import PolicyTerm
from tests.warehouse.test_load import _unit
from warehouse import LoadUnit, Warehouse, connect, run_checks
from warehouse.checks import PII_CHECK, pii_findings


def _budget(form_id: str, name: str, *, total: float, lines_sum: float, subsidy: float):
    sheet = BudgetSheet(
        form_id=form_id,
        source_uri=f"{form_id}.docx",
        project_name=name,
        location="武汉市",
        schedule_text="2026年9月15日至18日",
        start_date=date(2026, 9, 15),
        end_date=date(2026, 9, 18),
        participants=45,
        staff=5,
        total_people=50,
        total_yuan=total,
        computed_total_yuan=lines_sum,
        total_matches=round(total, 2) == round(lines_sum, 2),
        subsidy_yuan=subsidy,
        applicant_org="武汉理工大学",
        host_org="武汉理工大学",
    )
    return LoadUnit(doc_id=form_id, source_uri=sheet.source_uri, status="ok", records=(sheet,))


@pytest.fixture()
def warehouse(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(connect(tmp_path / "w.duckdb"))
    warehouse.load(_unit())  # a 2026 Hubei plan listing 集成电路高级研修班, cap 130000
    return warehouse


def test_clean_data_breaks_no_rule(warehouse: Warehouse) -> None:
    warehouse.load(
        _budget("f" * 64, "集成电路高级研修班", total=130000, lines_sum=130000, subsidy=130000)
    )
    assert set(run_checks(warehouse.con).values()) == {0}


def test_wrong_total_and_over_cap_are_flagged_and_still_loaded(warehouse: Warehouse) -> None:
    # A small difference in the name ("研修班" for "高级研修班") still finds the plan.
    warehouse.load(
        _budget("e" * 64, "集成电路研修班", total=140000, lines_sum=139000, subsidy=140000)
    )
    checks = run_checks(warehouse.con)
    assert checks["budget_totals_mismatch"] == 1
    assert checks["budget_over_cap"] == 1
    row = warehouse.con.execute(
        "SELECT cap_yuan, over_cap, total_matches FROM curated.budget_sheets"
    ).fetchone()
    assert row == (130000.0, True, False)


def test_a_budget_without_a_loaded_plan_has_no_cap(tmp_path: Path) -> None:
    warehouse = Warehouse(connect(tmp_path / "w.duckdb"))
    warehouse.load(_budget("d" * 64, "集成电路高级研修班", total=1, lines_sum=1, subsidy=1))
    row = warehouse.con.execute("SELECT cap_yuan, over_cap FROM curated.budget_sheets").fetchone()
    assert row == (None, None)


def test_implausible_terms_are_reported(warehouse: Warehouse) -> None:
    unit = _unit(doc_id="c" * 64, source="other.pdf")
    odd = PolicyTerm("c" * 64, "provincial", "participants", 60, 40, False, "person")
    warehouse.load(LoadUnit(**{**unit.__dict__, "records": (*unit.records, odd)}))
    assert run_checks(warehouse.con)["implausible_terms"] == 1


# --- personal data in clear (pii_in_clear) ---------------------------------------------

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"
SHEET = FORMS / "attendance_2026_integrated_circuits.docx"


def _sheet_unit(*, redact: bool, pii_key: bytes) -> LoadUnit:
    doc = extract(SHEET.read_bytes(), source_uri=str(SHEET))
    vault: tuple[PiiToken, ...] = ()
    if redact:
        doc, vault = redact_document(doc, pii_key=pii_key)
    read = normalize(doc, pii_key=pii_key, vault=vault)
    return LoadUnit(
        doc_id=doc.doc_id,
        source_uri=doc.source_uri,
        status="ok",
        media_type="docx",
        role=read.role,
        document=doc,
        records=(*read.records, *vault),
    )


def test_a_redacted_sheet_and_its_vault_leave_nothing_in_clear(
    warehouse: Warehouse, pii_key: bytes
) -> None:
    warehouse.load(_sheet_unit(redact=True, pii_key=pii_key))
    assert pii_findings(warehouse.con) == []
    assert run_checks(warehouse.con)[PII_CHECK] == 0
    vault = warehouse.con.execute(
        "SELECT count(*), count(DISTINCT token), bool_and(id_valid) FROM private.pii_vault"
    ).fetchone()
    assert vault == (12, 12, True)
    summary = warehouse.con.execute(
        "SELECT n_rows, n_invalid_ids FROM curated.attendance_summary"
    ).fetchone()
    assert summary == (12, 0)
    masked = warehouse.con.execute(
        "SELECT id_masked FROM private.attendance_people ORDER BY row_no LIMIT 1"
    ).fetchone()
    assert masked == ("420103********5673",)


def test_a_sheet_loaded_in_clear_is_reported_by_table_and_column_masked(
    warehouse: Warehouse, pii_key: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse.load(_sheet_unit(redact=False, pii_key=pii_key))
    findings = pii_findings(warehouse.con)
    assert [(f.table, f.column, f.kind, f.rows, f.severity) for f in findings] == [
        ("raw.table_cells", "text", "id_number", 12, "error"),
        ("raw.table_cells", "text", "mobile", 12, "error"),
    ]
    assert re.fullmatch(r"4201\d\d\*{8}\d{3}[\dX]", findings[0].example)
    assert re.fullmatch(r"1\d\d\*{4}\d{4}", findings[1].example)
    with caplog.at_level(logging.ERROR, logger="warehouse.checks"):
        checks = run_checks(warehouse.con)
    assert checks[PII_CHECK] == 24
    assert checks[f"{PII_CHECK}: raw.table_cells.text"] == 24
    logged = caplog.text
    assert "raw.table_cells.text" in logged and "ERROR" in logged
    assert re.search(ID_NUMBER_PATTERN, logged) is None
    assert re.search(MOBILE_PATTERN, logged) is None


def test_a_planted_mobile_in_staging_is_found_in_its_table(warehouse: Warehouse) -> None:
    unit = _unit(doc_id="b" * 64, source="planted.pdf")
    planted = PolicyTerm(
        "b" * 64,
        "provincial",
        "participants",
        40,
        60,
        False,
        "person",
        evidence="名额40至60人，报名咨询：138-1234-5678；办公室电话：027-87654321",
    )
    warehouse.load(LoadUnit(**{**unit.__dict__, "records": (*unit.records, planted)}))
    found = {(f.table, f.column, f.kind, f.example) for f in pii_findings(warehouse.con)}
    assert ("staging.policy_terms", "evidence", "mobile", "138****5678") in found
    # Views are SQL over the tables: the table holding the value is what is reported.
    assert {table for table, _, _, _ in found} == {"staging.policy_terms"}
    assert {kind for _, _, kind, _ in found} == {"mobile"}  # the office number is no finding


def test_a_planted_id_number_in_a_raw_text_block_is_found(warehouse: Warehouse) -> None:
    warehouse.con.execute(
        "INSERT INTO raw.text_blocks (doc_id, item_no, page, kind, text) "
        "VALUES (?, 9, 1, 'paragraph', '学员身份证号 4201 0319 7503 1156 73')",
        ["a" * 64],
    )
    findings = pii_findings(warehouse.con)
    assert [(f.table, f.column, f.kind, f.rows, f.example) for f in findings] == [
        ("raw.text_blocks", "text", "id_number", 1, "420103********5673")
    ]
    assert "error: pii_in_clear: raw.text_blocks.text" in str(findings[0])

"""Data checks and the budget cap matching, on a real DuckDB file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from normalizers.forms.records import BudgetSheet
from normalizers.records import PolicyTerm
from tests.warehouse.test_load import _unit
from warehouse import LoadUnit, Warehouse, connect, run_checks


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

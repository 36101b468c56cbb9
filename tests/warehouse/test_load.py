"""Idempotent per-document loading, rollback, and the curated views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from extractors.model import Block, Cell, Document, Table
from normalizers.records import Attachment, Notice, PlanProject, PolicyTerm
from warehouse import LoadUnit, Warehouse, WarehouseError, connect


def _unit(doc_id: str = "a" * 64, source: str = "data/raw/x.pdf", name: str = "集成电路高级研修班"):
    doc = Document(
        doc_id=doc_id,
        source_uri=source,
        media_type="pdf",
        n_pages=2,
        blocks=(Block(order=0, page=1, text="关于印发计划的通知", kind="heading"),),
        tables=(
            Table(
                order=1,
                page=2,
                n_rows=2,
                n_cols=2,
                cells=(
                    Cell(0, 0, "项目名称"),
                    Cell(0, 1, "承办单位"),
                    Cell(1, 0, name),
                    Cell(1, 1, "武汉理工大学"),
                ),
            ),
        ),
    )
    notice = Notice(
        notice_id=doc_id,
        source_uri=source,
        title="关于印发计划的通知",
        issuer="湖北省人力资源和社会保障厅",
        issuer_level="provincial",
        region="湖北省",
        doc_number="鄂人社函〔2026〕51号",
        doc_number_prefix="鄂人社函",
        doc_number_year=2026,
        doc_number_serial=51,
        doc_type="plan",
        plan_year=2026,
        issued_date=date(2026, 4, 21),
    )
    records = (
        notice,
        PolicyTerm(doc_id, "provincial", "funding_cap", None, 130000.0, False, "yuan"),
        PlanProject(
            doc_id,
            2026,
            "湖北省",
            "provincial",
            "财政资助",
            1,
            name,
            "武汉理工大学",
            None,
            doc_id,
            2,
            1,
        ),
        Attachment(doc_id, 1, "项目计划", "project_plan"),
    )
    return LoadUnit(
        doc_id=doc_id,
        source_uri=source,
        status="ok",
        media_type="pdf",
        document=doc,
        records=records,
        role="notice",
    )


@pytest.fixture()
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(connect(tmp_path / "w.duckdb"))


def test_loading_the_same_document_twice_keeps_one_copy(warehouse: Warehouse) -> None:
    warehouse.load(_unit())
    first = warehouse.table_counts()
    warehouse.load(_unit())
    assert warehouse.table_counts() == first
    assert first["raw.table_cells"] == 4
    assert first["curated.plan_projects"] == 1
    row = warehouse.con.execute(
        "SELECT doc_number, issued_date, region FROM curated.notices"
    ).fetchone()
    assert row == ("鄂人社函〔2026〕51号", date(2026, 4, 21), "湖北省")


def test_a_changed_file_replaces_the_rows_of_its_older_version(warehouse: Warehouse) -> None:
    warehouse.load(_unit(doc_id="a" * 64, name="旧项目"))
    warehouse.load(_unit(doc_id="b" * 64, name="新项目"))
    names = warehouse.con.execute("SELECT project_name FROM curated.plan_projects").fetchall()
    assert names == [("新项目",)]
    assert warehouse.con.execute("SELECT count(*) FROM raw.documents").fetchone() == (1,)


def test_a_failing_load_rolls_back_and_keeps_the_previous_rows(warehouse: Warehouse) -> None:
    warehouse.load(_unit(name="原来的项目"))

    @dataclass(frozen=True)
    class Unknown:
        x: int

    broken = _unit(name="不该出现")
    broken = LoadUnit(**{**broken.__dict__, "records": (*broken.records, Unknown(1))})
    with pytest.raises(WarehouseError, match="no warehouse table for records of type Unknown"):
        warehouse.load(broken)
    names = warehouse.con.execute("SELECT project_name FROM curated.plan_projects").fetchall()
    assert names == [("原来的项目",)]


def test_attachment_file_id_is_published_as_doc_id(warehouse: Warehouse) -> None:
    warehouse.load(_unit())
    row = warehouse.con.execute(
        "SELECT attachment_no, title, kind, doc_id FROM curated.attachments"
    ).fetchone()
    assert row == (1, "项目计划", "project_plan", None)


def test_failed_document_is_recorded_with_its_reason(warehouse: Warehouse) -> None:
    warehouse.load(
        LoadUnit(
            doc_id="c" * 64,
            source_uri="bad.pdf",
            status="failed",
            error="encrypted PDF: a password is needed",
        )
    )
    row = warehouse.con.execute("SELECT status, error, n_pages FROM curated.documents").fetchone()
    assert row == ("failed", "encrypted PDF: a password is needed", None)


def _contents(warehouse: Warehouse) -> dict[str, list[tuple[object, ...]]]:
    """Every table of raw, staging and private, its rows sorted."""
    tables = warehouse.con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
        "WHERE schema_name IN ('raw', 'staging', 'private') ORDER BY 1"
    ).fetchall()
    return {
        name: sorted(warehouse.con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
        for (name,) in tables
    }


def test_documents_loaded_together_leave_what_loading_them_one_by_one_leaves(
    tmp_path: Path,
) -> None:
    """A run loads a few results in one transaction (`load_many`): real sample files give
    the very rows, in every table, that loading them one after the other gives."""
    from extractors import Limits
    from flows.sources import discover
    from flows.steps import process_file

    raw = Path(__file__).resolve().parents[2] / "data" / "raw"
    names = (
        "hubei_2026_plan.docx",
        "fujian_2026_call_for_applications.pdf",
        "mohrss_2021_plan.html",
    )
    items, _ = discover([str(raw / name) for name in names])
    units = [process_file(item, limits=Limits(), pii_key=b"test").unit for item in items]
    one_by_one = Warehouse(connect(tmp_path / "one.duckdb"))
    rows = [one_by_one.load(unit) for unit in units]
    together = Warehouse(connect(tmp_path / "together.duckdb"))
    assert together.load_many(units) == rows
    assert together.touched == {unit.doc_id for unit in units}
    assert _contents(together) == _contents(one_by_one)
    assert sum(rows) > 500 and len(_contents(together)["raw.documents"]) == 3
    # Loading them again replaces them, as `load` does.
    assert together.load_many(units) == rows
    assert _contents(together) == _contents(one_by_one)
    # The same document twice cannot go in one insert: nothing is loaded, the caller
    # loads them one by one.
    fresh = Warehouse(connect(tmp_path / "fresh.duckdb"))
    assert fresh.load_many([units[0], units[0]]) is None
    assert fresh.con.execute("SELECT count(*) FROM raw.documents").fetchone() == (0,)

"""The spreadsheet extractor: XLSX through openpyxl, XLS and ODS through calamine."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors import registry
from extractors.errors import CorruptDocument, EmptyDocument, UnsafeDocument
from extractors.limits import Limits
from extractors.model import Block, Document, Table
from extractors.xlsx import extract, format_number

FORMS = Path(__file__).parents[1] / "fixtures" / "forms"


def _extract(data: bytes, media_type: str = "xlsx") -> Document:
    return extract(
        data,
        doc_id="test",
        source_uri=f"memory.{media_type}",
        limits=Limits(),
        media_type=media_type,
    )


def _two_sheet_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "经费"
    ws["B2"] = "某某高级研修班经费决算表"
    ws.merge_cells("B2:E2")
    ws.append([])
    for row in (
        [None, "类别", "项目", "金额", "日期"],
        [None, "食宿", "住宿费", 47880, dt.datetime(2026, 7, 8)],
        [None, None, "伙食费", 23920.5, dt.datetime(2026, 7, 8, 14, 30)],
        [None, "其他", "资料费", 6300, None],
    ):
        ws.append(row)
    ws.merge_cells("B5:B6")  # a category spanning two item rows
    for ref in ("D5", "D6", "D7"):
        ws[ref].number_format = "#,##0.00"
    ws2 = wb.create_sheet("名单")
    ws2.append(["序号", "比例", "人数"])
    ws2.append([1, 0.953, 45.0])
    ws2["B2"].number_format = "0.0%"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "备用"
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _table(doc: Document, page: int) -> Table:
    return next(t for t in doc.tables if t.page == page)


def test_budget_form_title_becomes_heading_before_the_table() -> None:
    doc = _extract((FORMS / "budget_2026_embodied_ai_agents.xlsx").read_bytes())
    items = list(doc.items())
    assert isinstance(items[0], Block)
    assert items[0].kind == "heading"
    assert items[0].text == "湖北省专业技术人员知识更新工程2026 年高级研修项目经费决算表"
    assert isinstance(items[1], Table)
    assert json.loads(doc.meta["sheet_names"]) == ["经费决算表"]
    assert doc.n_pages == 1


def test_budget_form_amounts_are_rendered_with_their_number_format() -> None:
    doc = _extract((FORMS / "budget_2026_embodied_ai_agents.xlsx").read_bytes())
    grid = doc.tables[0].grid()
    assert (doc.tables[0].n_rows, doc.tables[0].n_cols) == (20, 4)
    assert grid[0] == ["填报单位：武汉大学", None, "填报时间：2026年7月8日", None]
    assert grid[6] == ["住宿费", "47,880.00", "42人×3晚×380元", None]
    assert grid[13][:2] == ["合计", "128,000.00"]
    assert grid[19] == ["经办人：戴子涵", "承办单位财务部门签章", None, "申报单位签章"]


def test_budget_form_merged_note_cell_carries_colspan() -> None:
    table = _extract((FORMS / "budget_2026_embodied_ai_agents.xlsx").read_bytes()).tables[0]
    note = table.cell_at(6, 3)
    assert note is not None
    assert (note.row, note.col, note.colspan, note.text) == (6, 2, 2, "42人×3晚×380元")
    funding = table.cell_at(4, 2)
    assert funding is not None
    assert (funding.col, funding.colspan, funding.text) == (0, 4, "项目资金决算")


def test_registry_dispatches_xlsx_by_content() -> None:
    data = (FORMS / "budget_2026_embodied_ai_agents.xlsx").read_bytes()
    doc = registry.extract(data, source_uri="budget.bin")
    assert doc.media_type == "xlsx"
    assert len(doc.doc_id) == 64


def test_generated_workbook_trims_to_used_range_and_keeps_title_out_of_table() -> None:
    doc = _extract(_two_sheet_workbook())
    assert [b.text for b in doc.blocks] == ["某某高级研修班经费决算表"]
    table = _table(doc, 1)
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert table.grid()[0] == ["类别", "项目", "金额", "日期"]
    assert doc.blocks[0].order < table.order


def test_merged_category_rows_become_rowspan() -> None:
    table = _table(_extract(_two_sheet_workbook()), 1)
    category = table.cell_at(2, 0)
    assert category is not None
    assert (category.row, category.rowspan, category.text) == (1, 2, "食宿")
    assert table.grid(fill_merged=True)[2][0] == "食宿"


def test_numbers_and_dates_render_as_displayed() -> None:
    doc = _extract(_two_sheet_workbook())
    grid = _table(doc, 1).grid()
    assert grid[1][2:] == ["47,880.00", "2026-07-08"]
    assert grid[2][2:] == ["23,920.50", "2026-07-08T14:30:00"]
    assert grid[3] == ["其他", "资料费", "6,300.00", ""]
    assert _table(doc, 2).grid() == [["序号", "比例", "人数"], ["1", "95.3%", "45"]]


def test_each_sheet_is_one_table_with_its_index_as_page() -> None:
    doc = _extract(_two_sheet_workbook())
    assert [t.page for t in doc.tables] == [1, 2, 3]
    assert json.loads(doc.meta["sheet_names"]) == ["经费", "名单", "隐藏"]
    assert json.loads(doc.meta["hidden_sheets"]) == ["隐藏"]
    assert [t.order for t in doc.tables] == sorted(t.order for t in doc.tables)


def test_lone_first_row_cell_is_a_title_but_a_single_column_header_is_not() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "研修人员名单"
    ws.append(["姓名", "单位"])
    ws.append(["张三", "武汉大学"])
    single = wb.create_sheet("单列")
    single.append(["单位"])
    single.append(["武汉大学"])
    buffer = io.BytesIO()
    wb.save(buffer)
    doc = _extract(buffer.getvalue())
    assert [(b.text, b.page) for b in doc.blocks] == [("研修人员名单", 1)]
    assert _table(doc, 1).grid() == [["姓名", "单位"], ["张三", "武汉大学"]]
    assert _table(doc, 2).grid() == [["单位"], ["武汉大学"]]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (47880, "#,##0.00", "47,880.00"),
        (47880.0, "General", "47880"),
        (0.1 + 0.2, "General", "0.3"),
        (2.675, "0.00", "2.68"),  # Excel rounds half away from zero
        (1234.5, "0", "1235"),
        (0.953, "0.0%", "95.3%"),
        (0.5, "0%", "50%"),
        (-1500, "#,##0.00;[Red]-#,##0.00", "-1,500.00"),
        (-1500, "#,##0", "-1,500"),
        (1500, '"¥"#,##0.00', "¥1,500.00"),
        (1500, "[$¥-804]#,##0.00", "¥1,500.00"),
        (12.5, '0.00"万元"', "12.50万元"),
        (48600, "0.00_ ", "48600.00"),
        (0, '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)', "-"),
        (12345, "0.00E+00", "1.23E+04"),
        (46211, 'yyyy"年"m"月"d"日";@', "2026-07-08"),  # a date code openpyxl missed
        (46211.5, "[$-F800]dddd, mmmm dd, yyyy", "2026-07-08T12:00:00"),
    ],
)
def test_format_number_matches_excel_display(value: float, number_format: str, shown: str) -> None:
    assert format_number(value, number_format) == shown


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=99))
def test_thousands_format_round_trips_to_the_same_amount(yuan: int, fen: int) -> None:
    value = yuan + (fen / 100 if yuan >= 0 else -fen / 100)
    shown = format_number(value, "#,##0.00")
    assert float(shown.replace(",", "")) == pytest.approx(value, abs=0.001)
    assert shown.endswith(f"{fen:02d}")


def _patched_xlsx(part: str, transform: object) -> bytes:
    source = io.BytesIO(_two_sheet_workbook())
    target = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = transform(data)  # type: ignore[operator]
            zout.writestr(info, data)
    return target.getvalue()


def test_entity_declaration_in_a_sheet_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'

    def add_dtd(xml: bytes) -> bytes:
        return bomb + xml.split(b"?>", 1)[-1]

    data = _patched_xlsx("xl/worksheets/sheet1.xml", add_dtd)
    with pytest.raises(UnsafeDocument, match=r"xl/worksheets/sheet1\.xml"):
        _extract(data)


def test_broken_workbook_part_is_corrupt_document() -> None:
    data = _patched_xlsx("xl/workbook.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(CorruptDocument, match="corrupt XLSX"):
        _extract(data)


def test_more_sheets_than_the_page_limit_is_refused() -> None:
    with pytest.raises(UnsafeDocument, match="3 sheets, more than the page limit 2"):
        extract(
            _two_sheet_workbook(),
            doc_id="test",
            source_uri="memory.xlsx",
            limits=Limits(max_pages=2),
            media_type="xlsx",
        )


def test_workbook_without_values_is_empty_document() -> None:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with pytest.raises(EmptyDocument, match="none of its 1 sheets"):
        _extract(buffer.getvalue())


_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
 xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="签到表">
<table:table-row><table:table-cell table:number-columns-spanned="3" office:value-type="string">
<text:p>研修人员签到表</text:p></table:table-cell>
<table:covered-table-cell table:number-columns-repeated="2"/></table:table-row>
<table:table-row>
<table:table-cell office:value-type="string"><text:p>序号</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>人数</text:p></table:table-cell>
</table:table-row>
<table:table-row>
<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>张三</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="45"><text:p>45</text:p></table:table-cell>
</table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>
"""
_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
<manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def _ods(content: str = _ODS_CONTENT) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        # calamine reads whitespace between cells as stray text, so the XML is packed.
        packed = re.sub(r">\s+<", "><", content)
        archive.writestr("content.xml", packed, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    return buffer.getvalue()


def test_ods_is_read_through_calamine() -> None:
    data = _ods()
    assert registry.sniff(data) == registry.MediaType.ODS
    doc = registry.extract(data, source_uri="sign.ods")
    assert [b.text for b in doc.blocks] == ["研修人员签到表"]
    assert doc.tables[0].grid() == [["序号", "姓名", "人数"], ["1", "张三", "45"]]
    assert json.loads(doc.meta["sheet_names"]) == ["签到表"]


def test_ods_with_entity_declaration_is_refused() -> None:
    content = _ODS_CONTENT.replace("?>", '?><!DOCTYPE x [<!ENTITY a "a">]>', 1)
    with pytest.raises(UnsafeDocument, match=r"content\.xml"):
        _extract(_ods(content), media_type="ods")


@pytest.mark.slow
@pytest.mark.slow  # LibreOffice (installed by scripts/setup.sh) writes the XLS
def test_xls_written_by_libreoffice_keeps_values_and_merges(tmp_path: Path) -> None:
    source = tmp_path / "form.xlsx"
    source.write_bytes(_two_sheet_workbook())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",  # no clash with others
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "form.xls").read_bytes()
    doc = registry.extract(data, source_uri="form.xls")
    assert doc.media_type == "xls"
    assert [b.text for b in doc.blocks] == ["某某高级研修班经费决算表"]
    table = _table(doc, 1)
    # calamine has no number formats: amounts come as General numbers.
    assert table.grid()[1] == ["食宿", "住宿费", "47880", "2026-07-08"]
    category = table.cell_at(2, 0)
    assert category is not None
    assert (category.rowspan, category.text) == (2, "食宿")

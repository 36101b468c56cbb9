"""DOCX extractor: real notices and filled forms, plus small DOCX files built here for
the Word features the samples do not use (content controls, symbol fields, grid gaps)."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest

from extractors import docx, registry
from extractors.docx.text import symbol_char
from extractors.errors import CorruptDocument, UnsafeDocument, UnsupportedFormat
from extractors.limits import Limits
from extractors.model import Block, Document, Table

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FORMS = ROOT / "tests" / "fixtures" / "forms"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "notices"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"


def _extract(path: Path) -> Document:
    return registry.extract(path.read_bytes(), source_uri=str(path))


def _squash(text: str | None) -> str:
    return (text or "").replace("\n", "")


def _rows(table: Table) -> list[list[str]]:
    return [[_squash(text) for text in row] for row in table.grid(fill_merged=True)]


def _table_after(doc: Document, heading_start: str) -> Table:
    """The first table that follows the block starting with `heading_start`."""
    items = list(doc.items())
    for i, item in enumerate(items):
        if isinstance(item, Block) and item.text.startswith(heading_start):
            return next(t for t in items[i:] if isinstance(t, Table))
    raise AssertionError(f"no block starts with {heading_start!r}")


def _block(doc: Document, text: str) -> Block:
    return next(b for b in doc.blocks if b.text == text)


def _gold_projects(stem: str) -> list[dict[str, object]]:
    projects: list[dict[str, object]] = json.loads(
        (GOLD / f"{stem}.json").read_text(encoding="utf-8")
    )["projects"]
    return projects


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = content if info.filename == name else src.read(info.filename)
            dst.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _build_docx(body: str, *, numbering: str | None = None) -> bytes:
    """A minimal DOCX whose body is `body` (WordprocessingML inside <w:body>)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            "/></Types>",
        )
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}" xmlns:w14="{W14_NS}">'
            f"<w:body>{body}</w:body></w:document>",
        )
        if numbering is not None:
            z.writestr(
                "word/numbering.xml",
                f'<?xml version="1.0"?><w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>',
            )
    return out.getvalue()


def _extract_built(body: str, **kwargs: str) -> Document:
    data = _build_docx(body, **kwargs)
    return docx.extract(
        data, doc_id="test", source_uri="built.docx", limits=Limits(), media_type="docx"
    )


def _p(text: str, extra: str = "") -> str:
    return f'<w:p>{extra}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


# --- real notices ---------------------------------------------------------------------


def test_hubei_2026_plan_tables_hold_the_gold_projects() -> None:
    doc = _extract(RAW / "hubei_2026_plan.docx")
    gold = _gold_projects("hubei_2026_plan")
    for heading, funding in (("财政资助项目", "财政资助"), ("自筹经费项目", "自筹经费")):
        table = _table_after(doc, heading)
        rows = _rows(table)
        assert rows[0] == ["序号", "项目名称", "承办单位"]
        expected = [
            [str(p["seq"]), p["project_name"], p["host_org"]]
            for p in gold
            if p["funding_type"] == funding
        ]
        assert rows[1:] == expected


def test_hubei_2023_plan_tables_hold_the_gold_projects_without_seq_column() -> None:
    doc = _extract(RAW / "hubei_2023_plan.docx")
    gold = _gold_projects("hubei_2023_plan")
    for heading, funding in (("财政资助项目", "财政资助"), ("自筹经费项目", "自筹经费")):
        rows = _rows(_table_after(doc, heading))
        assert rows[0] == ["申报单位", "承办单位", "项目名称"]
        expected = [
            [p["applicant_org"], p["host_org"], p["project_name"]]
            for p in gold
            if p["funding_type"] == funding
        ]
        assert rows[1:] == expected


def test_blocks_and_tables_share_one_increasing_order() -> None:
    doc = _extract(RAW / "hubei_2026_plan.docx")
    orders = [item.order for item in doc.items()]
    assert orders == list(range(len(orders)))
    assert len(doc.tables) == 6
    assert doc.blocks[0].text == "湖北省人力资源和社会保障厅"


def test_attachments_on_new_pages_get_distinct_page_numbers() -> None:
    doc = _extract(RAW / "hubei_2026_plan.docx")
    pages = [_block(doc, f"附件{n}").page for n in range(1, 7)]
    assert pages == [2, 3, 4, 5, 6, 7]
    assert _block(doc, "2026年4月21日").page == 1
    assert _table_after(doc, "财政资助项目").page == 2
    assert doc.n_pages == 7


def test_red_header_and_title_get_style_hints_and_heading_kind() -> None:
    doc = _extract(RAW / "hubei_2026_plan.docx")
    header = doc.blocks[0]
    assert header.kind == "heading"
    assert set(header.style) == {"center", "bold", "red", "large"}
    number = _block(doc, "鄂人社函〔2026〕51号")
    assert (number.kind, number.style) == ("paragraph", ("center",))
    assert _block(doc, "2026年4月21日").style == ("right",)


def test_line_break_inside_title_paragraph_is_kept_as_newline() -> None:
    doc = _extract(RAW / "hubei_2025_call_for_topics.docx")
    title = next(b for b in doc.blocks if b.text.startswith("省人力资源"))
    assert title.kind == "heading"
    assert title.text == (
        "省人力资源和社会保障厅关于征集\n专业技术人员知识更新工程2025年\n高级研修项目选题的通知"
    )
    assert doc.title == "".join(title.text.split("\n"))


def test_call_for_topics_form_has_vertical_merges_and_empty_boxes() -> None:
    doc = _extract(RAW / "hubei_2025_call_for_topics.docx")
    (form,) = doc.tables
    by_text = {cell.text: cell for cell in form.cells}
    assert by_text["申报单位信息"].rowspan == 3
    assert by_text["承办单位信息"].rowspan == 4
    assert (by_text["项目名称"].col, by_text["项目名称"].colspan) == (0, 1)
    assert form.cell_at(0, 4) is form.cell_at(0, 1)  # the 项目名称 value spans 4 columns
    boxes = [c.text for c in form.cells if "□" in c.text]
    assert "□财政资助项目\n□自筹经费项目（自筹经费来源：_____）" in boxes
    assert "□服务国家战略：\n□对接产业需求：\n□突出数字技术：" in boxes
    assert (form.n_rows, form.n_cols) == (16, 5)


def test_filled_hubei_form_keeps_ticked_boxes() -> None:
    doc = _extract(FORMS / "application_hubei_2025_crop_fertilization.docx")
    (form,) = doc.tables
    kind = form.cell_at(3, 1)
    assert kind is not None
    assert kind.text == "□财政资助项目    ☑自筹经费项目（自筹经费来源：承办单位继续教育专项经费）"
    base = next(c for c in form.cells if c.text.startswith("☑是第 2 批国家级"))
    assert base.text.endswith("□是省级继续教育基地\n□否")


def test_filled_fujian_form_keeps_black_square_ticks() -> None:
    doc = _extract(FORMS / "application_fujian_2026_smart_tea.docx")
    (form,) = doc.tables
    scope = form.cell_at(3, 1)
    assert scope is not None
    assert scope.text.startswith("■服务重大战略：服务乡村振兴战略")
    assert "\n□对接产业需求：\n■突出数字技术：" in scope.text
    assert form.cell_at(9, 1) is not None
    assert _squash(form.cell_at(8, 0).text) == "承办单位信息"  # type: ignore[union-attr]


# --- safety and format errors ---------------------------------------------------------


def test_xml_entity_declaration_is_refused() -> None:
    data = (RAW / "hubei_2025_call_for_topics.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml")
    xml = xml.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY boom "boom">]>', 1).replace(
        "附件".encode(), b"&boom;", 1
    )
    bad = _replace_member(data, "word/document.xml", xml)
    with pytest.raises(UnsafeDocument, match=r"word/document\.xml declares entities"):
        registry.extract(bad, source_uri="entity.docx")


def test_zip_bomb_member_is_refused_before_decompressing() -> None:
    data = (RAW / "hubei_2025_call_for_topics.docx").read_bytes()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/padding.bin", b"\0" * 20_000_000)  # ~20 KB compressed
    with pytest.raises(UnsafeDocument, match=r"word/media/padding\.bin expands 20,000,000 bytes"):
        registry.extract(out.getvalue(), source_uri="bomb.docx")


def test_docx_named_pdf_is_read_as_docx() -> None:
    data = (RAW / "hubei_2025_call_for_topics.docx").read_bytes()
    doc = registry.extract(data, source_uri="downloads/notice.pdf")
    assert doc.media_type == "docx"
    assert doc.tables[0].cells[0].text == "项目名称"


def test_random_bytes_named_docx_fail_as_unsupported() -> None:
    noise = random.Random(7).randbytes(4096)
    with pytest.raises(UnsupportedFormat, match="not a DOCX: unrecognised content"):
        registry.extract(noise, source_uri="form.docx")


def test_broken_document_xml_is_a_corrupt_docx() -> None:
    data = (RAW / "hubei_2025_call_for_topics.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml")
    bad = _replace_member(data, "word/document.xml", xml[: len(xml) // 2])
    with pytest.raises(CorruptDocument, match=r"corrupt DOCX: word/document\.xml is not well"):
        registry.extract(bad, source_uri="broken.docx")


# --- Word features built in the test ----------------------------------------------------


def test_content_controls_are_read_in_body_order() -> None:
    body = (
        _p("前言")
        + "<w:sdt><w:sdtContent>"
        + _p("控件里的段落")
        + "<w:tbl><w:tr><w:tc>"
        + _p("甲")
        + "</w:tc><w:tc>"
        + _p("乙")
        + "</w:tc></w:tr></w:tbl>"
        + "</w:sdtContent></w:sdt>"
        + _p("结尾")
    )
    doc = _extract_built(body)
    assert [getattr(i, "text", "TABLE") for i in doc.items()] == [
        "前言",
        "控件里的段落",
        "TABLE",
        "结尾",
    ]
    assert [c.text for c in doc.tables[0].cells] == ["甲", "乙"]


def test_checkbox_control_keeps_its_glyph_and_symbol_fields_are_mapped() -> None:
    checkbox = (
        "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val='1'/></w14:checkbox></w:sdtPr>"
        "<w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt>"
    )
    body = (
        f"<w:p>{checkbox}<w:r><w:t>是</w:t></w:r>"
        "<w:r><w:sym w:font='Wingdings' w:char='F0A8'/><w:t>否</w:t></w:r>"
        "<w:r><w:sym w:font='Wingdings 2' w:char='F052'/><w:t>财政</w:t></w:r>"
        "<w:r><w:rPr><w:rFonts w:ascii='Wingdings 2' w:hAnsi='Wingdings 2'/></w:rPr>"
        "<w:t>£</w:t></w:r><w:r><w:t>自筹</w:t></w:r></w:p>"
    )
    doc = _extract_built(body)
    assert doc.blocks[0].text == "☒是□否☑财政□自筹"


def test_symbol_font_mapping_accepts_both_code_forms() -> None:
    assert symbol_char("Wingdings", 0xF0FE) == "☑"
    assert symbol_char("Wingdings", 0xFE) == "☑"
    assert symbol_char("Wingdings 2", 0xF0A3) == "□"
    assert symbol_char("Symbol", 0xF0B7) is None


def test_tabs_and_breaks_inside_a_paragraph() -> None:
    body = (
        "<w:p><w:r><w:t>联系人：</w:t><w:tab/><w:t>张三</w:t><w:br/><w:t>电话</w:t></w:r>"
        "<w:hyperlink><w:r><w:t>（链接）</w:t></w:r></w:hyperlink></w:p>"
        "<w:p><w:r><w:br w:type='page'/><w:t>附件1</w:t></w:r></w:p>"
        + _p("附件2", "<w:pPr><w:pageBreakBefore/></w:pPr>")
    )
    doc = _extract_built(body)
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("联系人：\t张三\n电话（链接）", 1),
        ("附件1", 2),
        ("附件2", 3),
    ]
    assert doc.n_pages == 3


def test_grid_before_and_after_shift_columns_and_vmerge_spans_rows() -> None:
    def tc(text: str, props: str = "") -> str:
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text)}</w:tc>"

    body = (
        "<w:tbl><w:tblGrid>" + "<w:gridCol/>" * 4 + "</w:tblGrid>"
        "<w:tr>"
        + tc("类别", "<w:vMerge w:val='restart'/>")
        + tc("名称", "<w:gridSpan w:val='3'/>")
        + "</w:tr>"
        "<w:tr>" + tc("", "<w:vMerge/>") + tc("甲") + tc("乙") + "</w:tr>"
        "<w:tr><w:trPr><w:gridBefore w:val='2'/></w:trPr>" + tc("后") + "</w:tr>"
        "</w:tbl>" + _p("表后")
    )
    (table,) = _extract_built(body).tables
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells] == [
        ("类别", 0, 0, 2, 1),
        ("名称", 0, 1, 1, 3),
        ("甲", 1, 1, 1, 1),
        ("乙", 1, 2, 1, 1),
        ("后", 2, 2, 1, 1),
    ]
    assert (table.n_rows, table.n_cols) == (3, 4)


def test_nested_table_text_is_flattened_into_its_cell() -> None:
    cells = "<w:tc>" + _p("内一") + "</w:tc><w:tc>" + _p("内二") + "</w:tc>"
    inner = f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"
    body = "<w:tbl><w:tr><w:tc>" + _p("外") + inner + "</w:tc></w:tr></w:tbl>" + _p("尾")
    doc = _extract_built(body)
    assert len(doc.tables) == 1
    assert doc.tables[0].cells[0].text == "外\n内一\n内二"


def test_automatic_list_numbers_become_text_labels() -> None:
    numbering = (
        "<w:abstractNum w:abstractNumId='0'>"
        "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='chineseCounting'/>"
        "<w:lvlText w:val='%1、'/></w:lvl>"
        "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='decimal'/>"
        "<w:lvlText w:val='%2.'/></w:lvl></w:abstractNum>"
        "<w:num w:numId='5'><w:abstractNumId w:val='0'/></w:num>"
    )

    def item(text: str, level: int) -> str:
        props = f"<w:pPr><w:numPr><w:ilvl w:val='{level}'/><w:numId w:val='5'/></w:numPr></w:pPr>"
        return _p(text, props)

    body = item("总则", 0) + item("范围", 1) + item("对象", 1) + item("要求", 0) + item("时间", 1)
    doc = _extract_built(body, numbering=numbering)
    assert [b.text for b in doc.blocks] == ["一、总则", "1. 范围", "2. 对象", "二、要求", "1. 时间"]


# --- python-docx document model -------------------------------------------------------


def test_samples_are_opened_with_python_docx() -> None:
    from docx.oxml.table import CT_Tc

    for path in sorted(RAW.glob("*.docx")) + sorted(FORMS.glob("*.docx")):
        model = docx._open_model(path.read_bytes(), str(path))
        assert model is not None, path.name
        assert any(isinstance(tc, CT_Tc) for tc in model.element.iter(f"{{{W_NS}}}tc"))


def test_entity_declaration_in_any_part_is_refused_before_python_docx_parses() -> None:
    data = (RAW / "hubei_2025_call_for_topics.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/styles.xml")
    xml = xml.replace(b"?>", b'?><!DOCTYPE w:styles [<!ENTITY boom "boom">]>', 1)
    bad = _replace_member(data, "word/styles.xml", xml)
    with pytest.raises(UnsafeDocument, match=r"word/styles\.xml declares entities"):
        registry.extract(bad, source_uri="entity.docx")


def test_package_python_docx_refuses_is_read_from_its_parts() -> None:
    data = (RAW / "hubei_2026_plan.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "[Content_Types].xml":
                dst.writestr(info, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
    stripped = out.getvalue()
    assert docx._open_model(stripped, "stripped.docx") is None
    both = [registry.extract(d, source_uri="x.docx") for d in (data, stripped)]
    assert both[0].blocks == both[1].blocks
    assert both[0].tables == both[1].tables

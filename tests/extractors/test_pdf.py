"""The PDF extractor on the sample notices and filled forms, and on broken PDFs.

Bad files are made from the real samples (truncated) or written here byte by byte:
pypdfium2 and pdfminer cannot write encrypted PDFs, so `_write_pdf` builds a small
one with the standard security handler (RC4, revision 2) as the PDF spec defines it.
"""

from __future__ import annotations

import hashlib
import json
import struct
from functools import cache
from pathlib import Path

import pytest

from extractors import registry
from extractors.errors import CorruptDocument, EncryptedDocument, UnsafeDocument
from extractors.layout.lines import join_wrapped
from extractors.limits import Limits
from extractors.model import Block, Document, Table
from extractors.pdf import extract

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FORMS = ROOT / "tests" / "fixtures" / "forms"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "notices"


@cache
def _doc(path: Path) -> Document:
    data = path.read_bytes()
    return extract(
        data,
        doc_id=hashlib.sha256(data).hexdigest(),
        source_uri=str(path),
        limits=Limits(),
        media_type="pdf",
    )


def _read(data: bytes, *, limits: Limits | None = None) -> Document:
    return extract(data, doc_id="test", source_uri="test.pdf", limits=limits or Limits())


def _flat(text: str | None) -> str:
    return (text or "").replace("\n", "")


def _rows(table: Table) -> list[list[str]]:
    return [[_flat(text) for text in row] for row in table.grid(fill_merged=True)]


def _cell(table: Table, text: str) -> tuple[int, int, int, int]:
    """(row, col, rowspan, colspan) of the cell whose text, unwrapped, is `text`."""
    [cell] = [c for c in table.cells if _flat(c.text) == text]
    return cell.row, cell.col, cell.rowspan, cell.colspan


def _block(doc: Document, fragment: str) -> Block:
    [block] = [b for b in doc.blocks if fragment in b.text]
    return block


# --- project tables -------------------------------------------------------------


def test_hubei_2023_project_tables_unwrapped_equal_the_gold_projects() -> None:
    doc = _doc(RAW / "hubei_2023_plan.pdf")
    gold = json.loads((GOLD / "hubei_2023_plan.json").read_text(encoding="utf-8"))["projects"]
    tables = [t for t in doc.tables if _rows(t)[0] == ["申报单位", "承办单位", "项目名称"]]
    assert [len(t.cells) // 3 - 1 for t in tables] == [8, 2]
    extracted = [tuple(row) for table in tables for row in _rows(table)[1:]]
    expected = [(p["applicant_org"], p["host_org"], p["project_name"]) for p in gold]
    assert extracted == expected


def test_hubei_2023_wrapped_cell_keeps_its_line_breaks() -> None:
    doc = _doc(RAW / "hubei_2023_plan.pdf")
    texts = {cell.text for table in doc.tables for cell in table.cells}
    assert "静脉血栓栓塞症\n（VTE）防护治理管理\n体系的建设及实践研讨\n班" in texts


def test_hubei_2026_has_two_project_tables_in_funding_order() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    gold = json.loads((GOLD / "hubei_2026_plan.json").read_text(encoding="utf-8"))["projects"]
    tables = [t for t in doc.tables if _rows(t)[0] == ["序号", "项目名称", "承办单位"]]
    assert [(t.page, t.n_rows, t.n_cols) for t in tables] == [(6, 10, 3), (7, 4, 3)]
    for table, funding in zip(tables, ("财政资助", "自筹经费"), strict=True):
        expected = [
            [str(p["seq"]), p["project_name"], p["host_org"]]
            for p in gold
            if p["funding_type"] == funding
        ]
        assert _rows(table)[1:] == expected


def test_funding_heading_is_the_block_right_before_the_first_project_table() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    items = list(doc.items())
    first_table = next(i for i, item in enumerate(items) if isinstance(item, Table))
    before = items[first_table - 1]
    assert isinstance(before, Block)
    assert (before.text, before.kind, before.page) == ("财政资助项目（9期）", "heading", 6)


def test_landscape_sign_in_sheet_is_read_with_its_header() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    [table] = [t for t in doc.tables if t.page == 10]
    assert (table.n_rows, table.n_cols) == (11, 8)
    assert _rows(table)[0] == [
        "序号",
        "姓名",
        "身份证号",
        "联系电话",
        "工作单位",
        "专业技术职务(职称)",
        "是否收费",
        "签名",
    ]
    assert [row[0] for row in _rows(table)[1:]] == [str(n) for n in range(1, 11)]


# --- merged cells and tables over two pages -----------------------------------------


def test_call_for_topics_form_is_one_table_over_two_pages_with_spans() -> None:
    doc = _doc(RAW / "hubei_2025_call_for_topics.pdf")
    [form] = doc.tables
    assert (form.page, form.pages, form.n_cols) == (5, (5, 6), 5)
    applicant = _cell(form, "申报单位信息")
    host = _cell(form, "承办单位信息")
    assert (applicant[1], applicant[2], applicant[3]) == (0, 3, 1)
    assert (host[1], host[2], host[3]) == (0, 4, 1)
    # The page-5 rows span the column boundary that only page 6 draws.
    assert _cell(form, "(包括但不限于主题报告、专题研讨、学术交流、现场教学)")[2:] == (1, 4)
    assert _cell(form, "培训对象")[0] == applicant[0] - 1


def test_satisfaction_form_merged_cells_carry_spans() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    [form] = [t for t in doc.tables if t.page == 8]
    assert _cell(form, "评价项目") == (0, 0, 2, 1)
    assert _cell(form, "评价结果") == (0, 3, 1, 4)
    assert _cell(form, "服务管理评价")[2:] == (4, 2)
    assert form.grid()[1][0] is None  # covered by 评价项目


def test_budget_form_values_sit_next_to_their_labels() -> None:
    doc = _doc(FORMS / "budget_2026_grain_oil_nutrition.pdf")
    [form] = doc.tables
    rows = _rows(form)
    assert rows[0] == [
        "名称",
        "功能性粮油与营养健康食品研发及产业化高级研修班",
        "地点",
        "武汉市（武汉轻工大学常青校区）",
    ]
    assert _cell(form, "2026年7月7日至10日")[2:] == (1, 3)
    assert _cell(form, "项目资金决算")[2:] == (1, 4)
    assert rows[5] == ["住宿费", "51840", "48人×3晚×360元", "48人×3晚×360元"]
    assert rows[12][:2] == ["合计", "123000"]
    assert _cell(form, "经办人：彭晓岚") == (18, 0, 1, 1)


def test_exported_application_form_is_stitched_with_spans() -> None:
    doc = _doc(FORMS / "application_fujian_2026_smart_tea_export.pdf")
    [form] = doc.tables
    assert (form.pages, form.n_rows, form.n_cols) == ((1, 2), 13, 5)
    assert _cell(form, "智慧茶产业数字化技术高级研修班") == (0, 1, 1, 4)
    # Merged over four rows, the last on page 2: carried over the break, as in the DOCX.
    assert _cell(form, "承办单位信息")[2:] == (4, 1)
    row = _cell(form, "联系人")[0]
    assert _rows(form)[row][1:] == ["单位名称", "福建农林大学", "联系人", "林雅琪"]
    review = next(c for c in form.cells if c.text.startswith("同意推荐"))
    assert review.text == "同意推荐。\n（盖章）\n2026年2月13日"
    assert (review.rowspan, review.colspan) == (1, 4)


# --- text blocks ----------------------------------------------------------------


def test_title_lines_become_one_centred_heading() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    title = _block(doc, "高级研修项目计划的通知")
    assert title.text == "关于印发湖北省专业技术人员知识更新工程2026年高级研修项目计划的通知"
    assert (title.kind, title.page) == ("heading", 1)
    assert {"center", "large", "bold"} <= set(title.style)


def test_red_issuer_mark_and_doc_number_are_separate_centred_blocks() -> None:
    doc = _doc(RAW / "hubei_2023_plan.pdf")
    first, second = sorted(doc.blocks, key=lambda b: b.order)[:2]
    assert first.text == "湖北省人力资源和社会保障厅"
    assert {"red", "large", "center"} <= set(first.style)
    assert (second.text, second.style) == ("鄂人社函〔2023〕68号", ("center",))


def test_wrapped_body_paragraph_is_one_block_without_spaces() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    block = _block(doc, "每期上限13万元")
    assert "财政资助高研班每期上限13万元,不足部分由各单位配套" in block.text
    assert block.text.startswith("四、严格规范财务管理。")
    assert block.text.endswith("对10月10日之后办班的不再予以资助。")
    assert block.kind == "paragraph"


def test_justification_gaps_between_chinese_characters_are_not_spaces() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    assert "应通过湖北省专业技术人员继续教育公共服务平台（hbzsgx.hb12333.com）" in doc.text


def test_wrapped_lines_join_without_space_except_between_latin_words() -> None:
    assert join_wrapped("于2026年", "10月10日前") == "于2026年10月10日前"
    assert join_wrapped("人工智能", "(AI)") == "人工智能(AI)"
    assert join_wrapped("Knowledge", "Renewal") == "Knowledge Renewal"


def test_paragraph_cut_by_a_page_break_is_joined() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    block = _block(doc, "服务具身智能、第六代移动通信（6G）")
    assert block.page == 1
    assert block.text.endswith("培养造就一批创新型、应用型、技术技能型人才。")


def test_signature_issuer_and_date_are_blocks_of_their_own() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    blocks = sorted(doc.blocks, key=lambda b: b.order)
    date = next(i for i, b in enumerate(blocks) if b.text == "2026年4月21日")
    assert blocks[date - 1].text == "湖北省人力资源和社会保障厅"
    assert all("right" in b.style and b.page == 5 for b in blocks[date - 1 : date + 1])


def test_long_issuer_signature_stands_right() -> None:
    doc = _doc(RAW / "fujian_2026_call_for_applications.pdf")
    issuer = next(b for b in doc.blocks if b.text == "福建省人力资源和社会保障厅办公室")
    date = next(b for b in doc.blocks if b.text == "2026年1月5日")
    assert "right" in issuer.style and "right" in date.style
    assert date.order == issuer.order + 1


def test_attachment_label_at_the_top_of_a_page_is_its_own_block() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    labels = [
        (b.page, b.text) for b in doc.blocks if b.text.startswith("附件") and len(b.text) <= 3
    ]
    assert labels == [
        (6, "附件1"),
        (8, "附件2"),
        (9, "附件3"),
        (10, "附件4"),
        (11, "附件5"),
        (12, "附件6"),
    ]


def test_attachment_list_items_are_joined_over_their_hanging_indent() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    assert (
        _block(doc, "附件：1.").text
        == "附件：1. 湖北省专业技术人员知识更新工程2026年高级研修项目计划"
    )
    assert (
        _block(doc, "4. 专业技术").text == "4. 专业技术人员知识更新工程高级研修项目研修人员签到表"
    )


def test_footer_page_numbers_are_dropped() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    assert not [b.text for b in doc.blocks if "—" in b.text and len(b.text) <= 8]


def test_document_carries_pages_order_and_metadata_title() -> None:
    doc = _doc(RAW / "hubei_2026_plan.pdf")
    orders = [item.order for item in doc.items()]
    assert orders == list(range(len(orders)))
    pages = [item.page or 0 for item in doc.items()]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == 12
    assert doc.n_pages == 12
    assert doc.title == "关于印发湖北省专业技术人员知识更新工程2026年高级研修项目计划的通知"
    assert doc.problems == ()


def test_notice_that_is_itself_an_attachment_starts_with_its_label() -> None:
    doc = _doc(RAW / "fujian_2026_call_for_applications.pdf")
    first = min(doc.blocks, key=lambda b: b.order)
    assert (first.text, first.kind, first.page) == ("附件", "heading", 1)


def test_registry_dispatches_pdf_bytes_to_this_extractor() -> None:
    data = (FORMS / "budget_2026_grain_oil_nutrition.pdf").read_bytes()
    doc = registry.extract(data, source_uri="https://example.org/files/budget.pdf")
    assert doc.media_type == "pdf"
    assert doc.doc_id == hashlib.sha256(data).hexdigest()
    assert [b.text for b in sorted(doc.blocks, key=lambda b: b.order)][2:4] == [
        "填报单位：武汉轻工大学",
        "填报时间：2026年7月22日",
    ]


# --- a table written here: a repeated header over a page break -------------------------


def _ruled_page(rows: list[tuple[str, str]], top: float) -> bytes:
    """A two-column ruled table, one row per (left, right) text pair, from y=`top` down."""
    ops = ["0.5 w"]
    height = 20
    bottom = top - height * len(rows)
    for i in range(len(rows) + 1):
        y = top - i * height
        ops.append(f"72 {y} m 372 {y} l S")
    for x in (72, 172, 372):
        ops.append(f"{x} {top} m {x} {bottom} l S")
    for i, (left, right) in enumerate(rows):
        y = top - i * height - 14
        ops.append(f"BT /F1 10 Tf 78 {y} Td ({left}) Tj ET")
        ops.append(f"BT /F1 10 Tf 178 {y} Td ({right}) Tj ET")
    return "\n".join(ops).encode()


def test_table_continued_on_next_page_is_stitched_and_repeated_header_dropped() -> None:
    header = ("Seq", "Project")
    first = _ruled_page([header, ("1", "Alpha"), ("2", "Beta")], top=200)
    second = _ruled_page([header, ("3", "Gamma")], top=780)
    doc = _read(_write_pdf([first, second]))
    [table] = doc.tables
    assert table.pages == (1, 2)
    assert table.grid() == [["Seq", "Project"], ["1", "Alpha"], ["2", "Beta"], ["3", "Gamma"]]


def test_tables_separated_by_text_are_not_stitched() -> None:
    first = _ruled_page([("Seq", "Project"), ("1", "Alpha")], top=200)
    second = b"BT /F1 12 Tf 72 800 Td (Other projects) Tj ET\n" + _ruled_page(
        [("Seq", "Project"), ("1", "Gamma")], top=760
    )
    doc = _read(_write_pdf([first, second]))
    assert [t.pages for t in doc.tables] == [(1,), (2,)]
    assert [type(item).__name__ for item in doc.items()] == ["Table", "Block", "Table"]


def test_page_with_only_an_image_is_reported_as_needing_ocr() -> None:
    scan = b"q 400 0 0 600 72 100 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \xff EI Q"
    doc = _read(_write_pdf([b"BT /F1 12 Tf 72 720 Td (Cover) Tj ET", scan, b""]))
    assert doc.problems == ("page 2 has no text layer, only images (OCR needed)",)
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "Cover")]
    assert doc.n_pages == 3


# --- errors ---------------------------------------------------------------------


def test_pdf_that_needs_a_password_raises_encrypted() -> None:
    data = _write_pdf([b"BT /F1 12 Tf 72 720 Td (Secret plan) Tj ET"], user_password=b"s3cret")
    with pytest.raises(EncryptedDocument, match=r"^encrypted PDF: a password is needed$"):
        _read(data)


def test_pdf_encrypted_with_an_empty_user_password_is_read() -> None:
    data = _write_pdf([b"BT /F1 12 Tf 72 720 Td (Open plan 2026) Tj ET"], user_password=b"")
    assert b"/Encrypt" in data and b"Open plan" not in data
    assert _read(data).text == "Open plan 2026"


def test_truncated_pdf_raises_corrupt_with_the_reason() -> None:
    data = (RAW / "hubei_2026_plan.pdf").read_bytes()
    with pytest.raises(CorruptDocument, match=r"^corrupt PDF: the file is cut short"):
        _read(data[: len(data) // 2])


def test_garbage_after_a_pdf_header_raises_corrupt() -> None:
    data = b"%PDF-1.7\n" + bytes((i * 37) % 256 for i in range(4000))
    with pytest.raises(CorruptDocument, match=r"^corrupt PDF: No /Root object"):
        _read(data)


def test_pdf_over_the_page_limit_is_refused_before_parsing() -> None:
    data = (RAW / "hubei_2026_plan.pdf").read_bytes()
    with pytest.raises(UnsafeDocument, match="12 pages, more than the limit 5"):
        _read(data, limits=Limits(max_pages=5))


# --- a minimal PDF writer, with the standard security handler (RC4, R2) ------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_FILE_ID = hashlib.md5(b"noticeflow test").digest()  # the PDF spec says MD5


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _write_pdf(contents: list[bytes], *, user_password: bytes | None = None) -> bytes:
    """A PDF with one page per content stream (Helvetica as /F1), optionally encrypted."""
    n_pages = len(contents)
    page_ids = [4 + 2 * i for i in range(n_pages)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % n for n in page_ids), n_pages),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    key = b""
    trailer_extra = b""
    if user_password is not None:
        permissions = struct.pack("<i", -4)
        owner_key = hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5]
        owner_entry = _rc4(owner_key, (user_password + _PAD)[:32])
        key = hashlib.md5(
            (user_password + _PAD)[:32] + owner_entry + permissions + _FILE_ID
        ).digest()[:5]
        encrypt_id = 4 + 2 * n_pages
        objects[encrypt_id] = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (
            owner_entry.hex().encode(),
            _rc4(key, _PAD).hex().encode(),
        )
        trailer_extra = b" /Encrypt %d 0 R" % encrypt_id
    for page_id, stream in zip(page_ids, contents, strict=True):
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        if key:
            object_key = hashlib.md5(key + struct.pack("<i", page_id + 1)[:3] + b"\0\0")
            stream = _rc4(object_key.digest()[:10], stream)
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        _FILE_ID.hex().encode(),
        _FILE_ID.hex().encode(),
        trailer_extra,
        xref,
    )
    return bytes(out)


def test_cjk_radical_code_points_read_as_the_characters_they_draw() -> None:
    # Chromium/Skia with Noto CJK maps glyphs shared with radicals to the radical.
    from extractors.layout.lines import line_text

    chars = [
        {"text": ch, "x0": 10.0 * i, "x1": 10.0 * i + 10, "size": 10.0}
        for i, ch in enumerate("⼴⻄⼈⼒资源⾼级研修项⽬")
    ]
    assert line_text(chars) == "广西人力资源高级研修项目"


def test_sans_body_face_is_not_bold() -> None:
    from extractors.layout.blocks import PageLines, plain_sans_body
    from extractors.layout.lines import TextLine

    def line(text: str, *, bold: bool, heavy: bool) -> TextLine:
        return TextLine(0, 10, 0, 100, 10.0, text, bold, False, len(text), heavy)

    lines = [line("正文" * 20, bold=True, heavy=False), line("标题", bold=True, heavy=True)]
    plain_sans_body([PageLines(page=1, width=600, height=800, lines=lines)])
    assert [item.bold for item in lines] == [False, True]
    # A 宋体 body with 黑体 headings keeps the headings bold.
    serif = [line("正文" * 20, bold=False, heavy=False), line("一、标题", bold=True, heavy=False)]
    plain_sans_body([PageLines(page=1, width=600, height=800, lines=serif)])
    assert [item.bold for item in serif] == [False, True]

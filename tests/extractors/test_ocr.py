"""OCR of scanned PDFs and images, on scans made from `data/raw/hubei_2026_plan.pdf`.

The fixtures in `tests/fixtures/scans/` are written by `make_scans.py` (run it by
hand): a six-page image-only PDF turned by 0.7° with noise and JPEG artefacts, a
grey PNG of the 自筹经费 table turned by -0.5°, and a two-page bilevel G4 TIFF.
A PDF whose fonts lose their ToUnicode maps is made here from the sample itself.

OCR takes seconds per page, so each document is read once per module (`slow`);
the rule-finding, deskew and text-layer checks run without the OCR models.
"""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pdfplumber
import pypdfium2
import pytest
from PIL import Image

from extractors import registry
from extractors.limits import Limits
from extractors.model import Block, Document, Table
from extractors.ocr.engine import OcrBox, estimate_skew, read_regions
from extractors.ocr.lines import group_lines, line_text, mend_gaps
from extractors.ocr.tables import find_grids
from extractors.pdf import extract as extract_pdf
from extractors.pdf.textlayer import inspect_page, text_layer_usable

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SCANS = ROOT / "tests" / "fixtures" / "scans"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "notices" / "hubei_2026_plan.json"
HEADER = ["序号", "项目名称", "承办单位"]


def _fold(text: str | None) -> str:
    """Text compared the way OCR can be held to: no blanks or breaks, NFKC widths
    (a scan cannot tell "：" from ":")."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _distance(a: str, b: str) -> int:
    """Levenshtein distance: characters inserted, dropped or misread."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _gold_projects() -> list[dict[str, object]]:
    projects: list[dict[str, object]] = json.loads(GOLD.read_text(encoding="utf-8"))["projects"]
    return projects


def _project_tables(doc: Document) -> list[Table]:
    return [t for t in doc.tables if [_fold(x) for x in t.grid()[0]] == HEADER]


def _rows(table: Table) -> list[list[str]]:
    return [[_fold(x) for x in row] for row in table.grid(fill_merged=True)[1:]]


def _block(doc: Document, fragment: str) -> Block:
    [block] = [b for b in doc.blocks if _fold(fragment) in _fold(b.text)]
    return block


def _read(path: Path, *, limits: Limits | None = None) -> Document:
    return registry.extract(path.read_bytes(), source_uri=str(path), limits=limits)


def _broken_text_layer_pdf(page: int) -> bytes:
    """One page of the sample whose fonts lost their ToUnicode maps: pdfium still
    draws the embedded glyphs, pdfminer reads only "(cid:N)"."""
    source = pypdfium2.PdfDocument(RAW / "hubei_2026_plan.pdf")
    single = pypdfium2.PdfDocument.new()
    single.import_pages(source, [page - 1])
    buffer = io.BytesIO()
    single.save(buffer)
    data = buffer.getvalue()
    assert b"/ToUnicode" in data
    return data.replace(b"/ToUnicode", b"/ToUnicodX")  # same length: offsets hold


@pytest.fixture(scope="module")
def scan() -> Document:
    return _read(SCANS / "hubei_2026_plan_scan.pdf")


# --- scanned PDF: text -------------------------------------------------------------


@pytest.mark.slow
def test_scanned_pdf_is_read_by_ocr_with_high_confidence(scan: Document) -> None:
    assert scan.media_type == "pdf" and scan.n_pages == 6
    assert scan.ocr_used is True
    assert scan.ocr_confidence is not None and scan.ocr_confidence > 0.95
    assert scan.problems == ()


@pytest.mark.slow
def test_scanned_pdf_title_number_and_red_header(scan: Document) -> None:
    header, number, title = sorted(scan.blocks, key=lambda b: b.order)[:3]
    assert header.text == "湖北省人力资源和社会保障厅"
    assert "red" in header.style and "center" in header.style
    assert number.text == "鄂人社函〔2026〕51号"
    assert title.text == "关于印发湖北省专业技术人员知识更新工程2026年高级研修项目计划的通知"
    assert title.kind == "heading" and title.page == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "page"),
    [
        ("财政资助高研班每期上限13万元", 3),
        ("每期高级研修项目研修时间不少于4天(含报到和离开时间),每期研修人数不少于40人。", 2),
        ("严格按照计划实施高级研修项目，于2026年10月10日前完成办班", 2),
        ("承办单位应在办班结束15日内通过管理平台提交学员满意度测评统计表", 2),
        ("承办单位应在办班结束后15日内将经费报销材料报省人社厅专业技术人员职称处", 3),
    ],
)
def test_scanned_pdf_rule_sentences_are_in_their_paragraphs(
    scan: Document, sentence: str, page: int
) -> None:
    block = _block(scan, sentence)
    assert block.page == page and block.kind == "paragraph"


@pytest.mark.slow
def test_scanned_pdf_paragraph_continues_over_the_page_break(scan: Document) -> None:
    block = _block(scan, "一、聚焦重点领域培养人才")
    assert block.page == 1
    assert _fold(block.text).endswith("培养造就一批创新型、应用型、技术技能型人才。")


@pytest.mark.slow
def test_scanned_pdf_signature_and_attachment_list(scan: Document) -> None:
    standing_right = [(b.page, b.text) for b in scan.blocks if "right" in b.style]
    assert standing_right == [(4, "湖北省人力资源和社会保障厅"), (4, "2026年4月21日")]
    assert _fold(_block(scan, "附件：").text) == _fold(
        "附件：1.湖北省专业技术人员知识更新工程2026年高级研修项目计划"
    )
    assert _block(scan, "总结报告提纲").text.startswith("6.")


# --- scanned PDF: tables -----------------------------------------------------------


@pytest.mark.slow
def test_scanned_pdf_project_tables_have_their_grid(scan: Document) -> None:
    tables = _project_tables(scan)
    assert [(t.page, t.n_rows, t.n_cols) for t in tables] == [(5, 10, 3), (6, 4, 3)]
    assert [[row[0] for row in _rows(t)] for t in tables] == [
        [str(n) for n in range(1, 10)],
        ["1", "2", "3"],
    ]


@pytest.mark.slow
def test_scanned_pdf_project_names_and_hosts_match_the_gold(scan: Document) -> None:
    rows = [row for table in _project_tables(scan) for row in _rows(table)]
    gold = _gold_projects()
    assert len(rows) == len(gold) == 12
    pairs = list(zip(rows, gold, strict=True))
    name_errors = [_distance(r[1], _fold(str(g["project_name"]))) for r, g in pairs]
    host_errors = [_distance(r[2], _fold(str(g["host_org"]))) for r, g in pairs]
    assert max(name_errors) <= 1 and max(host_errors) <= 1
    assert name_errors.count(0) >= 11 and host_errors.count(0) == 12


@pytest.mark.slow
def test_scanned_pdf_wrapped_cell_keeps_its_line_break(scan: Document) -> None:
    [cell] = [c for t in scan.tables for c in t.cells if c.text.startswith("《工程技术人员")]
    assert cell.text.split("\n") == [
        "《工程技术人员继续教育规定》解读",
        "与湖北工程师队伍高质量发展实践高",
        "级研修班",
    ]


@pytest.mark.slow
def test_scanned_pdf_normalizes_to_the_gold_notice(scan: Document) -> None:
    from normalizers.pipeline import normalize

    result = normalize(scan, pii_key=b"k")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    assert (result.role, result.kind) == ("notice", "plan")
    records: list[Any] = list(result.records)
    [notice] = [r for r in records if type(r).__name__ == "Notice"]
    assert notice.doc_number == "鄂人社函〔2026〕51号"
    assert str(notice.issued_date) == "2026-04-21"
    assert notice.title == gold["notice"]["title"]
    terms = {r.term: r for r in records if type(r).__name__ == "PolicyTerm"}
    assert terms["funding_cap"].value_max == 130000
    assert terms["duration_days"].value_min >= 4
    assert terms["participants"].value_min >= 40
    assert str(terms["completion_deadline"].value_date) == "2026-10-10"
    assert terms["report_window_days"].value_max == 15
    assert terms["reimbursement_window_days"].value_max == 15
    projects = [r for r in records if type(r).__name__ == "PlanProject"]
    assert [(p.funding_type, p.seq, p.host_org) for p in projects] == [
        (g["funding_type"], g["seq"], g["host_org"]) for g in gold["projects"]
    ]
    for project, expected in zip(projects, gold["projects"], strict=True):
        assert _distance(_fold(project.project_name), _fold(expected["project_name"])) <= 1


# --- images ------------------------------------------------------------------------


@pytest.mark.slow
def test_png_table_screenshot_is_read_into_its_table() -> None:
    doc = _read(SCANS / "hubei_2026_plan_table.png")
    assert (doc.media_type, doc.n_pages, doc.ocr_used) == ("png", 1, True)
    assert doc.ocr_confidence is not None and doc.ocr_confidence > 0.95
    assert _fold(doc.blocks[0].text) == _fold("自筹经费项目（3期）")
    [table] = _project_tables(doc)
    gold = [g for g in _gold_projects() if g["funding_type"] == "自筹经费"]
    assert _rows(table) == [
        [str(g["seq"]), _fold(str(g["project_name"])), _fold(str(g["host_org"]))] for g in gold
    ]


@pytest.mark.slow
def test_multipage_bilevel_tiff_pages_are_read_in_order() -> None:
    doc = _read(SCANS / "hubei_2026_plan_header.tiff")
    assert (doc.media_type, doc.n_pages, doc.ocr_used) == ("tiff", 2, True)
    texts = [(b.page, b.text) for b in sorted(doc.blocks, key=lambda b: b.order)]
    assert texts[:3] == [
        (1, "湖北省人力资源和社会保障厅"),
        (1, "鄂人社函〔2026〕51号"),
        (1, "关于印发湖北省专业技术人员知识更新工程2026年高级研修项目计划的通知"),
    ]
    assert texts[-2:] == [(2, "湖北省人力资源和社会保障厅"), (2, "2026年4月21日")]
    assert sum(1 for page, text in texts if page == 2 and "专业技术人员" in text) == 6


def test_image_with_ocr_turned_off_is_refused_with_a_reason() -> None:
    from extractors.errors import UnsupportedFormat

    with pytest.raises(UnsupportedFormat, match=r"^PNG image not read: OCR is turned off"):
        _read(SCANS / "hubei_2026_plan_table.png", limits=Limits(ocr=False))


def test_cut_short_images_raise_corrupt_with_the_reason() -> None:
    from extractors.errors import CorruptDocument

    png = (SCANS / "hubei_2026_plan_table.png").read_bytes()
    with pytest.raises(CorruptDocument, match=r"^corrupt PNG image: image file is truncated"):
        registry.extract(png[: len(png) // 2], source_uri="table.png")
    with pytest.raises(CorruptDocument, match=r"^corrupt PNG image: its header cannot be read"):
        registry.extract(png[:40], source_uri="table.png")


# --- broken text layer -------------------------------------------------------------


def test_text_layer_of_cid_or_replacement_glyphs_is_unusable() -> None:
    assert not text_layer_usable(["(cid:12)", "(cid:40)", "附", " "])
    assert not text_layer_usable(["\ufffd", "\ufffd", "\ue001", "件"])
    assert not text_layer_usable([" ", ""])
    assert text_layer_usable(["附", "件", "(cid:3)"])


def test_pdf_with_cid_glyphs_is_detected_and_reported_without_ocr() -> None:
    data = _broken_text_layer_pdf(5)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars, scan = inspect_page(pdf.pages[0])
        assert pdf.pages[0].chars[0]["text"].startswith("(cid:")
    assert chars == [] and scan is not None and scan.readable
    doc = extract_pdf(data, doc_id="t", source_uri="broken.pdf", limits=Limits(ocr=False))
    assert doc.problems == (
        "page 1 has no usable text layer (its fonts map to no characters) (OCR needed)",
    )
    assert doc.blocks == () and doc.ocr_used is False


def test_scanned_pdf_without_ocr_reports_every_page() -> None:
    doc = _read(SCANS / "hubei_2026_plan_scan.pdf", limits=Limits(ocr=False))
    assert doc.problems == tuple(
        f"page {n} has no text layer, only images (OCR needed)" for n in range(1, 7)
    )
    assert doc.ocr_used is False and doc.blocks == ()


@pytest.mark.slow
def test_pdf_with_cid_glyphs_is_read_by_ocr() -> None:
    data = _broken_text_layer_pdf(5)
    doc = extract_pdf(data, doc_id="t", source_uri="broken.pdf", limits=Limits())
    assert doc.ocr_used is True and doc.problems == ()
    assert doc.ocr_confidence is not None and doc.ocr_confidence > 0.95
    assert "(cid:" not in doc.text
    texts = [b.text for b in doc.blocks]
    assert texts[-4:-2] == ["湖北省人力资源和社会保障厅", "2026年4月21日"]
    assert _fold(texts[0]) == _fold("附件：1.湖北省专业技术人员知识更新工程2026年高级研修项目计划")


# --- punctuation lost between two detection boxes ----------------------------------


@pytest.mark.slow
def test_dash_dropped_between_two_boxes_is_read_back() -> None:
    """At rapidocr's default sizes the detector cut "智汇赋能——湖北" at the dash on
    the clean page; the two halves are given here as the boxes of their glyphs."""
    path = RAW / "hubei_2026_plan.pdf"
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[5].chars
    start = next(i for i, c in enumerate(chars) if c["text"] == "“")
    assert "".join(c["text"] for c in chars[start : start + 15]) == "“经法管”智汇赋能——湖北未来产"
    scale = 200 / 72

    def box(glyphs: list[dict[str, Any]]) -> OcrBox:
        return OcrBox(
            min(c["x0"] for c in glyphs) * scale,
            min(c["top"] for c in glyphs) * scale,
            max(c["x1"] for c in glyphs) * scale,
            max(c["bottom"] for c in glyphs) * scale,
            "".join(c["text"] for c in glyphs),
            1.0,
        )

    left, right = box(chars[start : start + 9]), box(chars[start + 10 : start + 15])
    image = cv2.cvtColor(_render(path, 6), cv2.COLOR_GRAY2BGR)
    [line] = mend_gaps([[left, right]], lambda regions: read_regions(image, regions))
    assert [b.text for b in line] == ["“经法管”智汇赋能——湖北未来产"]
    assert (line[0].x0, line[0].x1) == (left.x0, right.x1)


def test_words_of_a_line_are_joined_without_spaces_between_chinese() -> None:
    boxes = [
        OcrBox(300, 10, 420, 50, "年 月", 0.9),
        OcrBox(100, 12, 250, 48, "填报时间：", 0.9),
        OcrBox(430, 11, 470, 49, "日", 0.9),
        OcrBox(100, 80, 300, 120, "hbzsgx.hb12333.com", 0.9),
    ]
    lines = group_lines(boxes)
    assert [line_text(line) for line in lines] == ["填报时间： 年月日", "hbzsgx.hb12333.com"]


@pytest.mark.parametrize(
    ("read", "text"),
    [
        ("（鄂人社发[2022]56号）", "（鄂人社发〔2022〕56号）"),
        ("鄂人社函〔2026] 51号", "鄂人社函〔2026〕51号"),
        ("[2022]56号）规定", "〔2022〕56号）规定"),
        ("见附件[2]", "见附件[2]"),  # no year and no 号: a reference mark stays
        ("2026年[2026]版", "2026年[2026]版"),
    ],
)
def test_square_brackets_round_a_doc_number_year_are_liu_jiao_brackets(
    read: str, text: str
) -> None:
    """The recogniser reads 〔〕 round a 文号's year as [] about half the time."""
    assert line_text([OcrBox(0, 0, 400, 40, read, 0.9)]) == text


# --- deskew and ruled tables, no OCR -----------------------------------------------


def _render(path: Path, page: int) -> np.ndarray:
    pdf = pypdfium2.PdfDocument(path)
    try:
        bitmap = pdf[page - 1].render(scale=200 / 72)
        return cv2.cvtColor(np.ascontiguousarray(bitmap.to_numpy()[:, :, :3]), cv2.COLOR_BGR2GRAY)
    finally:
        pdf.close()


@pytest.mark.parametrize("page", [1, 2, 5])
def test_skew_of_the_scan_is_measured_on_text_and_rules(page: int) -> None:
    assert estimate_skew(_render(SCANS / "hubei_2026_plan_scan.pdf", page)) == pytest.approx(
        0.7, abs=0.1
    )


def test_skew_of_a_straight_page_and_of_a_clockwise_turn() -> None:
    assert abs(estimate_skew(_render(RAW / "hubei_2026_plan.pdf", 6))) < 0.15
    png = np.asarray(Image.open(SCANS / "hubei_2026_plan_table.png").convert("L"))
    assert estimate_skew(png) == pytest.approx(-0.5, abs=0.1)


@pytest.mark.parametrize(
    "name", ["hubei_2026_plan.pdf", "hubei_2023_plan.pdf", "fujian_2026_call_for_applications.pdf"]
)
def test_grid_from_ruling_lines_equals_the_pdf_tables(name: str) -> None:
    """Each one-page table the PDF extractor builds from vector rules (merged cells
    included) comes out of the rendered page image with the same cells and spans."""
    path = RAW / name
    data = path.read_bytes()
    doc = extract_pdf(data, doc_id="t", source_uri=name, limits=Limits())
    single = [t for t in doc.tables if len(t.pages) == 1]
    assert single
    for table in single:
        grids = find_grids(_render(path, table.page or 1), char_height=40)
        expected = {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells}
        found = [{(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells} for grid in grids]
        assert expected in found, f"{name} page {table.page}"

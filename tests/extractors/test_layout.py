"""Layout classes of PDF pages: columns, paper sizes, landscape and rotated pages, merged
cells cut by a page break. Fixtures: `tests/fixtures/layout/` (see `make_layout.py`);
their gold is checked end to end in `tests/normalizers/test_layout_gold.py`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from extractors.layout.columns import read_lines
from extractors.layout.lines import group_lines, make_line
from extractors.layout.tables import RawCell, RawTable, stitch, to_table
from extractors.model import Document, Table
from extractors.pdf import read_page as _read_page
from extractors.registry import extract

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = ROOT / "tests" / "fixtures" / "layout"
VARIANTS = ROOT / "tests" / "fixtures" / "variants"


@cache
def _doc(path: Path) -> Document:
    return extract(path.read_bytes(), source_uri=str(path))


def _block_texts(doc: Document) -> list[str]:
    return [b.text for b in sorted(doc.blocks, key=lambda b: b.order)]


# -- synthetic glyphs ------------------------------------------------------------------
def _glyphs(text: str, x: float, top: float, size: float = 12.0) -> list[dict[str, Any]]:
    return [
        {
            "text": ch,
            "x0": x + i * size,
            "x1": x + (i + 1) * size,
            "top": top,
            "bottom": top + size,
            "size": size,
            "fontname": "SimSun",
            "non_stroking_color": (0, 0, 0),
        }
        for i, ch in enumerate(text)
    ]


def _two_columns(rows: int = 8) -> list[dict[str, Any]]:
    chars = _glyphs("关于印发两栏排版通知的标题文字居中排列占满整行宽度", 60, 40)
    for r in range(rows):
        top = 80 + r * 20
        left = "左栏正文第" + "一二三四五六七八九十"[r] + "行文字排满"
        right = "右栏正文第" + "一二三四五六七八九十"[r] + "行文字排满"
        chars += _glyphs(left, 60, top) + _glyphs(right, 270, top)
    return chars


def test_two_columns_are_read_one_after_the_other() -> None:
    lines = read_lines(_two_columns())
    texts = [line.text for line in lines]
    assert texts[0].startswith("关于印发")
    assert texts[1:9] == [f"左栏正文第{n}行文字排满" for n in "一二三四五六七八"]
    assert texts[9:] == [f"右栏正文第{n}行文字排满" for n in "一二三四五六七八"]
    assert lines[0].frame is None
    assert {line.frame for line in lines[1:9]} == {(60.0, 60.0 + 11 * 12)}


def test_single_column_page_gives_exactly_the_lines_it_gave_before() -> None:
    chars: list[dict[str, Any]] = []
    for r in range(10):
        chars += _glyphs(
            "这是单栏正文的一行文字，从左边距一直排到右边距为止共三十字整齐", 60, 80 + r * 20
        )
    before = [make_line(group) for group in group_lines(chars)]
    after = read_lines(chars)
    assert [(line.text, line.x0, line.top) for line in after] == [
        (line.text, line.x0, line.top) for line in before
    ]
    assert all(line.frame is None for line in after)


def test_key_value_lines_with_a_gap_are_no_columns() -> None:
    # "联系人：…      电话：…" lines leave the middle empty but are no running text.
    chars: list[dict[str, Any]] = []
    pairs = [
        ("联系人：张三", "电话：12345"),
        ("单位：某某大学", "邮箱：无"),
        ("地址：某路", "邮编：1"),
    ]
    for r, (left, right) in enumerate(pairs * 2):
        chars += _glyphs(left, 60, 80 + r * 20) + _glyphs(right, 300, 80 + r * 20)
    lines = read_lines(chars)
    assert all(line.frame is None for line in lines)
    assert lines[0].text == "联系人：张三 电话：12345"


@pytest.mark.parametrize(
    "path",
    [
        VARIANTS / "jiangsu_2024_plan.pdf",
        VARIANTS / "mohrss_2019_plan.pdf",
        LAYOUT / "hebei_2025_plan_merged_hosts.pdf",
        ROOT / "tests" / "fixtures" / "forms" / "budget_2026_grain_oil_nutrition.pdf",
    ],
    ids=lambda p: p.name,
)
def test_pages_in_one_column_with_wide_tables_are_not_split(path: Path) -> None:
    """Negative control: pages with wide ruled tables and single-column text."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            part = _read_page(page)
            assert all(line.frame is None for line in part.lines.lines), page.page_number


def test_two_column_notice_keeps_its_paragraphs_citation_attachments_and_date() -> None:
    doc = _doc(LAYOUT / "jiangsu_2024_plan_two_columns.pdf")
    texts = _block_texts(doc)
    body = next(t for t in texts if t.startswith("为贯彻落实"))
    assert "（苏人社发〔2021〕103号）有关要求" in body
    assert body.endswith("并就有关事项通知如下。")
    letter = texts[: texts.index("附件1")]
    heads = [t[:2] for t in letter if t[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert heads == ["一、", "二、", "三、", "四、", "五、"]
    attachments = next(t for t in texts if t.startswith("附件："))
    assert "1.江苏省专业技术人才知识更新工程2024年高级研修项目计划表" in attachments
    assert "3.高级研修项目总结报告提纲" in attachments
    assert texts.index("江苏省人力资源和社会保障厅") < texts.index("二〇二四年三月五日")
    assert texts.index("二〇二四年三月五日") < texts.index("附件1")


@pytest.mark.parametrize(
    ("name", "width"),
    [("chengdu_2023_plan_16k.pdf", 522), ("zhejiang_2026_call_for_topics_letter.pdf", 612)],
)
def test_other_paper_sizes_read_like_a4(name: str, width: int) -> None:
    path = LAYOUT / name
    with pdfplumber.open(path) as pdf:
        assert round(pdf.pages[0].width) == width
    doc = _doc(path)
    texts = _block_texts(doc)
    # Page numbers in the footer zone stay page furniture on any paper size.
    assert not any(t.strip("— -").isdigit() for t in texts)
    assert doc.problems == ()


def _form(doc: Document) -> Table:
    return next(t for t in doc.tables if t.grid()[0][0] == "项目名称")


def test_landscape_form_page_reads_in_its_own_orientation() -> None:
    doc = _doc(LAYOUT / "beijing_2023_call_for_applications_landscape.pdf")
    form = _form(doc)
    assert form.page == 3
    assert [row[0] for row in form.grid()][:4] == ["项目名称", "办班时间", "申报单位", "承办单位"]
    assert form.cell_at(0, 1) is not None and form.cell_at(0, 1).colspan == 3  # type: ignore[union-attr]


def test_rotated_page_reads_as_the_landscape_page_it_shows() -> None:
    landscape = _doc(LAYOUT / "beijing_2023_call_for_applications_landscape.pdf")
    rotated = _doc(LAYOUT / "beijing_2023_call_for_applications_rotated.pdf")
    with pdfplumber.open(LAYOUT / "beijing_2023_call_for_applications_rotated.pdf") as pdf:
        assert pdf.pages[2].rotation == 90
    assert _block_texts(rotated) == _block_texts(landscape)
    assert _form(rotated).cells == _form(landscape).cells


def test_merged_host_cell_is_carried_over_the_page_break() -> None:
    doc = _doc(LAYOUT / "hebei_2025_plan_merged_hosts.pdf")
    funded, self_funded = doc.tables[:2]
    assert len(funded.pages) == 2 and len(self_funded.pages) == 2
    # No repeated header: the host of the last classes runs on over the break.
    hosts = [row[2] for row in funded.grid(fill_merged=True)[1:]]
    assert hosts[-3:] == ["河北师范大学"] * 3
    assert all(hosts)
    # Repeated header: the 主管部门 grouping runs on under it.
    departments = [row[1] for row in self_funded.grid(fill_merged=True)[1:]]
    assert all(departments)
    assert departments[-6:] == ["河北省工业和信\n息化厅"] * 6


def test_xinjiang_category_cell_cut_by_the_page_break_is_one_cell() -> None:
    doc = _doc(VARIANTS / "xinjiang_2022_plan.pdf")
    table = next(t for t in doc.tables if len(t.pages) == 2)
    cell = next(c for c in table.cells if c.text == "自筹经费")
    assert cell.rowspan == 16


# -- stitching, synthetic --------------------------------------------------------------
def _cell(x0: float, x1: float, top: float, bottom: float, text: str, **kw: Any) -> RawCell:
    return RawCell(x0, top, x1, bottom, text=text, **kw)


def _part(page: int, cells: list[RawCell]) -> RawTable:
    xs = sorted({c.x0 for c in cells} | {c.x1 for c in cells})
    top = min(c.top for c in cells)
    bottom = max(c.bottom for c in cells)
    return RawTable([page], cells, top, (xs[0], top, xs[-1], bottom), xs)


def _previous(third: list[str]) -> RawTable:
    return _part(
        1,
        [
            _cell(0, 50, 0, 20, "序号"),
            _cell(50, 200, 0, 20, "项目名称"),
            _cell(200, 300, 0, 20, "备注"),
            _cell(0, 50, 20, 40, "1"),
            _cell(50, 200, 20, 40, "甲班"),
            _cell(200, 300, 20, 40, third[0]),
            _cell(0, 50, 40, 60, "2"),
            _cell(50, 200, 40, 60, "乙班"),
            _cell(200, 300, 40, 60, third[1]),
        ],
    )


def _following(open_top: bool) -> RawTable:
    return _part(
        2,
        [
            _cell(0, 50, 900, 920, "3"),
            _cell(50, 200, 900, 920, "丙班"),
            _cell(200, 300, 900, 920, "", open_top=open_top),
        ],
    )


def test_empty_cell_in_a_column_without_merges_is_not_carried() -> None:
    """Negative control: a blank 备注 at the top of the next page stays blank."""
    table = to_table(stitch(_previous(["", "有"]), _following(open_top=False)), order=0)
    assert table.grid() == [
        ["序号", "项目名称", "备注"],
        ["1", "甲班", ""],
        ["2", "乙班", "有"],
        ["3", "丙班", ""],
    ]


def test_empty_cell_with_no_rule_above_continues_the_cell_above() -> None:
    table = to_table(stitch(_previous(["", "某大学"]), _following(open_top=True)), order=0)
    assert table.grid(fill_merged=True)[-1] == ["3", "丙班", "某大学"]
    assert table.cell_at(3, 2) == table.cell_at(2, 2)
    assert table.n_rows == 4


def test_empty_cell_under_a_merged_column_continues_it() -> None:
    previous = _part(
        1,
        [
            _cell(0, 50, 0, 20, "序号"),
            _cell(50, 200, 0, 20, "项目名称"),
            _cell(200, 300, 0, 20, "承办单位"),
            _cell(0, 50, 20, 40, "1"),
            _cell(50, 200, 20, 40, "甲班"),
            _cell(0, 50, 40, 60, "2"),
            _cell(50, 200, 40, 60, "乙班"),
            _cell(200, 300, 20, 60, "某大学"),
        ],
    )
    table = to_table(stitch(previous, _following(open_top=False)), order=0)
    host = table.cell_at(1, 2)
    assert host is not None and (host.text, host.rowspan) == ("某大学", 3)

"""Web-page notices as provincial sites publish them, and the same pages printed by Chromium.

Every page and printed PDF of `tests/fixtures/web_variants/` (made by
`make_web_variants.py`, committed; no browser at test time) goes through `extract` and the
pipeline's `normalize`, and must give exactly what its gold `<stem>.json` says: the notice
fields with the 发布日期, all policy terms, all programmes in order, the 附件 list and the
cited 文号. Extractor-level checks say where each page's article, title, date and
attachment links are read from, and that menus, sidebars and footers stay out.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extractors.model import Document, Link, Table
from extractors.registry import extract
from normalizers.pipeline import Normalized
from normalizers.records import Attachment, CitedDocument, Notice, PlanProject, PolicyTerm
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
WEB = ROOT / "tests" / "fixtures" / "web_variants"
PAGES = sorted(WEB.glob("*.html"))
PDFS = sorted(WEB.glob("*.pdf"))
SOURCES = PAGES + PDFS
_IDS = [p.name for p in SOURCES]

# The 发布日期 each page shows, as written (a time after it is no part of the date).
PUBLISHED_AS_WRITTEN = {
    "jiangsu_2024_plan_trs": "2024-03-08",
    "xinjiang_2022_plan_gbk": "2022年06月08日",
    "chengdu_2023_plan_zoom": "2023-03-14",
    "guangxi_2025_plan_split": "2025-02-20",
    "zhejiang_2026_topics_xhtml": "2025-11-21",
    "hubei_2024_call_shortened_h1": "2024-01-15",
}
# Attachment links (text as shown, href as written); the other pages link no file.
ATTACHMENT_LINKS = {
    "chengdu_2023_plan_zoom": (
        Link(
            "附件1：成都市2023年专业技术人才知识更新工程高级研修项目计划.xls",
            "/uploadfiles/2023/03/P020230314531.xls",
        ),
        Link("附件2：高级研修项目学员满意度测评表.doc", "/uploadfiles/2023/03/P020230314532.doc"),
    ),
    "hubei_2024_call_shortened_h1": (
        Link(
            "1.湖北省专业技术人才知识更新工程高级研修项目申报表.doc",
            "./P020240115600183745102.doc",
        ),
        Link("2.高级研修项目申报汇总表.xls", "./P020240115600184328311.xls"),
    ),
}
# Site chrome of every page: menus, breadcrumbs, info lines, tools, footers, sidebars.
CHROME = (
    "机构概况",
    "互动交流",
    "当前位置",
    "您的位置",
    "网站地图",
    "ICP备",
    "打印本页",
    "关闭窗口",
    "浏览次数",
    "点击：",
    "来源：",
    "索引号",
    "相关文章",
    "热点关注",
    "请输入关键字",
    "2022年高级研修项目计划的通知",  # a sidebar title of the 成都 page
    "2023年四川省专业技术人才知识更新工程",  # another
    "继续教育基地名单",  # another
)
_RADICALS = re.compile(r"[\u2e80-\u2fdf]")
_ADDRESSEE = re.compile(r"人力资源和?社会保障局.*：$")


@cache
def _document(path: Path) -> Document:
    return extract(path.read_bytes(), source_uri=str(path))


def _normalized(path: Path) -> Normalized:
    return normalized(path)


def _of(path: Path, kind: type) -> list[Any]:
    return records_of(path, kind)


def _gold(path: Path) -> dict[str, Any]:
    return load_gold(WEB, path)


def _all_text(doc: Document) -> str:
    cells = [cell.text for table in doc.tables for cell in table.cells]
    return "\n".join([doc.text, *cells])


def test_every_page_has_a_gold_file_and_the_folder_stays_small() -> None:
    assert {p.stem for p in PAGES} == set(PUBLISHED_AS_WRITTEN)
    assert len(PDFS) >= 3
    assert {p.stem for p in PDFS} <= {p.stem for p in PAGES}
    assert all((WEB / f"{p.stem}.json").exists() for p in PAGES)
    size = sum(p.stat().st_size for p in WEB.iterdir() if p.is_file())
    assert size < 1_000_000


# --- end to end: extract + normalize reproduce the gold ---------------------------------


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_web_variant_reads_as_a_notice_without_problems(path: Path) -> None:
    result = _normalized(path)
    assert result.role == "notice"
    assert result.problems == ()
    assert result.kind == _gold(path)["notice"]["doc_type"]


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_web_variant_notice_fields_match_gold(path: Path) -> None:
    (notice,) = _of(path, Notice)
    expected = _gold(path)["notice"]
    assert "published_date" in expected
    assert notice_fields(notice, expected) == expected


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_web_variant_terms_match_gold(path: Path) -> None:
    assert term_rows(_of(path, PolicyTerm)) == gold_term_rows(_gold(path))


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_web_variant_projects_match_gold_in_order(path: Path) -> None:
    assert project_rows(_of(path, PlanProject)) == gold_project_rows(_gold(path))


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_web_variant_attachments_match_gold(path: Path) -> None:
    assert_attachments_match(_of(path, Attachment), _gold(path))


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_web_variant_cited_doc_numbers_match_gold(path: Path) -> None:
    got = [c.cited_doc_number for c in _of(path, CitedDocument)]
    assert got == _gold(path)["cited_doc_numbers"]


# --- the HTML extractor on each page ---------------------------------------------------


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_page_title_date_and_attachment_links(path: Path) -> None:
    doc = _document(path)
    assert doc.media_type == "html"
    assert doc.problems == ()
    assert doc.title is not None
    assert "".join(doc.title.split()) == _gold(path)["notice"]["title"]
    assert doc.published_date == PUBLISHED_AS_WRITTEN[path.stem]
    attachments = tuple(link for link in doc.links if link.role == "attachment")
    assert attachments == ATTACHMENT_LINKS.get(path.stem, ())


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_page_article_is_found_and_site_chrome_left_out(path: Path) -> None:
    doc = _document(path)
    text = _all_text(doc)
    for chrome in CHROME:
        assert chrome not in text, chrome
    notice = _gold(path)["notice"]
    # The article runs from the 主送 line to the signature.
    assert any(_ADDRESSEE.search(block.text) for block in doc.blocks)
    assert notice["issuer"].split("、")[0] in text
    assert not _RADICALS.search(text)


def test_trs_page_title_cell_stands_first_and_the_number_right_aligned() -> None:
    doc = _document(WEB / "jiangsu_2024_plan_trs.html")
    assert (doc.blocks[0].kind, doc.blocks[0].text) == (
        "heading",
        "江苏省人力资源和社会保障厅关于印发江苏省专业技术人才知识更新工程2024年高级研修项目计划的通知",
    )
    assert (doc.blocks[1].text, doc.blocks[1].style) == ("苏人社函〔2024〕88号", ("right",))
    plan = doc.tables[0]
    categories = [(c.text, c.rowspan) for c in plan.cells if c.col == 0 and c.row > 0]
    assert categories == [("财政资助", 16), ("自筹经费", 4)]


def test_gbk_page_without_charset_is_detected_and_br_lines_are_blocks() -> None:
    doc = _document(WEB / "xinjiang_2022_plan_gbk.html")
    assert doc.meta["encoding"] == "gb18030"
    texts = [block.text for block in doc.blocks]
    assert texts[0] == "新人社发[2022]15号"
    assert "一、明确研修定位" in texts
    signature = texts.index("新疆维吾尔自治区人力资源和社会保障厅")
    assert texts[signature + 1] == "2022 年 6 月 1 日"


def test_zoom_page_sidebar_titles_are_page_links_not_the_article() -> None:
    doc = _document(WEB / "chengdu_2023_plan_zoom.html")
    pages = [link.text for link in doc.links if link.role == "page"]
    assert "关于印发成都市专业技术人才知识更新工程2022年高级研修项目计划的通知" in pages
    assert doc.blocks[0].kind == "heading"
    assert doc.blocks[0].text.startswith("成都市人力资源和社会保障局 成都市财政局关于印发")
    assert doc.blocks[-1].text == "2023年3月10日"


def test_split_tables_keep_their_colspan_header_and_funding_headings() -> None:
    doc = _document(WEB / "guangxi_2025_plan_split.html")
    funded, self_funded = doc.tables[:2]
    for table, rows in ((funded, 5), (self_funded, 3)):
        assert (table.n_rows, table.n_cols) == (2 + rows, 4)
        assert [(c.text, c.rowspan, c.colspan) for c in table.cells if c.row == 0] == [
            ("序号", 2, 1),
            ("研修项目名称", 2, 1),
            ("项目单位", 1, 2),
        ]
    headings = [b for b in doc.blocks if b.text.startswith(("一、财政资助", "二、自筹经费"))]
    assert [b.style for b in headings] == [("bold",), ("bold",)]


def test_xhtml_page_with_bom_and_word_markup_reads_like_html() -> None:
    doc = _document(WEB / "zhejiang_2026_topics_xhtml.html")
    assert doc.meta["encoding"] == "utf-8-sig"
    texts = [block.text for block in doc.blocks]
    assert texts[1] == "浙人社函〔2025〕140号"
    assert "二、办班要求" in texts
    assert not any("o:p" in text or "\ufeff" in text for text in texts)


def test_shortened_h1_keeps_the_whole_title_and_the_disclosure_box_number() -> None:
    doc = _document(WEB / "hubei_2024_call_shortened_h1.html")
    assert doc.blocks[0].text == "关于做好2024年度高级研修项目申报工作的通知"
    assert doc.meta["doc_number"] == "鄂人社函〔2024〕9号"
    assert "鄂人社函〔2024〕9号" not in doc.text  # the article does not repeat it


# --- the PDF extractor on the printed pages ---------------------------------------------


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_printed_page_is_a_skia_pdf_read_without_radicals(path: Path) -> None:
    doc = _document(path)
    assert doc.media_type == "pdf"
    assert doc.meta["pdf_producer"].startswith("Skia/PDF")
    assert not _RADICALS.search(_all_text(doc))
    # Page bands and borders around the article are frames, not one-column tables.
    assert all(table.n_cols >= 2 for table in doc.tables)


def test_printed_table_cut_in_its_header_by_the_page_break_is_one_table() -> None:
    doc = _document(WEB / "guangxi_2025_plan_split.pdf")
    plan: Table = doc.tables[0]
    assert plan.pages == (1, 2)
    texts = [cell.text for cell in plan.cells]
    assert "研修项目名称" in texts
    assert "申报单位" in texts

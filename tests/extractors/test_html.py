"""HTML extractor: the ministry page of data/raw, its GBK re-encodings, and small pages
built here in the shapes government sites use (table layouts, br-separated lines)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extractors import html, registry
from extractors.errors import UnsafeDocument
from extractors.html.decode import decode_html
from extractors.limits import Limits
from extractors.model import Document, Link

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "data" / "raw" / "mohrss_2021_plan.html"
TITLE = "人力资源社会保障部办公厅关于印发专业技术人才知识更新工程2021年高级研修项目计划的通知"
LINKS = (
    Link(
        text="20210416-附件1 工程2021年高级研修项目计划表.xlsx",
        href="./20210416-附件1%20工程2021年高级研修项目计划表.xlsx",
    ),
    Link(
        text="20210408-附件2&3 2020年高级研修项目学员满意度测评表.xlsx",
        href="./20210408-附件2%263%202020年高级研修项目学员满意度测评表.xlsx",
    ),
)
UTF8_META = '<meta charset="utf-8">'


def _page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


def _extract(data: bytes, uri: str = "page.html") -> Document:
    return registry.extract(data, source_uri=uri)


def _texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks]


# --- the ministry page ----------------------------------------------------------------


def test_title_is_the_article_heading_and_first_block() -> None:
    doc = _extract(PAGE.read_bytes())
    assert doc.media_type == "html"
    assert doc.title == TITLE
    assert (doc.blocks[0].text, doc.blocks[0].kind) == (TITLE, "heading")


def test_published_date_is_read_from_the_line_under_the_title() -> None:
    assert _extract(PAGE.read_bytes()).published_date == "2021-04-20"


def test_body_paragraphs_and_doc_number_line_are_blocks_in_order() -> None:
    texts = _texts(_extract(PAGE.read_bytes()))
    assert texts[1] == "人社厅发〔2021〕24号"
    assert texts[2].startswith("各省、自治区、直辖市及新疆生产建设兵团")
    assert texts[4].startswith("一、落实研修计划。")
    assert "（以下称工程服务平台，网址：zsgx.mohrss.gov.cn）强化过程管理" in texts[4]
    assert [t[:2] for t in texts[4:9]] == ["一、", "二、", "三、", "四、", "五、"]
    assert "每期资助上限16.5万元" in texts[7]


def test_br_separated_lines_become_separate_blocks() -> None:
    doc = _extract(PAGE.read_bytes())
    texts = _texts(doc)
    start = texts.index("附件：1. 专业技术人才知识更新工程2021年高级研修项目计划")
    assert texts[start + 1 : start + 5] == [
        "2. 专业技术人才知识更新工程高级研修项目学员满意度测评表",
        "3. 专业技术人才知识更新工程高级研修项目学员满意度测评统计表",
        "人力资源社会保障部办公厅",
        "2021年4月16日",
    ]
    assert doc.blocks[start + 3].style == ("right",)  # <p class="right">
    assert doc.blocks[1].style == ("center",)
    assert texts[-1] == "(联系单位：专业技术人员管理司)"


def test_site_chrome_is_not_in_the_blocks() -> None:
    text = _extract(PAGE.read_bytes()).text
    for chrome in (
        "网站声明",
        "当前位置",
        "政务服务",
        "民生为本",
        "京ICP备",
        "关闭窗口",
        "打印本页",
    ):
        assert chrome not in text


def test_attachment_links_keep_href_as_written_and_drop_the_bullet() -> None:
    assert _attachments(_extract(PAGE.read_bytes())) == LINKS


# --- encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta",
    [
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        '<meta charset="GBK">',
        "",
    ],
    ids=["gb2312-http-equiv", "gbk-meta-charset", "no-declaration"],
)
def test_gbk_encoded_page_reads_like_the_utf8_original(meta: str) -> None:
    original = _extract(PAGE.read_bytes())
    data = _page_text().replace(UTF8_META, meta).encode("gb18030")
    doc = _extract(data)
    assert doc.meta["encoding"] == "gb18030"
    assert doc.title == TITLE
    assert doc.published_date == "2021-04-20"
    assert _texts(doc) == _texts(original)
    assert _attachments(doc) == LINKS


def test_byte_order_mark_wins_over_a_wrong_declaration() -> None:
    data = codecs.BOM_UTF8 + _page_text().replace(UTF8_META, '<meta charset="gbk">').encode()
    text, encoding, problems = decode_html(data)
    assert (encoding, problems) == ("utf-8-sig", [])
    assert TITLE in text


def test_wrong_charset_declaration_is_detected_and_recorded() -> None:
    data = _page_text().encode("gb18030")  # still declares utf-8
    doc = _extract(data)
    assert doc.title == TITLE
    assert doc.problems == (
        "the page declares charset 'utf-8' but is not valid utf-8; the encoding was detected",
    )


def test_page_declaring_xml_entities_is_refused() -> None:
    data = b'<!DOCTYPE html [<!ENTITY x "boom">]><html><body><p>&x;</p></body></html>'
    with pytest.raises(UnsafeDocument, match="declares entities"):
        html.extract(data, doc_id="x", source_uri="x.html", limits=Limits(), media_type="html")


# --- page shapes built here ------------------------------------------------------------

_TABLE_LAYOUT_PAGE = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>关于征集2024年高级研修项目选题的通知-某省人力资源和社会保障厅</title></head>
<body><form id="form1">
<table><tr><td><a href="/">首页</a> <a href="/a">机构概况</a> <a href="/b">政务公开</a>
</td></tr></table>
<table width="980"><tr><td class="dqwz">您现在的位置：首页 &gt; 通知公告</td></tr>
<tr><td align="center" class="title">关于征集2024年高级研修项目<br>选题的通知</td></tr>
<tr><td align="center">发布时间：2023年12月05日 10:22　浏览次数：1024</td></tr>
<tr><td><div id="zoom"><font size="3">
各市州人社局：<br>
　　为做好2024年高级研修项目工作，现将有关事项通知如下。<br>
　　一、<b>选题范围</b><br>
　　围绕重大战略
和产业需求申报。<br>
<table border="1"><tr><td rowspan="2">类别</td><td colspan="2">期数</td></tr>
<tr><td>国家级</td><td>省级<br>（含市州）</td></tr></table>
附件：<a href="/attach/2023/sbb.doc">1.申报表</a><br>
<a href="/download.jsp?id=88">2.汇总表</a>
</font></div></td></tr></table>
<table><tr><td>版权所有：某省人力资源和社会保障厅 <a href="/sm">网站地图</a></td></tr></table>
</form></body></html>"""


def test_table_layout_page_title_date_body_and_attachments() -> None:
    doc = _extract(_TABLE_LAYOUT_PAGE.encode("gb18030"), "notice.htm")
    assert doc.title == "关于征集2024年高级研修项目选题的通知"
    assert doc.published_date == "2023年12月05日"
    assert _texts(doc) == [
        "关于征集2024年高级研修项目\n选题的通知",
        "各市州人社局：",
        "为做好2024年高级研修项目工作，现将有关事项通知如下。",
        "一、选题范围",
        "围绕重大战略和产业需求申报。",
        "附件：1.申报表",
        "2.汇总表",
    ]
    assert doc.blocks[0].kind == "heading"
    assert _attachments(doc) == (
        Link("1.申报表", "/attach/2023/sbb.doc"),
        Link("2.汇总表", "/download.jsp?id=88"),
    )


def test_html_table_spans_become_cell_spans() -> None:
    doc = _extract(_TABLE_LAYOUT_PAGE.encode("gb18030"))
    (table,) = doc.tables
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells] == [
        ("类别", 0, 0, 2, 1),
        ("期数", 0, 1, 1, 2),
        ("国家级", 1, 1, 1, 1),
        ("省级\n（含市州）", 1, 2, 1, 1),
    ]
    assert (table.n_rows, table.n_cols) == (2, 3)
    texts = [getattr(item, "text", "TABLE") for item in doc.items()]
    assert texts[texts.index("TABLE") - 1] == "围绕重大战略和产业需求申报。"


def test_page_without_date_line_has_no_published_date() -> None:
    page = (
        "<html><head><title>通知</title></head><body><h1>关于开展研修的通知</h1>"
        "<div><p>各单位：</p><p>现将有关事项通知如下，请认真执行。</p></div></body></html>"
    )
    doc = _extract(page.encode())
    assert doc.published_date is None
    assert doc.title == "关于开展研修的通知"
    assert [(b.text, b.kind) for b in doc.blocks] == [
        ("关于开展研修的通知", "heading"),
        ("各单位：", "paragraph"),
        ("现将有关事项通知如下，请认真执行。", "paragraph"),
    ]


def test_checkbox_inputs_in_a_web_form_become_box_characters() -> None:
    page = (
        "<html><body><div><p>申报类别：<input type='checkbox' checked>财政资助"
        "<input type='checkbox'>自筹经费</p></div></body></html>"
    )
    assert _texts(_extract(page.encode())) == ["申报类别：☑财政资助□自筹经费"]


def _attachments(doc: Document) -> tuple[Link, ...]:
    return tuple(link for link in doc.links if link.role == "attachment")


def test_other_links_of_the_page_are_kept_as_page_links() -> None:
    doc = _extract(PAGE.read_bytes())
    pages = [link for link in doc.links if link.role == "page"]
    assert Link("zsgx.mohrss.gov.cn", "http://zsgx.mohrss.gov.cn", role="page") in pages
    assert all(link.role in ("attachment", "page") for link in doc.links)


def test_shortened_heading_keeps_the_whole_title_of_the_page_title() -> None:
    page = (
        "<html><head><title>某某省人力资源和社会保障厅关于做好2024年度专业技术人才知识更新工程"
        "高级研修项目申报工作的通知_某某省人力资源和社会保障厅</title></head><body>"
        "<h1>关于做好2024年度高级研修项目申报工作的通知</h1>"
        "<div><p>各有关单位：</p><p>现将有关事项通知如下，请认真执行。</p></div></body></html>"
    )
    doc = _extract(page.encode())
    assert doc.title == (
        "某某省人力资源和社会保障厅关于做好2024年度专业技术人才知识更新工程"
        "高级研修项目申报工作的通知"
    )
    assert doc.blocks[0].text == "关于做好2024年度高级研修项目申报工作的通知"


def test_title_cell_above_the_article_when_the_page_title_names_only_the_site() -> None:
    page = (
        "<html><head><title>通知公告_某某省人力资源和社会保障厅</title></head><body>"
        "<table><tr><td class='nav'><a href='/'>首页</a></td></tr></table>"
        "<table><tr><td class='title'>某某省人力资源和社会保障厅关于印发"
        "2024年高级研修项目计划的通知</td></tr>"
        "<tr><td>发布时间：2024-03-08 10:30</td></tr>"
        "<tr><td><div class='TRS_Editor'><p>各有关单位：</p>"
        "<p>现将2024年高级研修项目计划印发给你们，请认真组织实施。</p></div></td></tr></table>"
        "</body></html>"
    )
    doc = _extract(page.encode())
    assert doc.title == "某某省人力资源和社会保障厅关于印发2024年高级研修项目计划的通知"
    assert doc.blocks[0].text == doc.title
    assert doc.published_date == "2024-03-08"


def test_doc_number_of_an_information_disclosure_box_is_kept_in_meta() -> None:
    page = (
        "<html><head><title>关于开展研修的通知</title></head><body>"
        "<table class='xxgk'><tr><th>索 引 号</th><td>011043115/2024-01234</td></tr>"
        "<tr><th>文　　号</th><td>鄂人社函〔2024〕9号</td></tr></table>"
        "<h1>关于开展研修的通知</h1><div><p>各单位：</p><p>现将有关事项通知如下。</p></div>"
        "</body></html>"
    )
    assert _extract(page.encode()).meta["doc_number"] == "鄂人社函〔2024〕9号"
    inline = page.replace("<tr><th>文　　号</th><td>", "<tr><td>文号：").replace(
        "9号</td></tr></table>", "9号</td></tr></table>"
    )
    assert _extract(inline.encode()).meta["doc_number"] == "鄂人社函〔2024〕9号"

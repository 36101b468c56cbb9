"""附件 lists: separate lines, run-together lists, single attachments, kinds."""

from __future__ import annotations

import pytest

from extractors.model import Block, Document, Link
from normalizers.attachments import attachment_kind, extract_attachments, parse_attachment_list


def _doc(*texts: str) -> Document:
    blocks = tuple(Block(order=i, page=1, text=text) for i, text in enumerate(texts))
    return Document(doc_id="d1", source_uri="mem://d1", media_type="docx", blocks=blocks)


def _pairs(doc: Document) -> list[tuple[int, str]]:
    return [(a.attachment_no, a.title) for a in extract_attachments(doc, notice_id="n1")]


_SIGNATURE = ("湖北省人力资源和社会保障厅", "2026年4月21日")


def test_items_in_separate_blocks_end_at_the_signature() -> None:
    doc = _doc(
        "六、严格遵守培训纪律。……",
        "附件：1. 湖北省专业技术人员知识更新工程 2026 年高级研修项目计划",
        "2. 专业技术人员知识更新工程高级研修项目学员满意度测评表",
        "3. 专业技术人员知识更新工程高级研修项目研修人员签到表",
        *_SIGNATURE,
        "（此件主动公开）",
        "附件1",
        "湖北省专业技术人员知识更新工程2026年高级研修项目计划",
    )
    assert _pairs(doc) == [
        (1, "湖北省专业技术人员知识更新工程2026年高级研修项目计划"),
        (2, "专业技术人员知识更新工程高级研修项目学员满意度测评表"),
        (3, "专业技术人员知识更新工程高级研修项目研修人员签到表"),
    ]


def test_items_run_together_in_one_block_are_split_at_their_numbers() -> None:
    doc = _doc(
        "附件：1.专业技术人才知识更新工程2021年高级研修项目计划 2.专业技术人才知识更新工程高级研修"
        "项目学员满意度测评表；3.学员满意度测评统计表",
        "人力资源社会保障部办公厅\n2021年4月16日",
    )
    assert _pairs(doc) == [
        (1, "专业技术人才知识更新工程2021年高级研修项目计划"),
        (2, "专业技术人才知识更新工程高级研修项目学员满意度测评表"),
        (3, "学员满意度测评统计表"),
    ]


def test_items_on_lines_of_one_block_with_markdown_bullet() -> None:
    doc = _doc(
        "- 附件：1. 甲项目计划  \n2. 乙申报表  \n3. 丙汇总表",
        "人力资源社会保障部办公厅  \n2021年4月16日",
    )
    assert _pairs(doc) == [(1, "甲项目计划"), (2, "乙申报表"), (3, "丙汇总表")]


def test_single_unnumbered_attachment_is_number_one() -> None:
    doc = _doc(
        "附件：专业技术人才知识更新工程2025年高级研修项目申报表",
        "湖北省人力资源和社会保障厅",
        "2024年12月10日",
    )
    assert _pairs(doc) == [(1, "专业技术人才知识更新工程2025年高级研修项目申报表")]


@pytest.mark.parametrize(
    "items",
    [
        ("1．甲申报表", "2．乙汇总表"),
        ("1、甲申报表", "2、乙汇总表"),
        ("（1）甲申报表", "（2）乙汇总表"),
        ("(1) 甲申报表", "(2) 乙汇总表"),
    ],
)
def test_numbering_styles(items: tuple[str, str]) -> None:
    doc = _doc("附件：" + items[0], items[1], "福建省人力资源和社会保障厅办公室", "2026年1月5日")
    assert _pairs(doc) == [(1, "甲申报表"), (2, "乙汇总表")]


def test_each_item_introduced_by_its_own_attachment_word() -> None:
    doc = _doc("附件1：甲项目计划", "附件2：乙测评表", "四川省人力资源和社会保障厅", "2024年3月1日")
    assert _pairs(doc) == [(1, "甲项目计划"), (2, "乙测评表")]


def test_wrapped_item_title_continues_on_the_next_line() -> None:
    doc = _doc(
        "附件：1.专业技术人才知识更新工程2026年",
        "高级研修项目申报表",
        "2.填表说明",
        "福建省人力资源和社会保障厅办公室",
        "2026年1月5日",
    )
    assert _pairs(doc) == [(1, "专业技术人才知识更新工程2026年高级研修项目申报表"), (2, "填表说明")]


def test_sentence_mentioning_attachments_is_not_a_list() -> None:
    doc = _doc(
        "（三）请各申报单位按照附件4填表说明要求，填写表格，附件l、2、3均可在“网站－下载中心”下载。",
        "附件：1.甲申报表",
        "2.乙汇总表",
        "福建省人力资源和社会保障厅办公室\n                  2026年1月5日",
    )
    assert _pairs(doc) == [(1, "甲申报表"), (2, "乙汇总表")]


def test_signature_and_date_on_one_line_end_the_list() -> None:
    doc = _doc("附件：1.甲项目计划", "2.乙测评表", "湖北省人力资源和社会保障厅    2026年4月21日")
    assert _pairs(doc) == [(1, "甲项目计划"), (2, "乙测评表")]


def test_attachment_pages_are_read_when_the_body_has_no_list() -> None:
    doc = _doc(
        "附件",
        "某某厅关于某事的通知",
        "正文。",
        "某某厅",
        "2026年1月5日",
        "附件1",
        "专业技术人才知识更新工程\n2026年高级研修项目申报表",
        "申报单位：（盖章）",
        "附件2",
        "填表说明",
    )
    assert _pairs(doc) == [(1, "专业技术人才知识更新工程2026年高级研修项目申报表"), (2, "填表说明")]


def test_notice_without_attachments_has_none() -> None:
    assert _pairs(_doc("正文。", "某某厅", "2026年1月5日")) == []


def test_attachment_records_carry_notice_id_and_kind() -> None:
    doc = _doc("附件：1.甲项目计划", "2.乙经费决算表", *_SIGNATURE)
    kinds = [(a.notice_id, a.kind) for a in extract_attachments(doc, notice_id="n9")]
    assert kinds == [("n9", "project_plan"), ("n9", "budget_sheet")]


def test_parse_attachment_list_needs_the_attachment_word_first() -> None:
    assert parse_attachment_list(["1.甲", "2.乙"]) == []


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("专业技术人员知识更新工程高级研修项目学员满意度测评统计表", "satisfaction_stats"),
        ("专业技术人员知识更新工程高级研修项目学员满意度测评表", "satisfaction_survey"),
        ("专业技术人员知识更新工程高级研修项目研修人员签到表", "attendance_sheet"),
        ("专业技术人才知识更新工程高级研修项目研修人员名单", "roster"),
        ("湖北省专业技术人员知识更新工程2026年高级研修项目经费决算表", "budget_sheet"),
        ("高级研修项目经费预算表", "budget_sheet"),
        ("福建省专业技术人才知识更新工程2026年高级研修项目汇总表", "summary_table"),
        ("专业技术人才知识更新工程2026年高级研修项目申报表", "application_form"),
        ("湖北省专业技术人员知识更新工程2026年高级研修项目计划", "project_plan"),
        ("湖北省专业技术人才知识更新工程高级研修项目总结报告提纲", "summary_outline"),
        ("填表说明", "instructions"),
        ("会议日程安排", "other"),
    ],
)
def test_kind_from_title(title: str, kind: str) -> None:
    assert attachment_kind(title) == kind


def test_titles_opening_with_a_year_keep_their_numbers() -> None:
    doc = _doc(
        "附件：1.2025年度专业技术人才知识更新工程高级研修项目计划表",
        "2.2025年度高级研修项目学员签到表",
        *_SIGNATURE,
    )
    assert _pairs(doc) == [
        (1, "2025年度专业技术人才知识更新工程高级研修项目计划表"),
        (2, "2025年度高级研修项目学员签到表"),
    ]
    run_together = _doc("附件：1、2025年计划表 2、2025年测评表", *_SIGNATURE)
    assert _pairs(run_together) == [(1, "2025年计划表"), (2, "2025年测评表")]
    # A decimal or a sub-item number after "1." is still no marker.
    assert parse_attachment_list(["附件：1.1 说明"]) == [(1, "1.1说明")]


def test_attachment_links_are_the_list_when_the_page_has_no_other() -> None:
    doc = Document(
        doc_id="d1",
        source_uri="page.html",
        media_type="html",
        blocks=(
            Block(0, None, "各有关单位："),
            Block(1, None, "某某厅"),
            Block(2, None, "2023年3月10日"),
        ),
        links=(
            Link("附件1：某市2023年高级研修项目计划.xls", "/u/1.xls"),
            Link("附件2：高级研修项目学员满意度测评表.DOC", "/u/2.doc"),
            Link("点击下载", "/u/3.pdf"),
            Link("关于印发2022年计划的通知", "/n/2022.html", role="page"),
        ),
    )
    assert [
        (a.attachment_no, a.title, a.kind) for a in extract_attachments(doc, notice_id="n")
    ] == [
        (1, "某市2023年高级研修项目计划", "project_plan"),
        (2, "高级研修项目学员满意度测评表", "satisfaction_survey"),
    ]


def test_a_written_list_wins_over_the_attachment_links() -> None:
    doc = Document(
        doc_id="d1",
        source_uri="page.html",
        media_type="html",
        blocks=(Block(0, None, "附件：1.甲项目计划"), Block(1, None, "2.乙测评表")),
        links=(Link("20210416-附件1 工程2021年计划表.xlsx", "./a.xlsx"),),
    )
    assert _pairs(doc) == [(1, "甲项目计划"), (2, "乙测评表")]

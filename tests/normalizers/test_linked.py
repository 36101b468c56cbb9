"""Linked documents: attachment links, 附件 numbers, attachment programmes, list-page links."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from extractors import Limits, Link, extract
from extractors.model import Document
from normalizers.linked import (
    attachment_links,
    attachment_numbers,
    family_links,
    link_attachment_files,
    looks_like_family_title,
    normalize_attachment,
)
from normalizers.records import Attachment, Notice

WEB = Path(__file__).resolve().parents[1] / "fixtures" / "web"

MINISTRY = Notice(
    notice_id="page",
    source_uri="https://www.mohrss.gov.cn/t20210420_412001.html",
    title="人力资源社会保障部办公厅关于印发专业技术人才知识更新工程2021年高级研修项目计划的通知",
    issuer="人力资源社会保障部办公厅",
    issuer_level="national",
    region="全国",
    doc_number="人社厅发〔2021〕24号",
    doc_number_prefix="人社厅发",
    doc_number_year=2021,
    doc_number_serial=24,
    doc_type="plan",
    plan_year=2021,
    issued_date=date(2021, 4, 16),
    published_date=date(2021, 4, 20),
)
_PREFIX = "专业技术人才知识更新工程"
ATTACHMENTS = (
    Attachment("page", 1, f"{_PREFIX}2021年高级研修项目计划", "project_plan"),
    Attachment("page", 2, f"{_PREFIX}高级研修项目学员满意度测评表", "satisfaction_survey"),
    Attachment("page", 3, f"{_PREFIX}高级研修项目学员满意度测评统计表", "satisfaction_stats"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "人力资源社会保障部办公厅关于印发专业技术人才知识更新工程2021年高级研修项目计划的通知",
            True,
        ),
        ("关于举办2024年数字经济高研班的通知", True),
        ("湖北省专业技术人员知识 更新工程2023年项目", True),  # a wrapped link text
        ("人力资源社会保障部办公厅关于做好2021年度职称评审工作的通知", False),
        ("关于开展2021年专业技术人员继续教育基地评估的通知", False),
    ],
)
def test_family_titles_name_the_programme(text: str, expected: bool) -> None:
    assert looks_like_family_title(text) is expected


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("20210416-附件1 工程2021年高级研修项目计划表.xlsx", (1,)),
        ("20210408-附件2&3 2020年高级研修项目学员满意度测评表.xlsx", (2, 3)),
        ("附件2、3和5", (2, 3, 5)),
        ("附件2-4 汇总表", (2, 3, 4)),
        ("附件1-2021年计划表", (1,)),
        ("附件一：计划", (1,)),
        ("附件１", (1,)),
        ("2021年高级研修项目计划表.xlsx", ()),
    ],
)
def test_attachment_numbers_of_link_texts(text: str, numbers: tuple[int, ...]) -> None:
    assert attachment_numbers(text) == numbers


def test_attachment_links_are_the_links_to_document_files() -> None:
    links = (
        Link("·附件1 计划表.xlsx", "./附件1%20计划表.xlsx"),
        Link("附件3 签到表.docx", "/attach/download.jsp?id=3"),
        Link("附件说明", "./shuoming.html"),
        Link("PDF版", "https://www.mohrss.gov.cn/files/P0202104.PDF?v=2"),
    )
    doc = Document(doc_id="d", source_uri="x.html", media_type="html", links=links)
    assert attachment_links(doc) == (links[0], links[1], links[3])


def test_linked_files_fill_the_attachment_rows_by_number_then_title() -> None:
    files = [
        (Link("20210416-附件1 工程2021年高级研修项目计划表.xlsx", "./a.xlsx"), "xlsx-id"),
        (Link("下载", "./20210408-附件2%263%20测评表.docx"), "docx-id"),  # number in the href
    ]
    linked = link_attachment_files(ATTACHMENTS, files)
    assert [(a.attachment_no, a.doc_id) for a in linked] == [
        (1, "xlsx-id"),
        (2, "docx-id"),
        (3, "docx-id"),
    ]
    by_title = link_attachment_files(
        ATTACHMENTS,
        [(Link("专业技术人才知识更新工程2021年高级研修项目计划.pdf", "./p.pdf"), "pdf")],
    )
    assert [a.doc_id for a in by_title] == ["pdf", None, None]
    unmatched = link_attachment_files(ATTACHMENTS, [(Link("下载", "./f.pdf"), "pdf")])
    assert [a.doc_id for a in unmatched] == [None, None, None]
    single = link_attachment_files(ATTACHMENTS[:1], [(Link("下载", "./f.pdf"), "pdf")])
    assert [a.doc_id for a in single] == ["pdf"]


def test_an_attachment_spreadsheet_gives_the_page_notice_its_programmes() -> None:
    data = (WEB / "mohrss_2021_plan_projects.xlsx").read_bytes()
    doc_id = hashlib.sha256(data).hexdigest()
    doc = extract(data, doc_id=doc_id, source_uri="附件1.xlsx", limits=Limits())
    projects = normalize_attachment(doc, parent=MINISTRY)
    assert len(projects) == 8
    assert {(p.notice_id, p.plan_year, p.region, p.program_level, p.source_doc_id)
            for p in projects} == {("page", 2021, "全国", "national", doc_id)}  # fmt: skip
    assert [(p.funding_type, p.seq) for p in projects][4:6] == [("财政资助", 5), ("自筹经费", 1)]
    first = projects[0]
    # 主办单位 is the sponsor, not the applicant (contract 0.2).
    assert (first.project_name, first.host_org, first.sponsor_org, first.applicant_org) == (
        "人工智能与数字经济融合发展高级研修班",
        "北京邮电大学",
        "工业和信息化部",
        None,
    )


def test_a_list_page_yields_only_its_family_notice_links_with_whole_titles() -> None:
    links = family_links(_page((WEB / "mohrss_notice_list.html").read_bytes()))
    assert [link.href for link in links] == [
        "./202104/t20210420_412001.html",
        "./202303/P020230315_hubei_2023_plan.pdf",
    ]
    assert links[0].text.endswith("2021年高级研修项目计划的通知")  # the title attribute


def test_a_gbk_list_page_is_decoded() -> None:
    text = (WEB / "mohrss_notice_list.html").read_text(encoding="utf-8")
    gbk = text.replace('charset="utf-8"', 'charset="gbk"').encode("gb18030")
    assert len(family_links(_page(gbk))) == 2


def _page(data: bytes) -> Document:
    return extract(data, source_uri="list.html")

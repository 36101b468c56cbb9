"""Notice metadata: title, own number, issuer, region, level, dates, type, year."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.model import Block, Cell, Document, Table
from normalizers.docnumbers import parse_doc_number
from normalizers.identity import notice_identity
from normalizers.notice import (
    classify_doc_type,
    looks_like_notice,
    normalize_notice,
    plan_year_of,
)


def _doc(
    *texts: str | tuple[str, tuple[str, ...]],
    tables: tuple[Table, ...] = (),
    media_type: str = "docx",
    title: str | None = None,
    published: str | None = None,
) -> Document:
    blocks = []
    for order, item in enumerate(texts):
        text, style = (item, ()) if isinstance(item, str) else item
        blocks.append(Block(order=order, page=1, text=text, style=style))
    return Document(
        doc_id="abc",
        source_uri="mem://abc",
        media_type=media_type,
        blocks=tuple(blocks),
        tables=tables,
        title=title,
        published_date=published,
    )


_BODY = "为深入实施人才强省战略，根据《实施方案》（鄂人社发〔2022〕56号）规定，现将计划印发给你们。"


def test_provincial_plan_header_title_signature_and_date() -> None:
    doc = _doc(
        ("湖北省人力资源和社会保障厅", ("center", "red")),
        "鄂人社函〔2026〕51号",
        (
            "关于印发湖北省专业技术人员知识更新工程\n2026年高级研修项目计划的通知",
            ("center", "bold"),
        ),
        "各市、州、直管市、神农架林区人力资源和社会保障局，各有关单位：",
        _BODY,
        "湖北省人力资源和社会保障厅",
        "2026年4月21日",
    )
    notice = normalize_notice(doc).notice
    assert notice.title == "关于印发湖北省专业技术人员知识更新工程2026年高级研修项目计划的通知"
    assert (notice.doc_number, notice.doc_number_prefix) == ("鄂人社函〔2026〕51号", "鄂人社函")
    assert (notice.doc_number_year, notice.doc_number_serial) == (2026, 51)
    assert (notice.issuer, notice.region, notice.issuer_level) == (
        "湖北省人力资源和社会保障厅", "湖北省", "provincial",
    )  # fmt: skip
    assert (notice.doc_type, notice.plan_year) == ("plan", 2026)
    assert notice.issued_date == date(2026, 4, 21)
    # notice_id is the notice's own key (from its 文号, 0.2), not the file's id.
    assert (notice.notice_id, notice.source_uri, notice.published_date) == (
        notice_identity(doc_number=parse_doc_number("鄂人社函〔2026〕51号"), issuer=None,
                        title=None, issued_date=None, doc_id="other"),
        "mem://abc",
        None,
    )  # fmt: skip


def test_title_broken_over_blocks_is_joined_and_keeps_the_issuer_it_starts_with() -> None:
    doc = _doc(
        "附件",
        ("福建省人力资源和社会保障厅办公室关于", ("center", "bold")),
        ("申报专业技术人才知识更新工程", ("center", "bold")),
        ("2026年高级研修项目的通知", ("center", "bold")),
        "各设区市人力资源和社会保障局：",
        "正文。",
        "福建省人力资源和社会保障厅办公室\n                    2026年1月5日",
    )
    records = normalize_notice(doc)
    notice = records.notice
    assert notice.title == (
        "福建省人力资源和社会保障厅办公室关于申报专业技术人才知识更新工程2026年高级研修项目的通知"
    )
    assert notice.doc_number is None
    assert notice.issuer == "福建省人力资源和社会保障厅办公室"
    assert (notice.region, notice.doc_type, notice.plan_year) == (
        "福建省",
        "call_for_applications",
        2026,
    )
    assert records.problems == ()


def test_issuer_line_in_the_same_title_block_belongs_to_the_title() -> None:
    doc = _doc(
        ("湖北省人力资源和社会保障厅", ("center", "red")),
        "鄂人社函〔2023〕68号",
        ("湖北省人力资源和社会保障厅\n关于印发2023年高级研修项目计划的通知", ("center",)),
        "各有关单位：",
    )
    assert normalize_notice(doc).notice.title == (
        "湖北省人力资源和社会保障厅关于印发2023年高级研修项目计划的通知"
    )


def test_red_header_is_not_part_of_the_title() -> None:
    doc = _doc(
        ("湖北省人力资源和社会保障厅", ("center", "bold", "red")),
        ("关于印发2026年高级研修项目计划的通知", ("center", "bold")),
        "各有关单位：",
    )
    assert normalize_notice(doc).notice.title == "关于印发2026年高级研修项目计划的通知"


def test_signature_wins_over_an_issuer_without_province_in_the_title() -> None:
    doc = _doc(
        "湖北省人力资源和社会保障厅",
        "鄂人社函〔2024〕132号",
        "省人力资源和社会保障厅关于征集专业技术人员知识更新工程2025年高级研修项目选题的通知",
        "各市、州人力资源和社会保障局：",
        "根据人社部办公厅《关于征集…的通知》（人社厅函〔2024〕179号）精神，于2024年12月17日前报送。",
        "湖北省人力资源和社会保障厅",
        "2024年12月10日",
    )
    records = normalize_notice(doc)
    notice = records.notice
    assert notice.issuer == "湖北省人力资源和社会保障厅"
    assert (notice.doc_type, notice.plan_year, notice.issued_date) == (
        "call_for_topics", 2025, date(2024, 12, 10),
    )  # fmt: skip
    assert [c.cited_doc_number for c in records.cited] == ["人社厅函〔2024〕179号"]


def test_number_cited_in_the_body_is_not_the_own_number() -> None:
    doc = _doc(
        "关于印发2026年高级研修项目计划的通知",
        "各有关单位：",
        "根据《实施方案》（鄂人社发〔2022〕56号）",
        "鄂人社发〔2022〕56号",
    )
    assert normalize_notice(doc).notice.doc_number is None


def test_chinese_numeral_date_under_the_signature() -> None:
    doc = _doc(
        "关于印发2024年高级研修项目计划的通知", "各有关单位：", "正文。",
        "四川省人力资源和社会保障厅", "二〇二四年三月五日",
    )  # fmt: skip
    assert normalize_notice(doc).notice.issued_date == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("issuer", "number", "region", "level"),
    [
        (
            "新疆维吾尔自治区人力资源和社会保障厅",
            "新人社函〔2024〕12号",
            "新疆维吾尔自治区",
            "provincial",
        ),
        (
            "广西壮族自治区人力资源和社会保障厅",
            "桂人社函〔2024〕3号",
            "广西壮族自治区",
            "provincial",
        ),
        ("内蒙古自治区人力资源和社会保障厅", "内人社办发〔2024〕8号", "内蒙古自治区", "provincial"),
        ("北京市人力资源和社会保障局", "京人社专技发〔2024〕5号", "北京市", "provincial"),
        ("人力资源社会保障部办公厅", "人社厅发〔2021〕24号", "全国", "national"),
        ("武汉市人力资源和社会保障局", "武人社发〔2024〕9号", "湖北省", "municipal"),
        ("某某市人力资源和社会保障局", "鄂某人社〔2024〕9号", "湖北省", "municipal"),
        ("省人力资源和社会保障厅", "闽人社文〔2024〕9号", "福建省", "provincial"),
    ],
)
def test_region_and_level_from_issuer_then_doc_number(
    issuer: str, number: str, region: str, level: str
) -> None:
    doc = _doc(
        number,
        "关于印发2024年高级研修项目计划的通知",
        "各有关单位：",
        "正文。",
        issuer,
        "2024年3月5日",
    )
    notice = normalize_notice(doc).notice
    assert (notice.issuer, notice.region, notice.issuer_level) == (issuer, region, level)


def test_web_page_title_drops_the_site_name_and_dates_come_from_the_page() -> None:
    doc = _doc(
        "中华人民共和国人力资源和社会保障部",
        "当前位置：首页>人才人事>政策文件",
        "人力资源社会保障部办公厅关于印发专业技术人才知识更新工程2021年高级研修项目计划的通知",
        "人社厅发〔2021〕24号",
        "各省、自治区、直辖市人力资源社会保障厅（局）：",
        "正文。",
        "人力资源社会保障部办公厅  \n2021年4月16日",
        media_type="html",
        title="人力资源社会保障部办公厅关于印发专业技术人才知识更新工程2021年高级研修项目计划的通知"
        "_中华人民共和国人力资源和社会保障部",
        published="2021-04-20",
    )
    notice = normalize_notice(doc).notice
    assert (
        notice.title
        == "人力资源社会保障部办公厅关于印发专业技术人才知识更新工程2021年高级研修项目计划的通知"
    )
    assert (notice.doc_number, notice.region, notice.issuer_level) == (
        "人社厅发〔2021〕24号",
        "全国",
        "national",
    )
    assert (notice.issued_date, notice.published_date) == (date(2021, 4, 16), date(2021, 4, 20))


def test_published_date_line_of_a_saved_page_is_read_without_metadata() -> None:
    doc = _doc(
        "人力资源社会保障部办公厅关于印发2021年高级研修项目计划的通知",
        "发布日期：2021-04-20",
        "来源：人社部",
        "人社厅发〔2021〕24号",
        "各省人力资源社会保障厅：",
        media_type="txt",
    )
    assert normalize_notice(doc).notice.published_date == date(2021, 4, 20)


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("关于印发湖北省专业技术人员知识更新工程2026年高级研修项目计划的通知", "plan"),
        ("关于下达2024年度专业技术人才知识更新工程高级研修项目计划的通知", "plan"),
        ("关于征集专业技术人员知识更新工程2025年高级研修项目选题的通知", "call_for_topics"),
        ("关于申报专业技术人才知识更新工程2026年高级研修项目的通知", "call_for_applications"),
        ("关于做好2024年高级研修项目推荐工作的通知", "call_for_applications"),
        ("关于公布2023年省级专业技术人员继续教育基地名单的通知", "other"),
        ("关于申报专业技术人才知识更新工程国家级继续教育基地的通知", "other"),
        ("关于开展2024年度职称评审工作的通知", "other"),
        (None, "other"),
    ],
)
def test_doc_type_from_title(title: str | None, doc_type: str) -> None:
    assert classify_doc_type(title) == doc_type


def test_plan_year_is_the_programme_year_not_the_issue_year() -> None:
    assert plan_year_of("关于征集专业技术人员知识更新工程2025年高级研修项目选题的通知", "") == 2025
    assert (
        plan_year_of(
            "关于征集高级研修项目选题的通知", "我省将于2025年继续组织实施；2025年度高级研修项目"
        )
        == 2025
    )
    assert plan_year_of("关于征集高级研修项目选题的通知", "正文") is None


def test_other_notice_has_no_projects_and_no_terms() -> None:
    table = Table(
        order=9, page=1, n_rows=2, n_cols=3,
        cells=(Cell(0, 0, "序号"), Cell(0, 1, "项目名称"), Cell(0, 2, "承办单位"),
               Cell(1, 0, "1"), Cell(1, 1, "甲基地"), Cell(1, 2, "甲大学")),
    )  # fmt: skip
    doc = _doc(
        "关于公布2023年省级专业技术人员继续教育基地名单的通知",
        "各有关单位：",
        "每期研修时间4天左右，学员40人左右。",
        "湖北省人力资源和社会保障厅",
        "2023年5月1日",
        tables=(table,),
    )
    records = normalize_notice(doc)
    assert records.notice.doc_type == "other"
    assert (records.projects, records.terms) == ((), ())


def test_plan_notice_reads_projects_with_its_region_level_and_year() -> None:
    table = Table(
        order=8, page=3, n_rows=2, n_cols=3,
        cells=(Cell(0, 0, "序号"), Cell(0, 1, "项目名称"), Cell(0, 2, "承办单位"),
               Cell(1, 0, "1"), Cell(1, 1, "甲高级研修班"), Cell(1, 2, "甲大学")),
    )  # fmt: skip
    doc = _doc(
        "桂人社函〔2024〕3号",
        "关于印发广西2024年高级研修项目计划的通知",
        "各有关单位：",
        "正文。",
        "广西壮族自治区人力资源和社会保障厅",
        "2024年3月1日",
        "附件",
        "财政资助项目",
        tables=(table,),
    )
    (project,) = normalize_notice(doc).projects
    assert (project.region, project.program_level, project.plan_year, project.funding_type) == (
        "广西壮族自治区", "provincial", 2024, "财政资助",
    )  # fmt: skip


def test_missing_parts_are_reported_as_problems() -> None:
    records = normalize_notice(_doc("一些没有标题的文字。"))
    assert records.notice.title is None
    assert len(records.problems) == 3
    assert records.problems[0].startswith("no notice title found")


def test_notice_is_told_from_a_form() -> None:
    notice = _doc("鄂人社函〔2026〕51号", "关于印发2026年高级研修项目计划的通知", "各有关单位：")
    numbered_letter = _doc("鄂人社函〔2026〕51号", "某某事项", "各市、州人力资源和社会保障局：")
    form = _doc(
        "附件",
        "专业技术人员知识更新工程2025年高级研修项目申报表",
        "申报单位：（盖章）",
        "注：请按照《湖北省人力资源和社会保障厅关于征集专业技术人员知识更新工程2025年"
        "高级研修项目选题的通知》有关要求，认真填写此表。",
    )
    assert looks_like_notice(notice) is True
    assert looks_like_notice(numbered_letter) is True
    assert looks_like_notice(form) is False


def test_site_menu_item_starting_with_guanyu_is_not_the_title() -> None:
    doc = _doc(
        "首页",
        "关于我们",
        "联系我们",
        "关于开展2024年高级研修项目申报工作的通知",
        "各有关单位：",
        media_type="txt",
    )
    assert normalize_notice(doc).notice.title == "关于开展2024年高级研修项目申报工作的通知"


def test_title_opening_with_the_office_gives_the_place_when_nothing_else_does() -> None:
    doc = _doc("江苏省人力资源和社会保障厅关于印发2024年高级研修项目计划的通知", "各有关单位：")
    notice = normalize_notice(doc).notice
    assert (notice.issuer, notice.region, notice.issuer_level) == (None, "江苏省", "provincial")


def test_joint_notice_signed_by_two_offices_keeps_both_in_order() -> None:
    doc = _doc(
        "关于下达2024年高级研修项目计划的通知",
        "各有关单位：",
        "正文。",
        "附件：4.某某培训中心",
        "湖北省人力资源和社会保障厅",
        "湖北省财政厅",
        "2024年3月1日",
    )
    notice = normalize_notice(doc).notice
    assert notice.issuer == "湖北省人力资源和社会保障厅、湖北省财政厅"
    assert (notice.region, notice.issuer_level) == ("湖北省", "provincial")


def test_offices_side_by_side_on_the_signature_line_are_both_kept() -> None:
    doc = _doc(
        "关于下达2024年高级研修项目计划的通知",
        "各有关单位：",
        "人力资源社会保障部      财政部",
        "2024年3月1日",
    )
    notice = normalize_notice(doc).notice
    assert (notice.issuer, notice.region) == ("人力资源社会保障部、财政部", "全国")


def test_plan_year_from_the_body_names_any_programme_level() -> None:
    assert plan_year_of("关于印发高级研修项目计划的通知", "确定2023年市级高级研修项目10个") == 2023
    assert plan_year_of(None, "确定2022年自治区级高级研修项目26期") == 2022
    assert plan_year_of(None, "2024年度全市高级研修项目") == 2024

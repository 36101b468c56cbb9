"""Issue 12, class by class, on small in-memory documents: organisation roles, per-row
programme level, report vs expense-claim windows, both bounds, headerless texts, plan
wordings and the 公文 elements — each in several wordings, with negative controls."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.model import Block, Cell, Document, Table
from normalizers.notice import classify_doc_type, infer_place, normalize_notice, plan_year_of
from normalizers.notice_header import find_signature, find_title, notice_lines
from normalizers.notice_parts import read_parts
from normalizers.projects import extract_projects, header_columns, level_of_text
from normalizers.term_rules import read_sentence
from normalizers.term_sentences import Sentence
from normalizers.terms import extract_terms


def _doc(*items: str | list[list[str]]) -> Document:
    blocks: list[Block] = []
    tables: list[Table] = []
    for order, item in enumerate(items):
        if isinstance(item, str):
            blocks.append(Block(order=order, page=1, text=item))
        else:
            n_cols = len(item[0])
            cells = tuple(
                # A section row (one text over every column) is one merged cell.
                Cell(row=r, col=0, text=row[0], colspan=n_cols)
                if len(set(row)) == 1 and n_cols > 1
                else Cell(row=r, col=c, text=text)
                for r, row in enumerate(item)
                for c, text in enumerate(row)
                if not (len(set(row)) == 1 and n_cols > 1 and c > 0)
            )
            tables.append(Table(order=order, page=1, n_rows=len(item), n_cols=n_cols, cells=cells))
    return Document(
        doc_id="d",
        source_uri="mem://d",
        media_type="docx",
        blocks=tuple(blocks),
        tables=tuple(tables),
    )


# -- organisation roles ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("主办单位", "sponsor_org"),
        ("主办部门", "sponsor_org"),
        ("承办单位", "host_org"),
        ("承训单位", "host_org"),
        ("申报单位", "applicant_org"),
        ("推荐单位", "applicant_org"),
        ("主管部门", "supervising_dept"),
        ("主管单位", "supervising_dept"),
        ("业务主管部门", "supervising_dept"),
        ("级别", "program_level"),
    ],
)
def test_each_organisation_header_has_its_own_role(header: str, role: str) -> None:
    assert header_columns(["项目名称", header]) == {"project_name": 0, role: 1}


def test_a_row_keeps_every_role_and_the_sponsor_is_no_applicant() -> None:
    table = [
        ["序号", "项目名称", "主办单位", "申报单位", "主管部门", "承办单位"],
        ["1", "甲高级研修班", "甲部", "甲市人社局", "甲厅", "甲大学"],
    ]
    (p,) = extract_projects(
        _doc(table), notice_id="n", plan_year=2025, region="河南省", program_level="provincial"
    )
    assert (p.sponsor_org, p.applicant_org, p.supervising_dept, p.host_org) == (
        "甲部", "甲市人社局", "甲厅", "甲大学",
    )  # fmt: skip


def test_a_table_with_a_sponsor_and_no_host_is_still_a_programme_list() -> None:
    table = [["项目名称", "主办单位"], ["甲高级研修班", "甲部"]]
    (p,) = extract_projects(
        _doc(table), notice_id="n", plan_year=2025, region="全国", program_level="national"
    )
    assert (p.sponsor_org, p.host_org, p.applicant_org) == ("甲部", None, None)


# -- programme level per row -----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("国家级", "national"),
        ("一、国家级高级研修项目（3期）", "national"),
        ("省级", "provincial"),
        ("自治区级项目", "provincial"),
        ("省部级", "provincial"),
        ("市级", "municipal"),
        ("地市级", "municipal"),
        ("国家级和省级高级研修项目", None),
        ("财政资助项目", None),
    ],
)
def test_level_of_text(text: str, level: str | None) -> None:
    assert level_of_text(text) == level


def _levels(*items: str | list[list[str]], issuer: str = "provincial", city: bool = False) -> list:
    projects = extract_projects(
        _doc(*items),
        notice_id="n",
        plan_year=2025,
        region="x",
        program_level=issuer,
        municipal_is_provincial=city,
    )
    return [(p.project_name, p.program_level, p.funding_type, p.seq) for p in projects]


def test_a_level_column_gives_each_row_its_level() -> None:
    table = [
        ["序号", "级别", "项目名称", "承办单位"],
        ["1", "国家级", "甲班", "甲大学"],
        ["2", "省级", "乙班", "乙大学"],
        ["3", "", "丙班", "丙大学"],
    ]
    assert _levels(table) == [
        ("甲班", "national", None, 1),
        ("乙班", "provincial", None, 2),
        ("丙班", "provincial", None, 3),
    ]


def test_section_rows_name_the_level_and_funding_groups_under_it() -> None:
    section = lambda text: [text] * 3  # noqa: E731
    table = [
        ["序号", "项目名称", "承办单位"],
        section("一、国家级高级研修项目"),
        ["1", "甲班", "甲大学"],
        section("二、省级高级研修项目"),
        section("（一）财政资助项目"),
        ["1", "乙班", "乙大学"],
        section("（二）自筹经费项目"),
        ["1", "丙班", "丙大学"],
    ]
    assert _levels(table) == [
        ("甲班", "national", None, 1),
        ("乙班", "provincial", "财政资助", 1),
        ("丙班", "provincial", "自筹经费", 1),
    ]


def test_headings_before_tables_name_the_level_and_carry_to_the_next_table() -> None:
    header = ["序号", "项目名称", "承办单位"]
    rows = _levels(
        "附件1",
        "一、国家级项目",
        [header, ["1", "甲班", "甲大学"]],
        "二、省级项目",
        "（一）财政资助项目",
        [header, ["1", "乙班", "乙大学"]],
        "（二）自筹经费项目",
        [header, ["1", "丙班", "丙大学"]],
    )
    assert [r[1] for r in rows] == ["national", "provincial", "provincial"]


def test_a_body_heading_before_the_attachment_label_is_no_section() -> None:
    rows = _levels("二、国家级项目", "附件1", [["项目名称", "承办单位"], ["甲班", "甲大学"]])
    assert rows == [("甲班", "provincial", None, 1)]


def test_a_city_province_reads_its_municipal_programmes_as_provincial() -> None:
    table = [["项目名称", "承办单位"], ["市级项目"] * 2, ["甲班", "甲大学"]]
    assert _levels(table, city=True) == [("甲班", "provincial", None, 1)]
    assert _levels(table) == [("甲班", "municipal", None, 1)]


def test_without_any_level_rows_take_the_notice_level() -> None:
    table = [["项目名称", "承办单位"], ["甲班", "甲大学"]]
    assert _levels(table, issuer="national") == [("甲班", "national", None, 1)]


# -- report vs expense-claim windows ---------------------------------------------------
def _windows(text: str) -> list[tuple[str, float | None, str | None]]:
    return [
        (c.term, c.value_max, c.unit)
        for c in read_sentence(Sentence(text, 1), plan_year=2025)
        if c.term.endswith("_window_days")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "承办单位应于办班结束后30日内将经费决算表及票据报省人社厅，10个工作日内将总结报告、"
            "学员名单报送专技处。",
            [("reimbursement_window_days", 30, "day"), ("report_window_days", 10, "workday")],
        ),
        (
            "项目结束后，承办单位应在10个工作日内提交研修总结报告和学员名单。",
            [("report_window_days", 10, "workday")],
        ),
        ("办班结束后15日内报送总结报告等材料。", [("report_window_days", 15, "day")]),
        ("办班结束后1个月内将经费报销材料报送我厅。", [("reimbursement_window_days", 30, "day")]),
        (
            "经费决算表及相关票据于研修结束后1个月内报送。",
            [("reimbursement_window_days", 30, "day")],
        ),
        (
            "研修班结束后20日内将培训总结、学员花名册等材料报我局，经费决算表及相关票据于结束后"
            "1个月内报送。",
            [("report_window_days", 20, "day"), ("reimbursement_window_days", 30, "day")],
        ),
        (
            "项目结束后15日内，承办单位将总结报告、学员名单、经费决算表等材料报省人社厅。",
            [("report_window_days", 15, "day")],
        ),
        ("结业后1个月内完成经费结算报账。", [("reimbursement_window_days", 30, "day")]),
        ("请于收到通知后5个工作日内报送总结报告。", []),
    ],
)
def test_a_window_is_decided_by_what_must_be_handed_in(text: str, expected: list) -> None:
    assert _windows(text) == expected


def test_a_mixed_window_never_hides_a_window_stated_on_its_own() -> None:
    doc = _doc(
        "项目结束后半个月内，承办单位将总结报告、学员名单及经费报销票据报送我厅。",
        "经费报销材料应于办班结束后1个月内报送。",
    )
    terms = extract_terms(doc, notice_id="n", plan_year=2025, issuer_level="provincial")
    assert {(t.term, t.value_max) for t in terms} == {
        ("report_window_days", 15),
        ("reimbursement_window_days", 30),
    }


# -- both bounds -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "term", "low", "high"),
    [
        ("每期学员不少于60人、不超过120人。", "participants", 60, 120),
        ("每期学员40至60人。", "participants", 40, 60),
        ("学员人数原则上在50人以上、100人以下。", "participants", 50, 100),
        ("学员人数控制在40人至80人之间。", "participants", 40, 80),
        ("每期学员40—60人。", "participants", 40, 60),
        ("研修时间5—7天。", "duration_days", 5, 7),
        ("研修时间不少于3天、不超过5天。", "duration_days", 3, 5),
        ("每期学员不少于60人。", "participants", 60, None),
    ],
)
def test_both_bounds_are_kept(text: str, term: str, low: float, high: float | None) -> None:
    found = [c for c in read_sentence(Sentence(text, 1), plan_year=2025) if c.term == term]
    assert [(c.value_min, c.value_max) for c in found] == [(low, high)]


def test_bounds_of_two_levels_are_not_merged() -> None:
    text = "国家级项目学员不少于60人，省级项目学员不超过100人。"
    found = read_sentence(Sentence(text, 1), plan_year=2025)
    assert [(c.level, c.value_min, c.value_max) for c in found] == [
        ("national", 60, None),
        ("provincial", None, 100),
    ]


# -- headerless texts ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "place"),
    [
        (
            "根据《实施办法》（新人社规〔2023〕3号），自治区级高级研修项目…",
            ("新疆维吾尔自治区", "provincial"),
        ),
        ("根据（宁人社规〔2023〕4号）的规定，现将计划印发。", ("宁夏回族自治区", None)),
        (
            "全区各承办单位要组织呼和浩特市、包头市的骨干参加，自治区将…",
            ("内蒙古自治区", "provincial"),
        ),
        ("江西省各设区市要认真组织全省高级研修项目。", ("江西省", "provincial")),
        ("根据（人社厅发〔2024〕55号），现将计划印发。", (None, None)),
        ("组织武汉市、长沙市的专家授课。", (None, None)),
        ("根据（鄂人社发〔2022〕56号）和（湘人社规〔2021〕3号），现将计划印发。", (None, None)),
    ],
)
def test_infer_place_only_with_evidence(body: str, place: tuple[str | None, str | None]) -> None:
    assert infer_place(body) == place


def test_plan_year_from_an_attachment_title_when_the_title_has_none() -> None:
    assert (
        plan_year_of(
            "关于做好高级研修项目实施工作的通知", "正文", ("2024年自治区级高级研修项目计划表",)
        )
        == 2024
    )
    assert plan_year_of("关于印发2025年高级研修项目计划的通知", "", ("2024年…计划表",)) == 2025
    assert plan_year_of("关于做好高级研修项目实施工作的通知", "正文", ("学员名单",)) is None


def test_a_notice_with_a_header_keeps_its_own_region() -> None:
    notice = normalize_notice(
        _doc(
            "河南省人力资源和社会保障厅",
            "豫人社函〔2025〕3号",
            "关于印发2025年高级研修项目计划的通知",
            "各有关单位：",
            "根据（新人社规〔2023〕3号），现印发。",
            "河南省人力资源和社会保障厅",
            "2025年3月1日",
        )
    ).notice
    assert (notice.region, notice.issuer_level) == ("河南省", "provincial")


# -- plan wordings and neighbouring families -------------------------------------------
@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("关于印发2025年度高级研修项目计划的通知", "plan"),
        ("关于下达2025年度专业技术人才知识更新工程高级研修项目的通知", "plan"),
        ("关于公布2025年国家级高级研修项目的通知", "plan"),
        ("关于做好2024年度高级研修项目实施工作的通知", "plan"),
        ("关于2025年高级研修项目实施计划的通知", "plan"),
        ("关于做好2026年度高级研修项目申报工作的通知", "call_for_applications"),
        ("关于征集2026年度高级研修项目选题的通知", "call_for_topics"),
        ("关于公布2025年度高级研修项目继续教育学时的通知", "other"),
        ("关于高级研修项目继续教育学分认定有关问题的通知", "other"),
        ("关于公布2024年度省级专业技术人员继续教育基地名单的通知", "other"),
        ("关于做好高级研修项目总结评估工作的通知", "other"),
    ],
)
def test_doc_type_of_plan_wordings(title: str, doc_type: str) -> None:
    assert classify_doc_type(title) == doc_type


# -- the whole 公文 --------------------------------------------------------------------
def _parts(*lines: str):  # type: ignore[no-untyped-def]
    doc = _doc(*lines)
    found = notice_lines(doc)
    title = find_title(found)
    signature = find_signature(found, start=title.end if title else 0)
    return read_parts(found, title, signature)


_TITLE = "关于印发2025年高级研修项目计划的通知"
_SIGNED = ("甲省人力资源和社会保障厅", "2025年3月1日")


@pytest.mark.parametrize(
    ("top", "secrecy", "urgency"),
    [
        (["秘密★1年", "特急"], "秘密★1年", "特急"),
        (["机密", "加急"], "机密", "加急"),
        (["绝密★长期"], "绝密★长期", None),
        (["密级：秘密", "紧急程度：加急"], "秘密", "加急"),
        (["000123\u3000\u3000机密★6个月\u3000\u3000特急"], "机密★6个月", "特急"),
        ([], None, None),
    ],
)
def test_secrecy_and_urgency(top: list[str], secrecy: str | None, urgency: str | None) -> None:
    parts = _parts(*top, "甲省人力资源和社会保障厅文件", "甲人社发〔2025〕1号", _TITLE, *_SIGNED)
    assert (parts.secrecy, parts.urgency) == (secrecy, urgency)


@pytest.mark.parametrize(
    ("number_line", "signer"),
    [
        ("甲人社发〔2025〕1号\u3000\u3000签发人：张三", "张三"),
        ("甲人社发〔2025〕1号    签发人：张三 李四", "张三、李四"),
        ("签发人:王五", "王五"),
        ("甲人社发〔2025〕1号", None),
    ],
)
def test_signer(number_line: str, signer: str | None) -> None:
    assert _parts(number_line, _TITLE, *_SIGNED).signer == signer


@pytest.mark.parametrize(
    ("lines", "recipients"),
    [
        (["各市人社局，省直各单位："], "各市人社局，省直各单位"),
        (
            ["各市、州人力资源和社会保障局，", "省直有关部门："],
            "各市、州人力资源和社会保障局，省直有关部门",
        ),
        (["甲省财政厅:"], "甲省财政厅"),
        (["各市人社局：根据有关规定，现印发。"], "各市人社局"),
        (["为做好有关工作，现将有关事项通知如下："], None),
        (["根据有关规定，现印发。"], None),
    ],
)
def test_main_recipients(lines: list[str], recipients: str | None) -> None:
    assert _parts(_TITLE, *lines, "正文。", *_SIGNED).main_recipients == recipients


@pytest.mark.parametrize(
    ("tail", "cc", "office", "printed"),
    [
        (
            [
                "抄送：人社部专技司，省财政厅。",
                "甲省人力资源和社会保障厅办公室\u3000\u3000\u30002025年3月2日印发",
            ],
            "人社部专技司，省财政厅",
            "甲省人力资源和社会保障厅办公室",
            date(2025, 3, 2),
        ),
        (
            [
                "抄送：人社部专技司，省委组织部，省财政厅，",
                "省教育厅。",
                "甲省人力资源和社会保障厅办公室  二〇二五年三月二日印发",
            ],
            "人社部专技司，省委组织部，省财政厅，省教育厅",
            "甲省人力资源和社会保障厅办公室",
            date(2025, 3, 2),
        ),
        (
            ["甲省人力资源和社会保障厅办公室 2025年3月2日印发"],
            None,
            "甲省人力资源和社会保障厅办公室",
            date(2025, 3, 2),
        ),
        ([], None, None, None),
    ],
)
def test_copies_to_printing_office_and_date(
    tail: list[str], cc: str | None, office: str | None, printed: date | None
) -> None:
    parts = _parts(_TITLE, "各有关单位：", "正文。", *_SIGNED, *tail)
    assert (parts.cc_recipients, parts.printing_office, parts.printed_date) == (cc, office, printed)


@pytest.mark.parametrize(
    ("body", "after", "note", "contact"),
    [
        ([], ["（此件公开发布）"], "此件公开发布", None),
        (
            [],
            ["(此件主动公开)", "（联系人：王某，电话：027-87650000）"],
            "此件主动公开",
            "联系人：王某，电话：027-87650000",
        ),
        (
            ["联系人：刘某\u3000\u3000联系电话：0371-69690000"],
            [],
            None,
            "联系人：刘某，联系电话：0371-69690000",
        ),
        (
            ["专技处联系电话：010-12345678。", "传真：010-12345679"],
            [],
            None,
            "专技处联系电话：010-12345678；传真：010-12345679",
        ),
        ([], ["联系人：赵某 电话：0851-12345678"], None, "联系人：赵某电话：0851-12345678"),
        (["请各单位认真组织实施。"], [], None, None),
    ],
)
def test_note_and_contact(
    body: list[str], after: list[str], note: str | None, contact: str | None
) -> None:
    parts = _parts(
        _TITLE, "各有关单位：", "正文。", *body, *_SIGNED, *after, "附件1", "联系人：申报单位填写"
    )
    assert (parts.note, parts.contact) == (note, contact)


def test_the_contact_of_an_attachment_form_is_not_the_issuer_contact() -> None:
    parts = _parts(_TITLE, "各有关单位：", "正文。", *_SIGNED, "附件1", "联系人：", "联系电话：")
    assert parts.contact is None


def test_the_gongwen_elements_reach_the_notice_record_and_the_id_does_not_change() -> None:
    lines = ("甲人社发〔2025〕1号\u3000签发人：张三", _TITLE, "各有关单位：", "正文。", *_SIGNED)
    plain = normalize_notice(_doc(*lines[1:])).notice
    full = normalize_notice(_doc("加急", *lines, "（此件公开发布）")).notice
    assert (full.urgency, full.signer, full.main_recipients, full.note) == (
        "加急", "张三", "各有关单位", "此件公开发布",
    )  # fmt: skip
    assert plain.urgency is None and plain.note is None
    again = normalize_notice(_doc("特急", *lines)).notice
    assert again.notice_id == full.notice_id

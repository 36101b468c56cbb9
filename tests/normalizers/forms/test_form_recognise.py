"""Form type from the title and labels, never from the file name; notices are no forms."""

from __future__ import annotations

import dataclasses

from normalizers.forms import normalize_form
from normalizers.forms.keyvalues import read_key_values
from normalizers.forms.recognise import form_title, is_notice, recognise_form
from tests.normalizers.forms.form_docs import LEFT, document

KEY = b"test-key"
BUDGET_ROWS = [
    ["名称", "集成电路高级研修班", LEFT],
    ["项目", "金额", "备注"],
    ["住宿费", "48,600.00", ""],
    ["合计", "48,600.00", ""],
    ["人社部门资助金额", "48,600.00", ""],
]


def _kind(doc: object) -> str | None:
    return recognise_form(doc, read_key_values(doc))  # type: ignore[arg-type]


def test_title_split_over_two_lines_is_joined() -> None:
    doc = document(
        before=["附件5", "湖北省专业技术人员知识更新工程", "2026 年高级研修项目经费决算表"],
        tables=[BUDGET_ROWS],
    )
    assert form_title(doc) == "附件5湖北省专业技术人员知识更新工程2026年高级研修项目经费决算表"
    assert _kind(doc) == "budget_sheet"


def test_label_lines_are_no_part_of_the_title() -> None:
    doc = document(before=["学员签到表", "填报单位：申报表大学"], tables=[[["姓名", "身份证号"]]])
    assert _kind(doc) == "attendance_sheet"


def test_specific_titles_win_over_general_ones() -> None:
    stats = document(before=["学员满意度测评统计表"], tables=[[["评价项目", "优秀率"]]])
    survey = document(before=["学员满意度测评表"], tables=[[["评价项目", "优秀"]]])
    summary = document(before=["2026年高级研修项目汇总表"], tables=[[["序号", "研修选题"]]])
    roster = document(before=["研修人员名单"], tables=[[["姓名", "身份证号"]]])
    assert _kind(stats) == "satisfaction_stats"
    assert _kind(survey) is None
    assert _kind(summary) is None
    assert _kind(roster) == "attendance_sheet"


def test_labels_tell_the_type_when_there_is_no_title() -> None:
    assert _kind(document(tables=[BUDGET_ROWS])) == "budget_sheet"
    assert _kind(document(tables=[[["序号", "姓名", "身份证号码"]]])) == "attendance_sheet"
    assert _kind(document(tables=[[["名称", "某班"]]])) is None


def test_a_notice_with_form_templates_is_no_form() -> None:
    doc = document(
        before=[
            "关于印发湖北省专业技术人员知识更新工程2026年高级研修项目计划的通知",
            "各市、州人社局：",
            "附件5",
            "2026 年高级研修项目经费决算表",
        ],
        tables=[BUDGET_ROWS],
    )
    assert is_notice(doc)
    assert _kind(doc) is None
    assert normalize_form(doc, pii_key=KEY) is None


def test_a_notice_title_broken_over_two_lines_is_seen() -> None:
    doc = document(
        before=["关于印发2026年高级研修项目", "计划的通知", "经费决算表"], tables=[BUDGET_ROWS]
    )
    assert is_notice(doc)


def test_a_note_citing_a_notice_does_not_make_a_notice() -> None:
    doc = document(
        before=["经费决算表"],
        tables=[BUDGET_ROWS],
        after=["注：请按照《湖北省人社厅关于征集2025年高级研修项目选题的通知》有关要求填写。"],
    )
    assert not is_notice(doc)
    assert _kind(doc) == "budget_sheet"


def test_file_name_is_ignored() -> None:
    doc = dataclasses.replace(
        document(before=["经费决算表"], tables=[BUDGET_ROWS]), source_uri="/x/申报表_签到表.docx"
    )
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    assert records.form_type == "budget_sheet"


def test_document_without_form_is_none() -> None:
    assert normalize_form(document(before=["会议纪要", "今天开会。"]), pii_key=KEY) is None

"""经费决算表 from hand-built documents: label variants, amount styles, wrong totals."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.model import Document
from normalizers.forms import FormRecords, normalize_form
from tests.normalizers.forms.form_docs import LEFT, document

KEY = b"test-key"
ITEMS = ("住宿费", "伙食费", "场地费", "讲课费", "资料费", "交通费", "其他")


def _budget(
    amounts: list[str],
    total: str,
    *,
    subsidy: str = "",
    amount_header: str = "金额",
    spaced_labels: bool = False,
    name: str = "集成电路高级研修班",
) -> Document:
    label = (lambda text: " ".join(text)) if spaced_labels else (lambda text: text)
    rows = [
        [label("名称"), name, label("地点"), "武汉市"],
        ["办班时间", "2026年9月15日至18日", LEFT, LEFT],
        ["研修人数", "45人", "工作人员：5人", f"{label('总计')}：50人"],
        ["项目资金决算", LEFT, LEFT, LEFT],
        [label("项目"), label(amount_header), label("备注"), LEFT],
        *[[item, amount, "", LEFT] for item, amount in zip(ITEMS, amounts, strict=True)],
        ["合计", total, "", LEFT],
        ["人社部门资助金额", subsidy, "", LEFT],
        ["申报单位", "武汉理工大学", LEFT, LEFT],
        ["承办单位", "武汉理工大学（盖章）", LEFT, LEFT],
    ]
    return document(
        before=["附件5", "湖北省专业技术人员知识更新工程", "2026 年高级研修项目经费决算表"],
        tables=[rows],
        after=["填报单位：武汉理工大学", "填报时间：2026年9月30日"],
    )


def _read(doc: Document) -> FormRecords:
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    assert records.form_type == "budget_sheet"
    return records


@pytest.mark.parametrize(
    ("amounts", "total", "header"),
    [
        (["48,600.00", "26,000.00", "12,000.00", "28,800.00", "5,400.00", "6,800.00", "2,760.00"],
         "130,360.00", "金额"),
        (["48600", "26000", "12000", "28800", "5400", "6800", "2760"], "130360", "金额"),
        (["4.86", "2.6", "1.2", "2.88", "0.54", "0.68", "0.276"], "13.036", "金额（万元）"),
        (["48600元", "26000元", "12000元", "28800元", "5400元", "6800元", "2760元"], "130360元",
         "金额"),
    ],
)  # fmt: skip
def test_each_amount_style_gives_yuan(amounts: list[str], total: str, header: str) -> None:
    records = _read(_budget(amounts, total, amount_header=header))
    assert [line.amount_yuan for line in records.budget_lines] == [
        48600.0, 26000.0, 12000.0, 28800.0, 5400.0, 6800.0, 2760.0,
    ]  # fmt: skip
    sheet = records.budget_sheets[0]
    assert (sheet.total_yuan, sheet.computed_total_yuan, sheet.total_matches) == (
        130360.0,
        130360.0,
        True,
    )


def test_head_fields_and_orgs() -> None:
    doc = _budget(["100"] * 7, "700", subsidy="700")
    sheet = _read(doc).budget_sheets[0]
    assert (sheet.project_name, sheet.location, sheet.schedule_text) == (
        "集成电路高级研修班",
        "武汉市",
        "2026年9月15日至18日",
    )
    assert (sheet.start_date, sheet.end_date) == (date(2026, 9, 15), date(2026, 9, 18))
    assert (sheet.participants, sheet.staff, sheet.total_people) == (45, 5, 50)
    assert sheet.subsidy_yuan == 700.0
    assert (sheet.applicant_org, sheet.host_org) == ("武汉理工大学", "武汉理工大学")


def test_hubei_2023_labels_with_spaces_are_read() -> None:
    records = _read(_budget(["100"] * 7, "700", spaced_labels=True, name="氢能燃料电池高级研修班"))
    sheet = records.budget_sheets[0]
    assert (sheet.project_name, sheet.location, sheet.total_people) == (
        "氢能燃料电池高级研修班",
        "武汉市",
        50,
    )
    assert [line.item for line in records.budget_lines] == list(ITEMS)


def test_wrong_total_is_flagged_and_still_returned() -> None:
    records = _read(_budget(["100", "200", "300", "400", "500", "600", "700.01"], "2,800.00"))
    sheet = records.budget_sheets[0]
    assert sheet.total_yuan == 2800.0
    assert sheet.computed_total_yuan == 2800.01
    assert sheet.total_matches is False


def test_lines_keep_notes_and_blank_amounts() -> None:
    doc = _budget(["100", "", "300", "400", "500", "600", "700"], "2,600.00")
    lines = _read(doc).budget_lines
    assert [(line.line_no, line.item, line.amount_yuan) for line in lines[:2]] == [
        (1, "住宿费", 100.0),
        (2, "伙食费", None),
    ]
    assert lines[0].note is None


def test_blank_template_is_no_form() -> None:
    assert normalize_form(_budget([""] * 7, "", name=""), pii_key=KEY) is None

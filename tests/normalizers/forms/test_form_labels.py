"""The label dictionary and the generic label -> value reader."""

from __future__ import annotations

import pytest

from normalizers.forms.keyvalues import inline_pairs, is_blank, org_name, read_key_values
from normalizers.forms.labels import label_book, normalize_label, strip_remark
from tests.normalizers.forms.form_docs import LEFT, UP, document


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("选题所属\n行业领域", "field_domain"),
        ("选题所属\n专业技术领域", "field_domain"),
        ("名 称", "project_name"),
        ("办班 时间", "schedule_text"),
        ("人社部门资助金\n额", "subsidy"),
        ("申报项目\n类别\n（仅单选）", "funding_category"),
        ("承办单位（印章）：", "host_org"),
        ("省直主管\n单位或设\n区市人社\n部门审核\n意见", "review_opinion"),
        ("合　计", "total"),
    ],
)
def test_label_variants_match_after_removing_layout(written: str, key: str) -> None:
    assert label_book().fields.match(written) == key


def test_values_and_long_text_are_not_labels() -> None:
    fields = label_book().fields
    assert fields.match("集成电路高级研修班") is None
    assert fields.match("同意推荐，请省人社厅审核意见" * 4) is None
    assert fields.match("") is None


def test_normalize_label_and_strip_remark() -> None:
    assert normalize_label(" 名 称： ") == "名称"
    assert strip_remark(normalize_label("专业技术职务\n（职称）")) == "专业技术职务"


def test_inline_pairs_split_a_line_with_two_labels() -> None:
    pairs = inline_pairs("填报单位：武汉大学    填报时间：2026年7月8日")
    assert pairs == [("fill_org", "武汉大学"), ("fill_date", "2026年7月8日")]


def test_inline_pairs_accept_a_remark_before_the_colon() -> None:
    assert inline_pairs("承办单位（印章）：武汉理工大学") == [("host_org", "武汉理工大学")]
    assert inline_pairs("经办人：\n吴静怡") == [("handler", "吴静怡")]
    assert inline_pairs("注：请认真填写此表") == []


def test_counts_may_follow_their_label_without_colon() -> None:
    assert inline_pairs("工作人员5人") == [("staff", "5人")]
    assert inline_pairs("总 计 50人") == [("total_people", "50人")]
    assert inline_pairs("名称2026年某研修班") == []  # text needs its colon


def test_blank_values_and_seal_remarks() -> None:
    assert is_blank("  年  月  日 ")
    assert is_blank("____")
    assert is_blank("（盖章）")
    assert not is_blank("0")
    assert org_name("福建农林大学（盖章）") == "福建农林大学"
    assert org_name("武汉市（武汉轻工大学\n常青校区）") == "武汉市（武汉轻工大学常青校区）"


def test_value_is_next_non_label_cell_to_the_right() -> None:
    doc = document(
        tables=[
            [
                ["项目名称", "智慧茶产业高级研修班", LEFT, LEFT],
                ["办班时间", "2026年10月13日至16日", "办班地点", "福州市"],
                ["研修人数", "工作人员：5人", "总计：50人", ""],
            ]
        ]
    )
    found = read_key_values(doc)
    assert found.values["project_name"] == "智慧茶产业高级研修班"
    assert found.values["schedule_text"] == "2026年10月13日至16日"
    assert found.values["location"] == "福州市"
    # 研修人数 is left blank: the inline label cell to its right is not its value.
    assert "participants" not in found.values
    assert "participants" in found.seen
    assert (found.values["staff"], found.values["total_people"]) == ("5人", "50人")


def test_a_value_split_over_cells_is_carried_on_by_digits_ranges_and_units() -> None:
    doc = document(
        tables=[
            [
                ["办班时间", "2026-08-10", "至", "2026-08-13", ""],
                ["研修人数", "40", "人", "工作人员", "5"],
                ["申报单位信息", "地址", "武汉市洪山区", "邮编", "430070"],
                ["经办人", "吴敏", "承办单位财务部门签章", "申报单位签章", ""],
            ]
        ]
    )
    found = read_key_values(doc)
    assert found.values["schedule_text"] == "2026-08-10 至 2026-08-13"
    # "人" alone is the template's unit placeholder, no part of the value.
    assert (found.values["participants"], found.values["staff"]) == ("40", "5")
    # A cell of words may be a label the dictionary does not know: the value stops.
    assert found.values["applicant_info.address"] == "武汉市洪山区"
    assert found.values["handler"] == "吴敏"


def test_group_label_over_several_rows_prefixes_its_sub_labels() -> None:
    doc = document(
        tables=[
            [
                ["申报单位\n信息", "单位名称", "华中农业大学", "联系人", "罗志强"],
                [UP, "办公电话", "027-1", "手机", "139"],
                [UP, "传 真", "027-2", "地 址", "武汉市"],
                ["承办单位\n信息", "单位名称", "武汉大学", "联系人", "田晓雯"],
                ["", "是否继续\n教育基地", "☑是省级继续教育基地", LEFT, LEFT],
                ["项目名称", "某研修班", LEFT, LEFT, LEFT],
            ]
        ]
    )
    found = read_key_values(doc)
    assert found.values["applicant_info.org_name"] == "华中农业大学"
    assert found.values["applicant_info.fax"] == "027-2"
    assert found.values["applicant_info.address"] == "武汉市"
    assert found.values["host_info.org_name"] == "武汉大学"
    # An empty left cell (a page break in a PDF) keeps the group going.
    assert found.values["host_info.ce_base"] == "☑是省级继续教育基地"
    assert found.values["project_name"] == "某研修班"


def test_header_lines_are_read_and_the_first_filled_value_wins() -> None:
    doc = document(
        before=["申报单位：（盖章）", "申报时间：2026年2月10日"],
        tables=[[["申报单位", "福建农林大学"]]],
    )
    found = read_key_values(doc)
    assert found.values["applicant_org"] == "福建农林大学"
    assert found.values["apply_date"] == "2026年2月10日"

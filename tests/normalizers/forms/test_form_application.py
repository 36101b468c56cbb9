"""申报表 from hand-built documents: the Hubei and Fujian template variants."""

from __future__ import annotations

from datetime import date

from extractors.model import Document
from normalizers.forms import ApplicationForm, normalize_form
from tests.normalizers.forms.form_docs import LEFT, UP, document

KEY = b"test-key"


def _hubei(funding: str, scope: str, base: str, name: str = "作物精准施肥高级研修班") -> Document:
    rows = [
        ["项目名称", name, LEFT, LEFT, LEFT],
        ["办班时间", "2025年10月21日至24日", LEFT, "办班地点", "武汉市洪山区"],
        ["选题所属\n行业领域", "农业", LEFT, "选题所属\n行业主管部门", "湖北省农业农村厅"],
        ["申报项目\n类别\n（仅单选）", funding, LEFT, LEFT, LEFT],
        ["是否符合\n选题范围", scope, LEFT, LEFT, LEFT],
        ["研修目的\n和作用", "更新知识。", LEFT, LEFT, LEFT],
        ["申报单位\n信息", "单位名称", "华中农业大学", "联系人", "罗志强"],
        [UP, "办公电话", "027-1", "手机", "139"],
        [UP, "传真", "027-2", "地址", "武汉市"],
        ["承办单位\n信息", "单位名称", "湖北省农业科学院", "联系人", "田晓雯"],
        [UP, "办公电话", "027-3", "手机", "186"],
        [UP, "传 真", "027-4", "地 址", "武汉市"],
        [UP, "是否继续\n教育基地", base, LEFT, LEFT],
    ]
    return document(
        before=[
            "附件",
            "专业技术人员知识更新工程2025年高级研修项目申报表",
            "申报单位：华中农业大学（盖章）",
            "申报时间：2024年12月16日",
        ],
        tables=[rows],
    )


def _read(doc: Document) -> ApplicationForm:
    records = normalize_form(doc, pii_key=KEY)
    assert records is not None
    assert records.form_type == "application_form"
    (form,) = records.application_forms
    return form


def test_hubei_form_with_ticks_and_self_funding_source() -> None:
    form = _read(
        _hubei(
            "□财政资助项目    ☑自筹经费项目（自筹经费来源：承办单位继续教育专项经费）",
            "☑服务国家战略：服务乡村振兴。\n□对接产业需求：\n☑突出数字技术：遥感监测。",
            "☑是第 2 批国家级专业技术人员继续教育基地\n□是省级继续教育基地\n□否",
        )
    )
    assert (form.project_name, form.location, form.field_domain) == (
        "作物精准施肥高级研修班",
        "武汉市洪山区",
        "农业",
    )
    assert (form.start_date, form.end_date) == (date(2025, 10, 21), date(2025, 10, 24))
    assert form.supervising_dept == "湖北省农业农村厅"
    assert (form.funding_type, form.self_funding_source) == ("自筹经费", "承办单位继续教育专项经费")
    assert (form.scope_national_strategy, form.scope_industry, form.scope_digital) == (
        True,
        False,
        True,
    )
    assert (form.applicant_org, form.host_org) == ("华中农业大学", "湖北省农业科学院")
    assert (form.is_ce_base, form.ce_base_batch) == ("national", 2)


def test_fiscal_funding_has_no_self_funding_source() -> None:
    form = _read(
        _hubei(
            "√财政资助项目 □自筹经费项目（自筹经费来源：_____）",
            "□服务国家战略：\n√对接产业需求：对接产业。\n□突出数字技术：",
            "□是第__批国家级继续教育基地\n□是省级继续教育基地\n√否",
        )
    )
    assert (form.funding_type, form.self_funding_source) == ("财政资助", None)
    assert (form.scope_national_strategy, form.scope_industry, form.scope_digital) == (
        False,
        True,
        False,
    )
    assert (form.is_ce_base, form.ce_base_batch) == ("no", None)


def test_nothing_ticked_gives_none_not_a_guess() -> None:
    form = _read(
        _hubei(
            "□财政资助项目 □自筹经费项目（自筹经费来源：）",
            "□服务国家战略：\n□对接产业需求：\n□突出数字技术：",
            "□是第__批国家级继续教育基地\n□是省级继续教育基地\n□否",
        )
    )
    assert (form.funding_type, form.is_ce_base) == (None, None)
    assert form.scope_digital is False


def _fujian_provincial() -> Document:
    scope = "■服务重大战略：乡村振兴。\n□对接产业需求：\n□突出数字技术："
    base = "□是第____批国家级继续教育基地\n■是省级继续教育基地\n□否"
    review = "省直主管\n单位或设\n区市人社\n部门审核\n意见"
    rows = [
        ["项目名称", "智慧茶产业数字化技术高级研修班", LEFT, LEFT, LEFT],
        ["办班时间", "2026年10月13日至16日", LEFT, "办班地点", "福州市"],
        ["选题所属\n专业技术领域", "农业", LEFT, "选题所属\n行业主管部门", "福建省农业农村厅"],
        ["是否符合\n选题范围", scope, LEFT, LEFT, LEFT],
        ["承办单位\n信息", "单位名称", "福建农林大学", "联系人", "林雅琪"],
        [UP, "办公电话", "0591-1", "手机", "158"],
        [UP, "是否继续\n教育基地", base, LEFT, LEFT],
        [review, "同意推荐。\n（盖章）\n2026年2月13日", LEFT, LEFT, LEFT],
    ]
    return document(
        before=[
            "附件2",
            "专业技术人才知识更新工程",
            "2026年省级高级研修项目申报表",
            "申报单位：福建农林大学（盖章）",
            "申报时间：2026年2月10日",
        ],
        tables=[rows],
    )


def test_fujian_provincial_form_without_category_row_and_with_review_row() -> None:
    form = _read(_fujian_provincial())
    assert form.field_domain == "农业"
    assert (form.funding_type, form.self_funding_source) == (None, None)
    assert (form.scope_national_strategy, form.scope_industry, form.scope_digital) == (
        True,
        False,
        False,
    )
    # No 申报单位信息 block: the applicant comes from the header line.
    assert (form.applicant_org, form.host_org) == ("福建农林大学", "福建农林大学")
    assert (form.is_ce_base, form.ce_base_batch) == ("provincial", None)


def test_blank_application_template_is_no_form() -> None:
    doc = _hubei(
        "□财政资助项目 □自筹经费项目（自筹经费来源：_____）",
        "□服务国家战略：\n□对接产业需求：\n□突出数字技术：",
        "□是第__批国家级继续教育基地\n□是省级继续教育基地\n□否",
        name="",
    )
    assert normalize_form(doc, pii_key=KEY) is None

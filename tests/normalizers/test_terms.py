"""extract_terms against the gold notices and on many wordings of the same rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.model import Block, Document
from extractors.registry import extract
from normalizers.nlp import get_nlp
from normalizers.records import PolicyTerm
from normalizers.terms import extract_terms
from normalizers.text import clean_text

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "notices"
RAW = ROOT / "data" / "raw"
STEMS = sorted(path.stem for path in GOLD.glob("*.json"))

Row = tuple[Any, ...]


def _gold(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    return data


def _gold_rows(stem: str) -> set[Row]:
    return {
        (
            t["program_level"],
            t["term"],
            t.get("value_min"),
            t.get("value_max"),
            t.get("approx", False),
            t.get("unit", "date" if "value_date" in t else None),
            date.fromisoformat(t["value_date"]) if "value_date" in t else None,
        )
        for t in _gold(stem)["terms"]
    }


def _rows(terms: tuple[PolicyTerm, ...]) -> set[Row]:
    return {
        (t.program_level, t.term, t.value_min, t.value_max, t.approx, t.unit, t.value_date)
        for t in terms
    }


def _read(path: Path) -> Document:
    return extract(path.read_bytes(), source_uri=str(path))


def _terms_of(doc: Document, stem: str) -> tuple[PolicyTerm, ...]:
    notice = _gold(stem)["notice"]
    return extract_terms(
        doc,
        notice_id=stem,
        plan_year=notice["plan_year"],
        issuer_level=notice["issuer_level"],
    )


@pytest.mark.parametrize("stem", STEMS)
def test_terms_of_seed_text_equal_gold(stem: str) -> None:
    terms = _terms_of(_read(SEEDS / f"{stem}.txt"), stem)
    assert _rows(terms) == _gold_rows(stem)
    assert len(terms) == len(_gold_rows(stem))  # no (level, term) twice


RAW_FILES = sorted(path.name for path in RAW.glob("*") if path.suffix in (".pdf", ".docx", ".html"))


@pytest.mark.parametrize("name", RAW_FILES)
def test_terms_of_rendered_notices_equal_gold(name: str) -> None:
    path = RAW / name
    doc = _read(path)
    terms = _terms_of(doc, path.stem)
    assert _rows(terms) == _gold_rows(path.stem)
    for term in terms:
        assert term.evidence is not None and term.evidence == clean_text(term.evidence)
        if doc.n_pages is not None and term.page is not None:
            assert 1 <= term.page <= doc.n_pages


def test_evidence_is_the_cleaned_sentence_and_page_the_blocks_page() -> None:
    doc = Document(
        doc_id="d",
        source_uri="d.txt",
        media_type="txt",
        blocks=(
            Block(order=0, page=3, text="四、严格规范财务管理。"),
            Block(order=1, page=4, text="财政资助高研班每期上限 12.5 万元，不足部分由各单位配套。"),
        ),
    )
    (term,) = extract_terms(doc, notice_id="n", plan_year=2023, issuer_level="provincial")
    assert term.evidence == "财政资助高研班每期上限12.5万元，不足部分由各单位配套。"
    assert (term.page, term.notice_id, term.value_max, term.unit) == (4, "n", 125000.0, "yuan")


def test_sentence_cut_by_a_page_break_is_joined_and_keeps_its_first_page() -> None:
    doc = Document(
        doc_id="d",
        source_uri="d.txt",
        media_type="txt",
        blocks=(
            Block(
                order=0,
                page=2,
                text="承办单位应在办班结束15日内通过管理平台提交学员满意度测评统计表、经费预决算表",
            ),
            Block(order=1, page=3, text="(附件5)、培训总结报告等材料。"),
        ),
    )
    (term,) = extract_terms(doc, notice_id="n", plan_year=2026, issuer_level="provincial")
    assert (term.term, term.value_max, term.page) == ("report_window_days", 15.0, 2)
    assert term.evidence is not None and term.evidence.endswith("培训总结报告等材料。")


def _terms(*paragraphs: str, level: str | None = "provincial", year: int | None = 2026) -> set[Row]:
    blocks = tuple(Block(order=i, page=1, text=text) for i, text in enumerate(paragraphs))
    doc = Document(doc_id="d", source_uri="d.txt", media_type="txt", blocks=blocks)
    return _rows(extract_terms(doc, notice_id="n", plan_year=year, issuer_level=level))


P, N = "provincial", "national"


@pytest.mark.parametrize(
    ("sentence", "row"),
    [
        ("财政资助高研班每期上限13万元。", (P, "funding_cap", None, 130000.0, False, "yuan", None)),
        ("每期资助上限16.5万元。", (P, "funding_cap", None, 165000.0, False, "yuan", None)),
        (
            "财政资助高研班每期上限 12.5 万元。",
            (P, "funding_cap", None, 125000.0, False, "yuan", None),
        ),
        (
            "省财政对每个项目资助经费最高不超过15万元。",
            (P, "funding_cap", None, 150000.0, False, "yuan", None),
        ),
        ("每期研修时间为4天左右。", (P, "duration_days", 4.0, 4.0, True, "day", None)),
        ("研修时间约5天。", (P, "duration_days", 5.0, 5.0, True, "day", None)),
        (
            "研修时间不少于4天（含报到和离开时间）。",
            (P, "duration_days", 4.0, None, False, "day", None),
        ),
        ("每期研修时间一般为5至7天。", (P, "duration_days", 5.0, 7.0, False, "day", None)),
        ("研修时间为5-7天。", (P, "duration_days", 5.0, 7.0, False, "day", None)),
        ("研修时间为五天左右。", (P, "duration_days", 5.0, 5.0, True, "day", None)),
        ("学员40人左右。", (P, "participants", 40.0, 40.0, True, "person", None)),
        ("每期研修人数不少于50人。", (P, "participants", 50.0, None, False, "person", None)),
        ("学员数量一般不超过100人。", (P, "participants", None, 100.0, False, "person", None)),
        ("学员数量不少于30人。", (P, "participants", 30.0, None, False, "person", None)),
        ("每期招收学员50名左右。", (P, "participants", 50.0, 50.0, True, "person", None)),
        ("学员规模控制在40至60人。", (P, "participants", 40.0, 60.0, False, "person", None)),
        # "―" (U+2015) for "—": GB2312-era text, and PDFs printed by Chromium with Noto CJK.
        ("学员50―100人。", (P, "participants", 50.0, 100.0, False, "person", None)),
        ("培训规模在60人以内。", (P, "participants", None, 60.0, False, "person", None)),
        (
            "于2026年10月10日前完成办班。",
            (P, "completion_deadline", None, None, False, "date", date(2026, 10, 10)),
        ),
        (
            "且须于2023年10月10日前完成，如有关事项发生变化，请提前报送情况说明。",
            (P, "completion_deadline", None, None, False, "date", date(2023, 10, 10)),
        ),
        (
            "各项目须于11月30日前完成办班。",
            (P, "completion_deadline", None, None, False, "date", date(2026, 11, 30)),
        ),
        (
            "于2024年12月17日前将申报材料及电子版报送至省人社厅。",
            (P, "application_deadline", None, None, False, "date", date(2024, 12, 17)),
        ),
        (
            "申报的截止日期为2026年1月16日。",
            (P, "application_deadline", None, None, False, "date", date(2026, 1, 16)),
        ),
        (
            "请各单位于3月15日前完成申报工作。",
            (P, "application_deadline", None, None, False, "date", date(2026, 3, 15)),
        ),
        (
            "承办单位应在办班结束15日内提交学员满意度测评统计表。",
            (P, "report_window_days", None, 15.0, False, "day", None),
        ),
        (
            "总结报告等于项目结束半个月內，报省人社厅。",
            (P, "report_window_days", None, 15.0, False, "day", None),
        ),
        (
            "总结报告等于项目结束半个月内，报省人社厅。",
            (P, "report_window_days", None, 15.0, False, "day", None),
        ),
        (
            "办班结束后应在1个月内提交研修总结报告。",
            (P, "report_window_days", None, 30.0, False, "day", None),
        ),
        (
            "研修结束后10个工作日内提交总结报告。",
            (P, "report_window_days", None, 10.0, False, "workday", None),
        ),
        (
            "办班结束后 15 日内将经费报销材料报省人社厅。",
            (P, "reimbursement_window_days", None, 15.0, False, "day", None),
        ),
        (
            "在办班结束后1个月内将经费报销相关材料报我部。",
            (P, "reimbursement_window_days", None, 30.0, False, "day", None),
        ),
        (
            "结业后两周内将报销材料报送。",
            (P, "reimbursement_window_days", None, 14.0, False, "day", None),
        ),
    ],
)
def test_one_rule_sentence_gives_one_row(sentence: str, row: Row) -> None:
    assert _terms(sentence) == {row}


@pytest.mark.parametrize(
    "sentence",
    [
        "财政资助项目每期给予一定资助。",
        "在一定限额内实报实销。",
        "项目总经费200万元。",
        "今年高级研修项目总经费不超过300万元，由省财政安排。",
        "全年财政资助经费共计不超过500万元。",
        "对10月10日之后办班的不再予以资助。",
        "2026年4月21日",
        "请假和缺勤时间超过总学时1/7的按退学处理。",
        "本期研修学员___人，实际发放___份，收回___份。",
        "办班时间：2026年9月15日至18日。",
        "今年组织实施的高级研修项目共 10 个（8 个财政资助项目、2 个自筹经费项目）。",
        "办班结束后1个月内将有关情况报我厅。",
        "研修时间记入专业技术人员继续教育学时。",
        "请于2026年3月31日前将开班方案报送。",
    ],
)
def test_sentence_without_a_rule_gives_no_row(sentence: str) -> None:
    assert _terms(sentence) == set()


def test_rule_naming_a_level_gets_that_level_and_shared_rule_gets_none() -> None:
    rows = _terms(
        "其中，国家级高级研修项目研修时间为 5 天左右；省级高级研修项目研修时间为 4 天左右，"
        "均应在 2025 年 10 月 31 日之前完成办班。",
        "于2024年12月17日前将申报材料报送至省人社厅。",
    )
    assert rows == {
        (N, "duration_days", 5.0, 5.0, True, "day", None),
        (P, "duration_days", 4.0, 4.0, True, "day", None),
        (None, "completion_deadline", None, None, False, "date", date(2025, 10, 31)),
        (None, "application_deadline", None, None, False, "date", date(2024, 12, 17)),
    }


def test_each_level_keeps_its_own_deadline_in_one_sentence() -> None:
    rows = _terms(
        "申报国家级高级研修项目的截止日期为2026年1月16日，申报省级高级研修项目的截止日期为2026年2月20日。"
    )
    assert rows == {
        (N, "application_deadline", None, None, False, "date", date(2026, 1, 16)),
        (P, "application_deadline", None, None, False, "date", date(2026, 2, 20)),
    }


def test_rule_for_all_projects_of_a_one_level_notice_gets_that_level() -> None:
    rows = _terms("省级高级研修项目研修时间为4天左右，均应在10月31日之前完成办班。")
    assert rows == {
        (P, "duration_days", 4.0, 4.0, True, "day", None),
        (P, "completion_deadline", None, None, False, "date", date(2026, 10, 31)),
    }


def test_levels_named_together_give_a_rule_for_all_levels() -> None:
    rows = _terms("国家级、省级高级研修项目均应在2025年10月31日前完成办班。", level="provincial")
    assert rows == {(None, "completion_deadline", None, None, False, "date", date(2025, 10, 31))}


def test_notice_with_rules_for_one_named_level_gives_unnamed_rules_that_level() -> None:
    rows = _terms(
        "国家级高级研修项目每期研修时间5天左右。",
        "并应在2026年11月30日之前完成办班。",
        level="provincial",
    )
    assert rows == {
        (N, "duration_days", 5.0, 5.0, True, "day", None),
        (N, "completion_deadline", None, None, False, "date", date(2026, 11, 30)),
    }


def test_ministry_notice_rules_are_national() -> None:
    rows = _terms("每期资助上限16.5万元。", level="national")
    assert rows == {(N, "funding_cap", None, 165000.0, False, "yuan", None)}


def test_mention_of_a_national_base_does_not_make_a_rule_national() -> None:
    rows = _terms("国家级专业技术人员继续教育基地要充分发挥引领示范作用，每期研修时间为4天左右。")
    assert rows == {(P, "duration_days", 4.0, 4.0, True, "day", None)}


def test_repeated_rule_gives_one_row_kept_as_first_stated() -> None:
    rows = _terms(
        "每期研修时间为4天左右。", "研修时间为4天左右，学员40人左右。", "研修时间不少于3天。"
    )
    assert rows == {
        (P, "duration_days", 4.0, 4.0, True, "day", None),
        (P, "participants", 40.0, 40.0, True, "person", None),
    }


def test_month_day_deadline_without_plan_year_gives_no_row() -> None:
    assert _terms("各项目须于11月30日前完成办班。", year=None) == set()


def test_report_and_expense_window_in_one_sentence_give_both_terms() -> None:
    rows = _terms("培训结束后1个月内提交总结报告和经费报销材料。")
    assert rows == {
        (P, "report_window_days", None, 30.0, False, "day", None),
        (P, "reimbursement_window_days", None, 30.0, False, "day", None),
    }


def test_bare_bound_about_something_else_does_not_join_the_rule_before_it() -> None:
    rows = _terms("研修时间不少于4天，学员请假不超过3天。")
    assert rows == {(P, "duration_days", 4.0, None, False, "day", None)}


def test_municipal_programme_rule_is_municipal() -> None:
    rows = _terms("市级高级研修项目每期研修时间3天左右。", level="municipal")
    assert rows == {("municipal", "duration_days", 3.0, 3.0, True, "day", None)}


_FRAGMENTS = st.sampled_from(
    [
        "国家级高级研修项目", "省级", "、", "均应", "研修时间", "学员", "每期", "上限",
        "不少于", "不超过", "左右", "约", "5", "至", "7", "天", "人", "13", "万元",
        "2026年", "10月", "10日", "前", "之后", "完成办班", "申报材料", "办班结束后",
        "1个月", "半个月", "内", "报销", "总结报告", "，", "。", "；", "\n", " ",
    ]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_FRAGMENTS, max_size=14).map("".join), max_size=4))
def test_any_text_gives_consistent_rows_and_never_raises(paragraphs: list[str]) -> None:
    blocks = tuple(Block(order=i, page=1, text=text) for i, text in enumerate(paragraphs))
    doc = Document(doc_id="d", source_uri="d.txt", media_type="txt", blocks=blocks)
    terms = extract_terms(doc, notice_id="n", plan_year=2026, issuer_level="provincial")
    assert len({(t.program_level, t.term) for t in terms}) == len(terms)
    for t in terms:
        assert t.unit in {"yuan", "day", "workday", "person", "date"}
        assert (t.value_date is not None) == (t.unit == "date")
        if t.value_min is not None and t.value_max is not None:
            assert t.value_min <= t.value_max
        assert t.evidence and t.evidence == clean_text(t.evidence)


def test_tokens_stay_whole_for_numbers_and_domain_words() -> None:
    doc = get_nlp()("每期研修人数不少于40人，财政资助高研班每期上限13万元")
    assert [token.text for token in doc] == [
        "每期", "研修人数", "不少于", "40", "人", "，",
        "财政资助", "高研班", "每期", "上限", "13", "万元",
    ]  # fmt: skip


def test_pipeline_is_built_once() -> None:
    assert get_nlp() is get_nlp()


def _terms_with(*paragraphs: str, **context: Any) -> set[Row]:
    blocks = tuple(Block(order=i, page=1, text=text) for i, text in enumerate(paragraphs))
    doc = Document(doc_id="d", source_uri="d.txt", media_type="txt", blocks=blocks)
    return _rows(extract_terms(doc, notice_id="n", **context))


def test_shi_ji_programmes_of_a_municipality_are_provincial() -> None:
    text = "市级高级研修项目每期研修时间3至5天，每期资助不超过10万元。"
    beijing = _terms_with(text, plan_year=2023, issuer_level="provincial", region="北京市")
    assert beijing == {
        (P, "duration_days", 3.0, 5.0, False, "day", None),
        (P, "funding_cap", None, 100000.0, False, "yuan", None),
    }
    chengdu = _terms_with(text, plan_year=2023, issuer_level="municipal", region="四川省")
    assert {row[0] for row in chengdu} == {"municipal"}


def test_year_less_deadline_is_the_next_such_day_after_the_issue_date() -> None:
    rows = _terms_with(
        "请于12月15日前报送申报材料。",
        "入选项目应于10月底前完成办班。",
        plan_year=2026,
        issuer_level="provincial",
        issued=date(2025, 11, 20),
    )
    assert rows == {
        (P, "application_deadline", None, None, False, "date", date(2025, 12, 15)),
        (P, "completion_deadline", None, None, False, "date", date(2026, 10, 31)),
    }
    # Without an issue date the plan year stands in.
    (row,) = _terms_with("请于12月15日前报送申报材料。", plan_year=2026, issuer_level=P)
    assert row[-1] == date(2026, 12, 15)


@pytest.mark.parametrize(
    ("sentence", "row"),
    [
        (
            "省财政对每个项目给予不超过12万元的经费补助。",
            (P, "funding_cap", None, 120000.0, False, "yuan", None),
        ),
        (
            "中央财政对每期高级研修项目给予不超过16万元的经费资助。",
            (P, "funding_cap", None, 160000.0, False, "yuan", None),
        ),
        ("高级研修项目每期5天左右。", (P, "duration_days", 5.0, 5.0, True, "day", None)),
    ],
)
def test_wordings_of_unseen_notices(sentence: str, row: Row) -> None:
    assert _terms(sentence) == {row}


def test_head_count_right_after_per_class_is_the_class_size() -> None:
    rows = _terms("每期50人左右，研修时间4天。")
    assert ("provincial", "participants", 50.0, 50.0, True, "person", None) in rows
    assert _terms("每期不少于60人。") == {
        ("provincial", "participants", 60.0, None, False, "person", None)
    }
    # A count of something else keeps no row.
    assert _terms("每期邀请专家5人授课。") == set()

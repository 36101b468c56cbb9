"""Plan amendments (调整/增补/撤销…计划): doc_type, the changes and the programmes after them.

The fixtures of `tests/fixtures/amendments/` (made by `make_amendments.py`, committed; no
LibreOffice at test time) go through `extract` and the pipeline's `normalize` and must
give exactly their gold `<stem>.json`: the notice fields, every PlanChange in order and
every PlanProject after the change. Small in-memory Documents pin each sentence wording
and table shape on its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import pytest

from extractors.model import Block, Cell, Document, Table
from normalizers.amendments import amended_plan, changes_in_sentence, read_amendment
from normalizers.notice import classify_doc_type, normalize_notice
from normalizers.records import Notice, PlanChange, PlanProject
from tests.notice_gold import load_gold, normalized, notice_fields, records_of

ROOT = Path(__file__).resolve().parents[2]
AMENDMENTS = ROOT / "tests" / "fixtures" / "amendments"
SOURCES = sorted(p for p in AMENDMENTS.iterdir() if p.suffix in (".docx", ".pdf"))
_IDS = [p.name for p in SOURCES]


def _gold(path: Path) -> dict[str, Any]:
    return load_gold(AMENDMENTS, path)


def _rows(records: list[Any], drop: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = [dataclasses.asdict(r) for r in records]
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


# -- fixtures, end to end --------------------------------------------------------------
def test_every_fixture_has_a_gold_file_and_the_corpus_stays_small() -> None:
    stems = {p.stem for p in SOURCES}
    assert len(stems) >= 6
    assert sum(p.suffix == ".pdf" for p in SOURCES) >= 3
    assert all((AMENDMENTS / f"{stem}.json").exists() for stem in stems)
    kinds = {_gold(p)["notice"]["doc_type"] for p in SOURCES}
    assert kinds == {"plan_amendment", "other"}
    size = sum(p.stat().st_size for p in AMENDMENTS.iterdir() if p.is_file())
    assert size < 1_500_000


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_fixture_reads_as_a_notice_of_its_kind_without_problems(path: Path) -> None:
    result = normalized(path)
    assert result.role == "notice"
    assert result.problems == ()
    assert result.kind == _gold(path)["notice"]["doc_type"]


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_fixture_notice_fields_match_gold(path: Path) -> None:
    (notice,) = records_of(path, Notice)
    expected = _gold(path)["notice"]
    assert notice_fields(notice, expected) == expected


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_fixture_changes_match_gold_in_order(path: Path) -> None:
    changes = records_of(path, PlanChange)
    (notice,) = records_of(path, Notice)
    assert {c.notice_id for c in changes} <= {notice.notice_id}
    assert _rows(changes, ("notice_id",)) == _gold(path)["changes"]


@pytest.mark.parametrize("path", SOURCES, ids=_IDS)
def test_fixture_programmes_after_the_change_match_gold_in_order(path: Path) -> None:
    projects = records_of(path, PlanProject)
    (notice,) = records_of(path, Notice)
    doc_id = hashlib.sha256(path.read_bytes()).hexdigest()
    assert {(p.notice_id, p.source_doc_id) for p in projects} <= {(notice.notice_id, doc_id)}
    assert _rows(projects, ("notice_id", "source_doc_id")) == _gold(path)["projects"]


def test_negative_control_mentions_adjustment_but_is_no_amendment() -> None:
    path = AMENDMENTS / "anhui_2025_hours_adjustment.docx"
    (notice,) = records_of(path, Notice)
    assert "调整" in (notice.title or "") and "高级研修项目" in (notice.title or "")
    assert notice.doc_type == "other"
    assert records_of(path, PlanChange) == records_of(path, PlanProject) == []


# -- doc_type --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("关于调整2026年度高级研修项目计划的通知", "plan_amendment"),
        ("关于增补2025年度专业技术人才知识更新工程高级研修项目的通知", "plan_amendment"),
        ("关于撤销部分2024年度高级研修项目的通知", "plan_amendment"),
        ("关于取消“智慧水利高级研修班”项目的通知", "plan_amendment"),
        ("关于2025年度高级研修项目计划变更的通知", "plan_amendment"),
        ("关于公布2026年度高级研修项目增补名单的通知", "plan_amendment"),
        ("关于部分高级研修项目延期举办的通知", "plan_amendment"),
        ("关于印发2026年度高级研修项目计划的通知", "plan"),
        ("关于调整高级研修项目继续教育学时认定标准的通知", "other"),
        ("关于调整专业技术人员继续教育学时的通知", "other"),
        ("关于做好2026年高级研修项目申报工作的补充通知", "call_for_applications"),
        ("关于调整2026年高级研修项目选题征集时间的通知", "call_for_topics"),
    ],
)
def test_amendment_doc_type_from_title(title: str, doc_type: str) -> None:
    assert classify_doc_type(title) == doc_type


# -- sentences -------------------------------------------------------------------------
def _change(found: Any) -> tuple[Any, ...]:
    return (found.change, found.project_name, found.field, found.old_value, found.new_value)


def test_host_change_sentence() -> None:
    (found,) = changes_in_sentence(
        "经研究，同意将“智能电网调度技术高级研修项目”承办单位由华北电力大学调整为国网技术学院。"
    )
    assert _change(found) == (
        "host_changed",
        "智能电网调度技术高级研修项目",
        "host_org",
        "华北电力大学",
        "国网技术学院",
    )


def test_host_by_sentence_names_only_the_new_host() -> None:
    (found,) = changes_in_sentence("“茶产业提质增效高级研修班”改由福建农林大学承办。")
    assert _change(found) == (
        "host_changed",
        "茶产业提质增效高级研修班",
        "host_org",
        None,
        "福建农林大学",
    )


def test_host_renamed_organisation_is_a_host_change() -> None:
    (found,) = changes_in_sentence("将“甲高级研修班”的承办单位名称由甲公司变更为乙集团有限公司。")
    assert _change(found) == (
        "host_changed",
        "甲高级研修班",
        "host_org",
        "甲公司",
        "乙集团有限公司",
    )


def test_reschedule_keeps_the_time_as_written() -> None:
    (found,) = changes_in_sentence(
        "“盐碱地综合利用高级研修班”举办时间由2026年5月调整为2026年9月下旬。"
    )
    assert _change(found) == (
        "rescheduled",
        "盐碱地综合利用高级研修班",
        "schedule",
        "2026年5月",
        "2026年9月下旬",
    )


def test_postponement_without_the_old_time() -> None:
    (found,) = changes_in_sentence("“冷链物流高级研修班”项目延期至2025年11月举办。")
    assert _change(found) == ("rescheduled", "冷链物流高级研修班", "schedule", None, "2025年11月")


def test_rename_sentence_with_a_field_word_and_with_a_verb() -> None:
    (first,) = changes_in_sentence("“甲高级研修项目”项目名称变更为“乙高级研修项目”。")
    (second,) = changes_in_sentence("“丙高级研修班”更名为“丁高级研修班”。")
    assert _change(first) == (
        "renamed",
        "甲高级研修项目",
        "project_name",
        "甲高级研修项目",
        "乙高级研修项目",
    )
    assert _change(second) == (
        "renamed",
        "丙高级研修班",
        "project_name",
        "丙高级研修班",
        "丁高级研修班",
    )


def test_one_sentence_with_a_rename_and_a_reschedule_keeps_the_old_name() -> None:
    found = changes_in_sentence("“丙高级研修班”更名为“丁高级研修班”，举办时间推迟至2025年9月。")
    assert [_change(f) for f in found] == [
        ("renamed", "丙高级研修班", "project_name", "丙高级研修班", "丁高级研修班"),
        ("rescheduled", "丙高级研修班", "schedule", None, "2025年9月"),
    ]


def test_applicant_change_is_other_with_its_field() -> None:
    (found,) = changes_in_sentence("“甲高级研修班”申报单位由甲市人社局变更为乙厅。")
    assert _change(found) == ("other", "甲高级研修班", "applicant_org", "甲市人社局", "乙厅")


@pytest.mark.parametrize(
    "sentence",
    [
        "撤销“智慧水利高级研修班”“文物数字化保护高级研修班”2个项目。",
        "经研究，取消“智慧水利高级研修班”和“文物数字化保护高级研修班”。",
        "“智慧水利高级研修班”“文物数字化保护高级研修班”因故予以撤销。",
    ],
)
def test_withdrawal_sentences(sentence: str) -> None:
    assert [_change(f) for f in changes_in_sentence(sentence)] == [
        ("withdrawn", "智慧水利高级研修班", None, None, None),
        ("withdrawn", "文物数字化保护高级研修班", None, None, None),
    ]


def test_addition_sentence_reads_the_host() -> None:
    (found,) = changes_in_sentence(
        "增补“盐湖资源综合利用高级研修班”为省级高级研修项目，由青海大学承办。"
    )
    assert _change(found) == (
        "added",
        "盐湖资源综合利用高级研修班",
        None,
        None,
        "盐湖资源综合利用高级研修班",
    )
    assert found.host_org == "青海大学"


def test_sentences_without_a_programme_change_nothing() -> None:
    for sentence in (
        "现对部分项目承办单位作如下调整。",
        "根据《关于印发2026年度高级研修项目计划的通知》（赣人社字〔2026〕31号），现调整如下。",
        "“十四五”期间，未按计划实施的，取消其承办资格。",
        "上述项目的研修主题、举办时间和资助经费不变。",
    ):
        assert changes_in_sentence(sentence) == []


# -- in-memory documents ---------------------------------------------------------------
def _table(order: int, header: list[str], rows: list[list[str]], page: int = 1) -> Table:
    cells = tuple(
        Cell(r, c, text) for r, row in enumerate([header, *rows]) for c, text in enumerate(row)
    )
    return Table(order=order, page=page, cells=cells, n_rows=len(rows) + 1, n_cols=len(header))


def _doc(*items: str | tuple[list[str], list[list[str]]]) -> Document:
    blocks: list[Block] = []
    tables: list[Table] = []
    for order, item in enumerate(items):
        if isinstance(item, str):
            blocks.append(Block(order=order, page=1, text=item))
        else:
            tables.append(_table(order, *item))
    return Document(
        doc_id="amend",
        source_uri="mem://amend",
        media_type="docx",
        blocks=tuple(blocks),
        tables=tuple(tables),
    )


def _read(doc: Document, **kw: Any) -> Any:
    return read_amendment(
        doc,
        notice_id="n1",
        plan_year=kw.get("plan_year", 2026),
        region="河南省",
        program_level="provincial",
        own_number=kw.get("own_number"),
    )


def _changes(amendment: Any) -> list[tuple[Any, ...]]:
    return [
        (c.change_no, c.change, c.project_name, c.field, c.old_value, c.new_value)
        for c in amendment.changes
    ]


def _projects(amendment: Any) -> list[tuple[Any, ...]]:
    return [
        (p.seq, p.project_name, p.host_org, p.applicant_org, p.funding_type, p.table_no)
        for p in amendment.projects
    ]


def test_change_table_with_kind_before_and_after_columns() -> None:
    doc = _doc(
        "经研究，对下列项目作如下调整：",
        (
            ["序号", "项目名称", "调整内容", "调整前", "调整后", "备注"],
            [
                ["1", "黄河流域生态保护高级研修班", "承办单位", "郑州大学", "黄河水利委员会", ""],
                ["2", "小麦育种高级研修班", "延期", "2026年6月", "2026年9月", ""],
                ["3", "甲高级研修班", "更名", "", "乙高级研修班", ""],
                ["4", "中原文化高级研修班", "取消", "", "", "申报单位申请"],
                ["5", "丙高级研修班", "新增", "", "河南大学", ""],
            ],
        ),
    )
    amendment = _read(doc)
    assert _changes(amendment) == [
        (1, "host_changed", "黄河流域生态保护高级研修班", "host_org", "郑州大学", "黄河水利委员会"),
        (2, "rescheduled", "小麦育种高级研修班", "schedule", "2026年6月", "2026年9月"),
        (3, "renamed", "甲高级研修班", "project_name", "甲高级研修班", "乙高级研修班"),
        (4, "withdrawn", "中原文化高级研修班", None, None, None),
        (5, "added", "丙高级研修班", None, None, "丙高级研修班"),
    ]
    assert amendment.changes[0].evidence == (
        "1 | 黄河流域生态保护高级研修班 | 承办单位 | 郑州大学 | 黄河水利委员会"
    )
    assert _projects(amendment) == [
        (1, "黄河流域生态保护高级研修班", "黄河水利委员会", None, None, 1),
        (2, "小麦育种高级研修班", None, None, None, 1),
        (3, "乙高级研修班", None, None, None, 1),
        (5, "丙高级研修班", None, None, None, 1),
    ]


def test_change_table_whose_content_cell_is_a_clause() -> None:
    doc = _doc(
        (
            ["序号", "项目名称", "承办单位", "调整内容"],
            [
                ["1", "甲高级研修班", "甲大学", "举办时间由5月调整为10月"],
                ["2", "乙高级研修班", "乙大学", "承办单位由乙大学调整为丙研究院"],
            ],
        ),
    )
    amendment = _read(doc)
    assert _changes(amendment) == [
        (1, "rescheduled", "甲高级研修班", "schedule", "5月", "10月"),
        (2, "host_changed", "乙高级研修班", "host_org", "乙大学", "丙研究院"),
    ]
    assert _projects(amendment) == [
        (1, "甲高级研修班", "甲大学", None, None, 1),
        (2, "乙高级研修班", "丙研究院", None, None, 1),
    ]


def test_old_and_new_columns_per_field() -> None:
    doc = _doc(
        (
            ["序号", "项目名称", "原承办单位", "现承办单位", "原举办时间", "调整后举办时间"],
            [["1", "甲高级研修班", "甲大学", "乙大学", "6月", "8月"]],
        ),
    )
    assert _changes(_read(doc)) == [
        (1, "host_changed", "甲高级研修班", "host_org", "甲大学", "乙大学"),
        (2, "rescheduled", "甲高级研修班", "schedule", "6月", "8月"),
    ]


def test_separate_tables_under_headings() -> None:
    programme = ["序号", "项目名称", "承办单位", "申报单位"]
    doc = _doc(
        "一、调整承办单位的项目",
        (["序号", "项目名称", "调整前", "调整后"], [["1", "甲高级研修班", "甲大学", "乙大学"]]),
        "二、撤销的项目",
        (programme, [["1", "乙高级研修班", "乙大学", "乙厅"]]),
        "三、增补的项目",
        (programme, [["1", "丙高级研修班", "丙大学", "丙厅"], ["2", "丁高级研修班", "丁大学", ""]]),
    )
    amendment = _read(doc)
    assert _changes(amendment) == [
        (1, "host_changed", "甲高级研修班", "host_org", "甲大学", "乙大学"),
        (2, "withdrawn", "乙高级研修班", None, None, None),
        (3, "added", "丙高级研修班", None, None, "丙高级研修班"),
        (4, "added", "丁高级研修班", None, None, "丁高级研修班"),
    ]
    assert _projects(amendment) == [
        (1, "甲高级研修班", "乙大学", None, None, 1),
        (1, "丙高级研修班", "丙大学", "丙厅", None, 3),
        (2, "丁高级研修班", "丁大学", None, None, 3),
    ]


def test_addition_table_after_a_lead_in_sentence_with_funding_headings() -> None:
    programme = ["序号", "项目名称", "承办单位", "申报单位"]
    doc = _doc(
        "经研究，增补以下项目为2026年度省级高级研修项目：",
        "（一）财政资助项目",
        (programme, [["1", "甲高级研修班", "甲大学", "甲厅"]]),
        "（二）自筹经费项目",
        (programme, [["1", "乙高级研修班", "乙公司", "乙市人社局"]]),
    )
    amendment = _read(doc)
    assert [c.change for c in amendment.changes] == ["added", "added"]
    assert _projects(amendment) == [
        (1, "甲高级研修班", "甲大学", "甲厅", "财政资助", 1),
        (1, "乙高级研修班", "乙公司", "乙市人社局", "自筹经费", 2),
    ]


def test_programme_table_without_a_stated_change_gives_nothing() -> None:
    doc = _doc(
        "现将有关事项通知如下：",
        (["序号", "项目名称", "承办单位"], [["1", "甲高级研修班", "甲大学"]]),
    )
    assert _read(doc).changes == ()


def test_sentences_and_tables_in_reading_order_with_pages_and_evidence() -> None:
    doc = _doc(
        "一、同意将“甲高级研修班”承办单位由甲大学调整为乙大学。",
        "二、撤销以下项目：",
        (["序号", "项目名称", "承办单位"], [["1", "丙高级研修班", "丙大学"]]),
        "三、“丁高级研修班”延期至10月举办。",
    )
    amendment = _read(doc)
    assert [(c.change_no, c.change, c.project_name) for c in amendment.changes] == [
        (1, "host_changed", "甲高级研修班"),
        (2, "withdrawn", "丙高级研修班"),
        (3, "rescheduled", "丁高级研修班"),
    ]
    assert [c.evidence for c in amendment.changes] == [
        "同意将“甲高级研修班”承办单位由甲大学调整为乙大学。",
        "1 | 丙高级研修班 | 丙大学",
        "“丁高级研修班”延期至10月举办。",
    ]
    assert {c.page for c in amendment.changes} == {1}
    assert [(p.seq, p.project_name, p.host_org) for p in amendment.projects] == [
        (1, "甲高级研修班", "乙大学"),
        (2, "丁高级研修班", None),
    ]


def test_programme_after_a_rename_and_a_host_change_carries_both() -> None:
    doc = _doc(
        "“甲高级研修班”更名为“乙高级研修班”。",
        "“甲高级研修班”承办单位由甲大学调整为乙大学。",
    )
    amendment = _read(doc)
    assert [c.project_name for c in amendment.changes] == ["甲高级研修班", "甲高级研修班"]
    assert _projects(amendment) == [(1, "乙高级研修班", "乙大学", None, None, None)]


def test_the_same_change_stated_twice_is_kept_once() -> None:
    doc = _doc(
        "撤销“甲高级研修班”。",
        "二、撤销的项目",
        (["序号", "项目名称", "承办单位"], [["1", "甲高级研修班", "甲大学"]]),
    )
    assert _changes(_read(doc)) == [(1, "withdrawn", "甲高级研修班", None, None, None)]


# -- the amended plan ------------------------------------------------------------------
def test_amended_plan_is_the_cited_plan_not_a_cited_rule() -> None:
    doc = _doc(
        "根据《河南省专业技术人才知识更新工程实施办法》（豫人社〔2021〕5号），",
        "对《关于印发2026年度高级研修项目计划的通知》（豫人社函〔2026〕12号）作如下调整。",
    )
    assert amended_plan(doc, own_number=None) == ("豫人社函〔2026〕12号", 2026)


def test_amended_plan_without_a_title_and_not_the_notice_itself() -> None:
    doc = _doc(
        "豫人社函〔2026〕40号",
        "我厅以豫人社函〔2026〕12号文印发的高级研修项目计划调整如下。",
    )
    assert amended_plan(doc, own_number="豫人社函〔2026〕40号") == ("豫人社函〔2026〕12号", None)
    assert amended_plan(_doc("现将有关事项通知如下。"), own_number=None) == (None, None)


def test_changes_carry_the_amended_plan_and_its_year() -> None:
    doc = _doc(
        "根据《关于印发2025年度高级研修项目计划的通知》（豫人社函〔2025〕9号），",
        "撤销“甲高级研修班”。",
    )
    (change,) = _read(doc, plan_year=None).changes
    assert (change.amended_doc_number, change.amended_plan_year) == ("豫人社函〔2025〕9号", 2025)


# -- wiring ----------------------------------------------------------------------------
def test_normalize_notice_fills_changes_and_projects_of_an_amendment_only() -> None:
    body = [
        "河南省人力资源和社会保障厅",
        "豫人社函〔2026〕40号",
        "关于调整2026年度高级研修项目计划的通知",
        "各有关单位：",
        "经研究，同意将“甲高级研修班”承办单位由甲大学调整为乙大学。",
        "河南省人力资源和社会保障厅",
        "2026年5月6日",
    ]
    records = normalize_notice(_doc(*body))
    assert records.notice.doc_type == "plan_amendment"
    assert [(c.notice_id, c.change, c.new_value) for c in records.changes] == [
        (records.notice.notice_id, "host_changed", "乙大学")
    ]
    assert [(p.project_name, p.host_org, p.plan_year, p.region) for p in records.projects] == [
        ("甲高级研修班", "乙大学", 2026, "河南省")
    ]
    plan = normalize_notice(_doc(*body[:2], "关于印发2026年度高级研修项目计划的通知", *body[3:]))
    assert plan.notice.doc_type == "plan"
    assert plan.changes == ()


def test_list_items_under_a_lead_in_take_its_change() -> None:
    doc = _doc(
        "经研究，决定撤销以下项目：",
        "1.“甲高级研修班”（承办单位：甲大学）；",
        "2.乙高级研修班（承办单位：乙大学）。",
        "增补以下项目：",
        "（一）丙高级研修班，承办单位：丙研究院。",
        "请遵照执行。",
        "3.丁高级研修班。",
    )
    amendment = _read(doc)
    assert _changes(amendment) == [
        (1, "withdrawn", "甲高级研修班", None, None, None),
        (2, "withdrawn", "乙高级研修班", None, None, None),
        (3, "added", "丙高级研修班", None, None, "丙高级研修班"),
    ]
    assert [(p.project_name, p.host_org) for p in amendment.projects] == [
        ("丙高级研修班", "丙研究院")
    ]

"""The analyst views: policy comparison, organisations, programmes and topics.

Records mirror the gold annotations of the sample notices (tests/fixtures/gold/notices):
Hubei 2023 and 2026 plans, Hubei 2025 call for topics, the ministry's 2021 plan and
Fujian's 2026 call; enrich() derives the organisation mentions and topics from the
projects, exactly as the pipeline does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from normalizers.enrich_records import OrganizationMention, ProjectTopic, enrich
from normalizers.records import Notice, PlanProject, PolicyTerm
from warehouse import LoadUnit, Warehouse, connect

HUBEI_DEPT = "湖北省人力资源和社会保障厅"
FENGHUO = "武汉烽火技术服务有限公司"
SMART_BUILD = "湖北省智慧建造产业发展研究院股份有限公司"

# (funding_type, seq, project_name, host_org, applicant_org) as the 2023 Hubei plan lists them.
# fmt: off
HUBEI_2023_PROJECTS = [
    ("财政资助", 1, "数字技术驱动行业数字化转型",
     "武汉烽火技术服务有 限公司（烽火通信）", "武汉烽火技术服务有限公司(烽火通信)"),
    ("财政资助", 2, "区块链技术数字化工程师高级研修班", "华中科技大学", "华中科技大学"),
    ("财政资助", 3, "农业农村数字化实践培训班", "武汉现代农业教育中心", "武汉市"),
    ("财政资助", 4, "静脉血栓栓塞症（VTE）防护治理管理体系的建设及实践研讨班",
     "天门市第一人民医院", "天门市"),
    ("财政资助", 5, "氢能燃料电池关键材料高级研修班", "武汉理工大学", "武汉理工大学"),
    ("财政资助", 6, "智能农机装备技术能力提升高级研修班", "武汉市农业科学院", "武汉市农业科学院"),
    ("财政资助", 7, "农业地质工作专业技术人才知识更新工程",
     "中国地质大学（武汉）", "中国地质大学(武汉)"),
    ("财政资助", 8, "双碳背景下的智能建造思考",
     "湖北省智慧建造产业 发展研究院股份有 限公司", "湖北省智慧建造产业发展研究院股份有限公司"),
    ("自筹经费", 1, "北斗定位与多源导航新技术高级研修班", "武汉大学", "武汉大学"),
    ("自筹经费", 2, "生猪养殖健康管理高级研修班", "华中农业大学", "华中农业大学"),
]
HUBEI_2026_PROJECTS = [
    ("财政资助", 1, "功能性粮油与营养健康食品研发及产业化高级研修班", "武汉轻工大学", None),
    ("财政资助", 2, "新能源与智能网联汽车高级研修班", "武汉理工大学", None),
    ("财政资助", 3, "面向制造业提质降本的企业智能体与具身智能开发技术高级研修班", "武汉大学", None),
    ("财政资助", 4, "“经法管”智汇赋能——湖北未来产业领军人才高级研修班", "中南财经政法大学", None),
    ("财政资助", 5, "智能制造产线全流程智能化关键技术赋能高级研修班", "武汉职业技术大学", None),
    ("财政资助", 6, "人工智能赋能湖北现代化产业体系创新发展高级研修班", SMART_BUILD, None),
    ("财政资助", 7, "AI赋能新一代电子信息技术：前沿应用与项目实战高级研修班", "湖北工业大学", None),
    ("财政资助", 8, "北斗+物联网赋能农业全链条智能化高级研修班", "武汉轻工大学", None),
    ("财政资助", 9, "集成电路高级研修班", "武汉理工大学", None),
    ("自筹经费", 1, "作物精准施肥专业技术人才高级研修班", "华中农业大学", None),
    ("自筹经费", 2, "畜禽疫病精准诊断与净化高级研修班", "华中农业大学", None),
    ("自筹经费", 3, "《工程技术人员继续教育规定》解读与湖北工程师队伍高质量发展实践高级研修班",
     SMART_BUILD, None),
]
# fmt: on


def _notice(
    notice_id: str,
    *,
    issuer: str,
    level: str,
    region: str,
    doc_number: str | None,
    doc_type: str,
    plan_year: int,
    issued: date,
) -> Notice:
    return Notice(
        notice_id=notice_id,
        source_uri=f"data/raw/{notice_id}.pdf",
        title=None,
        issuer=issuer,
        issuer_level=level,
        region=region,
        doc_number=doc_number,
        doc_number_prefix=None,
        doc_number_year=None,
        doc_number_serial=None,
        doc_type=doc_type,
        plan_year=plan_year,
        issued_date=issued,
    )


def _term(
    notice_id: str,
    level: str | None,
    term: str,
    lo: float | None = None,
    hi: float | None = None,
    *,
    approx: bool = False,
    unit: str | None = None,
    on: date | None = None,
) -> PolicyTerm:
    return PolicyTerm(notice_id, level, term, lo, hi, approx, unit or ("date" if on else None), on)


def _projects(notice: Notice, level: str, rows: list[tuple]) -> list[PlanProject]:
    return [
        PlanProject(
            notice.notice_id,
            notice.plan_year,
            notice.region,
            level,
            funding,
            seq,
            name,
            host,
            applicant,
            notice.notice_id,
            2,
            1,
        )
        for funding, seq, name, host, applicant in rows
    ]


def _unit(
    notice: Notice, terms: list[PolicyTerm], projects: Sequence[PlanProject] = ()
) -> LoadUnit:
    records = (notice, *terms, *projects, *enrich(projects))
    return LoadUnit(
        doc_id=notice.notice_id,
        source_uri=notice.source_uri,
        status="ok",
        media_type="pdf",
        role="notice",
        records=records,
    )


def hubei_2023() -> LoadUnit:
    n = _notice(
        "h23",
        issuer=HUBEI_DEPT,
        level="provincial",
        region="湖北省",
        doc_number="鄂人社函〔2023〕68号",
        doc_type="plan",
        plan_year=2023,
        issued=date(2023, 4, 24),
    )
    p = "provincial"
    terms = [
        _term("h23", p, "funding_cap", None, 125000, unit="yuan"),
        _term("h23", p, "duration_days", 4, 4, approx=True, unit="day"),
        _term("h23", p, "participants", 40, 40, approx=True, unit="person"),
        _term("h23", p, "completion_deadline", on=date(2023, 10, 10)),
        _term("h23", p, "report_window_days", None, 15, unit="day"),
        _term("h23", p, "reimbursement_window_days", None, 30, unit="day"),
    ]
    return _unit(n, terms, _projects(n, p, HUBEI_2023_PROJECTS))


def hubei_2025_call() -> LoadUnit:
    n = _notice(
        "h25call",
        issuer=HUBEI_DEPT,
        level="provincial",
        region="湖北省",
        doc_number="鄂人社函〔2024〕132号",
        doc_type="call_for_topics",
        plan_year=2025,
        issued=date(2024, 12, 10),
    )
    terms = [
        _term("h25call", "national", "duration_days", 5, 5, approx=True, unit="day"),
        _term("h25call", "provincial", "duration_days", 4, 4, approx=True, unit="day"),
        _term("h25call", None, "completion_deadline", on=date(2025, 10, 31)),
        _term("h25call", None, "application_deadline", on=date(2024, 12, 17)),
    ]
    return _unit(n, terms)


def hubei_2026() -> LoadUnit:
    n = _notice(
        "h26",
        issuer=HUBEI_DEPT,
        level="provincial",
        region="湖北省",
        doc_number="鄂人社函〔2026〕51号",
        doc_type="plan",
        plan_year=2026,
        issued=date(2026, 4, 21),
    )
    p = "provincial"
    terms = [
        _term("h26", p, "funding_cap", None, 130000, unit="yuan"),
        _term("h26", p, "duration_days", 4, None, unit="day"),
        _term("h26", p, "participants", 40, None, unit="person"),
        _term("h26", p, "completion_deadline", on=date(2026, 10, 10)),
        _term("h26", p, "report_window_days", None, 15, unit="day"),
        _term("h26", p, "reimbursement_window_days", None, 15, unit="day"),
    ]
    return _unit(n, terms, _projects(n, p, HUBEI_2026_PROJECTS))


def mohrss_2021() -> LoadUnit:
    n = _notice(
        "m21",
        issuer="人力资源社会保障部办公厅",
        level="national",
        region="全国",
        doc_number="人社厅发〔2021〕24号",
        doc_type="plan",
        plan_year=2021,
        issued=date(2021, 4, 16),
    )
    g = "national"
    terms = [
        _term("m21", g, "funding_cap", None, 165000, unit="yuan"),
        _term("m21", g, "duration_days", 5, 5, approx=True, unit="day"),
        _term("m21", g, "participants", None, 100, unit="person"),
        _term("m21", g, "completion_deadline", on=date(2021, 11, 30)),
        _term("m21", g, "report_window_days", None, 30, unit="day"),
        _term("m21", g, "reimbursement_window_days", None, 30, unit="day"),
    ]
    return _unit(n, terms)


def fujian_2026_call() -> LoadUnit:
    n = _notice(
        "f26",
        issuer="福建省人力资源和社会保障厅办公室",
        level="provincial",
        region="福建省",
        doc_number=None,
        doc_type="call_for_applications",
        plan_year=2026,
        issued=date(2026, 1, 5),
    )
    terms = [
        _term("f26", "national", "duration_days", 5, 7, unit="day"),
        _term("f26", "national", "participants", 50, None, unit="person"),
        _term("f26", "provincial", "duration_days", 4, 4, approx=True, unit="day"),
        _term("f26", "provincial", "participants", 30, None, unit="person"),
        _term("f26", None, "completion_deadline", on=date(2026, 11, 30)),
        _term("f26", "national", "application_deadline", on=date(2026, 1, 16)),
        _term("f26", "provincial", "application_deadline", on=date(2026, 2, 20)),
    ]
    return _unit(n, terms)


@pytest.fixture()
def warehouse(tmp_path: Path) -> Warehouse:
    w = Warehouse(connect(tmp_path / "w.duckdb"))
    for unit in (hubei_2023(), hubei_2025_call(), hubei_2026(), mohrss_2021(), fujian_2026_call()):
        w.load(unit)
    return w


def _rows(w: Warehouse, sql: str) -> list[tuple]:
    return w.con.execute(sql).fetchall()


# region, plan_year, program_level, issuer, doc_number, notice_id, funding_cap_yuan,
# duration_days_min/max, participants_min/max, completion_deadline, application_deadline,
# report_window_days
# fmt: off
GOLD_COMPARISON = [
    ("全国", 2021, "national", "人力资源社会保障部办公厅", "人社厅发〔2021〕24号", "m21",
     165000.0, 5.0, 5.0, None, 100.0, date(2021, 11, 30), None, 30.0),
    ("湖北省", 2023, "provincial", HUBEI_DEPT, "鄂人社函〔2023〕68号", "h23",
     125000.0, 4.0, 4.0, 40.0, 40.0, date(2023, 10, 10), None, 15.0),
    ("湖北省", 2025, "national", HUBEI_DEPT, "鄂人社函〔2024〕132号", "h25call",
     None, 5.0, 5.0, None, None, date(2025, 10, 31), date(2024, 12, 17), None),
    ("湖北省", 2025, "provincial", HUBEI_DEPT, "鄂人社函〔2024〕132号", "h25call",
     None, 4.0, 4.0, None, None, date(2025, 10, 31), date(2024, 12, 17), None),
    ("湖北省", 2026, "provincial", HUBEI_DEPT, "鄂人社函〔2026〕51号", "h26",
     130000.0, 4.0, None, 40.0, None, date(2026, 10, 10), None, 15.0),
    ("福建省", 2026, "national", "福建省人力资源和社会保障厅办公室", None, "f26",
     None, 5.0, 7.0, 50.0, None, date(2026, 11, 30), date(2026, 1, 16), None),
    ("福建省", 2026, "provincial", "福建省人力资源和社会保障厅办公室", None, "f26",
     None, 4.0, 4.0, 30.0, None, date(2026, 11, 30), date(2026, 2, 20), None),
]
# fmt: on


def test_policy_comparison_has_one_row_per_region_year_and_level(warehouse: Warehouse) -> None:
    assert _rows(warehouse, "SELECT * FROM curated.policy_comparison") == GOLD_COMPARISON


def test_policy_comparison_columns_are_the_contract_columns(warehouse: Warehouse) -> None:
    columns = [
        d[0]
        for d in warehouse.con.execute(
            "SELECT * FROM curated.policy_comparison LIMIT 0"
        ).description
    ]
    assert columns == [
        "region", "plan_year", "program_level", "issuer", "doc_number", "notice_id",
        "funding_cap_yuan", "duration_days_min", "duration_days_max", "participants_min",
        "participants_max", "completion_deadline", "application_deadline", "report_window_days",
    ]  # fmt: skip


def test_a_later_plan_wins_and_the_call_fills_what_the_plan_lacks(warehouse: Warehouse) -> None:
    n = _notice(
        "h25plan",
        issuer=HUBEI_DEPT,
        level="provincial",
        region="湖北省",
        doc_number="鄂人社函〔2025〕40号",
        doc_type="plan",
        plan_year=2025,
        issued=date(2025, 4, 20),
    )
    terms = [
        _term("h25plan", "provincial", "funding_cap", None, 130000, unit="yuan"),
        _term("h25plan", "provincial", "participants", 40, None, unit="person"),
        _term("h25plan", "provincial", "completion_deadline", on=date(2025, 10, 10)),
    ]
    warehouse.load(_unit(n, terms))
    rows = _rows(warehouse, "SELECT * FROM curated.policy_comparison WHERE plan_year = 2025")
    # fmt: off
    assert rows == [
        # The plan covers the provincial level only: the national row stays the call's.
        ("湖北省", 2025, "national", HUBEI_DEPT, "鄂人社函〔2024〕132号", "h25call",
         None, 5.0, 5.0, None, None, date(2025, 10, 31), date(2024, 12, 17), None),
        # The plan's own terms (cap, participants, its deadline over the call's NULL-level
        # one); duration and application deadline only the call states.
        ("湖北省", 2025, "provincial", HUBEI_DEPT, "鄂人社函〔2025〕40号", "h25plan",
         130000.0, 4.0, 4.0, 40.0, None, date(2025, 10, 10), date(2024, 12, 17), None),
    ]
    # fmt: on


def test_of_two_calls_the_later_one_is_preferred(warehouse: Warehouse) -> None:
    n = _notice(
        "f26bis",
        issuer="福建省人力资源和社会保障厅办公室",
        level="provincial",
        region="福建省",
        doc_number="闽人社文〔2026〕9号",
        doc_type="call_for_applications",
        plan_year=2026,
        issued=date(2026, 2, 1),
    )
    warehouse.load(
        _unit(n, [_term("f26bis", "provincial", "application_deadline", on=date(2026, 3, 1))])
    )
    rows = _rows(
        warehouse,
        "SELECT program_level, doc_number, notice_id, duration_days_min, "
        "completion_deadline, application_deadline "
        "FROM curated.policy_comparison WHERE region = '福建省'",
    )
    assert rows == [
        ("national", None, "f26", 5.0, date(2026, 11, 30), date(2026, 1, 16)),
        ("provincial", "闽人社文〔2026〕9号", "f26bis", 4.0, date(2026, 11, 30), date(2026, 3, 1)),
    ]


def test_a_notice_whose_terms_name_no_level_gives_one_null_level_row(tmp_path: Path) -> None:
    w = Warehouse(connect(tmp_path / "w.duckdb"))
    n = _notice(
        "x24",
        issuer="某省人力资源和社会保障厅",
        level="provincial",
        region="湖南省",
        doc_number=None,
        doc_type="other",
        plan_year=2024,
        issued=date(2024, 3, 1),
    )
    w.load(_unit(n, [_term("x24", None, "completion_deadline", on=date(2024, 11, 30))]))
    assert _rows(
        w,
        "SELECT region, plan_year, program_level, completion_deadline "
        "FROM curated.policy_comparison",
    ) == [
        ("湖南省", 2024, None, date(2024, 11, 30)),
    ]


# org_name -> (org_type, n_projects, first_year, last_year, regions)
GOLD_ORGANIZATIONS = {
    SMART_BUILD: ("company", 3, 2023, 2026, "湖北省"),
    "华中农业大学": ("university", 3, 2023, 2026, "湖北省"),
    "武汉理工大学": ("university", 3, 2023, 2026, "湖北省"),
    "武汉大学": ("university", 2, 2023, 2026, "湖北省"),
    "武汉轻工大学": ("university", 2, 2026, 2026, "湖北省"),
    "中国地质大学（武汉）": ("university", 1, 2023, 2023, "湖北省"),
    "中南财经政法大学": ("university", 1, 2026, 2026, "湖北省"),
    "华中科技大学": ("university", 1, 2023, 2023, "湖北省"),
    "天门市": ("government", 1, 2023, 2023, "湖北省"),
    "天门市第一人民医院": ("hospital", 1, 2023, 2023, "湖北省"),
    FENGHUO: ("company", 1, 2023, 2023, "湖北省"),
    "武汉市": ("government", 1, 2023, 2023, "湖北省"),
    "武汉市农业科学院": ("research_institute", 1, 2023, 2023, "湖北省"),
    "武汉现代农业教育中心": ("other", 1, 2023, 2023, "湖北省"),
    "武汉职业技术大学": ("university", 1, 2026, 2026, "湖北省"),
    "湖北工业大学": ("university", 1, 2026, 2026, "湖北省"),
}


def test_organizations_collapse_name_variants(warehouse: Warehouse) -> None:
    rows = _rows(warehouse, "SELECT * FROM curated.organizations")
    assert {r[0]: r[1:] for r in rows} == GOLD_ORGANIZATIONS
    assert len(rows) == len(GOLD_ORGANIZATIONS)
    # Most projects first, then by name.
    assert [r[0] for r in rows[:3]] == sorted([SMART_BUILD, "华中农业大学", "武汉理工大学"])


def test_fenghuo_counts_each_project_once_across_years_and_regions(warehouse: Warehouse) -> None:
    national = _notice(
        "m25",
        issuer="人力资源社会保障部办公厅",
        level="national",
        region="全国",
        doc_number="人社厅发〔2025〕10号",
        doc_type="plan",
        plan_year=2025,
        issued=date(2025, 4, 1),
    )
    projects = _projects(
        national,
        "national",
        [
            ("财政资助", 1, "光通信与数字技术高级研修班", "烽火通信", "湖北省人社厅"),
            ("财政资助", 2, "光通信与数字技术高级研修班", "武汉烽火技术服务有限公司", None),
        ],
    )
    warehouse.load(_unit(national, [], projects))
    row = _rows(warehouse, f"SELECT * FROM curated.organizations WHERE org_name = '{FENGHUO}'")
    assert row == [(FENGHUO, "company", 2, 2023, 2025, "全国,湖北省")]
    assert _rows(
        warehouse,
        "SELECT org_name, org_type, n_projects FROM curated.organizations "
        f"WHERE org_name = '{HUBEI_DEPT}'",
    ) == [(HUBEI_DEPT, "government", 1)]
    programmes = _rows(
        warehouse, f"SELECT * FROM curated.organization_programmes WHERE org_name = '{FENGHUO}'"
    )
    assert programmes == [
        (FENGHUO, 2023, "湖北省", "applicant", "数字技术驱动行业数字化转型"),
        (FENGHUO, 2023, "湖北省", "host", "数字技术驱动行业数字化转型"),
        (FENGHUO, 2025, "全国", "host", "光通信与数字技术高级研修班"),
    ]


def test_organization_mentions_keep_the_raw_cell(warehouse: Warehouse) -> None:
    rows = _rows(
        warehouse,
        "SELECT DISTINCT raw_name FROM staging.organization_mentions "
        f"WHERE org_name = '{FENGHUO}' ORDER BY 1",
    )
    assert rows == [
        ("武汉烽火技术服务有限公司(烽火通信)",),
        ("武汉烽火技术服务有限公司（烽火通信）",),
    ]


def test_programmes_by_region_year(warehouse: Warehouse) -> None:
    assert _rows(warehouse, "SELECT * FROM curated.programmes_by_region_year") == [
        ("湖北省", 2023, "自筹经费", 2),
        ("湖北省", 2023, "财政资助", 8),
        ("湖北省", 2026, "自筹经费", 3),
        ("湖北省", 2026, "财政资助", 9),
    ]


def test_topics_by_year(warehouse: Warehouse) -> None:
    rows = _rows(warehouse, "SELECT * FROM curated.topics_by_year")
    by_year: dict[int, dict[str, int]] = {}
    for plan_year, region, topic, n in rows:
        assert region == "湖北省"
        by_year.setdefault(plan_year, {})[topic] = n
    # fmt: off
    assert by_year == {
        2023: {"农业": 4, "数字技术": 3, "能源": 2, "医疗健康": 1, "新材料": 1, "地质": 1,
               "建筑": 1, "北斗": 1},
        2026: {"人工智能": 3, "农业": 3, "智能制造": 2, "食品": 1, "新能源汽车": 1,
               "财经管理": 1, "电子信息": 1, "数字技术": 1, "北斗": 1, "集成电路": 1, "其他": 1},
    }
    # fmt: on
    # Most frequent topic first within a year.
    assert rows[0][2] == "农业"


def test_reloading_a_notice_replaces_its_mentions_and_topics(warehouse: Warehouse) -> None:
    before = warehouse.table_counts()
    warehouse.load(hubei_2023())
    assert warehouse.table_counts() == before
    assert before["staging.organization_mentions"] == 20 + 12
    assert before["staging.project_topics"] == 14 + 16


def test_the_same_plan_loaded_from_two_files_counts_once(warehouse: Warehouse) -> None:
    # data/raw holds each plan as PDF and as DOCX: two notice ids, one plan.
    twin = hubei_2023()
    originals: tuple[Any, ...] = tuple(twin.records)
    records = tuple(dataclasses.replace(r, notice_id="h23docx") for r in originals)
    warehouse.load(
        LoadUnit(
            doc_id="h23docx",
            source_uri="data/raw/h23.docx",
            status="ok",
            role="notice",
            records=records,
        )
    )
    assert _rows(warehouse, "SELECT * FROM curated.policy_comparison") == GOLD_COMPARISON
    rows = _rows(warehouse, "SELECT * FROM curated.organizations")
    assert {r[0]: r[1:] for r in rows} == GOLD_ORGANIZATIONS
    assert _rows(
        warehouse,
        "SELECT n_programmes FROM curated.programmes_by_region_year WHERE plan_year = 2023",
    ) == [(2,), (8,)]
    assert _rows(
        warehouse,
        "SELECT n_programmes FROM curated.topics_by_year WHERE plan_year = 2023 AND topic = '农业'",
    ) == [(4,)]


def test_enrich_yields_mentions_and_topics_per_project() -> None:
    n = _notice(
        "h23",
        issuer=HUBEI_DEPT,
        level="provincial",
        region="湖北省",
        doc_number=None,
        doc_type="plan",
        plan_year=2023,
        issued=date(2023, 4, 24),
    )
    [project] = _projects(n, "provincial", [HUBEI_2023_PROJECTS[2]])
    name = "农业农村数字化实践培训班"
    assert enrich([project]) == (
        OrganizationMention("h23", 2023, "湖北省", "武汉现代农业教育中心", "武汉现代农业教育中心",
                            "other", "host", name),
        OrganizationMention("h23", 2023, "湖北省", "武汉市", "武汉市", "government", "applicant",
                            name),
        ProjectTopic("h23", 2023, "湖北省", "财政资助", 3, name, "数字技术"),
        ProjectTopic("h23", 2023, "湖北省", "财政资助", 3, name, "农业"),
    )  # fmt: skip

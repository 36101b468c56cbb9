"""Plan amendments through the warehouse: the changes they make, the plan they amend
(by cited 文号, else region and year) and the plans as in force afterwards."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
AMENDMENTS = ROOT / "tests" / "fixtures" / "amendments"


def _plan(issuer: str, number: str, title: str, rows: list[tuple[str, str, str]], day: str) -> str:
    """A plan notice as plain text (the form a repost or a copied notice takes)."""
    table = "\n".join(
        f"{i}\t{name}\t{host}\t{applicant}" for i, (name, host, applicant) in enumerate(rows, 1)
    )
    return (
        f"{issuer}\n\n{number}\n\n{title}\n\n各市州人力资源和社会保障局，各有关单位：\n\n"
        "经专家评审，现将高级研修项目计划印发给你们，请认真组织实施。\n\n"
        f"附件：高级研修项目计划表\n\n{issuer}\n{day}\n\n附件\n\n高级研修项目计划表\n\n"
        f"序号\t项目名称\t承办单位\t申报单位\n{table}\n"
    )


HUNAN_PLAN = _plan(
    "湖南省人力资源和社会保障厅",
    "湘人社函〔2025〕40号",
    "关于印发2025年度湖南省专业技术人才知识更新工程高级研修项目计划的通知",
    [
        ("洞庭湖生态保护与综合治理高级研修班", "湖南师范大学", "湖南省生态环境厅"),
        ("工程机械智能制造与再制造技术高级研修班", "中南大学", "湖南省工业和信息化厅"),
        ("杂交水稻育种新技术高级研修班", "湖南农业大学", "湖南省农业农村厅"),
        ("轨道交通装备安全运维高级研修班", "湖南铁道职业技术学院", "株洲市人力资源和社会保障局"),
        ("湘绣非遗技艺传承与创新高级研修班", "湖南工艺美术职业学院", "长沙市人力资源和社会保障局"),
        ("湘江流域水环境治理高级研修班", "湖南大学", "湖南省水利厅"),
    ],
    "2025年3月10日",
)
JIANGXI_PLAN = _plan(
    "江西省人力资源和社会保障厅",
    "赣人社字〔2026〕31号",
    "关于印发江西省2026年度专业技术人才知识更新工程高级研修项目计划的通知",
    [
        ("稀土功能材料与绿色冶炼技术高级研修班", "江西理工大学", "江西理工大学"),
        ("赣南脐橙产业数字化提升高级研修班", "赣州市农业科学研究所", "赣州市人力资源和社会保障局"),
        ("航空装备智能制造与检测技术高级研修班", "南昌航空大学", "南昌航空大学"),
        ("鄱阳湖湿地生态修复高级研修班", "南昌大学", "江西省林业局"),
    ],
    "2026年2月20日",
)


@pytest.fixture(scope="module")
def db(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("amendments")
    inbox = tmp / "inbox"
    inbox.mkdir()
    (inbox / "hunan_2025_plan.txt").write_text(HUNAN_PLAN, encoding="utf-8")
    (inbox / "jiangxi_2026_plan.txt").write_text(JIANGXI_PLAN, encoding="utf-8")
    for stem in ("hunan_2025_change_table", "jiangxi_2026_host_change", "sichuan_2026_addition"):
        shutil.copy(AMENDMENTS / f"{stem}.docx", inbox)
    settings = Settings(db=tmp / "w.duckdb", out=tmp / "curated", pii_key_file=tmp / "key")
    summary = run_ingest([str(inbox)], settings)
    assert summary.status_counts["failed"] == 0
    yield settings.db


def _query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _notice(db: Path, region: str, doc_type: str) -> str:
    (row,) = _query(
        db,
        "SELECT notice_id FROM curated.notices WHERE region = ? AND doc_type = ?",
        [region, doc_type],
    )
    return str(row[0])


def test_amendments_and_plans_are_told_apart(db: Path) -> None:
    assert _query(db, "SELECT region, plan_year, doc_type FROM curated.notices ORDER BY ALL") == [
        ("四川省", 2026, "plan_amendment"),
        ("江西省", 2026, "plan"),
        ("江西省", 2026, "plan_amendment"),
        ("湖南省", 2025, "plan"),
        ("湖南省", 2025, "plan_amendment"),
    ]


def test_each_change_names_the_plan_it_amends(db: Path) -> None:
    hunan_plan = _notice(db, "湖南省", "plan")
    jiangxi_plan = _notice(db, "江西省", "plan")
    rows = _query(
        db,
        "SELECT n.region, c.change, c.amended_notice_id FROM curated.plan_changes c "
        "JOIN curated.notices n USING (notice_id) ORDER BY n.region, c.change_no",
    )
    assert [(r, c) for r, c, _ in rows] == [
        ("四川省", "added"),
        ("四川省", "added"),
        ("四川省", "added"),
        ("四川省", "added"),
        ("四川省", "added"),
        ("江西省", "host_changed"),
        ("江西省", "host_changed"),
        ("江西省", "host_changed"),
        ("江西省", "other"),
        ("湖南省", "host_changed"),
        ("湖南省", "rescheduled"),
        ("湖南省", "renamed"),
        ("湖南省", "withdrawn"),
        ("湖南省", "other"),
    ]
    amended = {(r, a) for r, _, a in rows}
    # Hunan's amendment cites no 文号: its plan is found by region and year; Jiangxi's by 文号;
    # Sichuan's plan is not loaded.
    assert amended == {("湖南省", hunan_plan), ("江西省", jiangxi_plan), ("四川省", None)}


def test_the_effective_plan_applies_every_change(db: Path) -> None:
    hunan = _query(
        db,
        "SELECT project_name, host_org, applicant_org FROM curated.effective_plan_projects "
        "WHERE region = '湖南省' ORDER BY seq",
    )
    assert hunan == [
        ("洞庭湖生态保护与综合治理高级研修班", "湖南大学", "湖南省生态环境厅"),
        ("工程机械智能制造与再制造技术高级研修班", "中南大学", "湖南省工业和信息化厅"),
        ("水稻生物育种与种业振兴高级研修班", "湖南农业大学", "湖南省农业农村厅"),
        ("湘绣非遗技艺传承与创新高级研修班", "湖南工艺美术职业学院", "湖南省文化和旅游厅"),
        ("湘江流域水环境治理高级研修班", "湖南大学", "湖南省水利厅"),
    ]
    jiangxi = _query(
        db,
        "SELECT project_name, host_org, applicant_org FROM curated.effective_plan_projects "
        "WHERE region = '江西省' ORDER BY seq",
    )
    assert jiangxi == [
        ("稀土功能材料与绿色冶炼技术高级研修班", "中国科学院赣江创新研究院", "江西理工大学"),
        ("赣南脐橙产业数字化提升高级研修班", "赣南师范大学", "赣州市人力资源和社会保障局"),
        (
            "航空装备智能制造与检测技术高级研修班",
            "江西洪都航空工业集团有限责任公司",
            "江西省工业和信息化厅",
        ),
        ("鄱阳湖湿地生态修复高级研修班", "南昌大学", "江西省林业局"),
    ]
    # The plan as first published is kept in plan_projects.
    assert _query(
        db,
        "SELECT host_org FROM curated.plan_projects p JOIN curated.notices n USING (notice_id) "
        "WHERE n.doc_type = 'plan' AND project_name = '洞庭湖生态保护与综合治理高级研修班'",
    ) == [("湖南师范大学",)]


def test_an_amendment_whose_plan_is_not_loaded_adds_only_its_new_programmes(db: Path) -> None:
    sichuan = _notice(db, "四川省", "plan_amendment")
    rows = _query(
        db,
        "SELECT notice_id, funding_type, project_name FROM curated.effective_plan_projects "
        "WHERE region = '四川省' ORDER BY funding_type DESC, seq",
    )
    assert [r[0] for r in rows] == [sichuan] * 5
    assert rows[0][1:] == ("财政资助", "成渝地区双城经济圈智能网联汽车协同创新高级研修班")


def test_cross_year_views_count_the_plans_in_force(db: Path) -> None:
    assert _query(
        db,
        "SELECT region, plan_year, sum(n_programmes) FROM curated.programmes_by_region_year "
        "GROUP BY ALL ORDER BY ALL",
    ) == [("四川省", 2026, 5), ("江西省", 2026, 4), ("湖南省", 2025, 5)]
    hosts = _query(
        db,
        "SELECT project_name FROM curated.organization_programmes "
        "WHERE org_name = '湖南大学' AND role = 'host' ORDER BY 1",
    )
    assert hosts == [("洞庭湖生态保护与综合治理高级研修班",), ("湘江流域水环境治理高级研修班",)]
    assert _query(
        db,
        "SELECT count(*) FROM curated.organization_programmes "
        "WHERE project_name = '轨道交通装备安全运维高级研修班'",
    ) == [(0,)]

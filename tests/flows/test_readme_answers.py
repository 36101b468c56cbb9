"""The README's analyst questions, run as the README writes them, give the answers the
README prints (on the sample data, after the quick start's ingest of data/raw)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.ingest import run_ingest
from flows.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _questions() -> dict[int, str]:
    section = README[README.index("## Ten questions") : README.index("## Settings")]
    found: dict[int, str] = {}
    for match in re.finditer(r"^(\d+)\. \*\*.*?\n(.*?)(?=^\d+\. \*\*|\Z)", section, re.S | re.M):
        sql = re.search(r"`(SELECT [^`]+)`", match.group(2))
        if sql:
            found[int(match.group(1))] = sql.group(1)
    return found


QUESTIONS = _questions()

ANSWERS: dict[int, list[tuple[object, ...]]] = {
    1: [
        ("湖北省", 2023, "自筹经费", 2),
        ("湖北省", 2023, "财政资助", 8),
        ("湖北省", 2026, "自筹经费", 3),
        ("湖北省", 2026, "财政资助", 9),
    ],
    2: [
        ("全国", 2021, "national", 165000.0),
        ("湖北省", 2023, "provincial", 125000.0),
        ("湖北省", 2026, "provincial", 130000.0),
    ],
    3: [
        ("全国", 2021, "national", 5.0, 5.0, True),
        ("湖北省", 2023, "provincial", 4.0, 4.0, True),
        ("湖北省", 2025, "national", 5.0, 5.0, True),
        ("湖北省", 2025, "provincial", 4.0, 4.0, True),
        ("湖北省", 2026, "provincial", 4.0, None, False),
        ("福建省", 2026, "national", 5.0, 7.0, False),
        ("福建省", 2026, "provincial", 4.0, 4.0, True),
    ],
    5: [
        ("华中农业大学", "university", 3, 2023, 2026),
        ("武汉理工大学", "university", 3, 2023, 2026),
        ("湖北省智慧建造产业发展研究院股份有限公司", "company", 3, 2023, 2026),
        ("武汉大学", "university", 2, 2023, 2026),
        ("武汉轻工大学", "university", 2, 2026, 2026),
    ],
    6: [
        (2023, "氢能燃料电池关键材料高级研修班"),
        (2026, "新能源与智能网联汽车高级研修班"),
        (2026, "集成电路高级研修班"),
    ],
    8: [
        ("湖北省", 2025, None, date(2024, 12, 17)),
        ("福建省", 2026, "national", date(2026, 1, 16)),
        ("福建省", 2026, "provincial", date(2026, 2, 20)),
    ],
}


@pytest.fixture(scope="module")
def con(
    prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    tmp = tmp_path_factory.mktemp("readme")
    settings = Settings(db=tmp / "w.duckdb", out=tmp / "curated", pii_key_file=tmp / "key")
    run_ingest([str(ROOT / "data" / "raw")], settings)
    connection = duckdb.connect(str(settings.db), read_only=True)
    yield connection
    connection.close()


def test_the_readme_asks_ten_questions_with_sql() -> None:
    assert set(QUESTIONS) == {1, 2, 3, 5, 6, 7, 8, 9, 10}  # 4 is `noticeflow compare`


@pytest.mark.parametrize("number", sorted(ANSWERS))
def test_readme_answer(con: duckdb.DuckDBPyConnection, number: int) -> None:
    assert con.execute(QUESTIONS[number]).fetchall() == ANSWERS[number]


def test_readme_answer_7_topics(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(QUESTIONS[7]).fetchall()
    assert rows[:6] == [
        ("农业", 2023, 4),
        ("人工智能", 2026, 3),
        ("农业", 2026, 3),
        ("数字技术", 2023, 3),
        ("智能制造", 2026, 2),
        ("能源", 2023, 2),
    ]
    printed = (
        "农业 2023: 4; 人工智能 2026: 3; 农业 2026: 3; 数字技术 2023: 3; 智能制造 2026: 2; "
        "能源 2023: 2"
    )
    assert printed in README


def test_readme_answer_9_citations(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(QUESTIONS[9]).fetchall()
    cited = {(n, c) for n, c, _ in rows}
    assert {
        ("鄂人社函〔2026〕51号", "人社厅发〔2024〕55号"),
        ("鄂人社函〔2026〕51号", "鄂人社发〔2022〕56号"),
    } <= cited
    fujian = {c for n, c, _ in rows if n is None}
    assert fujian == {"人社部令第25号", "人社部发〔2021〕73号", "闽人社文办〔2023〕222号"}
    titles = dict((c, t) for _, c, t in rows)
    assert titles["人社厅发〔2024〕55号"] == "专业技术人员知识更新工程高级研修项目管理办法"


def test_readme_answer_10_report_windows(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(QUESTIONS[10]).fetchall()
    assert [(r, y, d) for r, y, d, _ in rows] == [
        ("全国", 2021, 30.0),
        ("湖北省", 2023, 15.0),
        ("湖北省", 2026, 15.0),
    ]
    evidence = {(r, y): e for r, y, _, e in rows}
    assert "办班结束后应在1个月内提交研修总结报告" in evidence[("全国", 2021)]
    assert evidence[("湖北省", 2026)].startswith("承办单位应在办班结束15日内通过管理平台提交")

"""The README's analyst questions, run as the README writes them, give the answers the
README prints (on the sample data, after the quick start's ingest of data/raw).

Every printed answer is checked as printed: each question's result is written out in the
README's words (`_render`) and must stand in the README after its "→". Question 4 runs
`noticeflow compare --year 2026` through the CLI. The explorer's canned queries
(`warehouse/sql/explore/`, SQLite) must give the same rows as the README's DuckDB SQL.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse.publish_sqlite import SQLITE, canned_queries

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Ten questions") : README.index("## Settings")]
Rows = list[tuple[Any, ...]]


def _items() -> dict[int, str]:
    pattern = r"^(\d+)\. \*\*.*?\n(.*?)(?=^\d+\. \*\*|^Submitted forms|\Z)"
    return {int(m.group(1)): m.group(0) for m in re.finditer(pattern, SECTION, re.S | re.M)}


ITEMS = _items()
QUESTIONS = {
    n: sql.group(1) for n, item in ITEMS.items() if (sql := re.search(r"`(SELECT [^`]+)`", item))
}


def printed(number: int) -> str:
    """The answer the README prints for a question, on one line."""
    answer = ITEMS[number].split("→", 1)[1]
    return " ".join(answer.split())


ANSWERS: dict[int, Rows] = {
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


# --- the README's words for each result -----------------------------------------------------


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _groups(rows: Rows, width: int = 2) -> dict[tuple[Any, ...], list[tuple[Any, ...]]]:
    grouped: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault(tuple(row[:width]), []).append(tuple(row[width:]))
    return grouped


def _number(value: float) -> str:
    return f"{value:.0f}"


def _render_1(rows: Rows) -> str:
    order = ["财政资助", "自筹经费"]
    return "; ".join(
        f"{region} {year}: "
        + ", ".join(f"{t} {n}" for t, n in sorted(items, key=lambda i: order.index(i[0])))
        for (region, year), items in _groups(rows).items()
    )


def _render_2(rows: Rows) -> str:
    return "; ".join(f"{r} {y} {level} {_number(cap)}" for r, y, level, cap in rows)


def _duration(low: float | None, high: float | None, approx: bool) -> str:
    if approx and low == high:
        return f"about {_number(low or 0)}"
    if high is None:
        return f"at least {_number(low or 0)}"
    if low is None:
        return f"at most {_number(high)}"
    return _number(low) if low == high else f"{_number(low)}–{_number(high)}"


def _render_3(rows: Rows) -> str:
    parts = []
    for (region, year), items in _groups(rows).items():
        values = [
            (f"{level} " if len(items) > 1 else "") + _duration(low, high, approx)
            for level, low, high, approx in items
        ]
        parts.append(f"{region} {year} " + ", ".join(values))
    return "; ".join(parts)


def _render_4(table: Rows) -> str:
    """From the rows of `noticeflow compare`'s table (地区 … 材料报送)."""
    parts = []
    for region, _year, level, doc_number, cap, days, people, done, apply, report in table:
        values = [v for v in (cap, days, people) if v]
        values += [f"done by {done}"] * bool(done) + [f"apply by {apply}"] * bool(apply)
        if report:
            window = re.fullmatch(r"(\d+)(天|个工作日)内", report)
            assert window, report
            unit = "days" if window.group(2) == "天" else "workdays"
            values.append(f"reports within {window.group(1)} {unit}")
        name = f"{region} {level}" + (f" ({doc_number})" if doc_number else "")
        parts.append(f"{name}: " + ", ".join(values))
    return "; ".join(parts)


def _render_5(rows: Rows) -> str:
    return ", ".join(
        f"{org} ({n}, {first}–{last})" if first != last else f"{org} ({n}, {first})"
        for org, _type, n, first, last in rows
    )


def _render_6(rows: Rows) -> str:
    return "; ".join(
        f"{year} " + ", ".join(name for (name,) in items)
        for (year,), items in _groups(rows, 1).items()
    )


def _render_7(rows: Rows) -> str:
    return "; ".join(f"{topic} {year}: {n}" for topic, year, n in rows[:6]) + "; …"


def _render_8(rows: Rows) -> str:
    parts = []
    for (region, year), items in _groups(rows).items():
        dates = [
            ("(all levels) " if level is None else f"{level} " * (len(items) > 1)) + str(day)
            for level, day in items
        ]
        parts.append(f"{region} {year} " + ", ".join(dates))
    return "; ".join(parts)


def _render_9(rows: Rows) -> str:
    parts = []
    for (number,), items in _groups(rows, 1).items():
        if number is None:
            cited = [c for c, _ in items]
            parts.append("the Fujian call (no 文号) cites " + _and(cited))
        else:
            parts.append(f"{number} cites " + _and([f"{c} 《{t}》" for c, t in items]))
    return "; ".join(parts)


RENDER: dict[int, Callable[[Rows], str]] = {
    1: _render_1,
    2: _render_2,
    3: _render_3,
    5: _render_5,
    6: _render_6,
    7: _render_7,
    8: _render_8,
    9: _render_9,
}


@pytest.fixture(scope="module")
def con(sample_warehouse: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(sample_warehouse.db), read_only=True)
    yield connection
    connection.close()


def test_the_readme_asks_ten_questions_with_sql() -> None:
    assert sorted(ITEMS) == list(range(1, 11))
    assert set(QUESTIONS) == {1, 2, 3, 5, 6, 7, 8, 9, 10}  # 4 is `noticeflow compare`
    assert "`noticeflow compare --year 2026`" in ITEMS[4]


@pytest.mark.parametrize("number", sorted(ANSWERS))
def test_readme_answer_rows(con: duckdb.DuckDBPyConnection, number: int) -> None:
    assert con.execute(QUESTIONS[number]).fetchall() == ANSWERS[number]


@pytest.mark.parametrize("number", sorted(RENDER))
def test_readme_prints_the_answer(con: duckdb.DuckDBPyConnection, number: int) -> None:
    rows = con.execute(QUESTIONS[number]).fetchall()
    assert printed(number).removesuffix(".") == RENDER[number](rows)


def test_readme_answer_4_compare_via_the_cli(sample_warehouse: Any) -> None:
    command = re.search(r"`(noticeflow compare[^`]*)`", ITEMS[4])
    assert command
    args = shlex.split(command.group(1))[1:]
    result = CliRunner().invoke(app, [*args, "--db", str(sample_warehouse.db)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("│")]
    table = [tuple(cell.strip() for cell in line.strip("│").split("│")) for line in lines]
    assert [row[:3] for row in table] == [
        ("湖北省", "2026", "provincial"),
        ("福建省", "2026", "national"),
        ("福建省", "2026", "provincial"),
    ]
    assert printed(4).removesuffix(".") == _render_4(table)


def test_readme_answer_10_report_windows(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(QUESTIONS[10]).fetchall()
    claims = re.findall(r"(\S+) (\d{4}): (\d+) \(\"(.+?)\"\)", printed(10))
    assert [(r, int(y), float(d)) for r, y, d, _ in claims] == [(r, y, d) for r, y, d, _ in rows]
    for (_, _, _, quoted), (_, _, _, evidence) in zip(claims, rows, strict=True):
        for fragment in quoted.split("…"):  # the quote, elided where the README writes …
            assert fragment in evidence, (fragment, evidence)


def test_readme_counts_files_and_notices(con: duckdb.DuckDBPyConnection) -> None:
    match = re.search(r"DOCX and PDF: (\d+) files, (\d+) notices", SECTION)
    assert match
    files = con.execute("SELECT count(*) FROM curated.documents").fetchall()[0][0]
    notices = con.execute("SELECT count(*) FROM curated.notices").fetchall()[0][0]
    assert (files, notices) == (int(match.group(1)), int(match.group(2)))


# --- the explorer's canned queries give the same answers ----------------------------------

CANNED_PARAMETERS: dict[int, dict[str, str]] = {
    4: {"year": "2026"},
    5: {"top": "5"},
    6: {"org": "武汉理工大学"},
}
COMPARE_2026 = (
    "SELECT region, plan_year, program_level, doc_number, funding_cap_yuan, "
    "duration_days_min, duration_days_max, participants_min, participants_max, "
    "completion_deadline, application_deadline, report_window_days "
    "FROM curated.policy_comparison WHERE plan_year = 2026 ORDER BY ALL"
)


def _sqlite_like(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        int(v) if isinstance(v, bool) else v.isoformat() if isinstance(v, date) else v for v in row
    )


@pytest.mark.parametrize("number", range(1, 11))
def test_canned_query_gives_the_readme_answer(
    con: duckdb.DuckDBPyConnection, sample_warehouse: Any, number: int
) -> None:
    (query,) = [q for q in canned_queries().values() if q["readme_question"] == number]
    names = set(re.findall(r":(\w+)", query["sql"]))
    parameters = {name: "" for name in names} | CANNED_PARAMETERS.get(number, {})
    with sqlite3.connect(sample_warehouse.out / SQLITE) as db:
        canned = db.execute(query["sql"], parameters).fetchall()
    expected = con.execute(QUESTIONS.get(number, COMPARE_2026)).fetchall()
    width = len(expected[0])
    assert [row[:width] for row in canned[: len(expected)]] == [_sqlite_like(r) for r in expected]
    assert len(canned) == len(expected) or number in (5, 7)  # README: LIMIT 5 / 8

"""noticeflow.sqlite and metadata.json: the curated tables for Datasette, with Chinese search.

The explorer's Datasette runs in-process here (its ASGI client, no socket); the browser
test of `noticeflow explore` is tests/warehouse/test_explore_browser.py.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.warehouse.test_load import _unit
from warehouse import Warehouse, connect, publish
from warehouse.catalog import catalog
from warehouse.explore import datasette_app, explorer_folder, segment_search_args
from warehouse.publish_sqlite import (
    METADATA,
    SEARCH_COLUMNS,
    SQLITE,
    canned_queries,
    fingerprint,
    read_fingerprint,
)
from warehouse.search_text import search_text, segment_query

SECOND = "b" * 64


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of two plan files (集成电路…, 人工智能…), published."""
    tmp = tmp_path_factory.mktemp("sqlite")
    warehouse = Warehouse(connect(tmp / "w.duckdb"))
    warehouse.load(_unit())
    warehouse.load(
        _unit(SECOND, "https://rst.hubei.gov.cn/x.pdf", "人工智能赋能湖北现代化产业体系高级研修班")
    )
    publish(warehouse.con, tmp / "curated")
    warehouse.con.close()
    return tmp / "curated"


def _rows(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchall()


def test_publishing_writes_every_curated_table_into_sqlite(published: Path) -> None:
    db = published / SQLITE
    con = connect(published.parent / "w.duckdb", read_only=True)
    try:
        for table in catalog():
            (n,) = con.execute(f"SELECT count(*) FROM curated.{table}").fetchall()[0]
            assert _rows(db, f"SELECT count(*) FROM [{table}]") == [(n,)], table
        assert read_fingerprint(db) == fingerprint(con)
    finally:
        con.close()
    rows = _rows(
        db, "SELECT project_name, host_org, plan_year, page, source_link FROM plan_projects"
    )
    assert ("集成电路高级研修班", "武汉理工大学", 2026, 2, "data/raw/x.pdf#page=2") in rows
    # Dates are ISO text, booleans 0/1.
    assert _rows(db, "SELECT issued_date FROM notices LIMIT 1") == [("2026-04-21",)]
    assert {r[0] for r in _rows(db, "SELECT approx FROM policy_terms")} <= {0, 1}


def test_programmes_rules_and_files_link_to_their_notice_and_source_document(
    published: Path,
) -> None:
    db = published / SQLITE
    keys = {
        table: {(r[3], r[2], r[4]) for r in _rows(db, f"PRAGMA foreign_key_list([{table}])")}
        for table in ("plan_projects", "policy_terms", "notices", "notice_documents")
    }
    assert ("notice_id", "notices", "notice_id") in keys["plan_projects"]
    assert ("source_doc_id", "documents", "doc_id") in keys["plan_projects"]
    assert ("notice_id", "notices", "notice_id") in keys["policy_terms"]
    assert ("primary_doc_id", "documents", "doc_id") in keys["notices"]
    assert ("doc_id", "documents", "doc_id") in keys["notice_documents"]
    terms = _rows(db, "SELECT region, plan_year, source_link FROM policy_terms")
    assert ("湖北省", 2026, "https://rst.hubei.gov.cn/x.pdf") in terms


def test_metadata_describes_every_table_and_column_in_chinese_and_english(
    published: Path,
) -> None:
    metadata = json.loads((published / METADATA).read_text(encoding="utf-8"))
    tables = metadata["databases"]["noticeflow"]["tables"]
    for table, entry in catalog().items():
        described = tables[table]
        assert described["description"] == (
            f"{entry['description']['zh']} — {entry['description']['en']}"
        )
        columns = [r[1] for r in _rows(published / SQLITE, f"PRAGMA table_info([{table}])")]
        assert set(described["columns"]) == set(columns), table
        for column, text in described["columns"].items():
            zh, _, en = text.partition(" — ")
            assert zh and en, (table, column)
    host = tables["plan_projects"]["columns"]["host_org"]
    assert host == "承办单位 — Host organisation (承办单位)"
    assert tables["plan_projects"]["facets"] == [
        "region",
        "plan_year",
        "program_level",
        "funding_type",
    ]
    assert tables["notices"]["facets"] == ["region", "plan_year", "doc_type"]
    assert tables["documents"]["facets"] == ["status", "media_type"]
    for table in SEARCH_COLUMNS:
        assert tables[table]["fts_table"] == f"{table}_fts"
        assert tables[f"{table}_fts"] == {"hidden": True}


def test_chinese_words_are_found_by_full_text_search(published: Path) -> None:
    db = published / SQLITE

    def search(table: str, query: str) -> list[str]:
        match = " ".join(f'"{w}"' for w in query.split())
        return [
            r[0]
            for r in _rows(
                db,
                f"SELECT project_name FROM [{table}] WHERE rowid IN "
                f"(SELECT rowid FROM [{table}_fts] WHERE [{table}_fts] MATCH ?)",
                match,
            )
        ]

    assert search("plan_projects", "集成电路") == ["集成电路高级研修班"]
    assert search("plan_projects", "人工智能") == ["人工智能赋能湖北现代化产业体系高级研修班"]
    assert sorted(search("plan_projects", "武汉理工大学")) == [  # a host's whole name
        "人工智能赋能湖北现代化产业体系高级研修班",
        "集成电路高级研修班",
    ]
    assert search("plan_projects", "研修班") != []
    assert search("plan_projects", "电路集成") == []
    # Without segmentation, FTS5 would take the whole run of Han characters as one token.
    assert search("plan_projects", "人工智能高级研修班") == []
    assert search("plan_projects", segment_query("人工智能高级研修班")) == [
        "人工智能赋能湖北现代化产业体系高级研修班"
    ]


def test_search_text_and_query_segmentation() -> None:
    words = search_text("北斗+物联网赋能农业全链条智能化高级研修班").split()
    for word in ("北斗", "物联网", "农业", "智能化", "研修班", "高级研修班"):
        assert word in words, word
    assert "+" not in words and len(words) == len(set(words))
    assert search_text("AI赋能新一代电子信息技术").split()[0] == "ai"
    assert search_text(None) == "" and search_text("") == ""
    assert segment_query("人工智能研修班") == "人工智能 研修班"
    assert segment_query('"人工智能研修班"') == '"人工智能研修班"'  # a phrase stays as written
    query = "_search=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD%E7%A0%94%E4%BF%AE%E7%8F%AD&region=x"
    assert segment_search_args(query.encode()) == (
        b"_search=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD+%E7%A0%94%E4%BF%AE%E7%8F%AD&region=x"
    )
    assert segment_search_args(b"_facet=region") == b"_facet=region"
    raw = b"_search=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD%E7%A0%94%E4%BF%AE%E7%8F%AD&_searchmode=raw"
    assert segment_search_args(raw) == raw
    assert segment_search_args(b"_search=+&_sort=seq") == b"_sort=seq"  # empty: dropped


def test_canned_queries_are_the_readme_questions() -> None:
    queries = canned_queries()
    assert sorted(q["readme_question"] for q in queries.values()) == list(range(1, 11))
    for name, query in queries.items():
        assert query["title"] and query["description"], name
        zh, _, en = query["title"].partition(" — ")
        assert zh and en, name
    parameters = {name: set(q["sql"].split(":")[1:]) and q["sql"] for name, q in queries.items()}
    assert ":year" in parameters["q04_compare"] and ":region" in parameters["q04_compare"]
    assert ":org" in parameters["q06_organisation_programmes"]


def _get(app: Any, path: str) -> Any:
    async def fetch() -> Any:
        await app.invoke_startup()
        return await app.client.get(path)

    return asyncio.run(fetch())


def test_datasette_serves_facets_search_and_links_read_only(published: Path) -> None:
    ds = datasette_app(published)
    page = _get(ds, "/noticeflow/plan_projects?_search=人工智能研修班&_facet=region")
    assert page.status_code == 200
    assert "人工智能赋能湖北现代化产业体系高级研修班" in page.text
    assert "集成电路高级研修班" not in page.text

    rows = _get(ds, "/noticeflow/plan_projects.json?_shape=array&_search=集成电路").json()
    assert [r["project_name"] for r in rows] == ["集成电路高级研修班"]

    # Each programme links to its notice (by title) and source document (by path), and
    # shows the path with its page.
    page = _get(ds, "/noticeflow/plan_projects?_search=集成电路").text
    assert f'<a href="/noticeflow/notices/{"a" * 64}">关于印发计划的通知</a>' in page
    assert f'<a href="/noticeflow/documents/{"a" * 64}">data/raw/x.pdf</a>' in page
    assert "data/raw/x.pdf#page=2" in page
    web = _get(ds, "/noticeflow/policy_terms?_search=&notice_id=" + SECOND).text
    assert '<a href="https://rst.hubei.gov.cn/x.pdf">' in web  # URLs are links

    answer = _get(ds, "/noticeflow/q04_compare.json?_shape=array&year=2026&region=").json()
    assert {r["funding_cap_yuan"] for r in answer} == {130000.0}

    # Immutable: no write SQL, and the files under /files/.
    refused = _get(ds, "/noticeflow.json?sql=DELETE+FROM+plan_projects")
    assert refused.status_code == 400
    assert _get(ds, "/files/dashboard.html").status_code == 200
    assert _get(ds, "/-/databases.json").json()[0]["is_mutable"] is False
    plugins = _get(ds, "/-/plugins.json?all=1").json()
    # Datasette's own plugins and the explorer's query segmentation, nothing installed.
    assert [p["name"] for p in plugins if not p["name"].startswith("datasette.")] == [
        "warehouse.explore"
    ]


def test_explore_serves_the_published_file_when_current_else_builds_one(
    published: Path, tmp_path: Path
) -> None:
    db = published.parent / "w.duckdb"
    assert explorer_folder(db, published).folder == published

    other = tmp_path / "elsewhere"
    built = explorer_folder(db, other)
    assert built.folder != published and (built.folder / SQLITE).is_file()
    assert "built from" in built.origin
    assert explorer_folder(db, other).folder == built.folder  # reused while unchanged

    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / SQLITE).write_bytes((published / SQLITE).read_bytes())
    (stale / METADATA).write_text("{}")
    with sqlite3.connect(stale / SQLITE) as copy:
        copy.execute("UPDATE _noticeflow_build SET value = 'old' WHERE key = 'fingerprint'")
    assert explorer_folder(db, stale).folder == built.folder
    # Without a warehouse, the published file as it is.
    assert explorer_folder(tmp_path / "none.duckdb", stale).folder == stale


def test_search_text_cut_in_a_warm_child_indexes_as_in_process(
    published: Path, tmp_path: Path
) -> None:
    """A run cuts the explorer's search text in a child of its fork server (jieba loaded
    there already): each distinct value once, and the index is the same as in process."""
    from flows.budget import server_running
    from flows.tasks import _segment_warm
    from warehouse.publish_sqlite import write_sqlite

    calls: list[list[str]] = []

    def in_child(texts: list[str]) -> list[str]:
        calls.append(texts)
        return _segment_warm(texts)

    con = connect(published.parent / "w.duckdb", read_only=True)
    try:
        write_sqlite(con, tmp_path, segment=in_child)
    finally:
        con.close()
    (texts,) = calls
    assert server_running()  # the texts went to a child of the fork server
    assert len(texts) == len(set(texts)) and "集成电路高级研修班" in texts
    # The index is contentless: compared by what each word finds.
    fts = "SELECT rowid FROM plan_projects_fts WHERE plan_projects_fts MATCH ? ORDER BY rowid"
    for word in ("集成电路", "人工智能", "研修班", "武汉理工大学", "电路集成"):
        assert _rows(tmp_path / SQLITE, fts, word) == _rows(published / SQLITE, fts, word), word
    assert len(_rows(tmp_path / SQLITE, fts, "集成电路")) == 1

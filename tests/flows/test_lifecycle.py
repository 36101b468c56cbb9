"""The warehouse as a source of truth: one notice however many files carry it, staging
derived from raw alone (rebuild, rule changes), extractor versions. Real files, a real
DuckDB file, real Prefect flow runs."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

import flows.plan
import flows.steps
import normalizers.version
from flows.ingest import run_ingest
from flows.rebuild import rebuild_flow
from flows.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FORMS = ROOT / "tests" / "fixtures" / "forms"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        db=tmp_path / "w.duckdb", out=tmp_path / "curated", pii_key_file=tmp_path / "key"
    )


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _curated_checksums(db: Path) -> dict[str, str]:
    """A checksum of every curated table's content (ingested_at left out)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        views = [
            r[0]
            for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE schema_name = 'curated' ORDER BY 1"
            ).fetchall()
        ]
        sums = {}
        for view in views:
            columns = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'curated' "
                    "AND table_name = ? AND column_name <> 'ingested_at' ORDER BY column_index",
                    [view],
                ).fetchall()
            ]
            cols = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f"SELECT {cols} FROM curated.{view} ORDER BY ALL").fetchall()
            sums[view] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return sums
    finally:
        con.close()


def test_sample_notices_are_one_notice_each_and_programmes_count_once(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    summary = run_ingest([str(RAW)], settings)
    assert summary.status_counts["ok"] == 9
    db = settings.db
    assert _query(db, "SELECT count(*) FROM curated.notices") == [(5,)]
    assert _query(
        db,
        "SELECT region, plan_year, funding_type, count(*) FROM curated.plan_projects "
        "GROUP BY ALL ORDER BY ALL",
    ) == [
        ("湖北省", 2023, "自筹经费", 2),
        ("湖北省", 2023, "财政资助", 8),
        ("湖北省", 2026, "自筹经费", 3),
        ("湖北省", 2026, "财政资助", 9),
    ]
    # Every file is listed with its notice; each notice has exactly one primary rendition.
    assert _query(
        db,
        "SELECT count(*), count(DISTINCT notice_id), count(*) FILTER (WHERE is_primary) "
        "FROM curated.notice_documents",
    ) == [(9, 5, 5)]
    assert _query(
        db,
        "SELECT n.source_uri, n.n_renditions, d.media_type FROM curated.notices n "
        "JOIN curated.notice_documents d ON d.doc_id = n.primary_doc_id "
        "WHERE n.region = '湖北省' AND n.plan_year = 2026",
    ) == [(str(RAW / "hubei_2026_plan.docx"), 2, "docx")]
    # Rules and 附件 of a notice come once, from the primary rendition.
    assert _query(
        db,
        "SELECT count(*) FROM (SELECT notice_id, program_level, term FROM curated.policy_terms "
        "GROUP BY ALL HAVING count(*) > 1)",
    ) == [(0,)]
    assert _query(
        db, "SELECT count(*) FROM curated.programmes_by_region_year WHERE n_programmes > 9"
    ) == [(0,)]
    assert _query(
        db,
        "SELECT sum(n_programmes) FROM curated.programmes_by_region_year WHERE region = '湖北省'",
    ) == [(22,)]
    assert _query(db, "SELECT count(*) FROM curated.policy_comparison") == _query(
        db,
        "SELECT count(*) FROM (SELECT DISTINCT region, plan_year, program_level "
        "FROM curated.policy_comparison)",
    )


def test_renditions_that_disagree_are_shown_and_the_complete_one_is_read(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(RAW / "hubei_2026_plan.docx", inbox)
    # An excerpt of the same notice (a repost that lost the end of the programme table).
    lines = (SEEDS / "hubei_2026_plan.txt").read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if line.startswith("自筹经费"))
    (inbox / "repost_excerpt.txt").write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
    settings = _settings(tmp_path)
    run_ingest([str(inbox)], settings)
    db = settings.db
    assert _query(db, "SELECT count(*), min(n_renditions) FROM curated.notices") == [(1, 2)]
    assert _query(db, "SELECT source_uri FROM curated.notices") == [
        (str(inbox / "hubei_2026_plan.docx"),)
    ]
    assert _query(db, "SELECT count(*) FROM curated.plan_projects") == [(12,)]
    con = duckdb.connect(str(db), read_only=True)
    try:
        from warehouse.db import check_queries

        rows = con.execute(check_queries()["renditions_disagree"]).fetchall()
    finally:
        con.close()
    assert sorted((Path(r[1]).name, r[4]) for r in rows) == [
        ("hubei_2026_plan.docx", 12),
        ("repost_excerpt.txt", 9),
    ]


def test_rebuild_from_raw_alone_gives_identical_curated_tables(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(RAW, inbox)
    for form in FORMS.iterdir():
        shutil.copy(form, inbox)
    settings = _settings(tmp_path)
    run_ingest([str(inbox)], settings)
    before = _curated_checksums(settings.db)
    assert _query(settings.db, "SELECT count(*) FROM curated.budget_sheets")[0][0] >= 3
    shutil.rmtree(inbox)  # no source file is left to read

    result, _, published = rebuild_flow(settings)  # as a recorded flow run
    assert result.failures == []
    assert result.documents == len(_query(settings.db, "SELECT 1 FROM raw.documents"))
    assert published > 0
    assert _curated_checksums(settings.db) == before


def test_a_rule_change_is_derived_again_by_the_next_ingest_without_extracting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    run_ingest([str(RAW)], settings)
    before = _curated_checksums(settings.db)
    old = _query(settings.db, "SELECT DISTINCT normalizer_version FROM raw.documents")
    assert old == [(normalizers.version.normalizer_version(),)]

    def no_extraction(*args: object, **kwargs: object) -> None:
        raise AssertionError("an extractor ran")

    monkeypatch.setattr(flows.steps, "extract", no_extraction)
    monkeypatch.setattr(normalizers.version, "RULES_VERSION", "9.9.9-test")
    summary = run_ingest([str(RAW)], settings)
    assert summary.rederived == 9
    assert summary.outcomes == []  # nothing extracted: every file unchanged
    assert len(summary.skipped) == 9
    new = _query(settings.db, "SELECT DISTINCT normalizer_version FROM raw.documents")
    assert new == [(normalizers.version.normalizer_version(),)] and new != old
    assert new[0][0].startswith("9.9.9-test+")
    assert _curated_checksums(settings.db) | {"documents": ""} == before | {"documents": ""}
    # Nothing stale is left: the run after that derives nothing again.
    assert run_ingest([str(RAW)], settings).rederived == 0


def test_a_new_extractor_version_reads_the_files_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read in this process (no child): the patched version is the one stamped.
    settings = _settings(tmp_path).with_overrides(file_timeout=0.0)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(RAW / "hubei_2023_plan.docx", inbox)
    run_ingest([str(inbox)], settings)
    assert run_ingest([str(inbox)], settings).outcomes == []
    monkeypatch.setattr(flows.steps, "EXTRACTOR_VERSION", "99-test")
    monkeypatch.setattr(flows.plan, "EXTRACTOR_VERSION", "99-test")
    again = run_ingest([str(inbox)], settings)
    assert [o.status for o in again.outcomes] == ["ok"]
    assert _query(settings.db, "SELECT extractor_version FROM curated.documents") == [("99-test",)]


def test_a_file_that_cannot_be_read_is_never_derived(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.7\n% nothing else")
    settings = _settings(tmp_path)
    run_ingest([str(inbox)], settings)
    result, _, _ = rebuild_flow(settings)
    assert result.documents == 0
    assert _query(settings.db, "SELECT status FROM curated.documents") == [("failed",)]

"""Analysts' queries at scale: the README's questions and `compare` on a generated warehouse.

Builds a warehouse with N programme rows (default 1,000,000) spread over 31 regions and
16 plan years — staging rows written in bulk by SQL, the way the loader leaves them, with
their raw documents (one plan and one call per region and year, a second rendition for
a tenth of the plans) — then runs every README question (parsed from README.md) and the
`compare` query, each 5 times, and prints the median next to the goal (< 100 ms).

    .venv/bin/python benchmarks/bench_queries.py [--rows 1000000] [--db FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warehouse import Warehouse, connect  # noqa: E402
from warehouse.queries import policy_comparison  # noqa: E402

GOAL_MS = 100.0
REGIONS = 31
YEARS = list(range(2010, 2026))


def readme_questions() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Ten questions") : text.index("## Settings")]
    found = {}
    for match in re.finditer(r"^(\d+)\. \*\*.*?\n(.*?)(?=^\d+\. \*\*|\Z)", section, re.S | re.M):
        sql = re.search(r"`(SELECT [^`]+)`", match.group(2))
        if sql:
            found[f"Q{match.group(1)}"] = sql.group(1)
    return found


def generate(db: Path, rows: int) -> None:
    con = connect(db)
    per_plan = max(1, rows // (REGIONS * len(YEARS)))
    started = time.perf_counter()
    con.execute(f"""
        CREATE TEMP TABLE plans AS
        SELECT r, y, 'region_' || lpad(r::VARCHAR, 2, '0') AS region,
               'n' || r || '_' || y AS notice_id, 'd' || r || '_' || y AS doc_id
        FROM range({REGIONS}) t(r), (SELECT unnest({YEARS}) AS y)
    """)
    con.execute("""
        INSERT INTO raw.documents (doc_id, source_uri, media_type, status, role, ingested_at,
                                   extractor_version, normalizer_version)
        SELECT doc_id, 'gen/' || doc_id || '.docx', 'docx', 'ok', 'notice', now(), 'g', 'g'
        FROM plans
        UNION ALL SELECT doc_id || 'p', 'gen/' || doc_id || '.pdf', 'pdf', 'ok', 'notice',
                         now(), 'g', 'g' FROM plans WHERE r % 10 = 0
        UNION ALL SELECT 'c' || doc_id, 'gen/c' || doc_id || '.docx', 'docx', 'ok', 'notice',
                         now(), 'g', 'g' FROM plans
    """)
    con.execute("""
        INSERT INTO staging.notices (doc_id, notice_id, source_uri, title, issuer, issuer_level,
            region, doc_number, doc_number_prefix, doc_number_year, doc_number_serial, doc_type,
            plan_year, issued_date)
        SELECT d, n, 'gen/' || d, title, region || '人社厅', 'provincial', region,
               'X人社函〔' || y || '〕' || r || '号', 'X人社函', y, r, doc_type, y,
               make_date(y, 3, 1)
        FROM (
            SELECT doc_id AS d, notice_id AS n, '关于印发' || y || '年计划的通知' AS title,
                   region, y, r, 'plan' AS doc_type FROM plans
            UNION ALL SELECT doc_id || 'p', notice_id, '关于印发' || y || '年计划的通知',
                   region, y, r, 'plan' FROM plans WHERE r % 10 = 0
            UNION ALL SELECT 'c' || doc_id, 'c' || notice_id,
                   '关于征集' || y || '年高级研修项目选题的通知', region, y, r + 100,
                   'call_for_topics' FROM plans
        )
    """)
    con.execute(f"""
        INSERT INTO staging.plan_projects (doc_id, notice_id, plan_year, region, program_level,
            funding_type, seq, project_name, host_org, applicant_org, source_doc_id, page,
            table_no)
        SELECT d, notice_id, y, region, 'provincial',
               CASE WHEN i % 4 = 0 THEN '自筹经费' ELSE '财政资助' END, i,
               '课题' || (i % 5000) || '号' || ['人工智能', '集成电路', '农业', '医疗健康',
                   '智能制造', '建筑', '北斗', '能源'][1 + i % 8] || '高级研修班',
               '单位' || ((i * 7 + r) % 5000), '主管' || ((i * 3 + y) % 800), d, 1 + i // 40, 1
        FROM (SELECT doc_id AS d, * FROM plans
              UNION ALL SELECT doc_id || 'p', * FROM plans WHERE r % 10 = 0) p,
             range({per_plan}) t(i)
    """)
    con.execute("""
        INSERT INTO staging.organization_mentions
        SELECT doc_id, notice_id, plan_year, region, org, org, 'university', role, project_name
        FROM (SELECT *, host_org AS org, 'host' AS role FROM staging.plan_projects
              UNION ALL SELECT *, applicant_org, 'applicant' FROM staging.plan_projects)
    """)
    con.execute("""
        INSERT INTO staging.project_topics
        SELECT doc_id, notice_id, plan_year, region, funding_type, seq, project_name,
               regexp_extract(project_name, '号(.*)高级研修班', 1)
        FROM staging.plan_projects
    """)
    con.execute("""
        INSERT INTO staging.policy_terms (doc_id, notice_id, program_level, term, value_min,
            value_max, approx, unit, value_date, evidence, page)
        SELECT d, notice_id, 'provincial', term, lo, hi, false, unit, dt, '每期上限…', 1
        FROM (SELECT doc_id AS d, * FROM plans
              UNION ALL SELECT doc_id || 'p', * FROM plans WHERE r % 10 = 0) p,
             (VALUES ('funding_cap', NULL, 130000.0, 'yuan', NULL::DATE),
                     ('duration_days', 4.0, NULL, 'day', NULL),
                     ('participants', 40.0, NULL, 'person', NULL),
                     ('report_window_days', NULL, 15.0, 'day', NULL),
                     ('application_deadline', NULL, NULL, 'date', DATE '2025-12-01'))
             t(term, lo, hi, unit, dt)
    """)
    print(f"generated staging rows in {time.perf_counter() - started:.1f} s")
    # The loader marks what it loads as pending; rows written by SQL are marked here.
    con.execute("INSERT INTO mart.pending SELECT DISTINCT region, plan_year FROM staging.notices")
    warehouse = Warehouse(con)
    started = time.perf_counter()
    keys = warehouse.refresh()
    print(
        f"materialised views filled ({keys} region-years) in {time.perf_counter() - started:.1f} s"
    )
    # One plan loaded again (what adding or changing one notice costs the views).
    con.execute("INSERT INTO mart.pending VALUES ('region_07', 2020)")
    started = time.perf_counter()
    warehouse.refresh()
    print(f"incremental refresh of one region-year: {time.perf_counter() - started:.2f} s")
    con.execute("CHECKPOINT")
    n = con.execute("SELECT count(*) FROM curated.plan_projects").fetchone()
    print(f"curated.plan_projects: {n[0] if n else 0:,} programme rows")
    con.close()


def timed(run: object) -> float:
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="nf-queries-")) / "w.duckdb"
    if not db.exists():
        generate(db, args.rows)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    load = os.getloadavg()
    print(f"machine load: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"{'query':8} {'median ms':>10} {'goal ms':>8}  result")
    worst = 0.0
    for name, sql in readme_questions().items():
        ms = timed(lambda sql=sql: con.execute(sql).fetchall())
        worst = max(worst, ms)
        print(f"{name:8} {ms:10.1f} {GOAL_MS:8.0f}  {'ok' if ms < GOAL_MS else 'SLOW'}")
    ms = timed(lambda: policy_comparison(con, year=2020))
    worst = max(worst, ms)
    print(f"{'compare':8} {ms:10.1f} {GOAL_MS:8.0f}  {'ok' if ms < GOAL_MS else 'SLOW'}")
    print(f"slowest: {worst:.1f} ms (goal < {GOAL_MS:.0f} ms)")
    con.close()


if __name__ == "__main__":
    main()

"""Read queries behind the analyst commands, formatted for people."""

from __future__ import annotations

import duckdb

from .checks import run_checks

__all__ = ["policy_comparison", "status_report"]

# Ranges read as people write them: "约4天", "≥40", "5–7", "≤100".
_COMPARISON = """
WITH approx AS (
    SELECT notice_id, program_level, term, bool_or(approx) AS approx
    FROM curated.policy_terms
    GROUP BY ALL
),
flags AS (
    SELECT
        c.*,
        coalesce((SELECT a.approx FROM approx AS a
                  WHERE a.notice_id = c.notice_id AND a.term = 'duration_days'
                    AND (a.program_level = c.program_level OR a.program_level IS NULL)
                  ORDER BY a.program_level NULLS LAST LIMIT 1), false) AS duration_approx,
        coalesce((SELECT a.approx FROM approx AS a
                  WHERE a.notice_id = c.notice_id AND a.term = 'participants'
                    AND (a.program_level = c.program_level OR a.program_level IS NULL)
                  ORDER BY a.program_level NULLS LAST LIMIT 1), false) AS participants_approx,
        (SELECT t.unit FROM curated.policy_terms AS t
         WHERE t.notice_id = c.notice_id AND t.term = 'report_window_days'
           AND (t.program_level = c.program_level OR t.program_level IS NULL)
         ORDER BY t.program_level NULLS LAST LIMIT 1) AS report_unit
    FROM curated.policy_comparison AS c
    WHERE ($year IS NULL OR c.plan_year = $year) AND ($region IS NULL OR c.region = $region)
)
SELECT
    region AS "地区",
    plan_year AS "年度",
    program_level AS "层级",
    coalesce(doc_number, '') AS "文号",
    CASE WHEN funding_cap_yuan IS NULL THEN ''
         ELSE format('{:,.0f}', funding_cap_yuan) END AS "每期上限(元)",
    CASE
        WHEN duration_days_min IS NULL AND duration_days_max IS NULL THEN ''
        WHEN duration_days_min = duration_days_max
            THEN (CASE WHEN duration_approx THEN '约' ELSE '' END)
                 || duration_days_min::INT || '天'
        WHEN duration_days_max IS NULL THEN '≥' || duration_days_min::INT || '天'
        WHEN duration_days_min IS NULL THEN '≤' || duration_days_max::INT || '天'
        ELSE duration_days_min::INT || '–' || duration_days_max::INT || '天'
    END AS "研修天数",
    CASE
        WHEN participants_min IS NULL AND participants_max IS NULL THEN ''
        WHEN participants_min = participants_max
            THEN (CASE WHEN participants_approx THEN '约' ELSE '' END)
                 || participants_min::INT || '人'
        WHEN participants_max IS NULL THEN '≥' || participants_min::INT || '人'
        WHEN participants_min IS NULL THEN '≤' || participants_max::INT || '人'
        ELSE participants_min::INT || '–' || participants_max::INT || '人'
    END AS "学员人数",
    coalesce(completion_deadline::VARCHAR, '') AS "完成期限",
    coalesce(application_deadline::VARCHAR, '') AS "申报截止",
    CASE WHEN report_window_days IS NULL THEN ''
         WHEN report_unit = 'workday' THEN report_window_days::INT || '个工作日内'
         ELSE report_window_days::INT || '天内' END AS "材料报送"
FROM flags
ORDER BY plan_year, region, program_level
"""


def policy_comparison(
    con: duckdb.DuckDBPyConnection, *, year: int | None = None, region: str | None = None
) -> tuple[list[str], list[tuple[object, ...]]]:
    """The policy comparison as display columns and rows."""
    relation = con.execute(_COMPARISON, {"year": year, "region": region})
    columns = [d[0] for d in relation.description or []]
    return columns, relation.fetchall()


_STATUS = (
    (
        "documents",
        "SELECT status, media_type, count(*) AS files FROM curated.documents "
        "GROUP BY ALL ORDER BY ALL",
    ),
    (
        "notices",
        "SELECT region, plan_year, doc_type, count(*) AS notices FROM curated.notices "
        "GROUP BY ALL ORDER BY ALL",
    ),
    (
        "failures",
        "SELECT source_uri, status, error FROM curated.documents "
        "WHERE status <> 'ok' ORDER BY source_uri",
    ),
)


def status_report(
    con: duckdb.DuckDBPyConnection,
) -> list[tuple[str, list[str], list[tuple[object, ...]]]]:
    """What is loaded, as (title, columns, rows) sections; the data checks come last."""
    sections: list[tuple[str, list[str], list[tuple[object, ...]]]] = []
    for title, sql in _STATUS:
        relation = con.sql(sql)
        sections.append((title, relation.columns, relation.fetchall()))
    checks: list[tuple[object, ...]] = sorted(run_checks(con).items())
    sections.append(("data checks (rows breaking each rule)", ["check", "rows"], checks))
    return sections

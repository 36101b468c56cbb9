-- The rules of each region and programme year side by side, one row per
-- (region, plan_year, program_level) (data contract: curated.policy_comparison).
-- A term with program_level NULL applies to every level its notice covers: the levels of
-- its other terms and of its projects (a notice that names no level gives one NULL-level
-- row). When several notices speak for one row (a call, then the plan), each term comes
-- from the first notice that states it, in the order: plan first, then the latest
-- issued_date, then notice_id; notice_id, issuer and doc_number are the first notice's.
CREATE OR REPLACE VIEW curated.policy_comparison AS
WITH notices AS (
    SELECT notice_id, region, plan_year, issuer, doc_number, doc_type, issued_date
    FROM curated.notices
    WHERE doc_type <> 'plan_amendment'
),
terms AS (
    SELECT * FROM curated.policy_terms
),
stated_levels AS (
    SELECT notice_id, program_level FROM terms WHERE program_level IS NOT NULL
    UNION
    SELECT notice_id, program_level FROM curated.plan_projects WHERE program_level IS NOT NULL
),
notice_levels AS (
    SELECT notice_id, program_level FROM stated_levels
    UNION
    SELECT notice_id, NULL AS program_level
    FROM terms
    WHERE notice_id NOT IN (SELECT notice_id FROM stated_levels)
),
ranked_notices AS (
    SELECT
        n.*,
        l.program_level,
        row_number() OVER (
            PARTITION BY n.region, n.plan_year, l.program_level
            ORDER BY n.doc_type = 'plan' DESC, n.issued_date DESC NULLS LAST, n.notice_id
        ) AS notice_rank
    FROM notices AS n
    JOIN notice_levels AS l USING (notice_id)
),
level_terms AS (
    -- Every term that applies to a row: best notice first, and within one notice the
    -- level's own term before the NULL-level one.
    SELECT
        r.region,
        r.plan_year,
        r.program_level,
        t.term,
        t.value_min,
        t.value_max,
        t.value_date,
        row_number() OVER (
            PARTITION BY r.region, r.plan_year, r.program_level, t.term
            ORDER BY r.notice_rank, t.program_level IS NULL, t.value_date, t.value_max, t.value_min
        ) AS term_rank
    FROM ranked_notices AS r
    JOIN terms AS t
      ON t.notice_id = r.notice_id
     AND (t.program_level IS NULL OR t.program_level = r.program_level)
),
chosen_terms AS (
    SELECT * FROM level_terms WHERE term_rank = 1
),
pivoted AS (
    SELECT
        region,
        plan_year,
        program_level,
        any_value(coalesce(value_max, value_min)) FILTER (WHERE term = 'funding_cap')
            AS funding_cap_yuan,
        any_value(value_min) FILTER (WHERE term = 'duration_days') AS duration_days_min,
        any_value(value_max) FILTER (WHERE term = 'duration_days') AS duration_days_max,
        any_value(value_min) FILTER (WHERE term = 'participants') AS participants_min,
        any_value(value_max) FILTER (WHERE term = 'participants') AS participants_max,
        any_value(value_date) FILTER (WHERE term = 'completion_deadline') AS completion_deadline,
        any_value(value_date) FILTER (WHERE term = 'application_deadline')
            AS application_deadline,
        any_value(coalesce(value_max, value_min)) FILTER (WHERE term = 'report_window_days')
            AS report_window_days
    FROM chosen_terms
    GROUP BY region, plan_year, program_level
),
final AS (
    SELECT
        r.region,
        r.plan_year,
        r.program_level,
        r.issuer,
        r.doc_number,
        r.notice_id,
        p.funding_cap_yuan,
        p.duration_days_min,
        p.duration_days_max,
        p.participants_min,
        p.participants_max,
        p.completion_deadline,
        p.application_deadline,
        p.report_window_days
    FROM ranked_notices AS r
    LEFT JOIN pivoted AS p
      ON p.region IS NOT DISTINCT FROM r.region
     AND p.plan_year IS NOT DISTINCT FROM r.plan_year
     AND p.program_level IS NOT DISTINCT FROM r.program_level
    WHERE r.notice_rank = 1
)
SELECT * FROM final ORDER BY region, plan_year, program_level;

-- Budget final accounts (经费决算表) with checks (data contract: curated.budget_sheets).
-- cap_yuan: the funding cap of the plan (in force) that lists the form's project, matched by
-- name (and host) within the year the class started; NULL when no such notice is loaded
-- or the project is self-funded (自筹经费).
CREATE OR REPLACE VIEW curated.budget_sheets AS
WITH sheets AS (
    SELECT * FROM staging.budget_sheets
),
projects AS (
    SELECT
        p.*,
        regexp_replace(p.project_name, '[\s“”"《》（）()·—-]', '', 'g') AS name_key
    FROM curated.effective_plan_projects AS p
),
candidates AS (
    SELECT
        s.form_id,
        p.notice_id,
        p.program_level,
        p.funding_type,
        jaro_winkler_similarity(
            regexp_replace(s.project_name, '[\s“”"《》（）()·—-]', '', 'g'), p.name_key
        ) + CASE WHEN s.host_org IS NOT NULL AND s.host_org = p.host_org THEN 0.05 ELSE 0 END
            AS score
    FROM sheets AS s
    JOIN projects AS p
      ON s.start_date IS NULL OR p.plan_year IS NULL OR p.plan_year = year(s.start_date)
),
best AS (
    SELECT * FROM candidates
    WHERE score >= 0.9
    QUALIFY row_number() OVER (PARTITION BY form_id ORDER BY score DESC, notice_id) = 1
),
caps AS (
    SELECT
        b.form_id,
        CASE WHEN b.funding_type = '自筹经费' THEN NULL ELSE t.value_max END AS cap_yuan
    FROM best AS b
    LEFT JOIN curated.policy_terms AS t
      ON t.notice_id = b.notice_id
     AND t.term = 'funding_cap'
     AND (t.program_level IS NULL OR b.program_level IS NULL
          OR t.program_level = b.program_level)
    QUALIFY row_number() OVER (PARTITION BY b.form_id ORDER BY t.program_level NULLS LAST) = 1
),
final AS (
    SELECT
        s.form_id, s.source_uri, s.project_name, s.location, s.schedule_text,
        s.start_date, s.end_date, s.participants, s.staff, s.total_people,
        s.total_yuan, s.computed_total_yuan, s.total_matches, s.subsidy_yuan,
        c.cap_yuan,
        CASE WHEN c.cap_yuan IS NULL THEN NULL
             ELSE coalesce(s.subsidy_yuan, s.total_yuan) > c.cap_yuan END AS over_cap,
        s.applicant_org, s.host_org
    FROM sheets AS s
    LEFT JOIN caps AS c USING (form_id)
)
SELECT * FROM final ORDER BY source_uri;

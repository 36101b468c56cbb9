-- The programmes a plan lists (data contract: curated.plan_projects).
CREATE OR REPLACE VIEW curated.plan_projects AS
WITH projects AS (
    SELECT * FROM staging.plan_projects
),
final AS (
    SELECT
        notice_id,
        plan_year,
        region,
        program_level,
        funding_type,
        seq,
        project_name,
        host_org,
        applicant_org,
        source_doc_id,
        page,
        table_no
    FROM projects
)
SELECT * FROM final ORDER BY region, plan_year, notice_id, funding_type, seq;

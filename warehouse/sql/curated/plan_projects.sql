-- The programmes a plan lists (data contract: curated.plan_projects).
CREATE OR REPLACE VIEW curated.plan_projects AS
WITH projects AS (
    -- Only the rows of the notice's primary rendition (and the files it attaches).
    SELECT x.*
    FROM staging.plan_projects AS x
    JOIN staging.notice_sources AS s ON s.notice_id = x.notice_id AND s.doc_id = x.doc_id
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
        sponsor_org,
        supervising_dept,
        source_doc_id,
        page,
        table_no
    FROM projects
)
SELECT * FROM final ORDER BY region, plan_year, notice_id, funding_type, seq;

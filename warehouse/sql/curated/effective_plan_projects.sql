-- The plans as in force after every loaded amendment (data contract 0.2:
-- curated.effective_plan_projects): a plan's programmes with each amendment's changes
-- applied — withdrawn programmes left out, a new host, applicant or name put in (the latest
-- amendment wins) — plus the programmes amendments add. A programme is matched by its name
-- compared as words (staging.project_key). An amendment whose plan is not loaded adds its
-- added programmes under its own notice_id and changes nothing else.
CREATE OR REPLACE VIEW curated.effective_plan_projects AS
WITH notices AS (
    SELECT notice_id, doc_type, issued_date FROM curated.notices
),
projects AS (
    SELECT p.*, n.doc_type FROM curated.plan_projects AS p JOIN notices AS n USING (notice_id)
),
changes AS (
    SELECT
        c.*,
        staging.project_key(c.project_name) AS project_key,
        row_number() OVER (
            PARTITION BY c.amended_notice_id, staging.project_key(c.project_name), c.change, c.field
            ORDER BY n.issued_date DESC NULLS LAST, c.notice_id DESC, c.change_no DESC
        ) AS latest
    FROM curated.plan_changes AS c
    JOIN notices AS n USING (notice_id)
),
applied AS (
    SELECT * FROM changes WHERE amended_notice_id IS NOT NULL AND latest = 1
),
amended AS (
    SELECT DISTINCT amended_notice_id AS notice_id FROM applied
),
unchanged AS (
    -- Plans no loaded amendment changes: as published (most plans; no name matching).
    SELECT
        b.notice_id, b.plan_year, b.region, b.program_level, b.funding_type, b.seq,
        b.project_name, b.host_org, b.applicant_org, b.sponsor_org, b.supervising_dept,
        b.source_doc_id, b.page, b.table_no
    FROM projects AS b
    WHERE b.doc_type <> 'plan_amendment'
      AND b.notice_id NOT IN (SELECT notice_id FROM amended)
),
kept AS (
    SELECT
        b.notice_id,
        b.plan_year,
        b.region,
        b.program_level,
        b.funding_type,
        b.seq,
        coalesce(renamed.new_value, b.project_name) AS project_name,
        coalesce(host.new_value, b.host_org) AS host_org,
        coalesce(applicant.new_value, b.applicant_org) AS applicant_org,
        b.sponsor_org,
        b.supervising_dept,
        b.source_doc_id,
        b.page,
        b.table_no
    FROM (SELECT * FROM projects WHERE notice_id IN (SELECT notice_id FROM amended)) AS b
    LEFT JOIN applied AS host
      ON host.amended_notice_id = b.notice_id
     AND host.project_key = staging.project_key(b.project_name)
     AND host.field = 'host_org' AND host.new_value IS NOT NULL
    LEFT JOIN applied AS applicant
      ON applicant.amended_notice_id = b.notice_id
     AND applicant.project_key = staging.project_key(b.project_name)
     AND applicant.field = 'applicant_org' AND applicant.new_value IS NOT NULL
    LEFT JOIN applied AS renamed
      ON renamed.amended_notice_id = b.notice_id
     AND renamed.project_key = staging.project_key(b.project_name)
     AND renamed.change = 'renamed' AND renamed.new_value IS NOT NULL
    WHERE b.doc_type <> 'plan_amendment'
      AND NOT EXISTS (
          SELECT 1 FROM applied AS w
          WHERE w.amended_notice_id = b.notice_id
            AND w.project_key = staging.project_key(b.project_name)
            AND w.change = 'withdrawn'
      )
),
added AS (
    SELECT
        coalesce(c.amended_notice_id, a.notice_id) AS notice_id,
        a.plan_year,
        a.region,
        a.program_level,
        a.funding_type,
        a.seq,
        a.project_name,
        a.host_org,
        a.applicant_org,
        a.sponsor_org,
        a.supervising_dept,
        a.source_doc_id,
        a.page,
        a.table_no
    FROM projects AS a
    JOIN changes AS c
      ON c.notice_id = a.notice_id
     AND c.change = 'added'
     AND staging.project_key(coalesce(c.new_value, c.project_name))
       = staging.project_key(a.project_name)
    WHERE a.doc_type = 'plan_amendment'
    QUALIFY row_number() OVER (PARTITION BY a.notice_id, a.seq, a.project_name ORDER BY c.change_no) = 1
),
final AS (
    SELECT * FROM unchanged
    UNION ALL
    SELECT * FROM kept
    UNION ALL
    SELECT * FROM added
)
SELECT * FROM final ORDER BY region, plan_year, notice_id, funding_type, seq;

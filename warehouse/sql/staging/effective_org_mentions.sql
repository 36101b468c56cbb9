-- Who hosts (承办), puts forward (申报), sponsors (主办) or supervises (主管) each programme
-- of the plans in force (curated.effective_plan_projects), under canonical names. The
-- canonical names of a cell are those the normalizers gave the same cell text
-- (staging.organization_mentions: a cell may name several organisations; cells compared
-- without spaces and line breaks), so an amendment's new host is named as its own
-- programme row named it.
CREATE OR REPLACE VIEW staging.effective_org_mentions AS
WITH cells AS (
    SELECT plan_year, region, project_name, 'host' AS role, host_org AS cell
    FROM curated.effective_plan_projects
    WHERE host_org IS NOT NULL
    UNION ALL
    SELECT plan_year, region, project_name, 'applicant' AS role, applicant_org AS cell
    FROM curated.effective_plan_projects
    WHERE applicant_org IS NOT NULL
    UNION ALL
    SELECT plan_year, region, project_name, 'sponsor' AS role, sponsor_org AS cell
    FROM curated.effective_plan_projects
    WHERE sponsor_org IS NOT NULL
    UNION ALL
    SELECT plan_year, region, project_name, 'supervising' AS role, supervising_dept AS cell
    FROM curated.effective_plan_projects
    WHERE supervising_dept IS NOT NULL
),
names AS (
    SELECT DISTINCT role, staging.cell_key(raw_name) AS cell_key, org_name, org_type
    FROM staging.organization_mentions
)
SELECT DISTINCT
    c.plan_year,
    c.region,
    c.project_name,
    c.role,
    n.org_name,
    n.org_type
FROM cells AS c
JOIN names AS n ON n.role = c.role AND n.cell_key = staging.cell_key(c.cell);

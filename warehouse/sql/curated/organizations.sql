-- One row per organisation that hosts (承办) or puts forward (申报) a plan project, under
-- its canonical name (data contract: curated.organizations). n_projects counts distinct
-- projects (plan_year and project name), so a project a plan lists twice, or one whose
-- host and applicant are the same organisation, counts once.
CREATE OR REPLACE VIEW curated.organizations AS
WITH mentions AS (
    -- The plans in force: each notice once, amendments applied.
    -- Hosts and applicants only: a ministry that sponsors (主办) or supervises (主管)
    -- programmes is no organisation that runs or puts them forward.
    SELECT * FROM staging.effective_org_mentions WHERE role IN ('host', 'applicant')
),
final AS (
    SELECT
        org_name,
        min(org_type) AS org_type,
        count(DISTINCT (plan_year, project_name)) AS n_projects,
        min(plan_year) AS first_year,
        max(plan_year) AS last_year,
        string_agg(DISTINCT region, ',' ORDER BY region) AS regions
    FROM mentions
    GROUP BY org_name
)
SELECT * FROM final ORDER BY n_projects DESC, org_name;

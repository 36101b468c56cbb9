-- Which programmes each organisation hosts (承办) or puts forward (申报), by canonical name.
CREATE OR REPLACE VIEW curated.organization_programmes AS
WITH mentions AS (
    -- The plans in force: each notice once, amendments applied.
    SELECT * FROM staging.effective_org_mentions
),
final AS (
    SELECT DISTINCT
        org_name,
        plan_year,
        region,
        role,
        project_name
    FROM mentions
)
SELECT * FROM final ORDER BY org_name, plan_year, region, role, project_name;

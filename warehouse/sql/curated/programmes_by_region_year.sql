-- How many programmes each region's plans list per year and funding type (财政资助 /
-- 自筹经费 / NULL). A programme name listed twice in one region, year and funding type
-- counts once. Counted from the plans in force (curated.effective_plan_projects): each
-- notice once however many files carry it, amendments applied.
CREATE OR REPLACE VIEW curated.programmes_by_region_year AS
WITH projects AS (
    SELECT * FROM curated.effective_plan_projects
),
final AS (
    SELECT
        region,
        plan_year,
        funding_type,
        count(DISTINCT project_name) AS n_programmes
    FROM projects
    GROUP BY region, plan_year, funding_type
)
SELECT * FROM final ORDER BY region, plan_year, funding_type;

-- Programmes per region, year and funding type, for the faceted bar chart. Parameters:
-- $unspecified, the label of a missing region, year or funding type.
SELECT
    coalesce(region, $unspecified) AS region,
    coalesce(CAST(plan_year AS VARCHAR), $unspecified) AS plan_year,
    coalesce(funding_type, $unspecified) AS funding_type,
    n_programmes AS n_projects
FROM curated.programmes_by_region_year
ORDER BY ALL;

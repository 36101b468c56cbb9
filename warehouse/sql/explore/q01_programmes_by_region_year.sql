-- title: 1. 各地区各年度计划的项目数（按经费类型） — Programmes per region and year, by funding type
-- description: README question 1, from programmes_by_region_year (plans as in force). Leave a parameter empty for all.
-- readme: 1
SELECT region, plan_year, funding_type, n_programmes
FROM programmes_by_region_year
WHERE (coalesce(:region, '') = '' OR region = :region)
  AND (coalesce(:year, '') = '' OR plan_year = :year)
ORDER BY region NULLS LAST, plan_year NULLS LAST, funding_type NULLS LAST, n_programmes

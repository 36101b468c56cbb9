-- title: 2. 各地区各年度每期资助上限 — Funding cap per class, by region and year
-- description: README question 2, from policy_comparison. Leave a parameter empty for all.
-- readme: 2
SELECT region, plan_year, program_level, funding_cap_yuan
FROM policy_comparison
WHERE funding_cap_yuan IS NOT NULL
  AND (coalesce(:region, '') = '' OR region = :region)
  AND (coalesce(:year, '') = '' OR plan_year = :year)
ORDER BY plan_year, region NULLS LAST, program_level NULLS LAST

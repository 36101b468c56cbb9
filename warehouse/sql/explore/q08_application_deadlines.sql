-- title: 8. 申报截止日期 — When are applications due?
-- description: README question 8, from policy_terms (term = application_deadline). Leave a parameter empty for all.
-- readme: 8
SELECT DISTINCT region, plan_year, program_level, value_date
FROM policy_terms
WHERE term = 'application_deadline'
  AND (coalesce(:region, '') = '' OR region = :region)
  AND (coalesce(:year, '') = '' OR plan_year = :year)
ORDER BY region NULLS LAST, plan_year NULLS LAST, program_level NULLS LAST, value_date NULLS LAST

-- title: 3. 各层级研修天数 — How long must a class last, per level?
-- description: README question 3, from policy_terms (term = duration_days). approx = 1: the notice says 左右/约. Leave a parameter empty for all.
-- readme: 3
SELECT DISTINCT region, plan_year, program_level, value_min, value_max, approx
FROM policy_terms
WHERE term = 'duration_days'
  AND (coalesce(:region, '') = '' OR region = :region)
  AND (coalesce(:year, '') = '' OR plan_year = :year)
ORDER BY region NULLS LAST, plan_year NULLS LAST, program_level NULLS LAST,
         value_min NULLS LAST, value_max NULLS LAST, approx NULLS LAST

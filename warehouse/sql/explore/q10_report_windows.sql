-- title: 10. 办班结束后多少天内报送材料，依据哪句话 — Within how many days after a class are reports due, and where does it say so?
-- description: README question 10, from policy_terms (term = report_window_days), with the sentence and its source file and page. Leave region empty for all.
-- readme: 10
SELECT DISTINCT region, plan_year, value_max AS days, evidence, source_link
FROM policy_terms
WHERE term = 'report_window_days'
  AND (coalesce(:region, '') = '' OR region = :region)
ORDER BY region NULLS LAST, plan_year NULLS LAST, days NULLS LAST, evidence NULLS LAST

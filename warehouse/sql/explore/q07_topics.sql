-- title: 7. 各年度研修主题 — Which topics grow?
-- description: README question 7, from topics_by_year: programmes per topic and year, most first. Leave region empty for all.
-- readme: 7
SELECT topic, plan_year, sum(n_programmes) AS n
FROM topics_by_year
WHERE (coalesce(:region, '') = '' OR region = :region)
GROUP BY topic, plan_year
ORDER BY n DESC, topic, plan_year

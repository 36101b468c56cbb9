-- Programmes per topic and year, all regions together, for the heat map.
SELECT
    CAST(plan_year AS VARCHAR) AS plan_year,
    topic,
    sum(n_programmes) AS n_projects
FROM curated.topics_by_year
WHERE topic IS NOT NULL AND plan_year IS NOT NULL
GROUP BY ALL
ORDER BY ALL;

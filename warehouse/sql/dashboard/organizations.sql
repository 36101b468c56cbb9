-- The organisations hosting (承办) the most programmes, with their type. A programme is
-- a (plan_year, project_name): one listed in two plans or twice in one counts once.
-- Parameters: $unspecified, the type of an organisation not typed; $top, how many.
SELECT
    p.org_name,
    coalesce(min(o.org_type), $unspecified) AS org_type,
    count(DISTINCT (p.plan_year, p.project_name)) AS n_projects
FROM curated.organization_programmes AS p
LEFT JOIN curated.organizations AS o USING (org_name)
WHERE p.role = 'host' AND p.org_name IS NOT NULL
GROUP BY p.org_name
ORDER BY n_projects DESC, org_name
LIMIT $top;

-- title: 5. 承办或申报项目最多的单位 — Which organisations host or apply for the most programmes?
-- description: README question 5, from organizations. region: only organisations active there (e.g. 湖北省); top: how many (default 20).
-- readme: 5
SELECT org_name, org_type, n_projects, first_year, last_year
FROM organizations
WHERE (coalesce(:region, '') = '' OR regions LIKE '%' || :region || '%')
ORDER BY n_projects DESC, org_name
LIMIT CAST(coalesce(nullif(:top, ''), 20) AS INTEGER)

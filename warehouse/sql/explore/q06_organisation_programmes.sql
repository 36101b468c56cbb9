-- title: 6. 某单位历年承办的项目 — What does one organisation host over the years?
-- description: README question 6, from organization_programmes. org: the organisation's name (e.g. 武汉理工大学); role: host (default) or applicant.
-- readme: 6
SELECT DISTINCT plan_year, project_name
FROM organization_programmes
WHERE org_name = :org AND role = coalesce(nullif(:role, ''), 'host')
ORDER BY plan_year NULLS LAST, project_name NULLS LAST

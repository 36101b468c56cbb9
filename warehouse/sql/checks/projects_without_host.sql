-- Programmes listed without a host organisation (承办单位): a column the reader missed?
SELECT notice_id, funding_type, seq, project_name
FROM curated.plan_projects
WHERE host_org IS NULL OR trim(host_org) = '';

-- The counts at the top of the page. Notices and programmes are counted distinct: one
-- notice may be loaded as PDF and as DOCX.
SELECT
    (SELECT count(*) FROM curated.documents) AS documents,
    (SELECT count(*) FILTER (WHERE status <> 'ok') FROM curated.documents) AS failed,
    (SELECT count(DISTINCT coalesce(doc_number, title, notice_id)) FROM curated.notices)
        AS notices,
    (
        SELECT count(DISTINCT (region, plan_year, funding_type, project_name))
        FROM curated.plan_projects
    ) AS plan_projects;

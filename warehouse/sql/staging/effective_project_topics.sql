-- The topics of each programme of the plans in force (curated.effective_plan_projects), as
-- the normalizers classified its name (staging.project_topics; 其他 when none applies).
CREATE OR REPLACE VIEW staging.effective_project_topics AS
WITH topics AS (
    SELECT DISTINCT project_name, topic FROM staging.project_topics
)
SELECT DISTINCT p.plan_year, p.region, p.funding_type, p.project_name, t.topic
FROM curated.effective_plan_projects AS p
JOIN topics AS t USING (project_name);

-- How many programmes of each topic the plans list per year and region; a programme with
-- several topics counts under each (normalizers/topics.py, 其他 when none matched).
CREATE OR REPLACE VIEW curated.topics_by_year AS
WITH topics AS (
    -- The plans in force: each notice once, amendments applied.
    SELECT * FROM staging.effective_project_topics
),
final AS (
    SELECT
        plan_year,
        region,
        topic,
        count(DISTINCT project_name) AS n_programmes
    FROM topics
    GROUP BY plan_year, region, topic
)
SELECT * FROM final ORDER BY plan_year, region, n_programmes DESC, topic;

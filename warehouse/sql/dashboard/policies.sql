-- Funding cap (in 万元) and class length per region, year and level. A duration with one
-- bound stated is drawn from that bound to itself. Parameters: $unspecified, the label
-- of a missing level.
SELECT
    region,
    CAST(plan_year AS VARCHAR) AS plan_year,
    coalesce(program_level, $unspecified) AS program_level,
    funding_cap_yuan,
    duration_days_min,
    duration_days_max,
    funding_cap_yuan / 10000 AS funding_cap_wan,
    coalesce(duration_days_min, duration_days_max) AS days_low,
    coalesce(duration_days_max, duration_days_min) AS days_high
FROM curated.policy_comparison
WHERE region IS NOT NULL AND plan_year IS NOT NULL
ORDER BY ALL;

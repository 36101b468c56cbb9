-- The rules a notice sets, one row per rule (data contract: curated.policy_terms).
CREATE OR REPLACE VIEW curated.policy_terms AS
WITH terms AS (
    SELECT * FROM staging.policy_terms
),
final AS (
    SELECT
        notice_id,
        program_level,
        term,
        value_min,
        value_max,
        approx,
        unit,
        value_date,
        evidence,
        page
    FROM terms
)
SELECT * FROM final ORDER BY notice_id, term, program_level;

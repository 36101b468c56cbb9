-- The rules a notice sets, one row per rule (data contract: curated.policy_terms).
CREATE OR REPLACE VIEW curated.policy_terms AS
WITH terms AS (
    -- Only the rows of the notice's primary rendition (and the files it attaches).
    SELECT x.*
    FROM staging.policy_terms AS x
    JOIN staging.notice_sources AS s ON s.notice_id = x.notice_id AND s.doc_id = x.doc_id
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

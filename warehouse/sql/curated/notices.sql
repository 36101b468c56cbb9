-- One row per notice (data contract: curated.notices).
CREATE OR REPLACE VIEW curated.notices AS
WITH notices AS (
    SELECT * FROM staging.notices
),
final AS (
    SELECT
        notice_id,
        source_uri,
        title,
        issuer,
        issuer_level,
        region,
        doc_number,
        doc_number_prefix,
        doc_number_year,
        doc_number_serial,
        doc_type,
        plan_year,
        issued_date,
        published_date
    FROM notices
)
SELECT * FROM final ORDER BY region, plan_year, notice_id;

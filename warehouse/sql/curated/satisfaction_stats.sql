-- Satisfaction statistics, one row per rated line (data contract: curated.satisfaction_stats).
CREATE OR REPLACE VIEW curated.satisfaction_stats AS
WITH stats AS (
    SELECT * FROM staging.satisfaction_stats
),
final AS (
    SELECT
        form_id, source_uri, n_participants, n_distributed, n_returned,
        category, item, lecturer, excellent_rate, good_rate, fair_rate, poor_rate
    FROM stats
    ORDER BY form_id, line_no
)
SELECT * FROM final;

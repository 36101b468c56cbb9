-- Attendance sheets as aggregates only: no names, ID numbers or phones
-- (data contract: curated.attendance_summary).
CREATE OR REPLACE VIEW curated.attendance_summary AS
WITH summary AS (
    SELECT * FROM staging.attendance_summary
),
final AS (
    SELECT form_id, source_uri, host_org, n_rows, n_invalid_ids, titles
    FROM summary
)
SELECT * FROM final ORDER BY source_uri;

-- Submitted application forms (申报表) (data contract: curated.application_forms).
CREATE OR REPLACE VIEW curated.application_forms AS
WITH forms AS (
    SELECT * FROM staging.application_forms
),
final AS (
    SELECT
        form_id, source_uri, project_name, schedule_text, start_date, end_date, location,
        field_domain, supervising_dept, funding_type, self_funding_source,
        scope_national_strategy, scope_industry, scope_digital,
        applicant_org, host_org, is_ce_base, ce_base_batch
    FROM forms
)
SELECT * FROM final ORDER BY source_uri;

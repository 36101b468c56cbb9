-- Staging rows whose producing document is not in raw.documents (a half-finished load).
SELECT 'staging.notices' AS table_name, doc_id FROM staging.notices
WHERE doc_id NOT IN (SELECT doc_id FROM raw.documents)
UNION ALL
SELECT 'staging.plan_projects', doc_id FROM staging.plan_projects
WHERE doc_id NOT IN (SELECT doc_id FROM raw.documents)
UNION ALL
SELECT 'staging.policy_terms', doc_id FROM staging.policy_terms
WHERE doc_id NOT IN (SELECT doc_id FROM raw.documents);

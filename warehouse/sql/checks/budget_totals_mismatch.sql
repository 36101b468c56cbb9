-- Budget final accounts whose written 合计 differs from the sum of their lines.
SELECT form_id, source_uri, project_name, total_yuan, computed_total_yuan
FROM curated.budget_sheets
WHERE total_matches = false;

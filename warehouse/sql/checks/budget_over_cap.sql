-- Budget final accounts asking more than the cap of the plan that lists the programme.
SELECT form_id, source_uri, project_name, subsidy_yuan, total_yuan, cap_yuan
FROM curated.budget_sheets
WHERE over_cap;

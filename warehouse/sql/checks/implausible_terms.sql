-- Rules whose values are out of any plausible range (a misread number, 万元 lost, …).
SELECT notice_id, program_level, term, value_min, value_max, evidence
FROM curated.policy_terms
WHERE (value_min IS NOT NULL AND value_max IS NOT NULL AND value_min > value_max)
   OR (term = 'funding_cap' AND NOT coalesce(value_max, value_min) BETWEEN 10000 AND 5000000)
   OR (term = 'duration_days' AND NOT coalesce(value_max, value_min) BETWEEN 1 AND 60)
   OR (term = 'participants' AND NOT coalesce(value_max, value_min) BETWEEN 5 AND 2000)
   OR (term LIKE '%_window_days' AND NOT coalesce(value_max, value_min) BETWEEN 1 AND 120);

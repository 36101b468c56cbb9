-- A notice states each (program_level, term) at most once.
SELECT notice_id, program_level, term, count(*) AS n
FROM curated.policy_terms
GROUP BY ALL
HAVING count(*) > 1;

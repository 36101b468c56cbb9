-- title: 4. 一年的政策对比（同 noticeflow compare） — Everything side by side for one year
-- description: README question 4 (`noticeflow compare --year 2026`), from policy_comparison: cap, days, participants, deadlines and report window per region and level.
-- readme: 4
SELECT region, plan_year, program_level, doc_number, funding_cap_yuan,
       duration_days_min, duration_days_max, participants_min, participants_max,
       completion_deadline, application_deadline, report_window_days
FROM policy_comparison
WHERE (coalesce(:year, '') = '' OR plan_year = :year)
  AND (coalesce(:region, '') = '' OR region = :region)
ORDER BY plan_year, region NULLS LAST, program_level NULLS LAST

-- Notices of this family without a title, issuer, issue date or programme year.
SELECT notice_id, source_uri, title, issuer, issued_date, plan_year
FROM curated.notices
WHERE doc_type <> 'other'
  AND (title IS NULL OR issuer IS NULL OR issued_date IS NULL OR plan_year IS NULL);

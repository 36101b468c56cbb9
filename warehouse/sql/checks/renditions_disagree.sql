-- Renditions of one notice that disagree on what they say: the notice type, programme year,
-- number of programmes, number of rules or the funding cap. The notice is read from its
-- primary rendition (curated.notice_documents); this shows where another file differs.
WITH renditions AS (
    SELECT
        r.notice_id,
        r.doc_id,
        r.file_uri,
        r.doc_type,
        r.plan_year,
        r.n_projects,
        r.n_terms,
        (
            SELECT string_agg(DISTINCT coalesce(t.program_level, '') || '=' || t.value_max::VARCHAR, ',')
            FROM staging.policy_terms AS t
            WHERE t.doc_id = r.doc_id AND t.notice_id = r.notice_id AND t.term = 'funding_cap'
        ) AS caps
    FROM staging.notice_renditions AS r
),
disagreeing AS (
    SELECT notice_id
    FROM renditions
    GROUP BY notice_id
    HAVING count(DISTINCT doc_type) > 1
        OR count(DISTINCT plan_year) > 1
        OR count(DISTINCT n_projects) > 1
        OR count(DISTINCT n_terms) > 1
        OR count(DISTINCT coalesce(caps, '')) > 1
)
SELECT r.notice_id, r.file_uri, r.doc_type, r.plan_year, r.n_projects, r.n_terms, r.caps
FROM renditions AS r
JOIN disagreeing USING (notice_id)
ORDER BY r.notice_id, r.file_uri;

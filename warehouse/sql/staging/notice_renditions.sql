-- Every document that carries a notice (its renditions: DOCX and PDF, a page and its
-- printed PDF, a scan, a repost), ranked: rank 1 is the rendition the notice is read from.
-- Born-digital text goes before OCR, a complete rendition before an excerpt (more
-- programmes, then more rules, then more header fields), a document read without problems
-- before one read in part; ties go to the richer format, then the source, so the choice
-- never depends on the order files arrived in. A rendition's programmes include those of
-- the files it attaches (a page's XLSX plan) that are no rendition of the notice themselves.
CREATE OR REPLACE VIEW staging.notice_renditions AS
WITH renditions AS (
    SELECT n.*, d.source_uri AS file_uri, d.media_type, d.status, coalesce(d.ocr_used, false) AS ocr_used
    FROM staging.notices AS n
    JOIN raw.documents AS d USING (doc_id)
),
attached AS (
    -- Files a rendition attaches that do not carry the notice themselves.
    SELECT r.notice_id, r.doc_id AS rendition_doc_id, d.doc_id
    FROM renditions AS r
    JOIN raw.documents AS d ON d.parent_doc_id = r.doc_id
    WHERE NOT EXISTS (
        SELECT 1 FROM staging.notices AS x WHERE x.doc_id = d.doc_id AND x.notice_id = r.notice_id
    )
),
producers AS (
    SELECT notice_id, doc_id AS rendition_doc_id, doc_id FROM renditions
    UNION ALL
    SELECT notice_id, rendition_doc_id, doc_id FROM attached
),
n_projects AS (
    SELECT s.notice_id, s.rendition_doc_id, count(p.seq) AS n_projects
    FROM producers AS s
    LEFT JOIN staging.plan_projects AS p ON p.doc_id = s.doc_id AND p.notice_id = s.notice_id
    GROUP BY ALL
),
n_terms AS (
    SELECT r.notice_id, r.doc_id, count(t.term) AS n_terms
    FROM renditions AS r
    LEFT JOIN staging.policy_terms AS t ON t.doc_id = r.doc_id AND t.notice_id = r.notice_id
    GROUP BY ALL
),
scored AS (
    SELECT
        r.*,
        p.n_projects,
        t.n_terms,
        (r.title IS NOT NULL)::INTEGER + (r.issuer IS NOT NULL)::INTEGER
            + (r.region IS NOT NULL)::INTEGER + (r.doc_number IS NOT NULL)::INTEGER
            + (r.plan_year IS NOT NULL)::INTEGER + (r.issued_date IS NOT NULL)::INTEGER
            + (r.published_date IS NOT NULL)::INTEGER AS n_fields
    FROM renditions AS r
    JOIN n_projects AS p ON p.notice_id = r.notice_id AND p.rendition_doc_id = r.doc_id
    JOIN n_terms AS t ON t.notice_id = r.notice_id AND t.doc_id = r.doc_id
)
SELECT
    *,
    row_number() OVER (
        PARTITION BY notice_id
        ORDER BY
            ocr_used,
            n_projects DESC,
            n_terms DESC,
            n_fields DESC,
            status = 'ok' DESC,
            list_position(['docx', 'odt', 'html', 'pdf', 'ofd', 'xlsx', 'doc', 'wps', 'txt'], media_type)
                NULLS LAST,
            file_uri,
            doc_id
    ) AS rendition_rank
FROM scored;

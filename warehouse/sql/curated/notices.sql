-- One row per notice however many files carry it (data contract: curated.notices). The
-- fields are read from the primary rendition (staging.notice_renditions, rank 1).
CREATE OR REPLACE VIEW curated.notices AS
WITH renditions AS (
    SELECT * FROM staging.notice_renditions
),
counts AS (
    SELECT notice_id, count(*) AS n_renditions FROM renditions GROUP BY notice_id
),
final AS (
    SELECT
        r.notice_id,
        r.file_uri AS source_uri,
        r.title,
        r.issuer,
        r.issuer_level,
        r.region,
        r.doc_number,
        r.doc_number_prefix,
        r.doc_number_year,
        r.doc_number_serial,
        r.doc_type,
        r.plan_year,
        r.issued_date,
        r.published_date,
        r.secrecy,
        r.urgency,
        r.signer,
        r.main_recipients,
        r.cc_recipients,
        r.printing_office,
        r.printed_date,
        r.note,
        r.contact,
        r.doc_id AS primary_doc_id,
        c.n_renditions
    FROM renditions AS r
    JOIN counts AS c USING (notice_id)
    WHERE r.rendition_rank = 1
)
SELECT * FROM final ORDER BY region, plan_year, notice_id;

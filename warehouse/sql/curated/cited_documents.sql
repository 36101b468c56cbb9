-- Documents a notice cites by 文号 or 令 number (data contract: curated.cited_documents).
CREATE OR REPLACE VIEW curated.cited_documents AS
WITH cited AS (
    -- Only the rows of the notice's primary rendition (and the files it attaches).
    SELECT x.*
    FROM staging.cited_documents AS x
    JOIN staging.notice_sources AS s ON s.notice_id = x.notice_id AND s.doc_id = x.doc_id
),
final AS (
    SELECT
        notice_id,
        cited_doc_number,
        cited_title
    FROM cited
)
SELECT * FROM final ORDER BY notice_id, cited_doc_number;

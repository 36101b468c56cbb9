-- Documents a notice cites by 文号 or 令 number (data contract: curated.cited_documents).
CREATE OR REPLACE VIEW curated.cited_documents AS
WITH cited AS (
    SELECT * FROM staging.cited_documents
),
final AS (
    SELECT
        notice_id,
        cited_doc_number,
        cited_title
    FROM cited
)
SELECT * FROM final ORDER BY notice_id, cited_doc_number;

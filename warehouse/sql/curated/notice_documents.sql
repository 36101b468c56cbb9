-- Every file that carries or belongs to a notice (data contract 0.2: curated.notice_documents):
-- its renditions (one of them primary: the one its fields were read from) and the files a
-- rendition attaches.
CREATE OR REPLACE VIEW curated.notice_documents AS
WITH renditions AS (
    SELECT notice_id, doc_id, 'rendition' AS role, rendition_rank = 1 AS is_primary
    FROM staging.notice_renditions
),
attachments AS (
    SELECT DISTINCT r.notice_id, d.doc_id, 'attachment' AS role, false AS is_primary
    FROM renditions AS r
    JOIN raw.documents AS d ON d.parent_doc_id = r.doc_id
    WHERE NOT EXISTS (
        SELECT 1 FROM renditions AS x WHERE x.notice_id = r.notice_id AND x.doc_id = d.doc_id
    )
),
final AS (
    SELECT
        f.notice_id,
        f.doc_id,
        d.source_uri,
        d.media_type,
        f.role,
        f.is_primary
    FROM (SELECT * FROM renditions UNION ALL SELECT * FROM attachments) AS f
    JOIN raw.documents AS d USING (doc_id)
)
SELECT * FROM final ORDER BY notice_id, role DESC, is_primary DESC, source_uri;

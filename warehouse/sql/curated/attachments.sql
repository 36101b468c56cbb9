-- The 附件 list of each notice (data contract: curated.attachments).
CREATE OR REPLACE VIEW curated.attachments AS
WITH attachments AS (
    SELECT * FROM staging.attachments
),
final AS (
    SELECT
        notice_id,
        attachment_no,
        title,
        kind,
        attachment_doc_id AS doc_id
    FROM attachments
)
SELECT * FROM final ORDER BY notice_id, attachment_no;

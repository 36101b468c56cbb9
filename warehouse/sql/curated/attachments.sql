-- The 附件 list of each notice (data contract: curated.attachments).
-- doc_id is the attachment's own file: set while ingesting a notice page, from the
-- page link whose text or file name gives the 附件 number or title, and kept only
-- when that file is loaded as a document of this notice (raw.documents.parent_doc_id).
CREATE OR REPLACE VIEW curated.attachments AS
WITH attachments AS (
    SELECT * FROM staging.attachments
),
attachment_files AS (
    SELECT doc_id, parent_doc_id
    FROM raw.documents
    WHERE parent_doc_id IS NOT NULL
),
linked AS (
    SELECT
        attachments.*,
        attachment_files.doc_id AS file_doc_id
    FROM attachments
    LEFT JOIN attachment_files
        ON attachment_files.doc_id = attachments.attachment_doc_id
        AND attachment_files.parent_doc_id = attachments.notice_id
),
final AS (
    SELECT
        notice_id,
        attachment_no,
        title,
        kind,
        file_doc_id AS doc_id
    FROM linked
)
SELECT * FROM final ORDER BY notice_id, attachment_no;

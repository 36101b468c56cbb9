-- The 附件 list of each notice (data contract: curated.attachments).
-- doc_id is the attachment's own file: set while ingesting a notice page, from the
-- page link whose text or file name gives the 附件 number or title, and kept only
-- when that file is loaded as an attachment of the page (raw.documents.parent_doc_id).
CREATE OR REPLACE VIEW curated.attachments AS
WITH attachments AS (
    -- Only the 附件 list of the notice's primary rendition.
    SELECT x.*
    FROM staging.attachments AS x
    JOIN staging.notice_sources AS s ON s.notice_id = x.notice_id AND s.doc_id = x.doc_id
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
        AND attachment_files.parent_doc_id = attachments.doc_id
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

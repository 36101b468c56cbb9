-- The documents a notice's rows are read from: its primary rendition, and the files that
-- rendition attaches which are no rendition of the notice themselves (a page's XLSX plan).
-- Curated tables keep a notice's programmes, rules, attachments and citations from these
-- documents only, so a notice in several files is never counted twice.
CREATE OR REPLACE VIEW staging.notice_sources AS
SELECT notice_id, doc_id
FROM staging.notice_renditions
WHERE rendition_rank = 1
UNION ALL
SELECT r.notice_id, d.doc_id
FROM staging.notice_renditions AS r
JOIN raw.documents AS d ON d.parent_doc_id = r.doc_id
WHERE r.rendition_rank = 1
  AND NOT EXISTS (
      SELECT 1 FROM staging.notices AS x WHERE x.doc_id = d.doc_id AND x.notice_id = r.notice_id
  );

-- Warehouses made by noticeflow 0.1 gain the 0.2 columns of raw. Their documents have no
-- extractor_version, so the next ingest extracts them again (raw.tables did not exist).
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS meta VARCHAR;
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS extractor_version VARCHAR;
ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS normalizer_version VARCHAR;
ALTER TABLE raw.links ADD COLUMN IF NOT EXISTS role VARCHAR DEFAULT 'attachment';
ALTER TABLE raw.links ADD COLUMN IF NOT EXISTS target_doc_id VARCHAR;

-- Every input file, failures included (data contract: curated.documents).
CREATE OR REPLACE VIEW curated.documents AS
WITH documents AS (
    SELECT * FROM raw.documents
),
final AS (
    SELECT
        doc_id,
        source_uri,
        media_type,
        parent_doc_id,
        status,
        error,
        n_pages,
        n_tables,
        ingested_at,
        ocr_used,
        ocr_confidence,
        extractor_version,
        normalizer_version
    FROM documents
)
SELECT * FROM final ORDER BY source_uri;

-- Documents whose status is not one of ok / partial / failed, or failed without a message.
SELECT doc_id, source_uri, status, error
FROM raw.documents
WHERE status NOT IN ('ok', 'partial', 'failed')
   OR (status = 'failed' AND (error IS NULL OR error = ''));

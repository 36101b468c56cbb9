-- Documents that failed or were read only in part, for the table of failures.
SELECT source_uri, media_type, status, error
FROM curated.documents
WHERE status <> 'ok'
ORDER BY status, source_uri;

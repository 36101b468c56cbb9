CREATE TABLE IF NOT EXISTS staging.attendance_summary (
    doc_id         VARCHAR NOT NULL,
    form_id        VARCHAR NOT NULL,
    source_uri     VARCHAR,
    host_org       VARCHAR,
    n_rows         INTEGER,
    n_invalid_ids  INTEGER,
    titles         VARCHAR   -- JSON object: professional title -> count
);

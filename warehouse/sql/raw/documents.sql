-- One row per input file, as extracted (failures included).
CREATE TABLE IF NOT EXISTS raw.documents (
    doc_id          VARCHAR PRIMARY KEY,   -- SHA-256 of the file's bytes
    source_uri      VARCHAR NOT NULL,
    media_type      VARCHAR,
    parent_doc_id   VARCHAR,
    status          VARCHAR NOT NULL,      -- ok | partial | failed
    error           VARCHAR,
    n_pages         INTEGER,
    n_tables        INTEGER,
    n_bytes         BIGINT,
    title           VARCHAR,
    published_text  VARCHAR,
    ocr_used        BOOLEAN,
    ocr_confidence  DOUBLE,
    role            VARCHAR,               -- notice | form | other
    ingested_at     TIMESTAMP NOT NULL,
    meta            VARCHAR,               -- the extractor's key/value notes (JSON object)
    extractor_version  VARCHAR,            -- extractors.EXTRACTOR_VERSION that produced raw
    normalizer_version VARCHAR             -- the rules that derived staging from raw
);

-- Notice metadata as the normalizer read it; `doc_id` is the document that produced the row.
CREATE TABLE IF NOT EXISTS staging.notices (
    doc_id              VARCHAR NOT NULL,
    notice_id           VARCHAR NOT NULL,
    source_uri          VARCHAR,
    title               VARCHAR,
    issuer              VARCHAR,
    issuer_level        VARCHAR,
    region              VARCHAR,
    doc_number          VARCHAR,
    doc_number_prefix   VARCHAR,
    doc_number_year     INTEGER,
    doc_number_serial   INTEGER,
    doc_type            VARCHAR NOT NULL,
    plan_year           INTEGER,
    issued_date         DATE,
    published_date      DATE
);

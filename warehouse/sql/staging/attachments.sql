CREATE TABLE IF NOT EXISTS staging.attachments (
    doc_id          VARCHAR NOT NULL,
    notice_id       VARCHAR NOT NULL,
    attachment_no   INTEGER NOT NULL,
    title           VARCHAR,
    kind            VARCHAR,
    attachment_doc_id VARCHAR
);

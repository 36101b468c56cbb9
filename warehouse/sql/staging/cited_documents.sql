CREATE TABLE IF NOT EXISTS staging.cited_documents (
    doc_id            VARCHAR NOT NULL,
    notice_id         VARCHAR NOT NULL,
    cited_doc_number  VARCHAR NOT NULL,
    cited_title       VARCHAR
);

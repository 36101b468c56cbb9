-- Hyperlinks of web pages (attachment links), as written.
CREATE TABLE IF NOT EXISTS raw.links (
    doc_id  VARCHAR NOT NULL,
    link_no INTEGER NOT NULL,
    text    VARCHAR,
    href    VARCHAR
);

-- Hyperlinks of documents (web pages), as written, in page order. `role` is attachment
-- (a file the page attaches) or page; `target_doc_id` is the document an attachment link
-- was read as (NULL when it was not fetched or opened).
CREATE TABLE IF NOT EXISTS raw.links (
    doc_id        VARCHAR NOT NULL,
    link_no       INTEGER NOT NULL,
    text          VARCHAR,
    href          VARCHAR,
    role          VARCHAR NOT NULL DEFAULT 'attachment',
    target_doc_id VARCHAR
);

-- HTTP validators of fetched URLs, so an unchanged page or file is not downloaded again.
CREATE TABLE IF NOT EXISTS raw.http_cache (
    url            VARCHAR PRIMARY KEY,   -- as asked (a source, a followed or attachment link)
    final_url      VARCHAR,               -- after redirects
    role           VARCHAR NOT NULL,      -- document | listing (a list page is always re-read)
    doc_id         VARCHAR,               -- the document it gave (raw.documents), NULL for a listing
    etag           VARCHAR,
    last_modified  VARCHAR,
    fetched_at     TIMESTAMP NOT NULL,    -- last full download
    checked_at     TIMESTAMP NOT NULL     -- last request, a 304 included
);

-- Personal rows of attendance sheets, outside `curated` and never published.
-- ID numbers only as a keyed hash (HMAC-SHA256) and a masked form; no names, no phones.
CREATE TABLE IF NOT EXISTS private.attendance_people (
    doc_id     VARCHAR NOT NULL,
    form_id    VARCHAR NOT NULL,
    row_no     INTEGER NOT NULL,
    id_hash    VARCHAR,
    id_masked  VARCHAR,
    id_valid   BOOLEAN,
    title      VARCHAR,
    employer   VARCHAR
);

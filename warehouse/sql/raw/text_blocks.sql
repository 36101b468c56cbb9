-- Text blocks in reading order (`item_no` is shared with tables).
CREATE TABLE IF NOT EXISTS raw.text_blocks (
    doc_id   VARCHAR NOT NULL,
    item_no  INTEGER NOT NULL,
    page     INTEGER,
    kind     VARCHAR,
    style    VARCHAR,
    text     VARCHAR
);

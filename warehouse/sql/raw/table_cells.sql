-- Table cells at their anchor position; covered positions of a merge have no row.
CREATE TABLE IF NOT EXISTS raw.table_cells (
    doc_id    VARCHAR NOT NULL,
    table_no  INTEGER NOT NULL,   -- 1-based within the document
    item_no   INTEGER NOT NULL,
    page      INTEGER,
    "row"     INTEGER NOT NULL,
    col       INTEGER NOT NULL,
    rowspan   INTEGER NOT NULL,
    colspan   INTEGER NOT NULL,
    text      VARCHAR
);

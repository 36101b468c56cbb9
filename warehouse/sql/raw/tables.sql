-- The tables of each document: their shape and pages (cells are in raw.table_cells).
CREATE TABLE IF NOT EXISTS raw.tables (
    doc_id    VARCHAR NOT NULL,
    table_no  INTEGER NOT NULL,   -- 1-based within the document, as in raw.table_cells
    item_no   INTEGER NOT NULL,   -- position in reading order, shared with raw.text_blocks
    page      INTEGER,
    n_rows    INTEGER NOT NULL,
    n_cols    INTEGER NOT NULL,
    pages     INTEGER[]           -- every page a stitched table spans
);

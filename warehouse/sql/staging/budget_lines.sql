CREATE TABLE IF NOT EXISTS staging.budget_lines (
    doc_id       VARCHAR NOT NULL,
    form_id      VARCHAR NOT NULL,
    line_no      INTEGER,
    item         VARCHAR,
    amount_yuan  DOUBLE,
    note         VARCHAR
);

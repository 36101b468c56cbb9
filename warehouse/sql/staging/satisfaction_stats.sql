CREATE TABLE IF NOT EXISTS staging.satisfaction_stats (
    doc_id          VARCHAR NOT NULL,
    form_id         VARCHAR NOT NULL,
    source_uri      VARCHAR,
    line_no         INTEGER,
    n_participants  INTEGER,
    n_distributed   INTEGER,
    n_returned      INTEGER,
    category        VARCHAR,
    item            VARCHAR,
    lecturer        VARCHAR,
    excellent_rate  DOUBLE,
    good_rate       DOUBLE,
    fair_rate       DOUBLE,
    poor_rate       DOUBLE
);

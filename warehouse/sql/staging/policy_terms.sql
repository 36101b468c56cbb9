CREATE TABLE IF NOT EXISTS staging.policy_terms (
    doc_id         VARCHAR NOT NULL,
    notice_id      VARCHAR NOT NULL,
    program_level  VARCHAR,
    term           VARCHAR NOT NULL,
    value_min      DOUBLE,
    value_max      DOUBLE,
    approx         BOOLEAN,
    unit           VARCHAR,
    value_date     DATE,
    evidence       VARCHAR,
    page           INTEGER
);

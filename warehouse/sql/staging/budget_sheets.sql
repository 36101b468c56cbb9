CREATE TABLE IF NOT EXISTS staging.budget_sheets (
    doc_id               VARCHAR NOT NULL,
    form_id              VARCHAR NOT NULL,
    source_uri           VARCHAR,
    project_name         VARCHAR,
    location             VARCHAR,
    schedule_text        VARCHAR,
    start_date           DATE,
    end_date             DATE,
    participants         INTEGER,
    staff                INTEGER,
    total_people         INTEGER,
    total_yuan           DOUBLE,
    computed_total_yuan  DOUBLE,
    total_matches        BOOLEAN,
    subsidy_yuan         DOUBLE,
    applicant_org        VARCHAR,
    host_org             VARCHAR
);

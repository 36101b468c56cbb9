CREATE TABLE IF NOT EXISTS staging.plan_projects (
    doc_id          VARCHAR NOT NULL,
    notice_id       VARCHAR NOT NULL,
    plan_year       INTEGER,
    region          VARCHAR,
    program_level   VARCHAR,
    funding_type    VARCHAR,
    seq             INTEGER,
    project_name    VARCHAR NOT NULL,
    host_org        VARCHAR,
    applicant_org   VARCHAR,
    source_doc_id   VARCHAR,
    page            INTEGER,
    table_no        INTEGER,
    sponsor_org     VARCHAR,
    supervising_dept VARCHAR
);

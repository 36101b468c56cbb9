-- Changes plan amendments make to programmes, as the normalizer read them.
CREATE TABLE IF NOT EXISTS staging.plan_changes (
    doc_id              VARCHAR NOT NULL,
    notice_id           VARCHAR NOT NULL,
    change_no           INTEGER NOT NULL,
    change              VARCHAR NOT NULL,   -- host_changed | added | withdrawn | renamed | rescheduled | other
    project_name        VARCHAR NOT NULL,
    field               VARCHAR,
    old_value           VARCHAR,
    new_value           VARCHAR,
    amended_doc_number  VARCHAR,
    amended_plan_year   INTEGER,
    evidence            VARCHAR,
    page                INTEGER
);

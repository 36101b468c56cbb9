-- Organisations named by plan projects, one row per (project, organisation, role);
-- org_name is canonical (normalizers/orgs.py), raw_name the cell as written.
CREATE TABLE IF NOT EXISTS staging.organization_mentions (
    doc_id        VARCHAR NOT NULL,
    notice_id     VARCHAR NOT NULL,
    plan_year     INTEGER,
    region        VARCHAR,
    org_name      VARCHAR NOT NULL,
    raw_name      VARCHAR,
    org_type      VARCHAR NOT NULL,   -- university | company | hospital | research_institute | government | other
    role          VARCHAR NOT NULL,   -- host (承办单位) | applicant (申报单位)
    project_name  VARCHAR NOT NULL
);

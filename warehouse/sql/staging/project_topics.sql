-- Topics (domains) of plan projects read from their names, one row per (project, topic);
-- 其他 when no topic cue matched (normalizers/topics.py).
CREATE TABLE IF NOT EXISTS staging.project_topics (
    doc_id        VARCHAR NOT NULL,
    notice_id     VARCHAR NOT NULL,
    plan_year     INTEGER,
    region        VARCHAR,
    funding_type  VARCHAR,
    seq           INTEGER,
    project_name  VARCHAR NOT NULL,
    topic         VARCHAR NOT NULL
);

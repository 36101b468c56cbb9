-- What went wrong or was incomplete, per document and stage.
CREATE TABLE IF NOT EXISTS raw.problems (
    doc_id   VARCHAR NOT NULL,
    stage    VARCHAR NOT NULL,    -- extract | normalize | load | fetch | note (a note leaves the status alone)
    message  VARCHAR NOT NULL
);

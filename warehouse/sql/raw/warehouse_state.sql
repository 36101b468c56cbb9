-- The warehouse's own state: `change_token` is new at every commit that changed documents
-- (warehouse/session.py); the published folder's manifest remembers the token it was
-- published from, so "the published files are current" is one comparison.
CREATE TABLE IF NOT EXISTS raw.warehouse_state (
    key        VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    changed_at VARCHAR
);

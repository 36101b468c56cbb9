-- Warehouses made before these 0.2 columns existed gain them (new ones get them from the
-- CREATE TABLE statements). Their documents are derived again from raw by the next ingest,
-- since the normalizer version changed, and so the columns get filled.
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS secrecy VARCHAR;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS urgency VARCHAR;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS signer VARCHAR;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS main_recipients VARCHAR;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS cc_recipients VARCHAR;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS printing_office VARCHAR;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS printed_date DATE;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS note VARCHAR;
ALTER TABLE staging.notices ADD COLUMN IF NOT EXISTS contact VARCHAR;
ALTER TABLE staging.plan_projects ADD COLUMN IF NOT EXISTS sponsor_org VARCHAR;
ALTER TABLE staging.plan_projects ADD COLUMN IF NOT EXISTS supervising_dept VARCHAR;

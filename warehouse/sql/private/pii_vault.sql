-- What the tokens of redacted documents stand for (normalizers.pii.PiiToken): raw holds
-- "⟦身份证#3:420102********1234⟧" in place of each ID number, this table its keyed hash
-- (HMAC-SHA256), masked form and validity, so staging can be derived again from raw.
-- Outside `curated`, never published; never the number itself.
CREATE TABLE IF NOT EXISTS private.pii_vault (
    doc_id     VARCHAR NOT NULL,   -- the redacted document
    token      VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,   -- id_number
    id_hash    VARCHAR,
    id_masked  VARCHAR,
    id_valid   BOOLEAN
);

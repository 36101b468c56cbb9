-- Every column outside `private` that can hold text, for the scan for personal data in
-- clear (warehouse.checks.pii_findings): VARCHAR, JSON and nested types holding text.
SELECT schema_name, table_name, column_name
FROM duckdb_columns()
WHERE database_name = current_database()
  AND schema_name IN ('raw', 'staging', 'curated')
  AND (data_type = 'JSON' OR data_type LIKE '%VARCHAR%')
ORDER BY schema_name, table_name, column_index;

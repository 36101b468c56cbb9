-- Every text column of every TABLE outside `private`, for the scan for personal data in
-- clear (warehouse.checks.pii_findings): VARCHAR, JSON and nested types holding text.
-- Views are left out: every view of raw, staging and curated is SQL over these tables, so
-- a value in clear in a view stands in one of them too — and scanning the tables costs a
-- read of each, where scanning the views would compute each one once per column.
SELECT c.schema_name, c.table_name, c.column_name
FROM duckdb_columns() AS c
JOIN duckdb_tables() AS t
  ON t.database_name = c.database_name
 AND t.schema_name = c.schema_name
 AND t.table_name = c.table_name
WHERE c.database_name = current_database()
  AND c.schema_name IN ('raw', 'staging', 'curated')
  AND (c.data_type = 'JSON' OR c.data_type LIKE '%VARCHAR%')
ORDER BY c.schema_name, c.table_name, c.column_index;

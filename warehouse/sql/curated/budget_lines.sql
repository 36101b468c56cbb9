-- The line items of budget final accounts (data contract: curated.budget_lines).
CREATE OR REPLACE VIEW curated.budget_lines AS
WITH lines AS (
    SELECT * FROM staging.budget_lines
),
final AS (
    SELECT form_id, item, amount_yuan, note
    FROM lines
    ORDER BY form_id, line_no
)
SELECT * FROM final;

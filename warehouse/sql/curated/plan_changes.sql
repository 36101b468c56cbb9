-- The changes plan amendments make (data contract 0.2: curated.plan_changes), each with the
-- plan it amends when that plan is in the warehouse: the plan whose 文号 the change names,
-- else a loaded plan the amendment cites, else the latest plan of the amendment's region and plan year issued before it.
CREATE OR REPLACE VIEW curated.plan_changes AS
WITH changes AS (
    SELECT x.*
    FROM staging.plan_changes AS x
    JOIN staging.notice_sources AS s ON s.notice_id = x.notice_id AND s.doc_id = x.doc_id
),
amendments AS (
    SELECT notice_id, region, plan_year, issued_date FROM curated.notices
),
plans AS (
    SELECT notice_id, region, plan_year, issued_date, doc_number
    FROM curated.notices
    WHERE doc_type = 'plan'
),
cited_plans AS (
    SELECT c.notice_id, c.change_no, p.notice_id AS amended_notice_id
    FROM changes AS c
    JOIN plans AS p
      ON c.amended_doc_number IS NOT NULL
     AND regexp_replace(p.doc_number, '[\s〔〕\[\]【】()（）]', '', 'g')
       = regexp_replace(c.amended_doc_number, '[\s〔〕\[\]【】()（）]', '', 'g')
    QUALIFY row_number() OVER (PARTITION BY c.notice_id, c.change_no ORDER BY p.notice_id) = 1
),
citing_plans AS (
    -- The amendment cites a loaded plan among its documents (依据…).
    SELECT c.notice_id, c.change_no, p.notice_id AS amended_notice_id
    FROM changes AS c
    JOIN curated.cited_documents AS d ON d.notice_id = c.notice_id
    JOIN plans AS p
      ON regexp_replace(p.doc_number, '[\s〔〕\[\]【】()（）]', '', 'g')
       = regexp_replace(d.cited_doc_number, '[\s〔〕\[\]【】()（）]', '', 'g')
    QUALIFY row_number() OVER (
        PARTITION BY c.notice_id, c.change_no ORDER BY p.issued_date DESC NULLS LAST, p.notice_id
    ) = 1
),
same_year_plans AS (
    SELECT c.notice_id, c.change_no, p.notice_id AS amended_notice_id
    FROM changes AS c
    JOIN amendments AS a ON a.notice_id = c.notice_id
    JOIN plans AS p
      ON p.region = a.region
     AND p.plan_year = coalesce(c.amended_plan_year, a.plan_year)
     AND (a.issued_date IS NULL OR p.issued_date IS NULL OR p.issued_date <= a.issued_date)
    QUALIFY row_number() OVER (
        PARTITION BY c.notice_id, c.change_no ORDER BY p.issued_date DESC NULLS LAST, p.notice_id
    ) = 1
),
final AS (
    SELECT
        c.notice_id,
        coalesce(cp.amended_notice_id, ct.amended_notice_id, sp.amended_notice_id)
            AS amended_notice_id,
        c.change_no,
        c.change,
        c.project_name,
        c.field,
        c.old_value,
        c.new_value,
        c.evidence,
        c.page
    FROM changes AS c
    LEFT JOIN cited_plans AS cp USING (notice_id, change_no)
    LEFT JOIN citing_plans AS ct USING (notice_id, change_no)
    LEFT JOIN same_year_plans AS sp USING (notice_id, change_no)
)
SELECT * FROM final ORDER BY notice_id, change_no;

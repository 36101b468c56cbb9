-- title: 9. 各通知依据的文件 — Which rules does each notice build on?
-- description: README question 9, from cited_documents and notices. Leave region empty for all.
-- readme: 9
SELECT DISTINCT n.doc_number, c.cited_doc_number, c.cited_title
FROM cited_documents AS c JOIN notices AS n USING (notice_id)
WHERE (coalesce(:region, '') = '' OR n.region = :region)
ORDER BY n.doc_number NULLS LAST, c.cited_doc_number NULLS LAST, c.cited_title NULLS LAST

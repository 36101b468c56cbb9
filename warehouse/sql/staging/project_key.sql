-- A programme name compared as words: no spaces, punctuation, quotation marks or book-title
-- marks, and no closing "高级研修班/高级研修项目/研修班/项目", so an amendment that writes
-- “XX高级研修班” meets the plan's 《XX》 row.
CREATE OR REPLACE MACRO staging.project_key(name) AS
    regexp_replace(
        regexp_replace(name, '[\s　《》〈〉“”‘’"''「」『』()（）【】\[\]、，,。.：:；;—-]', '', 'g'),
        '(高级研修班|高级研修项目|高研班|研修班|研修项目|项目)$',
        ''
    );

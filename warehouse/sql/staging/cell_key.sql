-- A table cell compared without spaces, ideographic spaces and line breaks (as the
-- normalizers' clean_text joins a wrapped cell); plain replace() is much cheaper than a
-- regular expression over millions of cells.
CREATE OR REPLACE MACRO staging.cell_key(cell) AS
    replace(replace(replace(replace(cell, ' ', ''), '　', ''), chr(10), ''), chr(13), '');

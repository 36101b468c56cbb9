"""The page layout engine shared by PDF, OFD and OCR pages.

Glyphs -> lines (`lines`), columns (`columns`), paragraphs (`blocks`), ruled tables
(`tables`), and pages -> blocks and tables in reading order (`assemble`).
"""

"""Normalizers: pure functions that turn an extracted `Document` into domain records.

No I/O besides reading the rule tables shipped in `normalizers/data/`.
"""

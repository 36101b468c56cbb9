"""Imported only by the fork server of `flows.budget`: parsers and normalisers, warmed up.

Importing this module loads the parser modules and runs one tiny text through
extraction and normalisation (spaCy, jieba's dictionary, the rule tables), so every
child forked from the server starts warm. Nothing here may fail the server: errors
only mean the children warm up themselves.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging

from flows.settings import quiet_parser_logs

_MODULES = (
    "extractors.pdf",
    "extractors.docx",
    "extractors.html",
    "extractors.text",
    "extractors.xlsx",
    "extractors.legacy",
    "flows.steps",
)
_SAMPLE = "关于举办2026年度专业技术人才知识更新工程高级研修项目的通知\n湖北省人力资源和社会保障厅\n"


class _NoTraceback(logging.Formatter):
    """One line per record: a parser's traceback is no message for people."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.exc_info, record.exc_text = None, None
        return super().format(record)


def quiet_logs() -> None:
    """Children log warnings as one line each on stderr, without tracebacks."""
    handler = logging.StreamHandler()
    handler.setFormatter(_NoTraceback("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    quiet_parser_logs()


def warm_up() -> None:
    for name in _MODULES:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        from normalizers.nlp import get_nlp

        get_nlp()("每期研修时间一般为5天，培训人数不少于50人。")  # spaCy + jieba's dictionary
    with contextlib.suppress(Exception):
        from normalizers.topics import topic_names

        topic_names()  # the topic Matcher, built once for every child
    with contextlib.suppress(Exception):
        from extractors import Limits
        from flows.steps import process_bytes

        process_bytes(
            _SAMPLE.encode(),
            doc_id="warm-up",
            source_uri="warm-up.txt",
            limits=Limits(),
            pii_key=b"warm-up",
        )


quiet_logs()
warm_up()
# What the warm-up built lives as long as the server: its children's garbage collector
# need not walk it (nor touch its pages, which forked children share until written).
gc.collect()
gc.freeze()

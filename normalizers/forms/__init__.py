"""Submitted forms: a Document -> FormRecords, or None when it is no filled-in form.

`normalize_form` recognises the form from its title and labels (never the file
name), reads it with the reader of its type and returns records named after the
curated tables. A notice (titled "关于…的通知") and a blank template give None.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from extractors.model import Document

from .application import read_application
from .attendance import read_attendance
from .budget import read_budget
from .keyvalues import read_key_values
from .recognise import FORM_TYPES, is_notice, recognise_form
from .records import (
    ApplicationForm,
    AttendancePerson,
    AttendanceSummary,
    BudgetLine,
    BudgetSheet,
    FormRecords,
    SatisfactionStat,
)
from .satisfaction import read_satisfaction

if TYPE_CHECKING:  # normalizers.pii imports this package
    from ..pii import PiiToken

__all__ = [
    "FORM_TYPES",
    "ApplicationForm",
    "AttendancePerson",
    "AttendanceSummary",
    "BudgetLine",
    "BudgetSheet",
    "FormRecords",
    "SatisfactionStat",
    "normalize_form",
]

log = logging.getLogger(__name__)


def normalize_form(
    doc: Document, *, pii_key: bytes, vault: Mapping[str, PiiToken] | None = None
) -> FormRecords | None:
    """The records of a submitted form, or None when `doc` is not a filled-in known form.

    `pii_key` is the secret that keys the hashes of ID numbers on attendance sheets;
    `vault` (token -> PiiToken) resolves the ID tokens of a redacted document.
    """
    if not pii_key:
        raise ValueError("pii_key is empty: pass the secret key used to hash ID numbers")
    if is_notice(doc):
        return None  # checked first: a long notice is not worth reading label by label
    found = read_key_values(doc)
    form_type = recognise_form(doc, found)
    if form_type is None:
        return None
    form_id, uri = doc.doc_id, doc.source_uri
    records: FormRecords | None = None
    if form_type == "budget_sheet":
        budget = read_budget(doc, found, form_id=form_id, source_uri=uri)
        if budget is not None:
            records = FormRecords(
                form_type, form_id, budget_sheets=(budget[0],), budget_lines=budget[1]
            )
    elif form_type == "application_form":
        application = read_application(doc, found, form_id=form_id, source_uri=uri)
        if application is not None:
            records = FormRecords(form_type, form_id, application_forms=(application,))
    elif form_type == "satisfaction_stats":
        stats = read_satisfaction(doc, form_id=form_id, source_uri=uri)
        if stats is not None:
            records = FormRecords(form_type, form_id, satisfaction_stats=stats)
    else:
        attendance = read_attendance(
            doc, found, form_id=form_id, source_uri=uri, pii_key=pii_key, vault=vault
        )
        if attendance is not None:
            records = FormRecords(
                form_type,
                form_id,
                attendance_summary=(attendance[0],),
                attendance_people=attendance[1],
            )
    if records is None:
        log.info("%s looks like a %s but has no values filled in", uri, form_type)
    return records

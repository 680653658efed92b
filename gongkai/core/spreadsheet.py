"""Safe cells for every CSV and XLSX file the platform writes. No Django import: the checker's
command line (`gongkai check --out`) uses it without a settings module.

Exported text comes from other people — report text from other agencies' documents,
applications' descriptions from applicants, source notes typed by staff. A spreadsheet program
runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and some strip a leading
tab or carriage return first): CSV/formula injection (OWASP). openpyxl even stores any string
starting with ``=`` as a formula. ``safe_cell`` prefixes such text with an apostrophe, so it is
shown as typed; numbers (also negative ones written as text, "-3") stay as they are, and the
control characters openpyxl refuses are removed.

Every exporter uses this one helper: the checker CLI's CSV/XLSX, the supervision checker XLSX
(supervision/export.py), the application ledger XLSX (inforequests) and the annual report XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def safe_cell(v):
    """A value a spreadsheet shows as data, never runs: text starting like a formula gets a
    leading apostrophe; numbers, dates and None pass unchanged; lists and dicts become JSON."""
    if v is None or isinstance(v, bool | int | float | Decimal | dt.date | dt.datetime | dt.time):
        return v
    if isinstance(v, list | dict):
        v = json.dumps(v, ensure_ascii=False)
    s = str(v).translate(_ILLEGAL)
    if s[:1] in FORMULA_START and not _is_number(s.strip()):
        return "'" + s
    return s


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]


def write_csv(fh, head: Iterable, rows: Iterable[Iterable]) -> None:
    """Rows to an open text file (newline="") as CSV, every cell through ``safe_cell``."""
    w = csv.writer(fh)
    w.writerow(safe_row(head))
    for row in rows:
        w.writerow(safe_row(row))

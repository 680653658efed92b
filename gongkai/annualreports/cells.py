"""Cell key → the cases behind it, and the date categories of table 三.

A cell key `applications.<row>.<column>` (GLOSSARY) names a set of applications: a date
category (new / carried over / finished / carried forward), an outcome, an applicant type.
The counting rules live only in gongkai.inforequests.selectors (table3_counts /
table3_counts_by_agency for the figures, table3_queryset for the drill-down); this module maps
the report format's keys onto them. tests/annualreports check on random data that every figure
equals the number of cases its drill-down lists.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from gongkai.inforequests.selectors import TABLE3_SUMMARY_ROWS as SUMMARY_ROWS
from gongkai.reportschema import APPLICANT_TYPES, get_format


def result_rows(fmt: str) -> tuple[str, ...]:
    return tuple(
        r.key for r in get_format(fmt).table("applications").rows if r.key not in SUMMARY_ROWS
    )


def outcome_row(outcome: str, fmt: str) -> str:
    """The result row an InfoRequest.outcome lands in. 2019 has one （六） row (§4.3)."""
    if fmt == "2019" and outcome.startswith("other."):
        return "other.other"
    return outcome


def outcomes_of_row(row: str, fmt: str) -> tuple[str, ...]:
    if fmt == "2019" and row == "other.other":
        return ("other.no_amendment", "other.fee_unpaid", "other.other")
    return (row,)


def parse_key(key: str, fmt: str) -> tuple[str, str]:
    parts = key.split(".")
    if parts[0] != "applications" or len(parts) < 3:
        raise KeyError(key)
    row, col = ".".join(parts[1:-1]), parts[-1]
    if row not in SUMMARY_ROWS and row not in result_rows(fmt):
        raise KeyError(key)
    if col != "total" and col not in APPLICANT_TYPES:
        raise KeyError(key)
    return row, col


def cell_queryset(key: str, agency_ids: Iterable[int], year: int, fmt: str = "2021") -> QuerySet:
    """The cases behind one cell (staff drill-down), table 三 or 四, from the same selectors
    that count them (inforequests.selectors.table3_queryset / appeals.selectors.cell_q)."""
    if key.startswith("appeals."):
        from gongkai.appeals.selectors import cell_queryset as appeals_qs

        return appeals_qs(key, agency_ids, year)
    from gongkai.inforequests.selectors import table3_queryset

    row, col = parse_key(key, fmt)
    if fmt == "2019" and row == "other.other":
        row = "other"  # the single 2019 （六） row is the whole group (§4.3)
    return table3_queryset(list(agency_ids), year, row, col)

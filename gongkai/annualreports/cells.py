"""Cell key → the cases behind it, and the date categories of table 三.

A cell key `applications.<row>.<column>` (GLOSSARY) names a set of applications: a date
category (new / carried over / finished / carried forward), an outcome, an applicant type.
The truth for one agency or a roll-up is gongkai.inforequests.selectors (table3_counts for the
figures, table3_queryset for the drill-down). `category_q` restates its date categories for
`builder.build_many`, which needs GROUP BY agency for thousands of agencies in one query;
tests/annualreports check on random data that both give the same cells and that every
figure equals the number of cases its drill-down lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from gongkai.reportschema import APPLICANT_TYPES, get_format

SUMMARY_ROWS = ("new", "carried_over", "outcomes_total", "carried_forward")


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def category_q(category: str, year: int) -> Q:
    """Applications in a date category of `year` (conf.DEFAULT_RULES['period'])."""
    start, end = year_bounds(year)
    open_at_start = Q(replied_on__isnull=True) | Q(replied_on__gte=start)
    open_at_end = Q(replied_on__isnull=True) | Q(replied_on__gt=end)
    if category == "new":
        return Q(received_on__gte=start, received_on__lte=end)
    if category == "carried_over":
        return Q(received_on__lt=start) & open_at_start
    if category == "outcomes_total":  # finished in the year
        return Q(received_on__isnull=False, replied_on__gte=start, replied_on__lte=end)
    if category == "carried_forward":
        return Q(received_on__lte=end) & open_at_end
    raise KeyError(category)


def relevant_q(year: int) -> Q:
    """Every application that appears anywhere in the year's table 三."""
    start, end = year_bounds(year)
    return (
        Q(received_on__isnull=False)
        & (Q(replied_on__isnull=True) | Q(replied_on__gte=start))
        & (Q(received_on__lte=end) | Q(replied_on__lte=end))
    )


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

"""Reads for appeals, and the table 四 counting rule.

Counting rule (ANNUAL_REPORT_FORMAT.md §5 leaves it open; we follow most reports): a case is
counted in the report of the year it was **filed** (申请/立案日期 1 Jan–31 Dec), under its result
**as at 31 December** of that year: a case decided later, or not yet decided, is 尚未审结.
`cell_q` is the one place that turns a table 四 cell key into a filter: the report builder
aggregates with it and the drill-down lists the cases with it, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Appeal, AppealKind, AppealResult

RESULTS = ("upheld", "corrected", "other", "pending")
COUNTING_RULE = (
    "行政复议、行政诉讼案件按申请或立案日期计入当年；结果按当年12月31日的状态统计，"
    "当日尚未作出决定或裁判的计入“尚未审结”。"
)


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_q(year: int) -> Q:
    start, end = _year_bounds(year)
    return Q(filed_on__gte=start, filed_on__lte=end)


def result_q(result: str, year: int) -> Q:
    """Cases whose result on 31 December of `year` is `result` ('total': any)."""
    _start, end = _year_bounds(year)
    if result == "total":
        return Q()
    if result == "pending":
        return Q(decided_on__isnull=True) | Q(decided_on__gt=end)
    if result not in RESULTS:
        raise KeyError(result)
    return Q(result=result, decided_on__lte=end)


def cell_q(key: str, year: int) -> Q:
    """Filter for the cases behind one table 四 cell, e.g. appeals.reconsideration.pending."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] != "appeals" or parts[1] not in AppealKind.values:
        raise KeyError(key)
    return year_q(year) & Q(kind=parts[1]) & result_q(parts[2], year)


def cell_queryset(key: str, agency_ids: Iterable[int], year: int) -> QuerySet[Appeal]:
    return Appeal.objects.filter(cell_q(key, year), agency_id__in=list(agency_ids))


def _aggregates(year: int) -> dict:
    return {r: Count("pk", filter=result_q(r, year)) for r in RESULTS}


def _distribute(rows, out: dict) -> None:
    for row in rows:
        for r in RESULTS:
            out[f"appeals.{row['kind']}.{r}"] = out.get(f"appeals.{row['kind']}.{r}", 0) + row[r]
            out[f"appeals.{row['kind']}.total"] = (
                out.get(f"appeals.{row['kind']}.total", 0) + row[r]
            )


_ZERO_KEYS = tuple(f"appeals.{k}.{r}" for k in AppealKind.values for r in (*RESULTS, "total"))


def _zero() -> dict[str, int]:
    return dict.fromkeys(_ZERO_KEYS, 0)


def table4_counts(agency_ids: Iterable[int], year: int) -> dict[str, int]:
    """All 15 cells of table 四 for the agencies together (one GROUP BY kind query)."""
    out = _zero()
    rows = (
        Appeal.objects.filter(year_q(year), agency_id__in=list(agency_ids))
        .values("kind")
        .annotate(**_aggregates(year))
        .order_by()
    )
    _distribute(rows, out)
    return out


def table4_counts_by_agency(agency_ids: Iterable[int] | None, year: int) -> dict[int, dict]:
    """Table 四 for many agencies in ONE grouped query (GROUP BY agency, kind).
    `agency_ids=None` means every agency (no IN list: faster for a whole province)."""
    qs = Appeal.objects.filter(year_q(year))
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    rows = qs.values("agency_id", "kind").annotate(**_aggregates(year)).order_by()
    out: dict[int, dict] = {}
    for row in rows:
        cells = out.get(row["agency_id"])
        if cells is None:
            cells = out[row["agency_id"]] = _zero()
        _distribute([row], cells)
    return out


def zero_cells() -> dict[str, int]:
    return _zero()


def appeals_for(agency_ids: Iterable[int]) -> QuerySet[Appeal]:
    return Appeal.objects.filter(agency_id__in=list(agency_ids)).select_related("agency")


def dashboard_widget(user, agency) -> dict | None:
    from gongkai.agencies.permissions import Action, can

    if agency is None or not can(user, Action.VIEW, agency):
        return None
    pending = Appeal.objects.filter(agency=agency, result=AppealResult.PENDING).count()
    return {
        "title": _("复议诉讼"),
        "stat": pending,
        "text": _("尚未审结的行政复议、行政诉讼案件"),
        "url": reverse("appeals:index"),
        "link_label": _("查看案件"),
    }

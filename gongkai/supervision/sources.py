"""Figures per subordinate agency, taken from the other bounded contexts' selectors.

``agency_ids`` is a list of ids or a ``values("pk")`` subquery. Each source answers for ALL agencies of a scope at once (one grouped query, or the owning
app's own bulk selector), never with a per-agency loop, so that a province supervisor's table
of thousands of agencies costs a handful of queries. A source whose app has not landed (or
whose selector is missing) returns ``None`` and the dashboard shows "—".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q


@dataclass(frozen=True)
class ReportState:
    """Annual-report state of one agency for one year (RULES.md E3)."""

    key: str  # not_started | draft | published (any version public) | late (statutory date passed)
    text: str
    due: date | None = None
    report_id: int | None = None


def overdue_applications(agency_ids, today: date) -> dict[int, int] | None:
    """Open applications whose clock runs and whose due date has passed (RULES.md D, Art. 33).

    Uses inforequests' own status sets so the figure equals the agency's "超期" inbox tab.
    """
    try:
        from gongkai.inforequests import models as ir
    except ImportError:
        return None
    model = getattr(ir, "InfoRequest", None)
    statuses = getattr(ir, "CLOCK_STATUSES", None) or getattr(ir, "OPEN_STATUSES", None)
    if model is None or statuses is None:
        return None
    rows = (
        model.objects.filter(agency_id__in=agency_ids, status__in=statuses, due_on__lt=today)
        .order_by()
        .values("agency_id")
        .annotate(n=Count("pk"))
    )
    return {r["agency_id"]: r["n"] for r in rows}


def due_soon_applications(
    agency_ids, today: date, regions: dict[int, str]
) -> dict[int, int] | None:
    """Applications due within 3 WD (not yet overdue). The limit depends on the working-day
    calendar of the agency's region (local holidays), so agencies are grouped by the limit
    their region gives: still one query."""
    try:
        from gongkai.inforequests import models as ir
        from gongkai.inforequests.selectors import due_soon_limit
    except ImportError:
        return None
    statuses = getattr(ir, "CLOCK_STATUSES", None) or getattr(ir, "OPEN_STATUSES", None)
    if statuses is None:
        return None
    by_limit: dict[date, list[str]] = {}
    limits: dict[str, date] = {}
    for region in set(regions.values()):
        limits[region] = _limit(due_soon_limit, today, region)
        by_limit.setdefault(limits[region], []).append(region)
    if not by_limit:
        return {}
    cond = Q()
    for limit, region_list in by_limit.items():
        cond |= Q(agency__region_code__in=region_list, due_on__lte=limit)
    rows = (
        ir.InfoRequest.objects.filter(
            cond, agency_id__in=agency_ids, status__in=statuses, due_on__gte=today
        )
        .order_by()
        .values("agency_id")
        .annotate(n=Count("pk"))
    )
    return {r["agency_id"]: r["n"] for r in rows}


class _RegionOnly:
    def __init__(self, region: str):
        self.region_code = region


def _limit(fn, today: date, region: str) -> date:
    return fn(today, _RegionOnly(region))


def late_publications(agency_ids: list[int], today: date) -> dict[int, int] | None:
    """Proactive information past its 20-WD publication date (RULES.md C8, Art. 26: from the
    day it was formed **or changed**): still unpublished, plus published late this year — first
    publications and changes (corrections, republications after withdrawal) alike, each counted
    once per clock."""
    try:
        from gongkai.publications import selectors as pub
    except ImportError:
        return None
    out: Counter = Counter()
    for qs in (pub.late_unpublished(agency_ids, today), pub.late_published(agency_ids, today.year)):
        for r in qs.order_by().values("agency_id").annotate(n=Count("pk")):
            out[r["agency_id"]] += r["n"]
    for qs in (
        pub.changes_late_unpublished(agency_ids, today),
        pub.late_published_changes(agency_ids, today.year),
    ):
        for r in qs.order_by().values("publication__agency_id").annotate(n=Count("pk")):
            out[r["publication__agency_id"]] += r["n"]
    return dict(out)


def stale_columns(agency_ids: list[int], today: date) -> dict[int, list] | None:
    """Catalogue columns not updated within their cycle (RULES.md E7, Arts. 52–53)."""
    try:
        from gongkai.publications.selectors import stale_columns as stale
    except ImportError:
        return None
    out: dict[int, list] = {}
    for col in stale(agency_ids, today):
        out.setdefault(col.agency_id, []).append(col)
    return out


def report_states(agencies: list, year: int, today: date) -> dict[int, ReportState] | None:
    """Annual report for ``year`` per agency vs. its Art. 49 deadline (RULES.md E3)."""
    try:
        from gongkai.annualreports.selectors import status_rows
    except ImportError:
        return None
    out = {}
    for row in status_rows(agencies, year, today):
        report = row.get("report")
        if row.get("level") == "late":
            key = "late"
        elif report is None:
            key = "not_started"
        elif row.get("published_on"):
            # first publication of any version: a report reopened for correction stays
            # public in its earlier version (Art. 49 is met), so it is not "draft" again
            key = "published"
        else:
            key = "draft"
        out[row["agency"].pk] = ReportState(
            key, str(row.get("text", "")), row.get("due"), getattr(report, "pk", None)
        )
    return out

"""Staff API of the supervising office (session login; the same permission checks as the
pages). Not open data: problem lists and subtree figures are internal supervision records."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import Action, can

from . import selectors

router = Router(tags=["supervision"], auth=django_auth)


class RowOut(Schema):
    agency_id: int
    agency: str
    level: str
    overdue: int | None
    due_soon: int | None
    late_publications: int | None
    stale_columns: int | None
    open_lists: int
    report: str | None  # not_started | draft | published | late


class OverviewOut(Schema):
    agency_id: int
    report_year: int
    rows: list[RowOut]
    totals: dict[str, int | None]


class ProblemOut(Schema):
    position: int
    category: str
    description: str
    status: str
    rectification_note: str
    rectified_on: date | None
    accepted_on: date | None


class ProblemListOut(Schema):
    id: int
    issuer_id: int
    agency_id: int
    title: str
    issued_on: date
    due_on: date
    status: str
    overdue: bool
    items: list[ProblemOut]


def _agency(request, agency_id: int, action: Action) -> Agency:
    agency = get_object_or_404(Agency, pk=agency_id)
    if not can(request.user, action, agency):
        raise HttpError(403, "无权查看该机关的监督数据")
    return agency


@router.get("/overview/{agency_id}", response=OverviewOut)
def overview(request, agency_id: int, level: str | None = None):
    """The supervision table of ``agency_id``'s subtree (one row per agency)."""
    agency = _agency(request, agency_id, Action.SUPERVISE)
    rows, totals, _available = selectors.dashboard_rows(request.user, agency, level=level)
    from django.utils import timezone

    return {
        "agency_id": agency.pk,
        "report_year": timezone.localdate().year - 1,
        "rows": [
            {
                "agency_id": r.agency.pk,
                "agency": r.agency.name,
                "level": r.agency.level,
                **{k: r.counts[k] for k in selectors.COUNT_KEYS},
                "report": r.report.key if r.report else None,
            }
            for r in rows
        ],
        "totals": totals,
    }


def _list_out(plist) -> dict:
    return {
        "id": plist.pk,
        "issuer_id": plist.issuer_id,
        "agency_id": plist.agency_id,
        "title": plist.title,
        "issued_on": plist.issued_on,
        "due_on": plist.due_on,
        "status": plist.status,
        "overdue": plist.is_overdue,
        "items": [
            {
                "position": p.position,
                "category": p.category,
                "description": p.description,
                "status": p.status,
                "rectification_note": p.rectification_note,
                "rectified_on": p.rectified_on,
                "accepted_on": p.accepted_on,
            }
            for p in plist.items.all()
        ],
    }


@router.get("/problem-lists/issued/{agency_id}", response=list[ProblemListOut])
def issued(request, agency_id: int):
    """Problem lists issued within ``agency_id``'s subtree (supervisors)."""
    agency = _agency(request, agency_id, Action.SUPERVISE)
    qs = selectors.issued_lists(request.user, agency).prefetch_related("items")[:500]
    return [_list_out(p) for p in qs]


@router.get("/problem-lists/received/{agency_id}", response=list[ProblemListOut])
def received(request, agency_id: int):
    """Problem lists addressed to ``agency_id`` (its own staff and its supervisors)."""
    agency = _agency(request, agency_id, Action.VIEW)
    qs = selectors.received_lists(request.user, agency).prefetch_related("items")[:500]
    return [_list_out(p) for p in qs]

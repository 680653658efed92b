"""Reads for annual reports: dashboards and the portal."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.permissions import Action, can

from .deadlines import status_for
from .models import AnnualReport, ReportVersion


def report_year_for(today) -> int:
    """The report being prepared now: last year's."""
    return today.year - 1


def reports_with_first_publication(agency_ids, year: int):
    return (
        AnnualReport.objects.filter(agency_id__in=agency_ids, year=year)
        .annotate(first_published=Min("versions__published_at"), n_versions=Count("versions"))
        .select_related("agency")
    )


def status_rows(agencies, year: int, today=None) -> list[dict]:
    today = today or timezone.localdate()
    agencies = list(agencies)
    reports = {
        r.agency_id: r for r in reports_with_first_publication([a.pk for a in agencies], year)
    }
    rows = []
    for a in agencies:
        r = reports.get(a.pk)
        rows.append({"agency": a, "report": r, **status_for(a, year, r, today)})
    return rows


def latest_versions(agency_id: int | None = None):
    """The newest published version of every report (portal lists)."""
    qs = ReportVersion.objects.select_related("report", "report__agency")
    if agency_id is not None:
        qs = qs.filter(report__agency_id=agency_id)
    latest = {}
    for v in qs.order_by("report_id", "number"):
        latest[v.report_id] = v
    return sorted(latest.values(), key=lambda v: (-v.report.year, v.report.agency.path))


def published_version(agency_id: int, year: int, number: int | None = None):
    qs = ReportVersion.objects.filter(report__agency_id=agency_id, report__year=year)
    if number is not None:
        return qs.filter(number=number).select_related("report", "report__agency").first()
    return qs.order_by("-number").select_related("report", "report__agency").first()


def dashboard_widget(user, agency) -> dict | None:
    if agency is None or not can(user, Action.VIEW, agency):
        return None
    today = timezone.localdate()
    year = report_year_for(today)
    row = status_rows([agency], year, today)[0]
    report = row["report"]
    state = report.get_status_display() if report else _("尚未开始")
    return {
        "title": _("%(year)s年度报告") % {"year": year},
        "stat": state,
        "text": _("截止日期 %(due)s（%(basis)s）：%(text)s")
        % {
            "due": row["due"].isoformat() if row["due"] else _("无法定期限"),
            "basis": row["basis"],
            "text": row["text"],
        },
        "url": reverse("annualreports:index"),
        "link_label": _("编制年度报告"),
    }

"""Reads for the supervising office (公开办): the subtree table, problem lists, checker batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import Action, agencies_for, can, supervised_subtree

from . import sources
from .models import Category, ListStatus, Problem, ProblemEvent, ProblemList, ProblemStatus

# Columns of the supervision table, in display order; each a key of DashboardRow.counts.
COUNT_KEYS = ("overdue", "due_soon", "late_publications", "stale_columns", "open_lists")
SORT_KEYS = (*COUNT_KEYS, "name", "level", "report")
REPORT_ORDER = {"late": 0, "not_started": 1, "draft": 2, "published": 3, None: 4}


@dataclass
class DashboardRow:
    agency: Agency
    counts: dict = field(default_factory=dict)  # key → int, or None when the source is absent
    stale: list = field(default_factory=list)  # Column objects
    report: sources.ReportState | None = None

    @property
    def problem_total(self) -> int:
        return sum(
            self.counts.get(k) or 0 for k in ("overdue", "late_publications", "stale_columns")
        ) + int(bool(self.report and self.report.key == "late"))


def supervised_scope(user, agency: Agency, level: str | None = None) -> QuerySet[Agency]:
    """Agencies of ``agency``'s subtree that ``user`` supervises (the agency itself included:
    the 公开办 also oversees its own government's work)."""
    return supervised_subtree(user, agency, level)


def dashboard_rows(
    user, agency: Agency, *, level: str | None = None, today: date | None = None
) -> tuple[list[DashboardRow], dict, set[str]]:
    """(rows, totals, available source keys) for the supervision table.

    A fixed number of queries whatever the subtree size: one for the agencies, one grouped
    query (or bulk selector) per source.
    """
    today = today or timezone.localdate()
    scope = supervised_scope(user, agency, level)
    agencies = list(scope.order_by("path"))
    ids = [a.pk for a in agencies]
    # Our own grouped queries take the scope as a subquery (thousands of bound ids cost more
    # to prepare than the query takes to run); the other apps' selectors want id lists.
    sub = scope.values("pk")
    regions = {a.pk: a.region_code or "" for a in agencies}
    overdue = sources.overdue_applications(sub, today) if ids else {}
    due_soon = sources.due_soon_applications(sub, today, regions) if ids else {}
    late = sources.late_publications(ids, today) if ids else {}
    stale = sources.stale_columns(ids, today) if ids else {}
    reports = sources.report_states(agencies, today.year - 1, today) if ids else {}
    lists = {
        r["agency_id"]: r["n"]
        for r in ProblemList.objects.filter(agency_id__in=sub)
        .exclude(status=ListStatus.CLOSED)
        .order_by()
        .values("agency_id")
        .annotate(n=Count("pk"))
    }
    available = {"open_lists"}
    for key, src in (
        ("overdue", overdue),
        ("due_soon", due_soon),
        ("late_publications", late),
        ("stale_columns", stale),
        ("report", reports),
    ):
        if src is not None:
            available.add(key)
    rows = []
    for a in agencies:
        row = DashboardRow(agency=a)
        row.counts["overdue"] = None if overdue is None else overdue.get(a.pk, 0)
        row.counts["due_soon"] = None if due_soon is None else due_soon.get(a.pk, 0)
        row.counts["late_publications"] = None if late is None else late.get(a.pk, 0)
        row.stale = [] if stale is None else stale.get(a.pk, [])
        row.counts["stale_columns"] = None if stale is None else len(row.stale)
        row.counts["open_lists"] = lists.get(a.pk, 0)
        row.report = None if reports is None else reports.get(a.pk)
        rows.append(row)
    return rows, totals_of(rows, available), available


def totals_of(rows: list[DashboardRow], available: set[str]) -> dict:
    totals = {
        k: (sum(r.counts[k] or 0 for r in rows) if k in available else None) for k in COUNT_KEYS
    }
    totals["report_late"] = (
        sum(1 for r in rows if r.report and r.report.key == "late")
        if "report" in available
        else None
    )
    return totals


def sort_rows(rows: list[DashboardRow], key: str, descending: bool) -> list[DashboardRow]:
    if key in COUNT_KEYS:
        # Counts sort biggest first by default; agencies without the source go last.
        return sorted(
            rows,
            key=lambda r: ((r.counts.get(key) or 0), -r.agency.depth),
            reverse=descending,
        )
    if key == "name":
        return sorted(rows, key=lambda r: r.agency.name, reverse=descending)
    if key == "level":
        order = {"province": 0, "city": 1, "county": 2, "township": 3}
        return sorted(
            rows, key=lambda r: (order.get(r.agency.level, 9), r.agency.path), reverse=descending
        )
    if key == "report":
        return sorted(
            rows,
            key=lambda r: REPORT_ORDER.get(r.report.key if r.report else None, 4),
            reverse=descending,
        )
    return rows  # tree order


def current_problems(user, supervisor: Agency, target: Agency, today: date | None = None):
    """The target agency's problems right now, as draft Problem items (unsaved dicts) for a
    new problem list — what the dashboard shows for that agency, one item per kind."""
    today = today or timezone.localdate()
    rows, _totals, _available = dashboard_rows(user, supervisor, today=today)
    row = next((r for r in rows if r.agency.pk == target.pk), None)
    if row is None:
        return []
    items = []
    drill = reverse("supervision:agency_detail", args=[target.pk])
    if row.counts.get("overdue"):
        items.append(
            {
                "category": Category.OVERDUE_APPLICATION,
                "description": _(
                    "截至%(day)s，有%(n)d件政府信息公开申请超过法定答复期限仍未答复"
                    "（《条例》第三十三条）。"
                )
                % {"day": today.isoformat(), "n": row.counts["overdue"]},
                "evidence_url": _url("inforequests:ledger", f"?agency={target.pk}&status=overdue"),
            }
        )
    if row.counts.get("late_publications"):
        items.append(
            {
                "category": Category.LATE_PUBLICATION,
                "description": _(
                    "有%(n)d条主动公开信息未在形成或者变更之日起20个工作日内公开"
                    "（《条例》第二十六条）。"
                )
                % {"n": row.counts["late_publications"]},
                "evidence_url": drill + "#late",
            }
        )
    if row.stale:
        # One item for all stale columns: the agency answers it once with its update plan.
        parts = []
        for col in row.stale:
            days = getattr(col, "days_since_update", None)
            parts.append(
                _("“%(col)s”（%(d)d天未更新，周期%(c)d天）")
                % {"col": col.name, "d": days, "c": col.update_cycle_days}
                if days is not None
                else _("“%(col)s”（尚无公开信息，周期%(c)d天）")
                % {"col": col.name, "c": col.update_cycle_days}
            )
        items.append(
            {
                "category": Category.STALE_COLUMN,
                "description": _(
                    "以下%(n)d个栏目未按更新周期更新，请及时更新（《条例》第五十二条）：%(list)s。"
                )
                % {"n": len(row.stale), "list": _("、").join(parts)},
                "evidence_url": drill + "#stale",
            }
        )
    if row.report and row.report.key == "late":
        items.append(
            {
                "category": Category.MISSING_REPORT,
                "description": _(
                    "%(y)d年政府信息公开工作年度报告：%(t)s（《条例》第四十九条规定的期限为%(due)s）。"
                )
                % {
                    "y": today.year - 1,
                    "t": row.report.text,
                    "due": row.report.due.isoformat() if row.report.due else "—",
                },
                "evidence_url": (
                    reverse("annualreports:detail", args=[row.report.report_id])
                    if row.report.report_id
                    else _url("annualreports:dashboard")
                ),
            }
        )
    return items


def _url(name: str, query: str = "") -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


# --------------------------------------------------------------------------- problem lists


def issued_lists(user, agency: Agency) -> QuerySet[ProblemList]:
    """Lists issued by ``agency`` (or, for a higher supervisor, by agencies of its subtree)."""
    if not can(user, Action.SUPERVISE, agency):
        return ProblemList.objects.none()
    return _with_counts(
        ProblemList.objects.filter(
            issuer__path__startswith=agency.path,
            issuer__in=agencies_for(user, Action.SUPERVISE),
        )
    )


def received_lists(user, agency: Agency) -> QuerySet[ProblemList]:
    """Lists addressed to ``agency``, for its own staff."""
    if not can(user, Action.VIEW, agency):
        return ProblemList.objects.none()
    return _with_counts(ProblemList.objects.filter(agency=agency))


def _with_counts(qs: QuerySet[ProblemList]) -> QuerySet[ProblemList]:
    # An aggregate drops Meta.ordering from the query; order explicitly so pages are stable.
    return (
        qs.select_related("issuer", "agency")
        .annotate(
            n_items=Count("items"),
            n_open=Count("items", filter=Q(items__status=ProblemStatus.OPEN)),
            n_answered=Count("items", filter=Q(items__status=ProblemStatus.ANSWERED)),
            n_accepted=Count("items", filter=Q(items__status=ProblemStatus.ACCEPTED)),
        )
        .order_by("-issued_on", "-pk")
    )


def can_supervise_list(user, plist: ProblemList) -> bool:
    return can(user, Action.SUPERVISE, plist.issuer) and can(user, Action.SUPERVISE, plist.agency)


def can_answer_list(user, plist: ProblemList) -> bool:
    """The addressee's own staff (clerk, reviewer, head) answer; supervisors only read."""
    return can(user, Action.EDIT, plist.agency)


def problems_of(plist: ProblemList) -> QuerySet[Problem]:
    return plist.items.select_related("answered_by", "reviewed_by").prefetch_related(
        Prefetch("events", queryset=ProblemEvent.objects.select_related("by"))
    )


# --------------------------------------------------------------------------- dashboard widget


def dashboard_widget(user, agency) -> dict | None:
    if agency is None:
        return None
    if can(user, Action.SUPERVISE, agency):
        today = timezone.localdate()
        scope = supervised_scope(user, agency)
        ids = list(scope.values_list("pk", flat=True))
        overdue = sources.overdue_applications(ids, today) or {}
        open_lists = ProblemList.objects.filter(agency_id__in=ids).exclude(status=ListStatus.CLOSED)
        with_lists = set(open_lists.values_list("agency_id", flat=True))
        with_overdue = {k for k, v in overdue.items() if v}
        return {
            "title": _("监督"),
            "stat": _("%(n)d个机关存在超期案件") % {"n": len(with_overdue)},
            "text": _("下级机关%(a)d个；%(l)d个机关有未办结的问题清单")
            % {
                "a": len(ids),
                "l": len(with_lists),
            },
            "url": reverse("supervision:index"),
            "link_label": _("打开监督台"),
        }
    received = received_lists(user, agency).exclude(status=ListStatus.CLOSED)
    n = received.count()
    if not n:
        return None
    return {
        "title": _("问题清单"),
        "stat": _("%(n)d份待整改") % {"n": n},
        "text": _("上级公开办下发的问题清单，请逐项反馈整改情况。"),
        "url": reverse("supervision:received"),
        "link_label": _("查看问题清单"),
    }


# --------------------------------------------------------------------------- checker batches


def batches_for(user, agency: Agency):
    from .models import CheckBatch

    if not can(user, Action.SUPERVISE, agency):
        return CheckBatch.objects.none()
    return CheckBatch.objects.filter(agency=agency)


# --------------------------------------------------------------------------- one agency


def agency_details(agency: Agency, today: date | None = None) -> dict:
    """The records behind one dashboard row (drill-down), from the owning apps' selectors.
    Keys are None when the source app is not installed."""
    today = today or timezone.localdate()
    out: dict = {
        "late_unpublished": None,
        "late_published": None,
        "late_changes": None,
        "stale": None,
    }
    try:
        from gongkai.publications import selectors as pub
    except ImportError:
        pass
    else:
        out["late_unpublished"] = list(pub.late_unpublished([agency.pk], today)[:200])
        out["late_published"] = list(pub.late_published([agency.pk], today.year)[:200])
        # Corrections / republications late on their own Art. 26 clock (from the change date).
        out["late_changes"] = list(pub.changes_late_unpublished([agency.pk], today)[:200]) + list(
            pub.late_published_changes([agency.pk], today.year)[:200]
        )
        out["stale"] = pub.stale_columns([agency.pk], today)
    states = sources.report_states([agency], today.year - 1, today)
    out["report"] = states.get(agency.pk) if states is not None else None
    overdue = sources.overdue_applications([agency.pk], today)
    out["overdue"] = None if overdue is None else overdue.get(agency.pk, 0)
    return out

"""Reads for applications: inbox tabs, the ledger, table 三 counts, the clock in words.

Public API::

    visible_requests(user, action="view") -> QuerySet[InfoRequest]
    inbox(user, agency, tab="all", assignee=None, today=None) -> QuerySet
    inbox_counts(user, agency, today=None) -> dict[tab, int]
    ledger(user, filters: dict) -> QuerySet
    clock_state(req, as_of=None) -> ClockState | None
    clock_words(state) -> str           # "第12个工作日，剩余8个工作日"
    table3_counts(agency_ids, year) -> dict[str, int]   # applications.<row>.<column>
    table3_counts_by_agency(agency_ids, year) -> dict[agency_id, dict[str, int]]
    table3_queryset(agency_ids, year, row, column) -> QuerySet   # drill-down
    find_for_applicant(agency_id, tracking_number, access_code) -> InfoRequest | None
    dashboard_widget(user, agency) -> dict | None
"""

from __future__ import annotations

from datetime import date
from functools import cache

from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.permissions import Action, agencies_for, can
from gongkai.reportschema import APPLICANT_TYPES
from gongkai.rules import workdays as wd

from .models import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    OUTCOME_KEYS,
    PAUSED_STATUSES,
    InfoRequest,
    Status,
)

DUE_SOON_WORKDAYS = 3
INBOX_TABS = ("all", "to_confirm", "due_soon", "overdue", "paused", "mine", "replied")


def visible_requests(user, action=Action.VIEW) -> QuerySet[InfoRequest]:
    return InfoRequest.objects.filter(agency__in=agencies_for(user, action))


def _calendar(agency):
    from gongkai.workcalendar.services import calendar_for

    return calendar_for(getattr(agency, "region_code", "") or "")


def due_soon_limit(today: date, agency=None) -> date:
    """The last due date that counts as "due within 3 WD" on ``today``."""
    return _calendar(agency).add_workdays(today, DUE_SOON_WORKDAYS)


def inbox(user, agency, tab: str = "all", assignee=None, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    qs = (
        InfoRequest.objects.filter(agency=agency)
        .select_related("assignee")
        # NULLs (no clock yet / paused for 补正) last on both SQLite and PostgreSQL.
        .order_by(F("due_on").asc(nulls_last=True), F("received_on").asc(nulls_last=True), "pk")
    )
    if not can(user, Action.VIEW, agency):
        return qs.none()
    if tab == "to_confirm":
        qs = qs.filter(status=Status.TO_CONFIRM).order_by("submitted_at", "pk")
    elif tab == "due_soon":
        qs = qs.filter(
            status__in=CLOCK_STATUSES, due_on__gte=today, due_on__lte=due_soon_limit(today, agency)
        )
    elif tab == "overdue":
        qs = qs.filter(status__in=CLOCK_STATUSES, due_on__lt=today)
    elif tab == "paused":
        qs = qs.filter(status__in=PAUSED_STATUSES)
    elif tab == "mine":
        qs = qs.filter(status__in=OPEN_STATUSES, assignee=user)
    elif tab == "replied":
        qs = qs.filter(status__in=(Status.REPLIED, Status.CLOSED)).order_by("-replied_on", "-pk")
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    return qs


def inbox_counts(user, agency, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    if not can(user, Action.VIEW, agency):
        return dict.fromkeys(INBOX_TABS, 0)
    soon = due_soon_limit(today, agency)
    clock = Q(status__in=CLOCK_STATUSES)
    agg = InfoRequest.objects.filter(agency=agency).aggregate(
        all=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        to_confirm=Count("pk", filter=Q(status=Status.TO_CONFIRM)),
        due_soon=Count("pk", filter=clock & Q(due_on__gte=today, due_on__lte=soon)),
        overdue=Count("pk", filter=clock & Q(due_on__lt=today)),
        paused=Count("pk", filter=Q(status__in=PAUSED_STATUSES)),
        mine=Count("pk", filter=Q(status__in=OPEN_STATUSES, assignee=user)),
        replied=Count("pk", filter=Q(status__in=(Status.REPLIED, Status.CLOSED))),
    )
    return agg


LEDGER_FILTERS = (
    "agency",
    "subtree",
    "status",
    "outcome",
    "channel",
    "applicant_type",
    "received_from",
    "received_to",
    "replied_from",
    "replied_to",
    "q",
)


def ledger(user, filters: dict | None = None) -> QuerySet:
    """Cases the user may view, filtered. ``agency`` + ``subtree`` (supervisors) narrow the set."""
    f = filters or {}
    qs = visible_requests(user).select_related("agency", "assignee")
    agency = f.get("agency")
    if agency is not None:
        if f.get("subtree"):
            qs = qs.filter(agency__path__startswith=agency.path)
        else:
            qs = qs.filter(agency=agency)
    for key in ("status", "outcome", "channel", "applicant_type"):
        if f.get(key) and not (key == "status" and f[key] == "overdue"):
            qs = qs.filter(**{key: f[key]})
    if f.get("status") == "overdue":
        qs = qs.filter(status__in=CLOCK_STATUSES, due_on__lt=timezone.localdate())
    for key, lookup in (
        ("received_from", "received_on__gte"),
        ("received_to", "received_on__lte"),
        ("replied_from", "replied_on__gte"),
        ("replied_to", "replied_on__lte"),
    ):
        if f.get(key):
            qs = qs.filter(**{lookup: f[key]})
    if f.get("q"):
        qs = qs.filter(Q(tracking_number__icontains=f["q"]) | Q(description__icontains=f["q"]))
    return qs.order_by(F("received_on").desc(nulls_first=True), "-pk")


def clock_state(req: InfoRequest, as_of: date | None = None):
    from .services import compute_state

    return compute_state(req, list(req.events.order_by("on", "pk")), as_of=as_of)


def clock_words(state) -> str:
    """The clock in words for the case page, e.g. "第12个工作日，剩余8个工作日"."""
    if state is None:
        return _("尚未确认收到，未开始计时")
    if state.status == "replied":
        return _("已于%(d)s答复（用时%(n)d个工作日）") % {
            "d": state.replied_on.isoformat(),
            "n": state.workdays_used,
        }
    if state.lapsed:
        from gongkai.rules.deadlines import LAPSE_LABELS

        return _(LAPSE_LABELS[state.lapsed]) if state.lapsed in LAPSE_LABELS else state.lapsed
    if state.pause_reason == "amendment":
        return _("等待补正，暂停计时（补正期限%(d)s）") % {
            "d": state.amendment_respond_by.isoformat() if state.amendment_respond_by else "—"
        }
    if state.overdue:
        return _("已超期%(n)d个工作日（答复期限%(d)s）") % {
            "n": state.overdue_workdays,
            "d": state.due_on.isoformat(),
        }
    if state.as_of == state.start_on and not state.paused:
        return _("收到申请当日（不计入期限），剩余%(left)d个工作日") % {"left": state.workdays_left}
    text = _("第%(used)d个工作日，剩余%(left)d个工作日") % {
        "used": state.workdays_used,
        "left": state.workdays_left,
    }
    if state.paused:
        text += _("（%(why)s，暂停计时）") % {
            "why": _("征求意见中") if state.pause_reason == "consultation" else _("等待缴费")
        }
    return text


# ---------------------------------------------------------------------------- table 三
# The ONE definition of table 三's counting rules. annualreports builds every agency's report
# from table3_counts_by_agency; the staff ledger page and the drill-down use the same Q objects.

TABLE3_SUMMARY_ROWS = ("new", "carried_over", "outcomes_total", "carried_forward")
_T3_COLUMNS = (*APPLICANT_TYPES, "total")
# the report's row order (summary rows, then outcomes): annualreports.builder.rollups relies on
# every agency's cells having one key order
_T3_KEYS = tuple(
    f"applications.{r}.{c}" for r in (*TABLE3_SUMMARY_ROWS, *OUTCOME_KEYS) for c in _T3_COLUMNS
)


def table3_category_q(category: str, year: int) -> Q:
    """Applications in one date category of ``year`` (ANNUAL_REPORT_FORMAT table 三, GLOSSARY):
    new = received in the year; carried_over = received before the year and not replied before
    1 Jan; outcomes_total = replied in the year; carried_forward = received on/before 31 Dec and
    not replied by 31 Dec. Every replied case was received first, so new + carried_over =
    outcomes_total + carried_forward holds by construction (T3-1)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    received = Q(received_on__isnull=False)
    if category == "new":
        return Q(received_on__gte=start, received_on__lte=end)
    if category == "carried_over":
        return Q(received_on__lt=start) & (Q(replied_on__isnull=True) | Q(replied_on__gte=start))
    if category == "outcomes_total":
        return received & Q(replied_on__gte=start, replied_on__lte=end)
    if category == "carried_forward":
        return Q(received_on__lte=end) & (Q(replied_on__isnull=True) | Q(replied_on__gt=end))
    raise KeyError(category)


def _table3_relevant_q(year: int) -> Q:
    """Every application in any category of the year: lets the grouped query skip old cases."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return (
        Q(received_on__isnull=False)
        & (Q(replied_on__isnull=True) | Q(replied_on__gte=start))
        & (Q(received_on__lte=end) | Q(replied_on__lte=end))
    )


def table3_grouped(agency_ids, year: int, by_agency: bool) -> QuerySet:
    """Rows ``([agency_id,] applicant_type, outcome, new, carried_over, outcomes_total,
    carried_forward)``: one GROUP BY with a conditional count per date category.
    ``agency_ids=None``: every agency."""
    qs = InfoRequest.objects.filter(_table3_relevant_q(year))
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    keys = ["agency_id"] if by_agency else []
    keys += ["applicant_type", "outcome"]
    counts = {c: Count("pk", filter=table3_category_q(c, year)) for c in TABLE3_SUMMARY_ROWS}
    return qs.values(*keys).annotate(**counts).values_list(*keys, *TABLE3_SUMMARY_ROWS).order_by()


@cache
def _t3_plan(atype: str, outcome: str | None) -> tuple[tuple[str, int], ...]:
    """(cell key, index of its count among the four) for one (applicant type, outcome) group:
    each date category goes to its row; the group's finished count also goes to its outcome
    row; each to the type's column and to total."""
    if atype not in APPLICANT_TYPES:
        raise ValueError(f"unknown applicant_type {atype!r}")
    plan = []
    for i, r in enumerate(TABLE3_SUMMARY_ROWS):
        plan += [(f"applications.{r}.{atype}", i), (f"applications.{r}.total", i)]
    if outcome is not None:
        done = TABLE3_SUMMARY_ROWS.index("outcomes_total")
        plan += [(f"applications.{outcome}.{atype}", done), (f"applications.{outcome}.total", done)]
    return tuple(plan)


def _fetch(qs) -> list[tuple]:
    """Run a values_list queryset on a plain cursor: the grouped counts need no model
    converters, and with ~60,000 groups Django's per-row conversion costs more than the query."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _distribute(rows, cells: dict[str, int]) -> None:
    for atype, outcome, *counts in rows:
        for key, i in _t3_plan(atype, outcome):
            cells[key] += counts[i]


def table3_counts_by_agency(agency_ids, year: int) -> dict[int, dict[str, int]]:
    """{agency id: table 三 cells (2021 keys)} for many agencies from one GROUP BY (agency,
    applicant type, outcome) query. Every id asked for is in the result (all zeros when it
    has no cases); ``agency_ids=None``: every agency that has a case in the year's table."""
    by: dict[int, dict[str, int]] = {}
    if agency_ids is not None:
        by = {int(a): dict.fromkeys(_T3_KEYS, 0) for a in agency_ids}
    zero = dict.fromkeys(_T3_KEYS, 0)
    for agency_id, atype, outcome, *counts in _fetch(table3_grouped(agency_ids, year, True)):
        cells = by.get(agency_id)
        if cells is None:
            cells = by[agency_id] = zero.copy()
        for key, i in _t3_plan(atype, outcome):
            cells[key] += counts[i]
    return by


def table3_counts(agency_ids, year: int) -> dict[str, int]:
    """Table 三 cells ``applications.<row>.<column>`` (2021 keys) for ``agency_ids`` together
    (one agency or a roll-up): the same grouped query as table3_counts_by_agency, without
    agency in the GROUP BY."""
    cells = dict.fromkeys(_T3_KEYS, 0)
    _distribute(_fetch(table3_grouped(list(agency_ids), year, False)), cells)
    return cells


def table3_queryset(agency_ids, year: int, row: str, column: str = "total") -> QuerySet:
    """The cases behind one table 三 cell (for "click a figure to see its cases"); ``row`` may
    be a date category, an outcome key or an outcome group ("other")."""
    qs = InfoRequest.objects.filter(agency_id__in=list(agency_ids), received_on__isnull=False)
    if column != "total":
        qs = qs.filter(applicant_type=column)
    if row in TABLE3_SUMMARY_ROWS:
        return qs.filter(table3_category_q(row, year))
    qs = qs.filter(table3_category_q("outcomes_total", year))
    if row in OUTCOME_KEYS:
        return qs.filter(outcome=row)
    return qs.filter(outcome__startswith=row + ".")


# ---------------------------------------------------------------------------- applicants


def find_for_applicant(agency_id, tracking_number: str, access_code: str) -> InfoRequest | None:
    """The case for the portal tracking page, only with the right access code."""
    from .services import _hash_code, check_access_code

    tracking_number = (tracking_number or "").strip()
    req = (
        InfoRequest.objects.filter(agency_id=agency_id, tracking_number=tracking_number)
        .select_related("agency")
        .first()
    )
    if req is None:
        _hash_code(access_code)  # same work either way (timing)
        return None
    return req if check_access_code(req, access_code) else None


# ---------------------------------------------------------------------------- dashboard


def dashboard_widget(user, agency) -> dict | None:
    if agency is None or not can(user, Action.VIEW, agency):
        return None
    c = inbox_counts(user, agency)
    if not (c["all"] or c["replied"]):
        text = _("暂无依申请公开案件")
    else:
        text = _("办理中%(all)d件，其中3个工作日内到期%(soon)d件，待确认收到%(tc)d件") % {
            "all": c["all"],
            "soon": c["due_soon"],
            "tc": c["to_confirm"],
        }
    return {
        "title": _("依申请公开"),
        "stat": _("超期%(n)d件") % {"n": c["overdue"]},
        "text": text,
        "url": reverse("inforequests:index") + ("?tab=overdue" if c["overdue"] else ""),
        "link_label": _("打开收件箱"),
    }


def workday_calendar_for(req):
    return _calendar(req.agency) if req else wd.default_calendar()

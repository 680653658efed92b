"""Reminder e-mails to the clerk handling a case (daily).

* ``due_soon``: the reply is due within 3 working days (sent once per due date: if an extension
  moves the due date, the clerk is reminded again for the new date);
* ``overdue``: the first day after the due date has passed without a reply (once per due date).

Idempotent: a ``Reminder`` row (unique on case, kind, due date) is written in the same
transaction as the e-mail is sent, so re-running the job the same day — or two workers at once —
never sends the same reminder twice. The mails carry the tracking number, dates and a link, never
the applicant's personal data.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Membership, Role

from .models import CLOCK_STATUSES, PAUSED_STATUSES, InfoRequest, Reminder
from .selectors import DUE_SOON_WORKDAYS, due_soon_limit

log = logging.getLogger(__name__)


def _recipients(req: InfoRequest) -> list[str]:
    if req.assignee and req.assignee.email and req.assignee.is_active:
        return [req.assignee.email]
    # Unassigned: the agency's clerks (someone must notice the case).
    return sorted(
        set(
            Membership.objects.filter(agency=req.agency_id, role=Role.CLERK, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _site_url() -> str:
    return getattr(settings, "GONGKAI", {}).get("SITE_URL", "").rstrip("/")


def _message(req: InfoRequest, kind: str, today: date) -> tuple[str, str]:
    link = _site_url() + reverse("inforequests:detail", args=[req.pk])
    if kind == Reminder.Kind.DUE_SOON:
        subject = f"【即将到期】政府信息公开申请 {req.tracking_number} 应于 {req.due_on} 前答复"
        lead = (
            f"申请 {req.tracking_number}（{req.agency.name}）的答复期限为 {req.due_on}，"
            f"距今不足{DUE_SOON_WORKDAYS}个工作日。"
        )
    else:
        subject = f"【已超期】政府信息公开申请 {req.tracking_number} 已超过答复期限（{req.due_on}）"
        lead = (
            f"申请 {req.tracking_number}（{req.agency.name}）的答复期限 {req.due_on} 已过，"
            "尚未答复。如确需延长，应在期限届满前报负责人批准并告知申请人（条例第三十三条）。"
        )
    body = f"{lead}\n\n办理页面：{link}\n\n（本邮件由政府信息公开平台自动发送，{today}）"
    return subject, body


def _send_one(req: InfoRequest, kind: str, today: date) -> bool:
    to = _recipients(req)
    if not to:
        log.warning("no reminder recipient for case %s", req.pk)
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(
                request=req, kind=kind, due_on=req.due_on, recipient=req.assignee
            )
            subject, body = _message(req, kind, today)
            # Inside the transaction: if sending fails the row goes too and we retry tomorrow.
            send_mail(subject, body, None, to)
    except IntegrityError:
        return False  # already sent (another run got there first)
    return True


def send_reminders(today: date | None = None) -> dict:
    """Send today's reminders. Returns {"due_soon": n, "overdue": n, "refreshed": n,
    "rate_limits_purged": n} (the last: expired portal rate-limit rows deleted, daily upkeep)."""
    from .public_services import purge_rate_limits
    from .services import recompute_open_cases

    today = today or timezone.localdate()
    # Pauses end by themselves (an unanswered consultation after 15 WD): refresh those first.
    refreshed = recompute_open_cases(statuses=PAUSED_STATUSES)
    counts = {
        "due_soon": 0,
        "overdue": 0,
        "refreshed": refreshed,
        "rate_limits_purged": purge_rate_limits(),
    }
    base = (
        InfoRequest.objects.filter(status__in=CLOCK_STATUSES, due_on__isnull=False)
        .select_related("agency", "assignee")
        .order_by("pk")
    )
    # Overdue: due date passed (sent on the first run after it, once per due date).
    for req in base.filter(due_on__lt=today).exclude(
        reminders__kind=Reminder.Kind.OVERDUE, reminders__due_on=F("due_on")
    ):
        counts["overdue"] += _send_one(req, Reminder.Kind.OVERDUE, today)
    # Due soon: due within 3 WD by the agency's calendar. The query is bounded by the national
    # limit plus a margin (regional calendars only add a few holidays), then checked per region.
    bound = due_soon_limit(today) + timedelta(days=10)
    by_region: dict[str, date] = {}
    for req in base.filter(due_on__gte=today, due_on__lte=bound).exclude(
        reminders__kind=Reminder.Kind.DUE_SOON, reminders__due_on=F("due_on")
    ):
        region = req.agency.region_code or ""
        if region not in by_region:
            by_region[region] = due_soon_limit(today, req.agency)
        if req.due_on <= by_region[region]:
            counts["due_soon"] += _send_one(req, Reminder.Kind.DUE_SOON, today)
    return counts

"""Writes and reads done for the portal (anonymous applicants). The case itself is created by
``services.submit`` (channel ``online``; ``received_on`` is set when staff confirm, Art. 31(3)).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import services
from .models import (
    Attachment,
    EventKind,
    InfoRequest,
    InfoRequestEvent,
    RateLimitCounter,
    Status,
)

log = logging.getLogger(__name__)

# Events shown to the applicant on the tracking page (no internal notes, no assignment, no names).
PUBLIC_EVENT_KINDS = (
    "submitted",
    "received",
    "amendment_requested",
    "amendment_received",
    "consultation_started",
    "consultation_answered",
    "extension_granted",
    "custom_due_date",
    "fee_notice_sent",
    "fee_paid",
    "replied",
    "closed",
)
APPLICANT_AMENDMENT = "amendment"  # payload["purpose"] of a 补正 sent through the portal


def _setting(name: str, default):
    return getattr(settings, "GONGKAI", {}).get(name, default)


def rate_limited(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit of ``key`` in a fixed window; True once more than ``limit`` hits were seen.

    The counter is a database row (``RateLimitCounter``) incremented with one atomic
    ``UPDATE … SET count = count + 1``, so every server process (gunicorn workers, several
    machines) shares it — a per-process cache would multiply the limit by the number of workers.
    ``key`` (an IP address) is stored only as a keyed hash. Rows of past windows are deleted when
    a new window row is created, and by the daily job (:func:`purge_rate_limits`, called from
    ``reminders.send_reminders``) for clients that never came back.
    """
    now = timezone.now()
    window = max(int(window), 1)
    start = int(now.timestamp()) // window * window
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}\n{key}".encode(), hashlib.sha256
    ).hexdigest()
    ident = {"scope": scope[:20], "key": digest, "window_start": start}
    rows = RateLimitCounter.objects.filter(**ident)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(
                        **ident,
                        count=1,
                        expires_at=datetime.fromtimestamp(start + window, tz=UTC),
                    )
            except IntegrityError:  # another process created it first: count on it
                rows.update(count=F("count") + 1)
            else:
                RateLimitCounter.objects.filter(expires_at__lt=now).delete()
        n = rows.values_list("count", flat=True).get()
    return n > limit


def purge_rate_limits(now=None) -> int:
    """Delete the counter rows of windows that have ended; returns how many were deleted.

    ``rate_limited`` only sweeps when some client opens a new window, so on a quiet portal the
    rows of the last burst would stay; the daily reminders job calls this (``send_reminders``).
    """
    deleted, _ = RateLimitCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def client_ip(request) -> str:
    """The address rate limits count by: REMOTE_ADDR (bin/start serves directly). Behind a
    reverse proxy set GONGKAI["CLIENT_IP_HEADER"] (e.g. "HTTP_X_REAL_IP") to the header the proxy
    overwrites; never trust X-Forwarded-For as sent by clients."""
    header = _setting("CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def apply_limit() -> tuple[int, int]:
    return _setting("PORTAL_APPLY_LIMIT", 30), _setting("PORTAL_APPLY_WINDOW", 3600)


def track_limit() -> tuple[int, int]:
    return _setting("PORTAL_TRACK_LIMIT", 20), _setting("PORTAL_TRACK_WINDOW", 900)


def submit_online(agency, form) -> tuple[InfoRequest, str]:
    """Create the case from a valid ``ApplicationForm`` (one transaction, nothing on error)."""
    d = form.cleaned_data
    return services.submit(
        agency,
        channel="online",
        applicant_type=d["applicant_type"],
        applicant=form.applicant_data(),
        description=d["description"],
        form_requested=d["form_requested"],
        delivery=d["delivery"],
        document_number=d.get("document_number", ""),
        actor=None,
        files=d.get("files") or (),
    )


def send_acknowledgement(req: InfoRequest, code: str) -> bool:
    """E-mail the tracking number and access code to the applicant (if they gave an address)."""
    email = getattr(getattr(req, "applicant", None), "email", "")
    if not email:
        return False
    with translation.override("zh-hans"):
        body = render_to_string(
            "inforequests/portal/ack_email.txt", {"req": req, "code": code, "agency": req.agency}
        )
        subject = _("政府信息公开申请已提交（申请编号 %(n)s）") % {"n": req.tracking_number}
    try:
        send_mail(subject, body, None, [email])
    except Exception:  # noqa: BLE001 — the page already shows the code; never crash on mail
        log.warning("acknowledgement e-mail failed for case %s", req.pk)
        return False
    return True


_DUMMY_HASH = "0" * 64


def find_case(agency_id: int, tracking_number: str, code: str) -> InfoRequest | None:
    """The case if agency, number and access code all match; constant-time code comparison,
    and the same work (one HMAC) whether or not the number exists."""
    req = (
        InfoRequest.objects.select_related("agency")
        .filter(agency_id=agency_id, tracking_number=tracking_number.strip())
        .first()
    )
    if req is None:
        hmac.compare_digest(_DUMMY_HASH, services._hash_code(code))
        return None
    return req if services.check_access_code(req, code) else None


@transaction.atomic
def submit_amendment_online(req: InfoRequest, text: str = "", files=()) -> InfoRequestEvent:
    """The applicant sends a 补正 through the tracking page while one is requested (Art. 30).

    Recorded as a ``file_added`` event (actor None, payload ``source="applicant"``,
    ``purpose="amendment"``) with the files; staff then record ``amendment_received`` with the
    day the corrected application counts as received, which restarts the clock.
    """
    req = InfoRequest.objects.select_for_update().get(pk=req.pk)
    if req.status != Status.AWAITING_AMENDMENT:
        raise ValidationError(_("该申请当前不需要补正"))
    ev = InfoRequestEvent(
        request=req,
        kind=EventKind.FILE_ADDED,
        on=timezone.localdate(),
        actor=None,
        payload={"source": "applicant", "purpose": APPLICANT_AMENDMENT, "text": text[:5000]},
    )
    ev.save()
    for f in files or ():
        Attachment(
            request=req,
            event=ev,
            direction=Attachment.Direction.IN,
            file=f,
            name=str(getattr(f, "name", "file"))[:255],
            size=getattr(f, "size", 0) or 0,
            content_type=(getattr(f, "content_type", "") or "")[:100],
        ).save()
    return ev


def pending_online_amendment(req: InfoRequest, events) -> InfoRequestEvent | None:
    """The applicant's 补正 sent after the last request and not yet recorded by staff."""
    last_request = None
    for e in events:
        if e.kind == "amendment_requested":
            last_request = e
    if last_request is None:
        return None
    sent = None
    for e in events:
        if (
            e.kind == "file_added"
            and (e.payload or {}).get("purpose") == APPLICANT_AMENDMENT
            and (e.on, e.pk) >= (last_request.on, last_request.pk)
        ):
            sent = e
        if e.kind == "amendment_received" and (e.on, e.pk) > (last_request.on, last_request.pk):
            return None
    return sent

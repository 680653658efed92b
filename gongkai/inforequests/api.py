"""API for applications, mounted at /api/requests/.

- ``POST /api/requests/``: submit an application (the portal form; channel ``online``). Returns the
  tracking number and the access code (shown once). Rate-limited per client IP (a database counter shared by all processes).
- ``GET /api/requests/deadline?received=YYYY-MM-DD&event=kind:date[:extra]&as_of=…``: the legal
  clock (same output as ``gongkai deadline``).

Errors are JSON ``{"detail": "<Chinese message>", "errors": {field: [messages]}}``; nothing is
saved when a submission is rejected.
"""

from __future__ import annotations

import os
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Schema, Status

from gongkai.agencies.models import Agency
from gongkai.rules import deadlines

from . import services
from .models import Channel

router = Router(tags=["inforequests"])

# Submissions per client IP per minute (GONGKAI_SUBMIT_RATE_PER_MINUTE; 0 disables).
RATE_WINDOW_SECONDS = 60


def rate_limit() -> int:
    return int(os.environ.get("GONGKAI_SUBMIT_RATE_PER_MINUTE", "10"))


class ApplicantIn(Schema):
    name: str = ""
    id_type: str = ""
    id_number: str = ""
    uscc: str = ""
    legal_representative: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""


class SubmissionIn(Schema):
    agency_id: int
    applicant_type: str = ""
    applicant: ApplicantIn
    description: str = ""
    document_number: str = ""
    form_requested: str = ""
    delivery: str = ""
    fee_waiver_requested: bool = False


class SubmissionOut(Schema):
    tracking_number: str
    access_code: str
    agency_id: int
    agency_name: str
    submitted_at: datetime
    status: str
    status_label: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _client_ip(request) -> str:
    # Behind nginx set X-Real-IP; never trust a client-supplied X-Forwarded-For chain blindly.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "") or "?"


def _over_limit(request) -> bool:
    limit = rate_limit()
    if limit <= 0:
        return False
    from .public_services import rate_limited

    # The database counter shared by every process (public_services.rate_limited).
    return rate_limited("api-submit", _client_ip(request), limit, RATE_WINDOW_SECONDS)


@router.post(
    "/",
    response={201: SubmissionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="提交政府信息公开申请（网上申请）",
)
def submit(request, payload: SubmissionIn):
    if _over_limit(request):
        return Status(429, {"detail": "提交过于频繁，请稍后再试", "errors": {}})
    agency = Agency.objects.filter(pk=payload.agency_id, is_active=True).first()
    if agency is None:
        return Status(
            404, {"detail": "找不到该行政机关", "errors": {"agency_id": ["找不到该行政机关"]}}
        )
    try:
        req, code = services.submit(
            agency,
            channel=Channel.ONLINE,
            applicant_type=payload.applicant_type,
            applicant=payload.applicant.model_dump(),
            description=payload.description,
            document_number=payload.document_number,
            form_requested=payload.form_requested,
            delivery=payload.delivery,
            fee_waiver_requested=payload.fee_waiver_requested,
        )
    except ValidationError as e:
        errors = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
        first = next(iter(errors.values()))[0] if errors else "申请内容有误"
        return Status(400, {"detail": f"申请未提交：{first}", "errors": errors})
    except PermissionDenied as e:
        return Status(403, {"detail": str(e) or "无权提交", "errors": {}})
    return Status(
        201,
        {
            "tracking_number": req.tracking_number,
            "access_code": code,
            "agency_id": agency.pk,
            "agency_name": agency.name,
            "submitted_at": req.submitted_at,
            "status": req.status,
            "status_label": req.get_status_display(),
        },
    )


class DeadlineQuery(Schema):
    received: str
    event: list[str] = []
    as_of: str | None = None


@router.get("/deadline", response={200: dict, 400: ErrorOut}, summary="答复期限计算")
def deadline(request, q: Query[DeadlineQuery]):
    from gongkai.workcalendar.services import calendar_for

    try:
        return Status(
            200,
            deadlines.compute_from_cli_args(
                q.received, q.event, q.as_of, calendar=calendar_for("")
            ),
        )
    except deadlines.ClockError as e:
        return Status(400, {"detail": e.message, "errors": {}})

"""Writes for applications (依申请公开). One function per business action.

Every action: runs in one transaction, locks the case row, checks the actor's permission
(``PermissionDenied``), validates its input (``ValidationError`` with a Chinese message, nothing
saved), appends one ``InfoRequestEvent`` and then calls ``recompute`` which replays all events
through the legal clock (gongkai.rules.deadlines) and rewrites the derived columns. A clock error
(e.g. an extension over 20 WD) rolls the whole action back.

Public API (stable; the portal, letters and annual report code use it)::

    submit(agency, *, channel, applicant_type, applicant, description, form_requested, delivery,
           document_number="", fee_waiver_requested=False, actor=None, submitted_at=None,
           received_on=None, files=(), note="") -> (InfoRequest, raw_access_code)
    confirm_receipt(req, actor, on=None, method="", note="")
    assign(req, actor, assignee)
    request_amendment(req, actor, on=None, items="", respond_by=None)
    record_amendment(req, actor, on=None, note="", files=())
    start_consultation(req, actor, on=None, party="", kind="third_party", reason="",
                       delivered_on=None) -> event (event.payload["ref"])
    answer_consultation(req, actor, on=None, ref="", opinion="", note="", files=())
    grant_extension(req, actor, on=None, workdays=20, reason="")            # head only
    set_custom_due_date(req, actor, on=None, due_on=..., reason="")         # head only, Art. 35
    issue_fee_notice(req, actor, on=None, method="per_page", count=0, pages=0,
                     count_in_month_before=None, amount=None, delivered_on=None) -> FeeNotice
    record_payment(req, actor, on=None)
    reply(req, actor, on=None, outcome=..., legal_basis="", reasons="", files=()) -> event
    close(req, actor, on=None, note="")
    add_note(req, actor, text="", files=())
    recompute(req, save=True, events=None) -> ClockState | None
    compute_state(req, events=None, as_of=None) -> ClockState | None   # live clock, no writes
    recompute_open_cases(years=None, agency_ids=None, statuses=OPEN_STATUSES) -> int
    open_consultations(req) -> list[InfoRequestEvent]
    next_tracking_number(agency, year) -> str          # inside the caller's transaction
    check_access_code(req, raw_code) -> bool
    letters_suspended()                                # context manager: no letters generated
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import uuid
from contextlib import contextmanager
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.permissions import Action, can
from gongkai.core.i18n import localize
from gongkai.rules import deadlines
from gongkai.rules.uscc import InvalidUSCC, validate_uscc

from .models import (
    CLOCK_EVENT_KINDS,
    CONFIRMATION_CHANNELS,
    LETTER_EVENT_KINDS,
    OPEN_STATUSES,
    OUTCOME_KEYS,
    Applicant,
    ApplicantType,
    Attachment,
    Channel,
    Delivery,
    EventKind,
    FeeNotice,
    FormRequested,
    IdType,
    InfoRequest,
    InfoRequestEvent,
    Status,
    TrackingCounter,
    validate_upload,
)

log = logging.getLogger(__name__)

ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
ACCESS_CODE_LENGTH = 12
NEEDS_REASONS = ("partially_disclosed", "withheld.", "unavailable.", "not_processed.", "other.")

# Default legal basis per outcome (Art. 36 / RULES.md D-36), offered in the reply form.
OUTCOME_BASIS = {
    "disclosed": "《政府信息公开条例》第三十六条第（二）项",
    "partially_disclosed": "《政府信息公开条例》第三十七条",
    "withheld.state_secret": "《政府信息公开条例》第十四条、第三十六条第（三）项",
    "withheld.prohibited_by_law": "《政府信息公开条例》第十四条、第三十六条第（三）项",
    "withheld.security_stability": "《政府信息公开条例》第十四条、第三十六条第（三）项",
    "withheld.third_party_rights": "《政府信息公开条例》第十五条、第三十六条第（三）项",
    "withheld.internal_affairs": "《政府信息公开条例》第十六条第一款、第三十六条第（三）项",
    "withheld.process_information": "《政府信息公开条例》第十六条第二款、第三十六条第（三）项",
    "withheld.enforcement_files": "《政府信息公开条例》第十六条第二款、第三十六条第（三）项",
    "withheld.query_regime": "《政府信息公开条例》第三十六条第（七）项",
    "unavailable.not_held": "《政府信息公开条例》第三十六条第（四）项",
    "unavailable.needs_creation": "《政府信息公开条例》第三十八条",
    "unavailable.unclear_after_amendment": "《政府信息公开条例》第三十条",
    "not_processed.petition": "《政府信息公开条例》第三十九条第一款",
    "not_processed.repeated": "《政府信息公开条例》第三十六条第（六）项",
    "not_processed.publication": "《政府信息公开条例》第三十九条第二款",
    "not_processed.excessive": "《政府信息公开条例》第三十五条",
    "not_processed.confirmation": "《政府信息公开条例》第三十九条",
    "other.no_amendment": "《政府信息公开条例》第三十条",
    "other.fee_unpaid": "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
    "other.other": "",
}


# ---------------------------------------------------------------------------- helpers


def _today() -> date:
    return timezone.localdate()


def _require(actor, action, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(_("您没有权限办理此申请"))


def _lock(req: InfoRequest) -> InfoRequest:
    return InfoRequest.objects.select_for_update().select_related("agency").get(pk=req.pk)


def _date(value, what: str, *, default_today=True) -> date | None:
    if value in (None, ""):
        return _today() if default_today else None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            _("%(what)s“%(v)s”不是有效日期（YYYY-MM-DD）"), params={"what": what, "v": value}
        ) from None


def _not_future(d: date, what: str) -> None:
    if d > _today():
        raise ValidationError(_("%(what)s不能晚于今天"), params={"what": what})


def _require_status(req: InfoRequest, allowed, message: str) -> None:
    if req.status not in allowed:
        raise ValidationError(message, code="bad_status")


def _hash_code(code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise_access_code(code).encode(), hashlib.sha256).hexdigest()


def normalise_access_code(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def new_access_code() -> str:
    # 12 chars of a 31-letter alphabet ≈ 59 bits: a fast keyed hash suffices (no brute force).
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def check_access_code(req: InfoRequest, raw_code: str) -> bool:
    return hmac.compare_digest(req.access_code_hash, _hash_code(raw_code))


def _calendar(agency):
    from gongkai.workcalendar.services import calendar_for

    return calendar_for(agency.region_code or "")


def next_tracking_number(agency, year: int) -> str:
    """Issue the next number of the agency's year: no gaps, no duplicates (row lock on the counter).

    Must run inside the transaction that saves the case, so a rolled-back submission gives its
    number back.
    """
    counter = TrackingCounter.objects.select_for_update().filter(agency=agency, year=year).first()
    if counter is None:
        # First number of the year. A concurrent first insert loses on the unique constraint
        # (inside a savepoint) and then takes the row lock like everyone else.
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(agency=agency, year=year, last=0)
        except IntegrityError:
            pass
        counter = TrackingCounter.objects.select_for_update().get(agency=agency, year=year)
    counter.last += 1
    TrackingCounter.objects.filter(pk=counter.pk).update(last=counter.last)
    return f"{year}-{counter.last:06d}"


def _attach(req, event, files, direction, actor) -> list[Attachment]:
    out = []
    for f in files or ():
        a = Attachment(
            request=req,
            event=event,
            direction=direction,
            file=f,
            name=str(getattr(f, "name", "file"))[:255],
            size=getattr(f, "size", 0) or 0,
            content_type=(getattr(f, "content_type", "") or "")[:100],
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        a.save()
        out.append(a)
    return out


def _validate_files(files) -> None:
    errors = []
    for f in files or ():
        try:
            validate_upload(f)
        except ValidationError as e:
            errors.extend(e.messages)
    if errors:
        raise ValidationError({"files": errors})


_local = threading.local()


@contextmanager
def letters_suspended():
    """Skip letter generation in this thread (bulk imports, demo data, tests); the letters can be
    generated later with ``letters.generate_for_event``."""
    before = getattr(_local, "no_letters", False)
    _local.no_letters = True
    try:
        yield
    finally:
        _local.no_letters = before


def _letters_hook(event: InfoRequestEvent) -> None:
    """Write the pending letter row for this event; its DOCX/PDF are rendered after the
    action's commit (``letters.schedule_for_event``), so rendering never holds or undoes it.
    """
    if event.kind not in LETTER_EVENT_KINDS or getattr(_local, "no_letters", False):
        return
    from gongkai.inforequests import letters

    letters.schedule_for_event(event)


def _event(req, kind, actor, on, payload=None) -> InfoRequestEvent:
    ev = InfoRequestEvent(
        request=req,
        kind=kind,
        on=on,
        actor=actor if getattr(actor, "pk", None) else None,
        payload=payload or {},
    )
    ev.save()
    return ev


def _act(req, kind, actor, on, payload=None, files=(), direction="in") -> InfoRequestEvent:
    """Append an event, attach files, recompute, run the letters hook (inside the caller's tx)."""
    ev = _event(req, kind, actor, on, payload)
    _attach(req, ev, files, direction, actor)
    recompute(req)
    _letters_hook(ev)
    return ev


# ---------------------------------------------------------------------------- derivation


def clock_events(events) -> list[deadlines.ClockEvent]:
    """The case's events as the clock's ClockEvent list (same kind names)."""
    out = []
    for e in events:
        if e.kind not in CLOCK_EVENT_KINDS:
            continue
        p = e.payload or {}
        out.append(
            deadlines.ClockEvent(
                kind=e.kind,
                on=e.on,
                workdays=p.get("workdays"),
                due_on=_date(p["due_on"], "due_on") if p.get("due_on") else None,
                respond_by=_date(p["respond_by"], "respond_by") if p.get("respond_by") else None,
                delivered_on=_date(p["delivered_on"], "delivered_on")
                if p.get("delivered_on")
                else None,
                ref=p.get("ref", "") or "",
            )
        )
    return out


def compute_state(req: InfoRequest, events=None, as_of: date | None = None):
    """The live ClockState of a case (None before receipt is confirmed)."""
    events = list(req.events.all()) if events is None else events
    received = [e for e in events if e.kind == EventKind.RECEIVED]
    if not received:
        return None
    received_on = min(e.on for e in received)
    latest = max((e.on for e in events), default=received_on)
    as_of = as_of or max(_today(), latest)
    return deadlines.compute_clock(
        received_on, clock_events(events), as_of=as_of, calendar=_calendar(req.agency)
    )


_PAUSE_STATUS = {
    "amendment": Status.AWAITING_AMENDMENT,
    "consultation": Status.CONSULTATION,
    "fee": Status.AWAITING_FEE,
}
DERIVED_FIELDS = (
    "received_on",
    "status",
    "due_on",
    "assignee",
    "outcome",
    "legal_basis",
    "reasons",
    "replied_on",
    "closed_on",
    "clock_warnings",
)


def recompute(req: InfoRequest, save: bool = True, events=None):
    """Rewrite the derived columns of ``req`` from its events. Returns the ClockState (or None).

    A ClockError (contradictory events) becomes a ValidationError so the action rolls back.
    """
    events = list(req.events.order_by("on", "pk")) if events is None else events
    try:
        state = compute_state(req, events)
    except deadlines.ClockError as e:
        # In the request's language (the Chinese message where no msgid is known).
        raise ValidationError(localize(e.as_notice()), code=e.code) from None
    received = [e for e in events if e.kind == EventKind.RECEIVED]
    assigned = [e for e in events if e.kind == EventKind.ASSIGNED]
    replied = [e for e in events if e.kind == EventKind.REPLIED]
    closed = [e for e in events if e.kind == EventKind.CLOSED]

    req.received_on = min(e.on for e in received) if received else None
    req.assignee_id = assigned[-1].payload.get("assignee_id") if assigned else None
    if replied:
        last = replied[-1]
        req.outcome = last.payload.get("outcome")
        req.legal_basis = last.payload.get("legal_basis", "")
        req.reasons = last.payload.get("reasons", "")
        req.replied_on = last.on
    else:
        req.outcome, req.legal_basis, req.reasons, req.replied_on = None, "", "", None
    req.closed_on = closed[-1].on if closed else None
    req.due_on = state.due_on if state else None
    req.clock_warnings = [w.get("code", "") for w in state.warnings] if state else []
    if closed:
        req.status = Status.CLOSED
    elif replied:
        req.status = Status.REPLIED
    elif state is None:
        req.status = Status.TO_CONFIRM
    else:
        req.status = _PAUSE_STATUS.get(state.pause_reason, Status.IN_PROGRESS)
    if save and req.pk:
        InfoRequest.objects.filter(pk=req.pk).update(
            **{
                ("assignee_id" if f == "assignee" else f): getattr(
                    req, "assignee_id" if f == "assignee" else f
                )
                for f in DERIVED_FIELDS
            },
            updated_at=timezone.now(),
        )
    return state


def _open_cases(years=None, agency_ids=None, statuses=OPEN_STATUSES):
    qs = InfoRequest.objects.filter(status__in=statuses, received_on__isnull=False)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    if years:
        lo, hi = date(min(years), 1, 1), date(max(years), 12, 31)
        # A change in year Y matters to cases received by the end of Y whose clock is not over
        # before Y starts (open pauses have no due date yet: always recompute those).
        qs = qs.filter(received_on__lte=hi).filter(Q(due_on__gte=lo) | Q(due_on__isnull=True))
    return qs


def recompute_open_cases(years=None, agency_ids=None, statuses=OPEN_STATUSES) -> int:
    """Recompute stored due dates of open cases whose clock window touches ``years``.

    Called when calendar overrides change (gongkai.workcalendar.services.calendar_changed) and by
    the daily task (pauses that end by themselves). Returns the number of cases rewritten.
    """
    qs = _open_cases(years, agency_ids, statuses)
    changed: list[InfoRequest] = []
    n = 0
    for req in qs.select_related("agency").prefetch_related("events").iterator(chunk_size=500):
        events = sorted(req.events.all(), key=lambda e: (e.on, e.pk))
        before = (req.status, req.due_on, req.clock_warnings)
        try:
            recompute(req, save=False, events=events)
        except ValidationError:
            log.warning("clock error while recomputing case %s", req.pk)
            continue
        if (req.status, req.due_on, req.clock_warnings) != before:
            changed.append(req)
            n += 1
        if len(changed) >= 500:
            InfoRequest.objects.bulk_update(changed, ["status", "due_on", "clock_warnings"])
            changed.clear()
    if changed:
        InfoRequest.objects.bulk_update(changed, ["status", "due_on", "clock_warnings"])
    return n


# Up to this many affected cases are recomputed at once when the calendar changes; more go to
# the background worker (``gongkai db_worker``) so the admin's save stays quick.
CALENDAR_INLINE_LIMIT = 2000


def on_calendar_changed(sender, years=None, **kwargs):
    years = set(years or ())
    if _open_cases(years or None).count() <= CALENDAR_INLINE_LIMIT:
        recompute_open_cases(years=years or None)
        return
    from .tasks import recompute_after_calendar_change

    transaction.on_commit(
        lambda: recompute_after_calendar_change.enqueue(years=sorted(years) or None)
    )


# ---------------------------------------------------------------------------- intake


def _clean_applicant(applicant_type: str, data: dict) -> Applicant:
    errors: dict[str, list[str]] = {}
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in (data or {}).items()}
    allowed = {f.name for f in Applicant._meta.get_fields()} - {"id", "request"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(_("申请人信息含有无法识别的字段：%s") % "、".join(sorted(unknown)))
    a = Applicant(**data)
    if not a.name:
        errors.setdefault("name", []).append(_("请填写申请人姓名或名称"))
    if applicant_type == ApplicantType.natural:
        if not a.id_type:
            errors.setdefault("id_type", []).append(_("请选择身份证件类型"))
        if not a.id_number:
            errors.setdefault("id_number", []).append(_("请填写身份证件号码"))
        elif a.id_type == IdType.RESIDENT_ID:
            from stdnum.cn import ric

            if not ric.is_valid(a.id_number):
                errors.setdefault("id_number", []).append(_("居民身份证号码无效，请核对"))
            else:
                a.id_number = ric.compact(a.id_number)
    else:
        if not a.uscc:
            errors.setdefault("uscc", []).append(_("法人或其他组织请填写统一社会信用代码"))
        else:
            try:
                a.uscc = validate_uscc(a.uscc)
            except InvalidUSCC as e:
                errors.setdefault("uscc", []).append(str(e))
    if not (a.phone or a.email or a.address):
        errors.setdefault("phone", []).append(
            _("请至少填写一种联系方式（电话、电子邮箱或通信地址）")
        )
    try:
        a.full_clean(exclude=["request"])
    except ValidationError as e:
        for k, msgs in e.message_dict.items():
            errors.setdefault(k, []).extend(m for m in msgs if m not in errors.get(k, []))
    if errors:
        raise ValidationError(errors)
    return a


def submit(
    agency,
    *,
    channel: str,
    applicant_type: str,
    applicant: dict,
    description: str,
    form_requested: str,
    delivery: str,
    document_number: str = "",
    fee_waiver_requested: bool = False,
    actor=None,
    submitted_at: datetime | None = None,
    received_on: date | str | None = None,
    files=(),
    note: str = "",
) -> tuple[InfoRequest, str]:
    """Register an application. Returns the case and its raw access code (shown once).

    ``actor=None`` is the public portal: channel must be ``online`` and the receipt date is set
    later by ``confirm_receipt`` (Art. 31(3)). Staff entering in-person, oral or signed-post
    applications get ``received_on`` = that day / the signing day (Art. 31(1)(2)); for plain post,
    e-mail and fax they may give the day receipt was confirmed with the applicant.
    """
    if actor is not None:
        _require(actor, Action.EDIT, agency)
    elif channel != Channel.ONLINE:
        raise PermissionDenied(_("公众只能通过网上申请提交"))
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("请选择有效的申请方式")]
    if applicant_type not in ApplicantType.values:
        errors["applicant_type"] = [_("请选择有效的申请人类型")]
    description = (description or "").strip()
    if len(description) < 4:
        errors["description"] = [_("请具体描述所需政府信息（名称、文号或者便于查询的其他特征）")]
    elif len(description) > 5000:
        errors["description"] = [_("信息描述不得超过5000字")]
    if form_requested not in FormRequested.values:
        errors["form_requested"] = [_("请选择获取信息的形式")]
    if delivery not in Delivery.values:
        errors["delivery"] = [_("请选择获取信息的方式")]
    document_number = (document_number or "").strip()
    if len(document_number) > 100:
        errors["document_number"] = [_("文号过长")]
    submitted_at = submitted_at or timezone.now()
    submitted_day = timezone.localdate(submitted_at)
    if submitted_day > _today():
        errors["submitted_at"] = [_("提交时间不能晚于今天")]
    rec = None
    if channel in (Channel.IN_PERSON, Channel.ORAL):
        rec = submitted_day  # Art. 31(1): the day it is handed in
    elif channel == Channel.POST_SIGNED or (actor is not None and received_on):
        try:
            rec = _date(received_on, _("收到申请之日"))
        except ValidationError as e:
            errors["received_on"] = e.messages
        if rec and (rec < submitted_day or rec > _today()):
            errors["received_on"] = [_("收到（签收/确认）日期应在提交日期之后且不晚于今天")]
    try:
        person = _clean_applicant(applicant_type, applicant)
    except ValidationError as e:
        for k, msgs in e.message_dict.items():
            errors[f"applicant.{k}" if k != "__all__" else "applicant"] = msgs
        person = None
    if person is not None and delivery == Delivery.EMAIL and not person.email:
        errors["applicant.email"] = [_("选择电子邮件方式获取信息时请填写电子邮箱")]
    if person is not None and delivery == Delivery.POST and not person.address:
        errors["applicant.address"] = [_("选择邮寄方式获取信息时请填写通信地址")]
    try:
        _validate_files(files)
    except ValidationError as e:
        errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)

    code = new_access_code()
    with transaction.atomic():
        req = InfoRequest(
            agency=agency,
            tracking_number=next_tracking_number(agency, submitted_day.year),
            access_code_hash=_hash_code(code),
            channel=channel,
            submitted_at=submitted_at,
            applicant_type=applicant_type,
            description=description,
            document_number=document_number,
            form_requested=form_requested,
            delivery=delivery,
            fee_waiver_requested=bool(fee_waiver_requested),
        )
        req.save()
        person.request = req
        person.save()
        ev = _event(
            req,
            EventKind.SUBMITTED,
            actor,
            submitted_day,
            {"channel": channel, "note": (note or "")[:1000]},
        )
        _attach(req, ev, files, "in", actor)
        events = [ev]
        if rec is not None:
            how = {
                Channel.IN_PERSON: "in_person",
                Channel.ORAL: "oral",
                Channel.POST_SIGNED: "signed",
            }.get(channel, "confirmed")
            ev2 = _event(req, EventKind.RECEIVED, actor, rec, {"method": how})
            events.append(ev2)
            recompute(req, events=events)  # the events are in hand: no query
        # else: only "submitted" — the defaults (to_confirm, no clock) are already the derivation
        if rec is not None:
            _letters_hook(ev2)
    return req, code


# ---------------------------------------------------------------------------- actions


@transaction.atomic
def confirm_receipt(req, actor, on=None, method: str = "", note: str = ""):
    """Art. 31(2)(3): plain post, online, e-mail, fax — the day receipt is confirmed."""
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, (Status.TO_CONFIRM,), _("该申请已确认收到"))
    on = _date(on, _("确认日期"))
    _not_future(on, _("确认日期"))
    if on < timezone.localdate(req.submitted_at):
        raise ValidationError(_("确认收到的日期不能早于提交日期"))
    if req.channel not in CONFIRMATION_CHANNELS:
        raise ValidationError(_("该申请方式不需要确认收到"))
    return _act(req, EventKind.RECEIVED, actor, on, {"method": method or "confirmed", "note": note})


@transaction.atomic
def assign(req, actor, assignee):
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, OPEN_STATUSES, _("已答复的申请不能再分办"))
    if assignee is not None and not can(assignee, Action.EDIT, req.agency):
        raise ValidationError(_("承办人须为本机关的信息员、审核人或负责人"))
    return _act(
        req,
        EventKind.ASSIGNED,
        actor,
        _today(),
        {"assignee_id": assignee.pk if assignee else None},
    )


_RUNNING = (Status.IN_PROGRESS, Status.CONSULTATION, Status.AWAITING_FEE)


@transaction.atomic
def request_amendment(req, actor, on=None, items: str = "", respond_by=None):
    """Art. 30: tell the applicant once, within 7 WD, what to amend; the clock stops."""
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, (Status.IN_PROGRESS,), _("只有办理中的申请可以要求补正"))
    items = (items or "").strip()
    if not items:
        raise ValidationError({"items": [_("请写明需要补正的事项")]})
    on = _date(on, _("补正通知日期"))
    _not_future(on, _("补正通知日期"))
    respond_by = _date(respond_by, _("补正期限"), default_today=False)
    payload = {"items": items}
    if respond_by:
        if respond_by < on:
            raise ValidationError({"respond_by": [_("补正期限不能早于通知日期")]})
        payload["respond_by"] = respond_by.isoformat()
    return _act(req, EventKind.AMENDMENT_REQUESTED, actor, on, payload)


@transaction.atomic
def record_amendment(req, actor, on=None, note: str = "", files=()):
    """Art. 30: the corrected application arrives — day 0 again, a fresh 20 WD."""
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, (Status.AWAITING_AMENDMENT,), _("该申请没有待补正的通知"))
    _validate_files(files)
    on = _date(on, _("收到补正日期"))
    _not_future(on, _("收到补正日期"))
    return _act(req, EventKind.AMENDMENT_RECEIVED, actor, on, {"note": note}, files)


CONSULTATION_KINDS = {
    "third_party": gettext_lazy("第三方（第三十二条）"),
    "agency": gettext_lazy("其他机关（第三十四条）"),
}


@transaction.atomic
def start_consultation(
    req, actor, on=None, party: str = "", kind: str = "third_party", reason="", delivered_on=None
):
    """Arts. 32, 34: written consultation; the clock pauses (RULES.md §I.5)."""
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, _RUNNING, _("只有办理中的申请可以征求意见"))
    party = (party or "").strip()
    if not party:
        raise ValidationError({"party": [_("请填写被征求意见的第三方或机关")]})
    if kind not in CONSULTATION_KINDS:
        raise ValidationError({"kind": [_("请选择征求意见的对象类型")]})
    on = _date(on, _("发函日期"))
    _not_future(on, _("发函日期"))
    payload = {"party": party[:200], "consultation_kind": kind, "reason": reason, "ref": ""}
    delivered_on = _date(delivered_on, _("送达日期"), default_today=False)
    if delivered_on:
        payload["delivered_on"] = delivered_on.isoformat()
    payload["ref"] = uuid.uuid4().hex[:8]
    return _act(req, EventKind.CONSULTATION_STARTED, actor, on, payload, direction="out")


def open_consultations(req) -> list[InfoRequestEvent]:
    evs = list(req.events.filter(kind__in=["consultation_started", "consultation_answered"]))
    answered = {e.payload.get("ref") for e in evs if e.kind == "consultation_answered"}
    return [
        e for e in evs if e.kind == "consultation_started" and e.payload.get("ref") not in answered
    ]


@transaction.atomic
def answer_consultation(req, actor, on=None, ref: str = "", opinion: str = "", note="", files=()):
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, _RUNNING, _("该申请不在征求意见中"))
    _validate_files(files)
    pending = open_consultations(req)
    if not pending:
        raise ValidationError(_("没有进行中的征求意见"))
    if ref:
        if ref not in {e.payload.get("ref") for e in pending}:
            raise ValidationError({"ref": [_("找不到该征求意见")]})
    else:
        ref = pending[0].payload.get("ref")
    on = _date(on, _("收到意见日期"))
    _not_future(on, _("收到意见日期"))
    if opinion not in ("agree", "object", "none", ""):
        raise ValidationError({"opinion": [_("无效的意见类型")]})
    payload = {"ref": ref, "opinion": opinion or "none", "note": note}
    return _act(req, EventKind.CONSULTATION_ANSWERED, actor, on, payload, files)


@transaction.atomic
def grant_extension(req, actor, on=None, workdays: int = 20, reason: str = ""):
    """Art. 33¶2: approved by the head of the disclosure office and notified; ≤ 20 WD in total."""
    req = _lock(req)
    _require(actor, Action.APPROVE, req)
    _require_status(req, _RUNNING, _("只有办理中的申请可以延期"))
    try:
        workdays = int(workdays)
    except (TypeError, ValueError):
        raise ValidationError({"workdays": [_("延期天数须为整数")]}) from None
    if not 1 <= workdays <= 20:
        raise ValidationError({"workdays": [_("延长期限为1至20个工作日")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请写明延期理由")]})
    on = _date(on, _("批准日期"))
    _not_future(on, _("批准日期"))
    payload = {"workdays": workdays, "reason": reason.strip(), "approved_by": actor.pk}
    return _act(req, EventKind.EXTENSION_GRANTED, actor, on, payload)


@transaction.atomic
def set_custom_due_date(req, actor, on=None, due_on=None, reason: str = ""):
    """Art. 35: reasonable later reply date set by the organ and notified to the applicant."""
    req = _lock(req)
    _require(actor, Action.APPROVE, req)
    _require_status(req, _RUNNING, _("只有办理中的申请可以另行确定答复期限"))
    on = _date(on, _("确定日期"))
    due = _date(due_on, _("答复期限"), default_today=False)
    if not due:
        raise ValidationError({"due_on": [_("请填写另行确定的答复期限")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请写明理由")]})
    payload = {"due_on": due.isoformat(), "reason": reason.strip()}
    return _act(req, EventKind.CUSTOM_DUE_DATE, actor, on, payload)


def applicant_items_in_month(req: InfoRequest) -> int:
    """Applications of the same applicant (ID or USCC) received by this agency earlier in the
    month of ``req``'s receipt — the 按件 count before this one (F4, per calendar month)."""
    a = req.applicant
    key = Q(applicant__uscc=a.uscc) if a.uscc else Q(applicant__id_number=a.id_number)
    if not (a.uscc or a.id_number) or not req.received_on:
        return 0
    d = req.received_on
    return (
        InfoRequest.objects.filter(key, agency=req.agency)
        .filter(received_on__year=d.year, received_on__month=d.month)
        .filter(Q(received_on__lt=d) | Q(received_on=d, pk__lt=req.pk))
        .count()
    )


@transaction.atomic
def issue_fee_notice(
    req,
    actor,
    on=None,
    method: str = "per_page",
    count: int = 0,
    pages: int = 0,
    count_in_month_before: int | None = None,
    amount=None,
    delivered_on=None,
) -> FeeNotice:
    """F7: fee notice within the reply period; the clock pauses until payment (F8)."""
    from gongkai.rules import fees

    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, (Status.IN_PROGRESS, Status.CONSULTATION), _("当前状态不能发出收费通知"))
    on = _date(on, _("通知日期"))
    _not_future(on, _("通知日期"))
    if method not in FeeNotice.Method.values:
        raise ValidationError({"method": [_("请选择计收方式（按件或按量，二者只能选其一）")]})
    try:
        count, pages = int(count or 0), int(pages or 0)
    except (TypeError, ValueError):
        raise ValidationError(_("件数和页数须为整数")) from None
    if count_in_month_before is None:
        count_in_month_before = applicant_items_in_month(req) if method == "per_item" else 0
    try:
        result = fees.compute_fee(
            method,
            pages=pages,
            items=count,
            count_in_month_before=int(count_in_month_before),
        )
    except fees.FeeError as e:
        raise ValidationError(str(e)) from None
    if amount is not None and str(amount).strip() != "":
        from decimal import Decimal, InvalidOperation

        try:
            if Decimal(str(amount)) != result.amount:
                raise ValidationError(_("金额与按标准计算的 %(a)s 元不符") % {"a": result.amount})
        except InvalidOperation:
            raise ValidationError(_("金额格式无效")) from None
    if result.amount <= 0:
        raise ValidationError(_("按标准计算不需要收费（未超过免费额度）"))
    delivered = _date(delivered_on, _("送达日期"), default_today=False)
    payload = {
        "method": method,
        "amount": str(result.amount),
        "count": count,
        "pages": pages,
    }
    if delivered:
        payload["delivered_on"] = delivered.isoformat()
    ev = _act(req, EventKind.FEE_NOTICE_SENT, actor, on, payload, direction="out")
    state = compute_state(req)
    notice = FeeNotice.objects.create(
        request=req,
        event=ev,
        method=method,
        count=count,
        count_in_month_before=int(count_in_month_before),
        pages=pages,
        amount=result.amount,
        lines=[ln.to_dict() for ln in result.lines],
        sent_on=on,
        delivered_on=delivered,
        payment_due_on=state.fee_payment_due_on if state else None,
    )
    return notice


@transaction.atomic
def record_payment(req, actor, on=None):
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, (Status.AWAITING_FEE,), _("该申请没有待缴费的收费通知"))
    on = _date(on, _("缴费日期"))
    _not_future(on, _("缴费日期"))
    notice = req.fee_notices.filter(paid_on__isnull=True).order_by("-sent_on", "-pk").first()
    ev = _act(req, EventKind.FEE_PAID, actor, on, {"fee_notice_id": notice.pk if notice else None})
    if notice:
        FeeNotice.objects.filter(pk=notice.pk).update(paid_on=on)
    return ev


@transaction.atomic
def reply(req, actor, on=None, outcome: str = "", legal_basis: str = "", reasons: str = "",
          files=()):  # fmt: skip
    """Art. 36: reply with one outcome (one result row of table 三), its legal basis and reasons."""
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(
        req,
        (Status.IN_PROGRESS, Status.AWAITING_AMENDMENT, Status.CONSULTATION, Status.AWAITING_FEE),
        _("该申请尚未确认收到或已经答复"),
    )
    errors = {}
    if outcome not in OUTCOME_KEYS:
        errors["outcome"] = [_("请选择办理结果")]
    legal_basis = (legal_basis or "").strip() or OUTCOME_BASIS.get(outcome, "")
    if not legal_basis and outcome != "other.other":
        errors["legal_basis"] = [_("请填写法律依据")]
    reasons = (reasons or "").strip()
    if outcome and outcome.startswith(NEEDS_REASONS) and not reasons:
        errors["reasons"] = [_("不予公开、部分公开、无法提供、不予处理等答复须说明理由")]
    try:
        _validate_files(files)
    except ValidationError as e:
        errors.update(e.message_dict)
    on = _date(on, _("答复日期"))
    if on > _today():
        errors["on"] = [_("答复日期不能晚于今天")]
    elif req.received_on and on < req.received_on:
        errors["on"] = [_("答复日期不能早于收到申请之日")]
    if errors:
        raise ValidationError(errors)
    payload = {"outcome": outcome, "legal_basis": legal_basis[:300], "reasons": reasons}
    return _act(req, EventKind.REPLIED, actor, on, payload, files, direction="out")


@transaction.atomic
def close(req, actor, on=None, note: str = ""):
    """Art. 45: archive (归档) a replied case."""
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    _require_status(req, (Status.REPLIED,), _("只有已答复的申请可以归档"))
    on = _date(on, _("归档日期"))
    _not_future(on, _("归档日期"))
    if req.replied_on and on < req.replied_on:
        raise ValidationError(_("归档日期不能早于答复日期"))
    return _act(req, EventKind.CLOSED, actor, on, {"note": note})


@transaction.atomic
def add_note(req, actor, text: str = "", files=()):
    req = _lock(req)
    _require(actor, Action.EDIT, req)
    text = (text or "").strip()
    if not text and not files:
        raise ValidationError({"text": [_("请填写备注或添加材料")]})
    _validate_files(files)
    kind = EventKind.NOTE if text else EventKind.FILE_ADDED
    return _act(req, kind, actor, _today(), {"text": text[:2000]}, files)

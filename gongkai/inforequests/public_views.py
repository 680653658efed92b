"""Portal pages of applications: apply (Art. 29), acknowledgement, tracking, 补正 upload, letter
download, and the deadline calculator. Anonymous; nothing here shows one applicant's data to anyone else, and the tracking page
shows no personal data at all (not even the applicant's own ID number or phone).

Access to a case is granted per browser session after a successful lookup (agency + tracking
number + access code) and expires after ``TRACK_SESSION_SECONDS``.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import Action, can
from gongkai.core.i18n import localize
from gongkai.rules import deadlines

from . import public_services as ps
from .letters import APPLICANT_KINDS
from .models import Attachment, InfoRequest, Letter, LetterStatus, Status
from .public_forms import AmendmentForm, ApplicationForm, TrackForm, consume_token, release_token
from .selectors import clock_words

TRACK_SESSION_KEY = "ir_tracked"
TRACK_SESSION_SECONDS = 2 * 3600
ACK_SESSION_KEY = "ir_ack"


def _agencies():
    return Agency.objects.filter(is_active=True).order_by("path")


# ---------------------------------------------------------------------------- apply


def apply(request):
    """Step 1: choose the agency (the organ that holds the information, Art. 10)."""
    q = (request.GET.get("q") or "").strip()
    agencies = _agencies()
    if q:
        agencies = agencies.filter(name__icontains=q)
    return render(request, "inforequests/portal/apply_choose.html", {"agencies": agencies, "q": q})


def _form_error_fields(form, err: ValidationError):
    """Map services.submit's error keys ("applicant.phone", "files", …) onto form fields."""
    if not hasattr(err, "error_dict"):
        for m in err.messages:
            form.add_error(None, m)
        return
    for key, msgs in err.message_dict.items():
        field = key.split(".", 1)[1] if key.startswith("applicant.") else key
        if field not in form.fields:
            field = None
        for m in msgs:
            form.add_error(field, m)


@never_cache
@require_http_methods(["GET", "POST"])
def apply_to(request, agency_id: int):
    agency = get_object_or_404(Agency, pk=agency_id, is_active=True)
    if request.method == "POST":
        limit, window = ps.apply_limit()
        if ps.rate_limited("apply", ps.client_ip(request), limit, window):
            return render(
                request,
                "inforequests/portal/rate_limited.html",
                {"agency": agency},
                status=429,
            )
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.token_data
            if not consume_token(data):
                # Second click / resubmission of the same page: never a second case.
                return render(
                    request, "inforequests/portal/duplicate.html", {"agency": agency}, status=409
                )
            try:
                req, code = ps.submit_online(agency, form)
            except ValidationError as e:
                release_token(data)
                _form_error_fields(form, e)
            else:
                request.session[ACK_SESSION_KEY] = {
                    "pk": req.pk,
                    "tracking_number": req.tracking_number,
                    "code": code,
                    "agency": agency.name,
                    "agency_id": agency.pk,
                    "emailed": ps.send_acknowledgement(req, code),
                }
                _grant(request, req)
                return redirect("inforequests_public:applied")
        token = form.fresh_token()
    else:
        form = ApplicationForm()
        token = form.initial["token"]
    return render(
        request,
        "inforequests/portal/apply_form.html",
        {"agency": agency, "form": form, "token": token, "question": form.question},
    )


@never_cache
def applied(request):
    """The acknowledgement: tracking number and access code, shown once."""
    ack = request.session.pop(ACK_SESSION_KEY, None)
    return render(request, "inforequests/portal/applied.html", {"ack": ack})


# ---------------------------------------------------------------------------- tracking


def _grant(request, req) -> None:
    tracked = {
        k: v for k, v in (request.session.get(TRACK_SESSION_KEY) or {}).items() if v > time.time()
    }
    tracked[str(req.pk)] = time.time() + TRACK_SESSION_SECONDS
    # Keep the session small: the ten most recent cases.
    request.session[TRACK_SESSION_KEY] = dict(sorted(tracked.items(), key=lambda kv: kv[1])[-10:])


def _granted(request, pk: int) -> bool:
    exp = (request.session.get(TRACK_SESSION_KEY) or {}).get(str(pk))
    return bool(exp and exp > time.time())


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    agencies = list(_agencies().only("pk", "name", "path"))
    if request.method == "POST":
        form = TrackForm(request.POST, agencies=agencies)
        limit, window = ps.track_limit()
        if ps.rate_limited("track", ps.client_ip(request), limit, window):
            return render(request, "inforequests/portal/rate_limited.html", {}, status=429)
        if form.is_valid():
            d = form.cleaned_data
            req = ps.find_case(d["agency"], d["tracking_number"], d["access_code"])
            if req is not None:
                _grant(request, req)
                return redirect("inforequests_public:track_case", pk=req.pk)
            form.add_error(None, _("未找到匹配的申请，请核对受理机关、申请编号和查询码"))
        token = form.fresh_token()
    else:
        form = TrackForm(agencies=agencies)
        token = form.initial["token"]
    return render(
        request,
        "inforequests/portal/track.html",
        {"form": form, "token": token, "question": form.question},
    )


def _clock_words(req, state) -> list[str]:
    """The legal clock of the case in plain Chinese sentences (RULES.md §I)."""
    from gongkai.documents import format_cn_date as cn

    out = []
    if req.status == Status.TO_CONFIRM:
        out.append(
            _(
                "您的申请已通过网络提交，正等待本机关确认收到。根据《政府信息公开条例》第三十一条，"
                "网上提交的申请以双方确认之日为收到申请之日，答复期限自该日起计算。"
            )
        )
        return out
    if req.received_on:
        out.append(_("本机关收到申请之日：%(d)s。") % {"d": cn(req.received_on)})
    if state is not None and state.start_on and state.start_on != req.received_on:
        out.append(
            _("本机关于%(d)s收到补正后的申请，答复期限自该日起重新计算。")
            % {"d": cn(state.start_on)}
        )
    if req.status in (Status.REPLIED, Status.CLOSED):
        if req.replied_on:
            out.append(_("本机关已于%(d)s作出答复。") % {"d": cn(req.replied_on)})
        return out
    if state is None:
        return out
    if state.lapsed == "no_amendment":
        out.append(_("补正期限已过而未收到补正，依照第三十条视为放弃申请。"))
        return out
    if state.lapsed == "fee_unpaid":
        out.append(_("缴费期限已过而未缴纳信息处理费，视为放弃申请。"))
        return out
    if state.pause_reason == "amendment":
        if state.amendment_respond_by:
            out.append(
                _(
                    "本机关已告知您补正申请，答复期限暂停计算；请于%(d)s前提交补正，"
                    "本机关收到补正后重新计算20个工作日。"
                )
                % {"d": cn(state.amendment_respond_by)}
            )
        else:
            out.append(
                _("本机关已告知您补正申请，答复期限暂停计算；本机关收到补正后重新计算20个工作日。")
            )
        return out
    if state.pause_reason == "consultation":
        out.append(_("本机关正在征求第三方或者其他机关意见，所需时间不计算在答复期限内。"))
    elif state.pause_reason == "fee":
        if state.fee_payment_due_on:
            out.append(
                _("本机关已发出信息处理费收费通知，等待缴费。缴费期限：%(d)s。")
                % {"d": cn(state.fee_payment_due_on)}
            )
        else:
            out.append(_("本机关已发出信息处理费收费通知，等待缴费。"))
    if state.custom_due_on:
        out.append(
            _("依照第三十五条，本机关另行确定的答复期限为%(d)s。") % {"d": cn(state.custom_due_on)}
        )
    elif state.due_on and state.extension_workdays:
        out.append(
            _("法定答复期限：%(d)s前（收到申请之日起20个工作日，经批准延长%(n)d个工作日）。")
            % {"d": cn(state.due_on), "n": state.extension_workdays}
        )
    elif state.due_on:
        out.append(
            _("法定答复期限：%(d)s前（收到申请之日起20个工作日）。") % {"d": cn(state.due_on)}
        )
    if state.due_on and state.due_on_provisional:
        out.append(_("该日期可能因暂停计算而顺延。"))
    if state.overdue:
        out.append(_("已超过答复期限%(n)d个工作日。") % {"n": state.overdue_workdays})
    elif state.due_on and not state.paused:
        out.append(
            _("已用%(u)d个工作日，剩余%(l)d个工作日。")
            % {"u": state.workdays_used, "l": state.workdays_left}
        )
    return out


def _case_context(request, req, amend_form=None, token=None):
    from . import services

    events = list(req.events.filter(kind__in=ps.PUBLIC_EVENT_KINDS + ("file_added",)))
    try:
        state = services.compute_state(req)
    except Exception:  # noqa: BLE001 — contradictory events: show the page without the clock
        state = None
    timeline = [
        e
        for e in events
        if e.kind in ps.PUBLIC_EVENT_KINDS
        or (e.kind == "file_added" and (e.payload or {}).get("source") == "applicant")
    ]
    amendment_items = ""
    for e in events:
        if e.kind == "amendment_requested":
            amendment_items = (e.payload or {}).get("items", "")
    pending = ps.pending_online_amendment(req, events)
    can_amend = req.status == Status.AWAITING_AMENDMENT and pending is None
    if can_amend and amend_form is None:
        amend_form = AmendmentForm()
        token = amend_form.initial["token"]
    # Only rendered letters: a pending or failed one is the organ's to fix (staff see it).
    letters = Letter.objects.filter(
        request=req, public=True, kind__in=APPLICANT_KINDS, status=LetterStatus.READY
    )
    return {
        "reply_files": _reply_files(req),
        "req": req,
        "agency": req.agency,
        "clock": _clock_words(req, state),
        "timeline": timeline,
        "letters": letters,
        "amendment_items": amendment_items,
        "pending_amendment": pending,
        "can_amend": can_amend,
        "amend_form": amend_form,
        "token": token,
        "question": getattr(amend_form, "question", ""),
    }


@never_cache
def track_case(request, pk: int):
    if not _granted(request, pk):
        messages.info(request, _("请先输入申请编号和查询码"))
        return redirect("inforequests_public:track")
    req = get_object_or_404(InfoRequest.objects.select_related("agency"), pk=pk)
    return render(request, "inforequests/portal/track_case.html", _case_context(request, req))


@never_cache
@require_http_methods(["POST"])
def track_amend(request, pk: int):
    if not _granted(request, pk):
        raise PermissionDenied
    req = get_object_or_404(InfoRequest.objects.select_related("agency"), pk=pk)
    limit, window = ps.apply_limit()
    if ps.rate_limited("amend", ps.client_ip(request), limit, window):
        return render(request, "inforequests/portal/rate_limited.html", {}, status=429)
    form = AmendmentForm(request.POST, request.FILES)
    if form.is_valid():
        if not consume_token(form.token_data):
            messages.info(request, _("补正材料已提交，请勿重复提交"))
            return redirect("inforequests_public:track_case", pk=pk)
        try:
            ps.submit_amendment_online(
                req, form.cleaned_data.get("text", ""), form.cleaned_data.get("files")
            )
        except ValidationError as e:
            release_token(form.token_data)
            for m in e.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("补正材料已提交，本机关确认收到后将重新计算答复期限"))
            return redirect("inforequests_public:track_case", pk=pk)
    token = form.fresh_token()
    ctx = _case_context(request, req, amend_form=form, token=token)
    return render(request, "inforequests/portal/track_case.html", ctx, status=400)


def _reply_files(req):
    """Files sent with a reply (the information disclosed): the applicant's to download.
    Internal notes, incoming files and consultation answers are never offered."""
    return Attachment.objects.filter(
        request=req, direction=Attachment.Direction.OUT, event__kind="replied"
    ).order_by("pk")


@never_cache
def track_file(request, pk: int, file_id: int):
    if not _granted(request, pk):
        return redirect(reverse("inforequests_public:track"))
    req = get_object_or_404(InfoRequest, pk=pk)
    a = get_object_or_404(_reply_files(req), pk=file_id)
    resp = FileResponse(a.file.open("rb"), as_attachment=True, filename=a.name)
    resp["Cache-Control"] = "private, no-store"
    return resp


# ---------------------------------------------------------------------------- letters

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@never_cache
def letter_download(request, pk: int, fmt: str):
    """A letter as PDF or DOCX: for the applicant (granted session, letters addressed to them)
    or for staff who may view the case. Everyone else gets 404/403 without learning more."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    letter = get_object_or_404(Letter.objects.select_related("request__agency"), pk=pk)
    applicant_ok = (
        _granted(request, letter.request_id) and letter.public and letter.kind in APPLICANT_KINDS
    )
    staff_ok = request.user.is_authenticated and can(request.user, Action.VIEW, letter.request)
    if not (applicant_ok or staff_ok):
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect(reverse("inforequests_public:track"))
    f = getattr(letter, fmt)
    if not f:
        raise Http404
    name = f"{letter.number or letter.pk}-{letter.title or letter.kind}.{fmt}"
    resp = FileResponse(f.open("rb"), as_attachment=True, filename=name)
    resp["Content-Type"] = CONTENT_TYPES[fmt]
    resp["Cache-Control"] = "private, no-store"
    return resp


# ---------------------------------------------------------------------------- deadline calculator

MAX_EVENT_ROWS = 8


def _calendar():
    from gongkai.workcalendar.services import calendar_for

    return calendar_for("")


def compute_state_from_strings(received: str, events: list[str], as_of: str | None):
    """Like deadlines.compute_from_cli_args, but returns the ClockState (national calendar)."""
    return deadlines.compute_clock(
        deadlines._parse_date(received, "收到申请之日"),
        [deadlines.parse_event(e) for e in events],
        deadlines._parse_date(as_of, "计算日期") if as_of else None,
        calendar=_calendar(),
    )


def deadline_calculator(request):
    """答复期限计算器: the same clock the agencies use (gongkai.rules.deadlines)."""
    g = request.GET
    received = (g.get("received") or "").strip()
    as_of = (g.get("as_of") or "").strip() or None
    rows = []
    events = []
    for i in range(MAX_EVENT_ROWS):
        kind = (g.get(f"kind{i}") or "").strip()
        on = (g.get(f"on{i}") or "").strip()
        extra = (g.get(f"extra{i}") or "").strip()
        rows.append({"i": i, "kind": kind, "on": on, "extra": extra})
        if kind and on:
            events.append(f"{kind}:{on}" + (f":{extra}" if extra else ""))
        elif kind or on or extra:
            rows[-1]["error"] = _("请同时选择事件类型和日期")
    # Show a few empty rows, more once they are used.
    used = max([r["i"] for r in rows if r["kind"] or r["on"]] + [-1])
    rows = rows[: max(3, min(MAX_EVENT_ROWS, used + 2))]
    result = error = None
    if received:
        if any(r.get("error") for r in rows):
            error = _("计时事件填写不完整")
        else:
            try:
                state = compute_state_from_strings(received, events, as_of)
                result = state.to_dict()
                result["words"] = clock_words(state)
            except deadlines.ClockError as e:
                error = localize(e.as_notice())
    return render(
        request,
        "inforequests/deadline_calculator.html",
        {
            "received": received,
            "as_of": as_of or "",
            "rows": rows,
            "kinds": [(k, _(deadlines.KIND_LABELS[k])) for k in deadlines.EVENT_KINDS],
            "result": result,
            "error": error,
        },
        status=400 if error else 200,
    )
